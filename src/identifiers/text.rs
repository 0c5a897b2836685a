//! Limits on the free text and amounts people and files bring: names of a sane length with no
//! control or direction-changing characters, dates in a plausible range, daily wages.
//!
//! A name is printed to terminals and screens and replicated to every station of an office:
//! a 17 MB name or an ANSI escape must stop at the boundary, not travel. This module only
//! judges values; like the rest of `identifiers` it does no I/O (the caller gives the year).

use std::fmt;

/// Longest name part accepted (characters).
pub const MAX_NAME_CHARS: usize = 80;
/// Oldest birth year accepted.
pub const MIN_BIRTH_YEAR: u16 = 1900;
/// First year an IMSS registration can have (the institute was founded in 1943).
pub const MIN_REGISTRATION_YEAR: u16 = 1943;
/// Largest daily wage accepted, in pesos (far above any real one; stops absurd amounts).
pub const MAX_DAILY_WAGE: u32 = 100_000;

/// Why a text or amount was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TextError {
    /// Longer than allowed.
    TooLong {
        /// Characters allowed.
        max: usize,
        /// Characters found.
        got: usize,
    },
    /// A control character (C0, DEL, C1), or one that changes text direction or is invisible.
    Forbidden(char),
    /// A year outside the plausible range.
    Year {
        /// Year found.
        got: u16,
        /// First year allowed.
        min: u16,
        /// Last year allowed.
        max: u16,
    },
    /// Not an amount of pesos with at most two decimals within the limit.
    Amount,
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextError::TooLong { max, got } => {
                write!(f, "demasiado largo ({got} caracteres; máximo {max})")
            }
            TextError::Forbidden(c) => write!(
                f,
                "contiene un carácter de control o invisible (U+{:04X}); no se admite",
                u32::from(*c)
            ),
            TextError::Year { got, min, max } => {
                write!(f, "año {got} fuera de lo plausible ({min}–{max})")
            }
            TextError::Amount => write!(
                f,
                "no es un importe en pesos con hasta dos decimales y no mayor a {MAX_DAILY_WAGE}"
            ),
        }
    }
}

impl std::error::Error for TextError {}

/// Whether `c` may not appear in a name: control characters, and the invisible or
/// direction-changing marks (bidi embeddings, overrides and isolates, zero-width, BOM).
pub fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// `value` safe to print on a terminal: forbidden characters (see [`is_forbidden`]) become
/// `�`, so a record that arrived from elsewhere with an escape sequence cannot drive the
/// officer's terminal.
pub fn printable(value: &str) -> std::borrow::Cow<'_, str> {
    if value.chars().any(is_forbidden) {
        value
            .chars()
            .map(|c| if is_forbidden(c) { '\u{FFFD}' } else { c })
            .collect::<String>()
            .into()
    } else {
        value.into()
    }
}

/// Checks one name part (given name, surname).
pub fn check_name(value: &str) -> Result<(), TextError> {
    let got = value.chars().count();
    if got > MAX_NAME_CHARS {
        return Err(TextError::TooLong {
            max: MAX_NAME_CHARS,
            got,
        });
    }
    match value.chars().find(|c| is_forbidden(*c)) {
        Some(c) => Err(TextError::Forbidden(c)),
        None => Ok(()),
    }
}

/// Checks that `year` lies in `min..=max`.
pub fn check_year(year: u16, min: u16, max: u16) -> Result<(), TextError> {
    if (min..=max).contains(&year) {
        Ok(())
    } else {
        Err(TextError::Year {
            got: year,
            min,
            max,
        })
    }
}

/// Checks a daily wage written as pesos: digits, optionally `.` and one or two decimals,
/// greater than zero and at most [`MAX_DAILY_WAGE`].
pub fn check_daily_wage(text: &str) -> Result<(), TextError> {
    let (int, dec) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if int.is_empty() || int.len() > 6 || dec.len() > 2 || !digits(int) || !digits(dec) {
        return Err(TextError::Amount);
    }
    if text.ends_with('.') {
        return Err(TextError::Amount);
    }
    let pesos: u32 = int.parse().map_err(|_| TextError::Amount)?;
    let cents: u32 = format!("{dec:0<2}")
        .parse()
        .map_err(|_| TextError::Amount)?;
    if (pesos == 0 && cents == 0)
        || pesos > MAX_DAILY_WAGE
        || (pesos == MAX_DAILY_WAGE && cents > 0)
    {
        return Err(TextError::Amount);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_control_or_direction_marks_or_too_long_are_refused() {
        assert!(check_name("María de la Luz Núñez").is_ok());
        for bad in [
            "Ana\u{1b}[31m",
            "Ana\u{7}",
            "Ana\0",
            "Ana\u{202E}",
            "A\u{200F}na",
        ] {
            assert!(
                matches!(check_name(bad), Err(TextError::Forbidden(_))),
                "{bad:?}"
            );
        }
        let long = "A".repeat(MAX_NAME_CHARS + 1);
        assert!(matches!(check_name(&long), Err(TextError::TooLong { .. })));
        assert!(check_name(&"Ñ".repeat(MAX_NAME_CHARS)).is_ok());
        assert_eq!(printable("Ana\u{1b}[2J"), "Ana\u{FFFD}[2J");
        assert_eq!(printable("Núñez"), "Núñez");
    }

    #[test]
    fn wages_and_years_must_be_plausible() {
        for ok in ["315.04", "1", "99999.9", "100000"] {
            assert!(check_daily_wage(ok).is_ok(), "{ok}");
        }
        let huge = "9".repeat(41);
        for bad in [
            "0",
            "0.00",
            "315.",
            ".5",
            "1.234",
            "100000.01",
            "1e5",
            "-3",
            huge.as_str(),
        ] {
            assert_eq!(check_daily_wage(bad), Err(TextError::Amount), "{bad}");
        }
        assert!(check_year(1956, MIN_BIRTH_YEAR, 2026).is_ok());
        assert!(check_year(9999, MIN_BIRTH_YEAR, 2026).is_err());
        assert!(check_year(1899, MIN_BIRTH_YEAR, 2026).is_err());
    }
}
