//! The words of `huella eval` (the fingerprint evaluation tables), in both languages.
//! Wording only: the protocol and its figures are `matching::eval`'s. The metric names
//! (EER, FMR100, FMR1000, ZeroFMR, FTE) are the literature's and read the same in both.

use super::{Lang, lang};

/// The words of the evaluation tables and their failures.
#[derive(Debug, Clone, Copy)]
pub struct EvalWords {
    /// "images" before the image count.
    pub images: &'static str,
    /// The failure-to-enrol label.
    pub fte: &'static str,
    /// Heading of the extended-protocol column.
    pub extended: &'static str,
    /// The rank-1 identification rate label.
    pub rank1: &'static str,
    /// Extraction time per image.
    pub extraction: &'static str,
    /// "per image".
    pub per_image: &'static str,
    /// Comparisons per second label.
    pub comparisons: &'static str,
    /// "per second".
    pub per_second: &'static str,
    /// Heading of the set column of the several-sets table.
    pub set: &'static str,
    /// Short rank-1 heading of the several-sets table.
    pub rank1_short: &'static str,
    /// Short comparisons-per-second heading.
    pub comparisons_short: &'static str,
    /// The last row of the several-sets table.
    pub mean: &'static str,
    /// A set that could not be evaluated (followed by its folder).
    pub could_not_evaluate: &'static str,
    /// A folder that could not be read (followed by the folder).
    pub could_not_read: &'static str,
}

const ES: EvalWords = EvalWords {
    images: "imágenes",
    fte: "fallos de enrolamiento (FTE)",
    extended: "extendida",
    rank1: "rango 1",
    extraction: "extracción",
    per_image: "por imagen",
    comparisons: "comparaciones",
    per_second: "por segundo",
    set: "conjunto %",
    rank1_short: "rango 1",
    comparisons_short: "comp/s",
    mean: "media",
    could_not_evaluate: "no se pudo evaluar",
    could_not_read: "no se pudo leer",
};

const EN: EvalWords = EvalWords {
    images: "images",
    fte: "failures to enrol (FTE)",
    extended: "extended",
    rank1: "rank 1",
    extraction: "extraction",
    per_image: "per image",
    comparisons: "comparisons",
    per_second: "per second",
    set: "set %",
    rank1_short: "rank 1",
    comparisons_short: "cmp/s",
    mean: "mean",
    could_not_evaluate: "could not evaluate",
    could_not_read: "could not read",
};

/// The evaluation words in the language of this process.
pub fn words() -> EvalWords {
    match lang() {
        Lang::Es => ES,
        Lang::En => EN,
    }
}

/// Too few impostor pairs to fit a calibration.
pub fn too_few_impostors(n: usize) -> String {
    match lang() {
        Lang::Es => format!("muy pocos pares impostores ({n}) para calibrar"),
        Lang::En => format!("too few impostor pairs ({n}) to calibrate"),
    }
}
