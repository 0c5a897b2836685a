//! CURP (Clave Única de Registro de Población), 18 characters.
//!
//! Layout (1-based positions): 1-4 letters from the names, 5-10 birth date YYMMDD, 11 sex
//! (`H`, `M`, `X`), 12-13 state of birth, 14-16 internal consonants, 17 disambiguation
//! character (digit for births before 2000, letter from 2000), 18 check digit.
//!
//! Check digit: each of the first 17 characters is mapped to its index in
//! [`CHECK_ALPHABET`], the i-th (i = 0..16) is multiplied by 18 − i, and the digit is
//! (10 − sum mod 10) mod 10.
//!
//! What the check digit cannot see: changing the character at index i by a value delta is
//! caught only when (18 − i)·delta ≢ 0 (mod 10). Index 8 (the tens of the day, weight 10) is
//! never covered; indexes with an even weight miss deltas that are multiples of 5; indexes 3
//! and 13 (weights 15 and 5) miss even deltas; indexes with odd weights other than 5 and 15
//! (1, 5, 7, 9, 11, 15) catch every substitution. Some of those blind substitutions are still
//! rejected by the structural rules (date, state, character classes).

use serde::{Deserialize, Serialize};

use super::date::{self, digit};
use super::error::{CharClass, IdKind, IdentifierError, Part};

/// Alphabet of the CURP check digit: a character's value is its index.
pub const CHECK_ALPHABET: &str = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ";

/// State-of-birth codes admitted in positions 12-13 (`NE` = born abroad).
pub const STATE_CODES: [&str; 33] = [
    "AS", "BC", "BS", "CC", "CL", "CM", "CS", "CH", "DF", "DG", "GT", "GR", "HG", "JC", "MC", "MN",
    "MS", "NT", "NL", "OC", "PL", "QT", "QR", "SP", "SL", "SR", "TC", "TS", "TL", "VZ", "YN", "ZS",
    "NE",
];

/// Number of characters of a CURP.
pub const LEN: usize = 18;

/// Part and admitted class of each position (the sex is checked as a code, not as a class).
const LAYOUT: [Option<(Part, CharClass)>; LEN] = {
    const INI: Option<(Part, CharClass)> = Some((Part::Initials, CharClass::Letters));
    const DATE: Option<(Part, CharClass)> = Some((Part::Date, CharClass::Digits));
    const STATE: Option<(Part, CharClass)> = Some((Part::State, CharClass::Letters));
    const CONS: Option<(Part, CharClass)> = Some((Part::Consonants, CharClass::Consonants));
    const HOMO: Option<(Part, CharClass)> = Some((Part::Homonimia, CharClass::Alphanumeric));
    const CHECK: Option<(Part, CharClass)> = Some((Part::CheckDigit, CharClass::Digits));
    [
        INI, INI, INI, INI, DATE, DATE, DATE, DATE, DATE, DATE, None, STATE, STATE, CONS, CONS,
        CONS, HOMO, CHECK,
    ]
};

/// Sex recorded in a CURP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// `H` (hombre).
    #[serde(rename = "H")]
    Hombre,
    /// `M` (mujer).
    #[serde(rename = "M")]
    Mujer,
    /// `X` (no binario).
    #[serde(rename = "X")]
    NoBinario,
}

impl Sex {
    /// The sex from its CURP letter (`H`, `M` or `X`).
    pub fn from_char(c: char) -> Option<Sex> {
        match c {
            'H' => Some(Sex::Hombre),
            'M' => Some(Sex::Mujer),
            'X' => Some(Sex::NoBinario),
            _ => None,
        }
    }

    /// The CURP letter of the sex.
    pub const fn as_char(self) -> char {
        match self {
            Sex::Hombre => 'H',
            Sex::Mujer => 'M',
            Sex::NoBinario => 'X',
        }
    }
}

/// Value of a character in [`CHECK_ALPHABET`].
fn value(c: char) -> Option<u32> {
    CHECK_ALPHABET
        .chars()
        .position(|a| a == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// Weight of the character at index `i` (0..17) in the check-digit sum.
pub const fn weight(i: usize) -> u32 {
    (LEN - i) as u32
}

/// Check digit of the first 17 characters of a CURP; `None` unless exactly 17 alphabet chars.
pub fn check_digit(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut n = 0usize;
    for (i, c) in first17.chars().enumerate() {
        if i >= LEN - 1 {
            return None;
        }
        sum += value(c)? * weight(i);
        n += 1;
    }
    if n != LEN - 1 {
        return None;
    }
    char::from_digit((10 - sum % 10) % 10, 10)
}

/// A validated CURP (trimmed, uppercase).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Curp(pub(super) String);

identifier_newtype!(Curp);

impl Curp {
    /// Trims, uppercases and validates a CURP, reporting the first wrong part.
    pub fn parse(input: &str) -> Result<Curp, IdentifierError> {
        const KIND: IdKind = IdKind::Curp;
        let s = input.trim().to_uppercase();
        let chars: Vec<char> = s.chars().collect();
        if chars.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        let found = chars.len();
        let c: [char; LEN] = chars.try_into().map_err(|_| IdentifierError::Length {
            kind: KIND,
            expected: "18",
            found,
        })?;
        for (i, (ch, layout)) in c.iter().zip(LAYOUT).enumerate() {
            if let Some((part, class)) = layout
                && !class.admits(*ch)
            {
                return Err(IdentifierError::InvalidChar {
                    kind: KIND,
                    part,
                    position: i + 1,
                    expected: class,
                    found: *ch,
                });
            }
        }
        let (y, m, d) = date_of(&c);
        if !date::is_valid(i64::from(y), m, d) {
            return Err(IdentifierError::InvalidDate {
                kind: KIND,
                digits: c[4..10].iter().collect(),
            });
        }
        if Sex::from_char(c[10]).is_none() {
            return Err(IdentifierError::InvalidSex {
                kind: KIND,
                found: c[10],
            });
        }
        let state: String = c[11..13].iter().collect();
        if !STATE_CODES.contains(&state.as_str()) {
            return Err(IdentifierError::InvalidState {
                kind: KIND,
                found: state,
            });
        }
        let first17: String = c[..LEN - 1].iter().collect();
        if let Some(expected) = check_digit(&first17)
            && expected != c[LEN - 1]
        {
            return Err(IdentifierError::CheckDigit {
                kind: KIND,
                expected,
                found: c[LEN - 1],
            });
        }
        Ok(Curp(s))
    }

    /// Birth date `(year, month, day)`; a digit in position 17 means 19YY, a letter 20YY.
    pub fn birth_date(&self) -> (u16, u8, u8) {
        let chars: Vec<char> = self.0.chars().collect();
        match <[char; LEN]>::try_from(chars) {
            Ok(c) => {
                let (y, m, d) = date_of(&c);
                (
                    y,
                    u8::try_from(m).unwrap_or(0),
                    u8::try_from(d).unwrap_or(0),
                )
            }
            Err(_) => (0, 0, 0),
        }
    }

    /// Sex recorded in position 11.
    pub fn sex(&self) -> Sex {
        self.0
            .chars()
            .nth(10)
            .and_then(Sex::from_char)
            .unwrap_or(Sex::NoBinario)
    }

    /// Two-letter state-of-birth code (one of [`STATE_CODES`]).
    pub fn state(&self) -> &str {
        self.0.get(11..13).unwrap_or("")
    }

    /// The four letters taken from the names (positions 1-4).
    pub fn initials(&self) -> &str {
        self.0.get(0..4).unwrap_or("")
    }
}

/// Date encoded in positions 5-10, with the century from position 17.
fn date_of(c: &[char; LEN]) -> (u16, u32, u32) {
    let at = |i: usize| c.get(i).copied().map_or(0, digit);
    let two = |i: usize| at(i) * 10 + at(i + 1);
    let century: u16 = if c[16].is_ascii_digit() { 1900 } else { 2000 };
    // `two` is at most 99, so the conversion cannot fail.
    let yy = u16::try_from(two(4)).unwrap_or(0);
    (century + yy, two(6), two(8))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Builds a CURP from its first 17 characters by appending the computed check digit.
    fn complete(first17: &str) -> String {
        let d = check_digit(first17).expect("17 alphabet chars");
        format!("{first17}{d}")
    }

    #[test]
    fn published_example_is_valid() {
        // Example used in RENAPO's public CURP instructions (Gloria Hernández García).
        let c = Curp::parse("HEGG560427MVZRRL04").expect("valid");
        assert_eq!(c.birth_date(), (1956, 4, 27));
        assert_eq!(c.sex(), Sex::Mujer);
        assert_eq!(c.state(), "VZ");
        assert_eq!(c.initials(), "HEGG");
        assert_eq!(check_digit("HEGG560427MVZRRL0"), Some('4'));
    }

    #[test]
    fn computed_examples() {
        // 2000 is a leap year: 29 Feb 2000 needs a letter in position 17.
        let c = Curp::parse(&complete("GOMA000229HDFNRNA")).expect("valid");
        assert_eq!(c.birth_date(), (2000, 2, 29));
        assert_eq!(c.sex(), Sex::Hombre);
        let x = Curp::parse(&complete("LOPX991231XNEPPP9")).expect("valid");
        assert_eq!(x.sex(), Sex::NoBinario);
        assert_eq!(x.birth_date(), (1999, 12, 31));
        assert_eq!(x.state(), "NE");
        // Input is trimmed and uppercased.
        let lower = complete("HEGG560427MVZRRL0").to_lowercase();
        assert_eq!(
            Curp::parse(&format!("  {lower}\n"))
                .expect("valid")
                .as_str(),
            "HEGG560427MVZRRL04"
        );
    }

    #[test]
    fn error_messages() {
        let cases: Vec<(String, &str)> = vec![
            (
                "HEGG560427MVZRRL07".into(),
                "CURP: el dígito verificador debería ser 4",
            ),
            (
                complete("HEGG990231MVZRRL0"),
                "CURP: la fecha de nacimiento 990231 no existe",
            ),
            // 1900 is not a leap year: 000229 with a digit (19th century) does not exist.
            (
                complete("HEGG000229MVZRRL0"),
                "CURP: la fecha de nacimiento 000229 no existe",
            ),
            (
                complete("HEGG561327MVZRRL0"),
                "CURP: la fecha de nacimiento 561327 no existe",
            ),
            (
                complete("HEGG560427ZVZRRL0"),
                "CURP: el sexo debe ser H, M o X (se encontró Z)",
            ),
            (
                complete("HEGG560427MQQRRL0"),
                "CURP: la entidad \"QQ\" no es un código de estado válido",
            ),
            (
                "HEGG560427MVZRRL0".into(),
                "CURP: debe tener 18 caracteres (tiene 17)",
            ),
            (
                "HEGG560427MVZRRL045".into(),
                "CURP: debe tener 18 caracteres (tiene 19)",
            ),
            ("   ".into(), "CURP: está vacío"),
            (
                "H1GG560427MVZRRL04".into(),
                "CURP: el bloque de iniciales solo puede contener letras A-Z (posición 2: \"1\")",
            ),
            (
                "HÑGG560427MVZRRL04".into(),
                "CURP: el bloque de iniciales solo puede contener letras A-Z (posición 2: \"Ñ\")",
            ),
            (
                "HEGG56O427MVZRRL04".into(),
                "CURP: la fecha solo puede contener dígitos (posición 7: \"O\")",
            ),
            (
                "HEGG560427MV1RRL04".into(),
                "CURP: la entidad solo puede contener letras A-Z (posición 13: \"1\")",
            ),
            (
                "HEGG560427MVZRAL04".into(),
                "CURP: el bloque de consonantes internas solo puede contener consonantes A-Z (posición 15: \"A\")",
            ),
            (
                "HEGG560427MVZRRL-4".into(),
                "CURP: el carácter de homonimia solo puede contener letras A-Z y dígitos (posición 17: \"-\")",
            ),
            (
                "HEGG560427MVZRRL0X".into(),
                "CURP: el dígito verificador solo puede contener dígitos (posición 18: \"X\")",
            ),
            // Order: a bad date is reported before a bad sex.
            (
                "HEGG991331ZVZRRLA4".into(),
                "CURP: la fecha de nacimiento 991331 no existe",
            ),
        ];
        for (input, msg) in cases {
            let err = Curp::parse(&input).expect_err(&input);
            assert_eq!(err.to_string(), msg, "input {input}");
        }
    }

    #[test]
    fn check_digit_rejects_bad_input() {
        assert_eq!(check_digit("HEGG560427MVZRRL"), None);
        assert_eq!(check_digit("HEGG560427MVZRRL04"), None);
        assert_eq!(check_digit("HEGG560427MVZRRL*"), None);
        assert_eq!(
            check_digit("ÑEGG560427MVZRRL0").map(|c| c.is_ascii_digit()),
            Some(true)
        );
    }

    #[test]
    fn serde_round_trip() {
        let c = Curp::parse("HEGG560427MVZRRL04").expect("valid");
        let json = serde_json_like(&c);
        assert_eq!(json, "HEGG560427MVZRRL04");
        let back: Curp = Curp::try_from(json).expect("valid");
        assert_eq!(back, c);
    }

    /// Serializes through serde's `into = "String"` path without a JSON dependency.
    fn serde_json_like(c: &Curp) -> String {
        String::from(c.clone())
    }

    const CONSONANTS: &str = "BCDFGHJKLMNPQRSTVWXYZ";

    /// Strategy for a random valid CURP built from valid components.
    pub(crate) fn valid_curp() -> impl Strategy<Value = String> {
        (
            "[A-Z]{4}",
            0i64..40_000,
            prop::sample::select(vec!['H', 'M', 'X']),
            prop::sample::select(STATE_CODES.to_vec()),
            proptest::collection::vec(
                prop::sample::select(CONSONANTS.chars().collect::<Vec<_>>()),
                3,
            ),
            0u32..36,
        )
            .prop_map(|(ini, day, sex, state, cons, dis)| {
                let (y, m, d) = date::civil_from_days(day - 20_000);
                let dis = if y < 2000 {
                    char::from_digit(dis % 10, 10).unwrap_or('0')
                } else {
                    char::from(b'A' + u8::try_from(dis % 26).unwrap_or(0))
                };
                let cons: String = cons.into_iter().collect();
                complete(&format!(
                    "{ini}{:02}{m:02}{d:02}{sex}{state}{cons}{dis}",
                    y % 100
                ))
            })
    }

    proptest! {
        #[test]
        fn valid_components_parse(s in valid_curp()) {
            let c = Curp::parse(&s).expect("valid");
            prop_assert_eq!(c.as_str(), s.as_str());
        }

        /// Every substitution the mod-10 arithmetic can see is rejected; the others, when
        /// rejected, are rejected for a structural reason, never for the check digit.
        #[test]
        fn single_substitutions(s in valid_curp()) {
            let orig: Vec<char> = s.chars().collect();
            for i in 0..LEN {
                for r in CHECK_ALPHABET.chars() {
                    if r == orig[i] {
                        continue;
                    }
                    let mut v = orig.clone();
                    v[i] = r;
                    let mutated: String = v.into_iter().collect();
                    let res = Curp::parse(&mutated);
                    if i == LEN - 1 {
                        prop_assert!(res.is_err(), "{}", mutated);
                        continue;
                    }
                    let a = value(orig[i]).expect("alphabet");
                    let b = value(r).expect("alphabet");
                    let delta = (b + 40 - a) % 10;
                    let caught = !(weight(i) * delta).is_multiple_of(10);
                    if caught {
                        prop_assert!(res.is_err(), "{} should be rejected", mutated);
                    } else if let Err(e) = res {
                        let is_check = matches!(e, IdentifierError::CheckDigit { .. });
                        prop_assert!(!is_check, "{}: {}", mutated, e);
                    }
                }
            }
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            if let Ok(c) = Curp::parse(&s) {
                let _ = (c.birth_date(), c.sex(), c.state());
            }
        }

        #[test]
        fn never_panics_near_misses(s in "[A-Z0-9ÑñÁé \\-]{16,20}") {
            let _ = Curp::parse(&s);
            let _ = check_digit(&s);
        }
    }
}
