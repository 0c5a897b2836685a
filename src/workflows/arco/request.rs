//! The ARCO request itself: its folio, the legal deadline in business days, and filing one in
//! the person's record with its audit entry.
//!
//! The deadline: the LFPDPPP (art. 32) gives the data controller 20 days to answer, counted
//! in business days (días hábiles). A business day here is Monday to Friday except the
//! mandatory rest days of the Ley Federal del Trabajo, art. 74 (1 January, first Monday of
//! February, third Monday of March, 1 May, 16 September, third Monday of November, 25
//! December, and 1 October of the years a federal executive takes office: 2024, 2030, …).
//! Election days (art. 74 fr. IX) and the institute's own closing days are not known in
//! advance and are not counted; the deadline is therefore never later than the law's, at
//! worst a day early. The receipt day is not counted.
//!
//! Owns the calendar rule and the folio. Must not word anything for a person.

use huella_sync::record::privacy::{ArcoRequest, ArcoRight};
use huella_sync::time::{civil_from_days, days_from_civil};

/// Business days the law gives to answer.
pub const LEGAL_BUSINESS_DAYS: u32 = 20;

/// A civil date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(i64);

impl Day {
    /// The day of a `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` text.
    pub fn parse(text: &str) -> Option<Day> {
        let t = text.trim();
        let date = t.get(..10)?;
        let (y, m, d) = crate::identifiers::parse_date_iso(date).ok()?;
        Some(Day(days_from_civil(
            i64::from(y),
            u32::from(m),
            u32::from(d),
        )))
    }

    /// Today (UTC).
    pub fn today() -> Day {
        Day::parse(&huella_sync::time::now_utc()).unwrap_or(Day(0))
    }

    /// `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        let (y, m, d) = civil_from_days(self.0);
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    fn weekday(self) -> i64 {
        (self.0 + 3).rem_euclid(7)
    }

    /// The same date `years` later (29 February becomes 28 February).
    pub fn plus_years(self, years: u32) -> Day {
        let (y, m, d) = civil_from_days(self.0);
        let y = y + i64::from(years);
        let d = if m == 2 && d == 29 && !leap(y) { 28 } else { d };
        Day(days_from_civil(y, m, d))
    }

    /// Whether this day is a business day (see the module comment).
    pub fn is_business_day(self) -> bool {
        self.weekday() < 5 && !self.is_rest_day()
    }

    fn is_rest_day(self) -> bool {
        let (y, m, d) = civil_from_days(self.0);
        let nth_monday = |n: u32| {
            let first = Day(days_from_civil(y, m, 1));
            let offset = (7 - first.weekday()) % 7;
            1 + offset as u32 + 7 * (n - 1)
        };
        match (m, d) {
            (1, 1) | (5, 1) | (9, 16) | (12, 25) => true,
            (10, 1) => y >= 2024 && (y - 2024) % 6 == 0,
            (2, d) => d == nth_monday(1),
            (3, d) => d == nth_monday(3),
            (11, d) => d == nth_monday(3),
            _ => false,
        }
    }

    /// The `n`th business day after this one.
    pub fn add_business_days(self, n: u32) -> Day {
        let mut day = self;
        let mut left = n;
        while left > 0 {
            day = Day(day.0 + 1);
            if day.is_business_day() {
                left -= 1;
            }
        }
        day
    }

    /// Business days from `self` (exclusive) to `to` (inclusive); negative when `to` is
    /// earlier (then it counts the business days `to` is late by).
    pub fn business_days_until(self, to: Day) -> i64 {
        let (from, until, sign) = if to >= self {
            (self, to, 1)
        } else {
            (to, self, -1)
        };
        let mut n = 0;
        let mut d = from;
        while d < until {
            d = Day(d.0 + 1);
            if d.is_business_day() {
                n += 1;
            }
        }
        sign * n
    }
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// The legal deadline of a request received on `received`.
pub fn deadline(received: Day) -> Day {
    received.add_business_days(LEGAL_BUSINESS_DAYS)
}

/// A fresh folio: `ARCO-YYYYMMDD-XXXXXX` (the receipt day and 24 random bits).
pub fn new_folio(received: Day) -> String {
    let mut b = [0u8; 3];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
    format!(
        "ARCO-{}-{}",
        received.iso().replace('-', ""),
        hex::encode_upper(b)
    )
}

/// A new open request received today.
pub fn new_request(
    right: ArcoRight,
    requester: &str,
    identification: &str,
    filed_by: &str,
) -> ArcoRequest {
    let today = Day::today();
    ArcoRequest {
        folio: new_folio(today),
        right,
        requester: requester.trim().to_owned(),
        identification: identification.trim().to_owned(),
        received: today.iso(),
        deadline: deadline(today).iso(),
        filed_by: filed_by.to_owned(),
        answered_at: String::new(),
        answered_by: String::new(),
        outcome: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse(s).expect("date")
    }

    #[test]
    fn weekends_and_rest_days_are_not_business_days() {
        assert!(day("2026-12-04").is_business_day()); // Friday
        assert!(!day("2026-12-05").is_business_day()); // Saturday
        assert!(!day("2026-12-25").is_business_day()); // Christmas, Friday
        assert!(!day("2027-02-01").is_business_day()); // first Monday of February
        assert!(!day("2027-03-15").is_business_day()); // third Monday of March
        assert!(!day("2026-11-16").is_business_day()); // third Monday of November
        assert!(!day("2030-10-01").is_business_day()); // transmission of the executive
        assert!(day("2027-10-01").is_business_day());
    }

    #[test]
    fn twenty_business_days_skip_weekends_and_holidays() {
        // Received Friday 2026-12-04: 20 business days, skipping 25 Dec and 1 Jan.
        assert_eq!(deadline(day("2026-12-04")).iso(), "2027-01-05");
        // Received Monday 2026-06-01 (no holidays): four weeks later.
        assert_eq!(deadline(day("2026-06-01")).iso(), "2026-06-29");
        let d = day("2026-06-01");
        assert_eq!(d.business_days_until(deadline(d)), 20);
        assert_eq!(deadline(d).business_days_until(d), -20);
    }

    #[test]
    fn years_later_keeps_the_date() {
        assert_eq!(day("2024-02-29").plus_years(5).iso(), "2029-02-28");
        assert_eq!(day("2020-06-30").plus_years(5).iso(), "2025-06-30");
    }
}
