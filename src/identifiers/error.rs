//! The error type shared by all identifier parsers, with Spanish messages.

use std::fmt;

/// Which identifier (or field) an error is about; displayed as its Spanish label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// Clave Única de Registro de Población.
    Curp,
    /// Número de Seguridad Social.
    Nss,
    /// Registro Federal de Contribuyentes.
    Rfc,
    /// Registro patronal (employer registration).
    RegistroPatronal,
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdKind::Curp => "CURP",
            IdKind::Nss => "NSS",
            IdKind::Rfc => "RFC",
            IdKind::RegistroPatronal => "Registro patronal",
        })
    }
}

/// The part of an identifier that holds a wrong character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The identifier as a whole (NSS, registro patronal).
    Whole,
    /// The leading letters taken from the names.
    Initials,
    /// The YYMMDD date.
    Date,
    /// The two-letter state of birth (CURP).
    State,
    /// The three internal consonants (CURP).
    Consonants,
    /// The disambiguation character (CURP position 17).
    Homonimia,
    /// The two-character homoclave (RFC).
    Homoclave,
    /// The final check character.
    CheckDigit,
}

impl Part {
    /// Spanish noun phrase for the part, followed by a space (empty for [`Part::Whole`]).
    fn prefix(self) -> &'static str {
        match self {
            Part::Whole => "",
            Part::Initials => "el bloque de iniciales ",
            Part::Date => "la fecha ",
            Part::State => "la entidad ",
            Part::Consonants => "el bloque de consonantes internas ",
            Part::Homonimia => "el carácter de homonimia ",
            Part::Homoclave => "la homoclave ",
            Part::CheckDigit => "el dígito verificador ",
        }
    }
}

/// The class of characters a part admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CharClass {
    /// ASCII digits `0-9`.
    Digits,
    /// Uppercase letters `A-Z` (no `Ñ`).
    Letters,
    /// Letters admitted by the RFC name block: `A-Z`, `Ñ` and `&`.
    RfcLetters,
    /// Letters `A-Z` that are not vowels.
    Consonants,
    /// `A-Z` or `0-9`.
    Alphanumeric,
    /// A digit or the letter `A` (RFC check character).
    DigitOrA,
}

impl CharClass {
    /// Whether `c` belongs to the class.
    pub fn admits(self, c: char) -> bool {
        match self {
            CharClass::Digits => c.is_ascii_digit(),
            CharClass::Letters => c.is_ascii_uppercase(),
            CharClass::RfcLetters => c.is_ascii_uppercase() || c == 'Ñ' || c == '&',
            CharClass::Consonants => {
                c.is_ascii_uppercase() && !matches!(c, 'A' | 'E' | 'I' | 'O' | 'U')
            }
            CharClass::Alphanumeric => c.is_ascii_uppercase() || c.is_ascii_digit(),
            CharClass::DigitOrA => c.is_ascii_digit() || c == 'A',
        }
    }
}

impl fmt::Display for CharClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CharClass::Digits => "dígitos",
            CharClass::Letters => "letras A-Z",
            CharClass::RfcLetters => "letras A-Z, Ñ o &",
            CharClass::Consonants => "consonantes A-Z",
            CharClass::Alphanumeric => "letras A-Z y dígitos",
            CharClass::DigitOrA => "un dígito o la letra A",
        })
    }
}

/// Why an identifier or date was rejected; `Display` is a one-line Spanish explanation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    /// Nothing left after trimming.
    #[error("{kind}: está vacío")]
    Empty {
        /// Identifier concerned.
        kind: IdKind,
    },
    /// Wrong number of characters (counted as Unicode scalar values after trimming).
    #[error("{kind}: debe tener {expected} caracteres (tiene {found})")]
    Length {
        /// Identifier concerned.
        kind: IdKind,
        /// Accepted length(s), e.g. `"18"` or `"12 o 13"`.
        expected: &'static str,
        /// Length found.
        found: usize,
    },
    /// A character outside the class its part admits.
    #[error("{kind}: {}solo puede contener {expected} (posición {position}: \"{}\")", part_prefix(.part), escape(.found))]
    InvalidChar {
        /// Identifier concerned.
        kind: IdKind,
        /// Part holding the character.
        part: Part,
        /// 1-based position of the character in the normalised identifier.
        position: usize,
        /// Class the part admits.
        expected: CharClass,
        /// Character found.
        found: char,
    },
    /// The embedded YYMMDD date does not exist.
    #[error("{kind}: {} {digits} no existe", date_label(.kind))]
    InvalidDate {
        /// Identifier concerned.
        kind: IdKind,
        /// The six date digits as found.
        digits: String,
    },
    /// The CURP sex is not H, M or X.
    #[error("{kind}: el sexo debe ser H, M o X (se encontró {})", escape(.found))]
    InvalidSex {
        /// Identifier concerned.
        kind: IdKind,
        /// Character found.
        found: char,
    },
    /// The CURP state of birth is not in the list of state codes.
    #[error("{kind}: la entidad \"{found}\" no es un código de estado válido")]
    InvalidState {
        /// Identifier concerned.
        kind: IdKind,
        /// The two letters found.
        found: String,
    },
    /// The check character does not match the one computed from the rest.
    #[error("{kind}: el dígito verificador debería ser {expected}")]
    CheckDigit {
        /// Identifier concerned.
        kind: IdKind,
        /// Check character computed from the other characters.
        expected: char,
        /// Check character found.
        found: char,
    },
    /// A date field is not written `AAAA-MM-DD`.
    #[error("la fecha \"{found}\" debe tener el formato AAAA-MM-DD")]
    DateFormat {
        /// The (trimmed, possibly shortened) text found.
        found: String,
    },
    /// A well-formed `AAAA-MM-DD` date that is not in the calendar.
    #[error("la fecha {found} no existe")]
    NonexistentDate {
        /// The date as written.
        found: String,
    },
}

impl IdentifierError {
    /// The identifier the error is about, if it is about one (not a bare date).
    pub fn kind(&self) -> Option<IdKind> {
        match self {
            IdentifierError::Empty { kind }
            | IdentifierError::Length { kind, .. }
            | IdentifierError::InvalidChar { kind, .. }
            | IdentifierError::InvalidDate { kind, .. }
            | IdentifierError::InvalidSex { kind, .. }
            | IdentifierError::InvalidState { kind, .. }
            | IdentifierError::CheckDigit { kind, .. } => Some(*kind),
            IdentifierError::DateFormat { .. } | IdentifierError::NonexistentDate { .. } => None,
        }
    }
}

fn part_prefix(part: &Part) -> &'static str {
    part.prefix()
}

fn escape(c: &char) -> String {
    c.escape_debug().collect()
}

fn date_label(kind: &IdKind) -> &'static str {
    match kind {
        IdKind::Curp => "la fecha de nacimiento",
        _ => "la fecha",
    }
}

/// Shortens user text quoted inside an error so a huge input cannot make a huge message.
pub(super) fn shorten(s: &str) -> String {
    const MAX: usize = 32;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}
