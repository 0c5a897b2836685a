//! English for the identifier checks (CURP, NSS, RFC, registro patronal, dates), whose own
//! messages are Spanish. Import row reasons (`línea N: …`) stay Spanish: they are contract.

use crate::identifiers::{CharClass, IdKind, IdentifierError, Part};

/// Words an identifier error in English.
pub fn identifier(e: &IdentifierError) -> String {
    match e {
        IdentifierError::Empty { kind } => format!("{}: is empty", name(*kind)),
        IdentifierError::Length {
            kind,
            expected,
            found,
        } => format!(
            "{}: must have {} characters (it has {found})",
            name(*kind),
            expected.replace(" o ", " or ")
        ),
        IdentifierError::InvalidChar {
            kind,
            part,
            position,
            expected,
            found,
        } => format!(
            "{}: {}may only contain {} (position {position}: \"{}\")",
            name(*kind),
            part_name(*part),
            class(*expected),
            found.escape_debug()
        ),
        IdentifierError::InvalidDate { kind, digits } => {
            format!("{}: the date {digits} does not exist", name(*kind))
        }
        IdentifierError::InvalidSex { kind, found } => format!(
            "{}: the sex must be H, M or X (found {})",
            name(*kind),
            found.escape_debug()
        ),
        IdentifierError::InvalidState { kind, found } => format!(
            "{}: the state \"{found}\" is not a valid state code",
            name(*kind)
        ),
        IdentifierError::CheckDigit { kind, expected, .. } => {
            format!("{}: the check digit should be {expected}", name(*kind))
        }
        IdentifierError::DateFormat { found } => {
            format!("the date \"{found}\" must be written YYYY-MM-DD")
        }
        IdentifierError::NonexistentDate { found } => format!("the date {found} does not exist"),
    }
}

fn name(kind: IdKind) -> &'static str {
    match kind {
        IdKind::Curp => "CURP",
        IdKind::Nss => "NSS",
        IdKind::Rfc => "RFC",
        IdKind::RegistroPatronal => "Employer registration",
    }
}

fn part_name(part: Part) -> &'static str {
    match part {
        Part::Whole => "",
        Part::Initials => "the initials block ",
        Part::Date => "the date ",
        Part::State => "the state ",
        Part::Consonants => "the inner consonants block ",
        Part::Homonimia => "the homonym character ",
        Part::Homoclave => "the homoclave ",
        Part::CheckDigit => "the check digit ",
    }
}

fn class(c: CharClass) -> &'static str {
    match c {
        CharClass::Digits => "digits",
        CharClass::Letters => "letters A-Z",
        CharClass::RfcLetters => "letters A-Z, Ñ or &",
        CharClass::Consonants => "consonants A-Z",
        CharClass::Alphanumeric => "letters A-Z and digits",
        CharClass::DigitOrA => "a digit or the letter A",
    }
}
