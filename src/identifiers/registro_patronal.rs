//! Registro patronal (employer registration), 11 characters.
//!
//! What is checked: after trimming and uppercasing, exactly 11 characters, each `A-Z` or
//! `0-9`. The usual form is a letter followed by 10 digits, but older and special
//! registrations are alphanumeric, so the class is not narrowed further.
//!
//! What is *not* checked: a check digit. Public descriptions (e.g. "¿Cómo obtener el número
//! de registro patronal ante el IMSS?", lacompraideal.com.mx) say the 11 characters are a
//! municipality key (3), a progressive number (5), the insurance type (2) and a final
//! verification digit, but no public source we found documents how that digit is computed
//! (unlike the NSS, whose Luhn rule is public). Inventing one would reject real employers, so
//! none is verified here.

use serde::{Deserialize, Serialize};

use super::error::{CharClass, IdKind, IdentifierError, Part};

/// Number of characters of a registro patronal.
pub const LEN: usize = 11;

/// A validated registro patronal (trimmed, uppercase, 11 alphanumerics).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct RegistroPatronal(pub(super) String);

identifier_newtype!(RegistroPatronal);

impl RegistroPatronal {
    /// Trims, uppercases and validates a registro patronal (11 characters `A-Z`/`0-9`).
    pub fn parse(input: &str) -> Result<RegistroPatronal, IdentifierError> {
        const KIND: IdKind = IdKind::RegistroPatronal;
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
        let class = CharClass::Alphanumeric;
        if let Some((i, c)) = chars.iter().enumerate().find(|(_, c)| !class.admits(**c)) {
            return Err(IdentifierError::InvalidChar {
                kind: KIND,
                part: Part::Whole,
                position: i + 1,
                expected: class,
                found: *c,
            });
        }
        Ok(RegistroPatronal(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples_and_messages() {
        assert_eq!(
            RegistroPatronal::parse(" y5412345108 ")
                .expect("valid")
                .as_str(),
            "Y5412345108"
        );
        assert!(RegistroPatronal::parse("A1234567890").is_ok());
        let cases = [
            (
                "Y541234510",
                "Registro patronal: debe tener 11 caracteres (tiene 10)",
            ),
            (
                "Y54-1234510",
                "Registro patronal: solo puede contener letras A-Z y dígitos (posición 4: \"-\")",
            ),
            (
                "Ñ5412345108",
                "Registro patronal: solo puede contener letras A-Z y dígitos (posición 1: \"Ñ\")",
            ),
            (" ", "Registro patronal: está vacío"),
        ];
        for (input, msg) in cases {
            assert_eq!(
                RegistroPatronal::parse(input).expect_err(input).to_string(),
                msg
            );
        }
    }

    proptest! {
        #[test]
        fn alphanumerics_parse(s in "[A-Za-z0-9]{11}") {
            prop_assert!(RegistroPatronal::parse(&s).is_ok());
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = RegistroPatronal::parse(&s);
        }
    }
}
