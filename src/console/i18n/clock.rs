//! Times as the officer reads them: ages ("hace 5 min") instead of raw UTC stamps, and stamps
//! shortened to the minute. The workflows keep UTC text; only the faces shape it.

use super::Lang;

impl Lang {
    /// How long ago `at` (UTC text) was, seen at `now` (UTC text); the stamp itself when
    /// either cannot be read.
    pub fn ago(self, at: &str, now: &str) -> String {
        let (Some(then), Some(now)) = (
            crate::workflows::types::time::parse_utc(at),
            crate::workflows::types::time::parse_utc(now),
        ) else {
            return self.stamp(at);
        };
        let secs = now.saturating_sub(then);
        let (n, unit_es, unit_en) = match secs {
            0..60 => return self.just_now().to_owned(),
            60..3600 => (secs / 60, "min", "min"),
            3600..86_400 => (secs / 3600, "h", "h"),
            _ => (secs / 86_400, "días", "days"),
        };
        match self {
            Lang::Es => format!("hace {n} {unit_es}"),
            Lang::En => format!("{n} {unit_en} ago"),
        }
    }

    fn just_now(self) -> &'static str {
        match self {
            Lang::Es => "hace un momento",
            Lang::En => "just now",
        }
    }

    /// A UTC stamp shortened to the minute (`2026-12-04 16:54 UTC`); other text unchanged.
    pub fn stamp(self, at: &str) -> String {
        if crate::workflows::types::time::parse_utc(at).is_none() {
            return at.to_owned();
        }
        format!("{} {} UTC", &at[..10], &at[11..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_stamps() {
        let now = "2026-12-04T17:00:00Z";
        assert_eq!(Lang::Es.ago("2026-12-04T16:59:30Z", now), "hace un momento");
        assert_eq!(Lang::Es.ago("2026-12-04T16:55:00Z", now), "hace 5 min");
        assert_eq!(Lang::En.ago("2026-12-04T14:00:00Z", now), "3 h ago");
        assert_eq!(Lang::En.ago("2026-12-01T17:00:00Z", now), "3 days ago");
        assert_eq!(Lang::Es.ago("ayer", now), "ayer");
        assert_eq!(
            Lang::Es.stamp("2026-12-04T16:54:33Z"),
            "2026-12-04 16:54 UTC"
        );
    }
}
