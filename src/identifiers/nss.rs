//! NSS (Número de Seguridad Social), 11 digits.
//!
//! Layout: office of first registration (2), year of registration (2), birth year (2),
//! sequence (4), check digit. The check digit is Luhn (mod 10) over the first 10 digits:
//! digits at odd indexes (0-based, i.e. weights 1,2,1,2,… from the left) are doubled, the
//! digits of the products are summed, and the check is (10 − sum mod 10) mod 10. Because
//! doubling-and-summing is a permutation of 0-9, every single-digit substitution is caught.

use serde::{Deserialize, Serialize};

use super::date::digit;
use super::error::{CharClass, IdKind, IdentifierError, Part};

/// Number of digits of an NSS.
pub const LEN: usize = 11;

/// Luhn check digit of the first 10 digits of an NSS; `None` unless exactly 10 ASCII digits.
pub fn check_digit(first10: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut n = 0usize;
    for (i, c) in first10.chars().enumerate() {
        if i >= LEN - 1 || !c.is_ascii_digit() {
            return None;
        }
        let d = digit(c);
        sum += if i % 2 == 1 {
            (d * 2) / 10 + (d * 2) % 10
        } else {
            d
        };
        n += 1;
    }
    if n != LEN - 1 {
        return None;
    }
    char::from_digit((10 - sum % 10) % 10, 10)
}

/// A validated NSS (trimmed, 11 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Nss(pub(super) String);

identifier_newtype!(Nss);

impl Nss {
    /// Trims and validates an NSS: 11 digits whose last one is the Luhn check digit.
    pub fn parse(input: &str) -> Result<Nss, IdentifierError> {
        const KIND: IdKind = IdKind::Nss;
        let s = input.trim().to_uppercase();
        let chars: Vec<char> = s.chars().collect();
        if chars.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        if chars.len() != LEN {
            return Err(IdentifierError::Length {
                kind: KIND,
                expected: "11",
                found: chars.len(),
            });
        }
        if let Some((i, c)) = chars.iter().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(IdentifierError::InvalidChar {
                kind: KIND,
                part: Part::Whole,
                position: i + 1,
                expected: CharClass::Digits,
                found: *c,
            });
        }
        let found = chars.last().copied().unwrap_or_default();
        if let Some(expected) = s.get(..LEN - 1).and_then(check_digit)
            && expected != found
        {
            return Err(IdentifierError::CheckDigit {
                kind: KIND,
                expected,
                found,
            });
        }
        Ok(Nss(s))
    }

    /// Office (subdelegación) of first registration: digits 1-2.
    pub fn subdelegacion(&self) -> &str {
        self.0.get(0..2).unwrap_or("")
    }

    /// Two-digit year of registration: digits 3-4.
    pub fn registration_year(&self) -> &str {
        self.0.get(2..4).unwrap_or("")
    }

    /// Two-digit birth year: digits 5-6.
    pub fn birth_year(&self) -> &str {
        self.0.get(4..6).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_examples() {
        // 1,2,3,…,0 with Luhn weights 1,2,1,2,… sums to 47 → check digit 3.
        assert_eq!(check_digit("1234567890"), Some('3'));
        let n = Nss::parse(" 12345678903 ").expect("valid");
        assert_eq!(n.as_str(), "12345678903");
        assert_eq!(
            (n.subdelegacion(), n.registration_year(), n.birth_year()),
            ("12", "34", "56")
        );
        assert_eq!(check_digit("0000000000"), Some('0'));
        assert!(Nss::parse("00000000000").is_ok());
        // 9 doubled is 18 → 1+8 = 9.
        assert_eq!(check_digit("0900000000"), Some('1'));
    }

    #[test]
    fn error_messages() {
        let cases = [
            ("12345678900", "NSS: el dígito verificador debería ser 3"),
            (
                "123A5678903",
                "NSS: solo puede contener dígitos (posición 4: \"A\")",
            ),
            (
                "1234 678903",
                "NSS: solo puede contener dígitos (posición 5: \" \")",
            ),
            ("1234567890", "NSS: debe tener 11 caracteres (tiene 10)"),
            ("123456789031", "NSS: debe tener 11 caracteres (tiene 12)"),
            ("", "NSS: está vacío"),
            (
                "١٢٣٤٥٦٧٨٩٠٣",
                "NSS: solo puede contener dígitos (posición 1: \"١\")",
            ),
        ];
        for (input, msg) in cases {
            assert_eq!(Nss::parse(input).expect_err(input).to_string(), msg);
        }
        assert_eq!(check_digit("123456789"), None);
        assert_eq!(check_digit("12345678901"), None);
        assert_eq!(check_digit("123456789A"), None);
    }

    pub(crate) fn valid_nss() -> impl Strategy<Value = String> {
        "[0-9]{10}".prop_map(|p| {
            let d = check_digit(&p).expect("10 digits");
            format!("{p}{d}")
        })
    }

    proptest! {
        #[test]
        fn valid_parse(s in valid_nss()) {
            let n = Nss::parse(&s).expect("valid");
            prop_assert_eq!(n.as_str(), s.as_str());
        }

        /// Luhn catches every single-digit substitution, at every position.
        #[test]
        fn every_substitution_rejected(s in valid_nss()) {
            let orig: Vec<char> = s.chars().collect();
            for i in 0..LEN {
                for r in '0'..='9' {
                    if r == orig[i] {
                        continue;
                    }
                    let mut v = orig.clone();
                    v[i] = r;
                    let m: String = v.into_iter().collect();
                    let is_check = matches!(Nss::parse(&m), Err(IdentifierError::CheckDigit { .. }));
                    prop_assert!(is_check, "{}", m);
                }
            }
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = Nss::parse(&s);
            let _ = check_digit(&s);
        }
    }
}
