//! RFC (Registro Federal de Contribuyentes): 13 characters for persons, 12 for companies.
//!
//! Layout: 4 letters (3 for companies; `A-Z`, `Ñ`, `&`), date YYMMDD, 2-character homoclave,
//! check character. The date has no century marker: it is accepted if it exists in 19YY or
//! 20YY (so `000229` is accepted, as 2000-02-29).
//!
//! Check character: a company RFC gets a leading space; each of the 12 characters is mapped
//! to its index in [`CHECK_ALPHABET`], the i-th (i = 0..11) is multiplied by 13 − i, and with
//! r = 11 − sum mod 11 the check is `0` for r = 11, `A` for r = 10, else the digit r. The 11
//! possible remainders map to 11 distinct check characters.
//!
//! What the check character cannot see: a substitution at index i changing the value by
//! delta is caught only when (13 − i)·delta ≢ 0 (mod 11). Index 2 has weight 11 ≡ 0, so the
//! third character of a person's RFC (the second of a company's) is never covered; at every
//! other index a substitution is missed exactly when delta is a multiple of 11 (e.g.
//! `A`↔`L`, `0`↔`B`, `1`↔`C`).

use serde::{Deserialize, Serialize};

use super::date::{self, digit};
use super::error::{CharClass, IdKind, IdentifierError, Part};

/// Alphabet of the RFC check character: a character's value is its index.
pub const CHECK_ALPHABET: &str = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ";

/// Length of a person's (persona física) RFC.
pub const LEN_PERSON: usize = 13;
/// Length of a company's (persona moral) RFC.
pub const LEN_COMPANY: usize = 12;

/// Value of a character in [`CHECK_ALPHABET`].
fn value(c: char) -> Option<u32> {
    CHECK_ALPHABET
        .chars()
        .position(|a| a == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// Weight of the character at index `i` (0..12) of the space-padded 12-character prefix.
pub const fn weight(i: usize) -> u32 {
    (LEN_PERSON - i) as u32
}

/// Check character of an RFC without its last character (12 chars, or 11 for a company).
pub fn check_digit(without_check: &str) -> Option<char> {
    let mut padded: Vec<char> = without_check.chars().collect();
    if padded.len() == LEN_COMPANY - 1 {
        padded.insert(0, ' ');
    }
    if padded.len() != LEN_PERSON - 1 {
        return None;
    }
    let mut sum = 0u32;
    for (i, c) in padded.into_iter().enumerate() {
        sum += value(c)? * weight(i);
    }
    match 11 - sum % 11 {
        11 => Some('0'),
        10 => Some('A'),
        r => char::from_digit(r, 10),
    }
}

/// A validated RFC (trimmed, uppercase), of a person (13 chars) or a company (12 chars).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Rfc(pub(super) String);

identifier_newtype!(Rfc);

impl Rfc {
    /// Trims, uppercases and validates an RFC, reporting the first wrong part.
    pub fn parse(input: &str) -> Result<Rfc, IdentifierError> {
        const KIND: IdKind = IdKind::Rfc;
        let s = input.trim().to_uppercase();
        let c: Vec<char> = s.chars().collect();
        if c.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        if c.len() != LEN_PERSON && c.len() != LEN_COMPANY {
            return Err(IdentifierError::Length {
                kind: KIND,
                expected: "12 o 13",
                found: c.len(),
            });
        }
        let n = c.len() - 9; // letters: 4 for persons, 3 for companies
        let class_at = |i: usize| -> (Part, CharClass) {
            if i < n {
                (Part::Initials, CharClass::RfcLetters)
            } else if i < n + 6 {
                (Part::Date, CharClass::Digits)
            } else if i < n + 8 {
                (Part::Homoclave, CharClass::Alphanumeric)
            } else {
                (Part::CheckDigit, CharClass::DigitOrA)
            }
        };
        for (i, ch) in c.iter().enumerate() {
            let (part, class) = class_at(i);
            if !class.admits(*ch) {
                return Err(IdentifierError::InvalidChar {
                    kind: KIND,
                    part,
                    position: i + 1,
                    expected: class,
                    found: *ch,
                });
            }
        }
        let d: Vec<char> = c.iter().skip(n).take(6).copied().collect();
        let at = |i: usize| d.get(i).copied().map_or(0, digit);
        let two = |i: usize| at(i) * 10 + at(i + 1);
        let (yy, m, dd) = (i64::from(two(0)), two(2), two(4));
        if !date::is_valid(1900 + yy, m, dd) && !date::is_valid(2000 + yy, m, dd) {
            return Err(IdentifierError::InvalidDate {
                kind: KIND,
                digits: d.iter().collect(),
            });
        }
        let found = c.last().copied().unwrap_or_default();
        let body: String = c.iter().take(c.len() - 1).collect();
        if let Some(expected) = check_digit(&body)
            && expected != found
        {
            return Err(IdentifierError::CheckDigit {
                kind: KIND,
                expected,
                found,
            });
        }
        Ok(Rfc(s))
    }

    /// Whether this is a company's RFC (persona moral, 12 characters).
    pub fn is_company(&self) -> bool {
        self.0.chars().count() == LEN_COMPANY
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn complete(body: &str) -> String {
        let d = check_digit(body).expect("valid body");
        format!("{body}{d}")
    }

    #[test]
    fn published_examples() {
        // SAT's worked example (Emilio Gómez Díaz), also accepted by python-stdnum.
        assert_eq!(check_digit("GODE561231GR"), Some('8'));
        let r = Rfc::parse("gode561231gr8").expect("valid");
        assert_eq!(r.as_str(), "GODE561231GR8");
        assert!(!r.is_company());
        // python-stdnum issue #32 claims `MAHM670102NJA`; the maintainer kept the rule used
        // here (r = 11 − sum mod 11, r = 10 → 'A'), under which that body gives '1'.
        assert_eq!(check_digit("MAHM670102NJ"), Some('1'));
        assert!(Rfc::parse("MAHM670102NJ1").is_ok());
        // sum mod 11 = 1 → r = 10 → 'A' (GODE561231 + homoclave chosen by the rule).
        let body = ["GODE561231G"]
            .iter()
            .flat_map(|p| ('0'..='9').chain('A'..='Z').map(move |h| format!("{p}{h}")))
            .find(|b| check_digit(b) == Some('A'))
            .expect("some homoclave gives A");
        assert!(Rfc::parse(&format!("{body}A")).is_ok());
        assert_eq!(
            Rfc::parse(&format!("{body}0"))
                .expect_err("wrong")
                .to_string(),
            "RFC: el dígito verificador debería ser A"
        );
    }

    #[test]
    fn computed_examples() {
        let company = complete("ABC000229XY");
        let r = Rfc::parse(&company).expect("valid company");
        assert!(r.is_company());
        assert!(Rfc::parse(&complete("ÑA&E990101A1")).is_ok());
    }

    #[test]
    fn error_messages() {
        let cases: Vec<(String, &str)> = vec![
            (
                "GODE561231GR9".into(),
                "RFC: el dígito verificador debería ser 8",
            ),
            (
                "GODE561231G".into(),
                "RFC: debe tener 12 o 13 caracteres (tiene 11)",
            ),
            ("".into(), "RFC: está vacío"),
            (
                "G0DE561231GR8".into(),
                "RFC: el bloque de iniciales solo puede contener letras A-Z, Ñ o & (posición 2: \"0\")",
            ),
            (
                "GODE5612E1GR8".into(),
                "RFC: la fecha solo puede contener dígitos (posición 9: \"E\")",
            ),
            (
                "GODE561231G-8".into(),
                "RFC: la homoclave solo puede contener letras A-Z y dígitos (posición 12: \"-\")",
            ),
            (
                "GODE561231GRB".into(),
                "RFC: el dígito verificador solo puede contener un dígito o la letra A (posición 13: \"B\")",
            ),
            (complete("GODE990231GR"), "RFC: la fecha 990231 no existe"),
            (complete("GODE010229GR"), "RFC: la fecha 010229 no existe"),
        ];
        for (input, msg) in cases {
            assert_eq!(
                Rfc::parse(&input).expect_err(&input).to_string(),
                msg,
                "{input}"
            );
        }
        assert_eq!(check_digit("GODE561231"), None);
        assert_eq!(check_digit("GODE561231G*"), None);
    }

    fn valid_rfc() -> impl Strategy<Value = String> {
        (prop::bool::ANY, "[A-ZÑ&]{4}", 0i64..40_000, "[A-Z0-9]{2}").prop_map(
            |(company, letters, day, homo)| {
                let (y, m, d) = date::civil_from_days(day - 20_000);
                let letters: String = letters.chars().take(if company { 3 } else { 4 }).collect();
                complete(&format!("{letters}{:02}{m:02}{d:02}{homo}", y % 100))
            },
        )
    }

    proptest! {
        #[test]
        fn valid_parse(s in valid_rfc()) {
            let r = Rfc::parse(&s).expect("valid");
            prop_assert_eq!(r.as_str(), s.as_str());
        }

        /// Substitutions the mod-11 arithmetic sees are rejected; the blind ones (weight 11,
        /// or delta a multiple of 11) are never reported as a check-character error.
        #[test]
        fn single_substitutions(s in valid_rfc()) {
            let orig: Vec<char> = s.chars().collect();
            let pad = LEN_PERSON - orig.len(); // 1 for companies
            for i in 0..orig.len() {
                for r in CHECK_ALPHABET.chars() {
                    if r == orig[i] {
                        continue;
                    }
                    let mut v = orig.clone();
                    v[i] = r;
                    let m: String = v.into_iter().collect();
                    let res = Rfc::parse(&m);
                    if i == orig.len() - 1 {
                        prop_assert!(res.is_err(), "{}", m);
                        continue;
                    }
                    let a = value(orig[i]).expect("alphabet");
                    let b = value(r).expect("alphabet");
                    let delta = (b + 44 - a) % 11;
                    let caught = !(weight(i + pad) * delta).is_multiple_of(11);
                    if caught {
                        prop_assert!(res.is_err(), "{} should be rejected", m);
                    } else if let Err(e) = res {
                        let is_check = matches!(e, IdentifierError::CheckDigit { .. });
                        prop_assert!(!is_check, "{}: {}", m, e);
                    }
                }
            }
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = Rfc::parse(&s);
            let _ = check_digit(&s);
        }

        #[test]
        fn never_panics_near_misses(s in "[A-Z0-9Ñ& ]{10,14}") {
            let _ = Rfc::parse(&s);
            let _ = check_digit(&s);
        }
    }
}
