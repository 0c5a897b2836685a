//! Calendar helpers (proleptic Gregorian) and the `AAAA-MM-DD` parser.

use super::error::{IdentifierError, shorten};

pub(super) use huella_sync::time::is_leap;

/// Days in `month` (1-12) of `year`; 0 for an invalid month.
pub(super) const fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Whether the date exists.
pub(super) const fn is_valid(year: i64, month: u32, day: u32) -> bool {
    day >= 1 && day <= days_in_month(year, month)
}

// One calendar for the workspace: sync's (it cannot depend on this crate).
pub(super) use huella_sync::time::{civil_from_days, days_from_civil};

/// Value of an ASCII digit (0 for anything else; callers check the class first).
pub(super) fn digit(c: char) -> u32 {
    c.to_digit(10).unwrap_or(0)
}

/// Parses a `YYYY-MM-DD` date (years 0001-9999) and checks that it exists, leap years included.
pub fn parse_date_iso(s: &str) -> Result<(u16, u8, u8), IdentifierError> {
    let t = s.trim();
    let chars: Vec<char> = t.chars().collect();
    let well_formed = chars.len() == 10
        && chars.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    let format_err = || IdentifierError::DateFormat { found: shorten(t) };
    if !well_formed {
        return Err(format_err());
    }
    let num = |range: std::ops::Range<usize>| -> u32 {
        chars
            .get(range)
            .map_or(0, |ds| ds.iter().fold(0, |acc, c| acc * 10 + digit(*c)))
    };
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    if year == 0 || !is_valid(i64::from(year), month, day) {
        return Err(IdentifierError::NonexistentDate {
            found: t.to_owned(),
        });
    }
    match (u16::try_from(year), u8::try_from(month), u8::try_from(day)) {
        (Ok(y), Ok(m), Ok(d)) => Ok((y, m, d)),
        _ => Err(format_err()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn iso_never_panics(s in any::<String>(), t in "[0-9\\-]{8,12}") {
            let _ = parse_date_iso(&s);
            if let Ok((y, m, d)) = parse_date_iso(&t) {
                prop_assert!(is_valid(i64::from(y), u32::from(m), u32::from(d)));
            }
        }
    }

    #[test]
    fn civil_round_trip() {
        for days in -1_000_000..1_000_000i64 {
            let (y, m, d) = civil_from_days(days);
            assert!(is_valid(y, m, d));
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn iso_dates() {
        assert_eq!(parse_date_iso("2000-02-29"), Ok((2000, 2, 29)));
        assert_eq!(parse_date_iso(" 1990-12-31 "), Ok((1990, 12, 31)));
        let cases = [
            ("1900-02-29", "la fecha 1900-02-29 no existe"),
            ("2023-02-29", "la fecha 2023-02-29 no existe"),
            ("2024-04-31", "la fecha 2024-04-31 no existe"),
            ("2024-13-01", "la fecha 2024-13-01 no existe"),
            ("0000-01-01", "la fecha 0000-01-01 no existe"),
            (
                "2024-1-01",
                "la fecha \"2024-1-01\" debe tener el formato AAAA-MM-DD",
            ),
            (
                "01/02/2024",
                "la fecha \"01/02/2024\" debe tener el formato AAAA-MM-DD",
            ),
            ("", "la fecha \"\" debe tener el formato AAAA-MM-DD"),
            (
                "２０２４-01-01",
                "la fecha \"２０２４-01-01\" debe tener el formato AAAA-MM-DD",
            ),
        ];
        for (input, msg) in cases {
            let err = parse_date_iso(input).expect_err(input);
            assert_eq!(err.to_string(), msg);
        }
    }
}
