//! The station's offset from UTC, read once from the system time zone (`TZ`, else
//! `/etc/localtime`) so the console shows local times. Reads at most 64 KiB of a TZif file;
//! anything unreadable or malformed means UTC (and the screens then say "UTC").

use std::path::PathBuf;

/// Largest time zone file read.
const MAX_TZIF: u64 = 64 * 1024;

/// Seconds east of UTC in force at `unix` seconds, from the system time zone (0 if unknown).
pub fn offset_at(unix: i64) -> i64 {
    let path = match std::env::var("TZ") {
        Ok(name) if !name.is_empty() && !name.contains("..") => {
            let name = name.trim_start_matches(':');
            if name.starts_with('/') {
                PathBuf::from(name)
            } else {
                PathBuf::from("/usr/share/zoneinfo").join(name)
            }
        }
        _ => PathBuf::from("/etc/localtime"),
    };
    let Ok(file) = std::fs::File::open(path) else {
        return 0;
    };
    let mut bytes = Vec::new();
    if std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_TZIF), &mut bytes).is_err() {
        return 0;
    }
    tzif_offset(&bytes, unix).unwrap_or(0)
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The UTC offset a TZif file (RFC 8536) gives for `unix`: the type of the last transition at
/// or before it, else the first type.
pub fn tzif_offset(b: &[u8], unix: i64) -> Option<i64> {
    if b.get(0..4)? != b"TZif" {
        return None;
    }
    let counts = |base: usize| -> Option<[usize; 6]> {
        let mut c = [0usize; 6];
        for (i, slot) in c.iter_mut().enumerate() {
            *slot = usize::try_from(be32(b, base + 20 + 4 * i)?).ok()?;
        }
        Some(c)
    };
    let [isut, isstd, leap, time, types, chars] = counts(0)?;
    let v1_len = time * 5 + types * 6 + chars + leap * 8 + isstd + isut;
    // Version 2+ repeats the data with 64-bit times after the version 1 block.
    let (base, width, [_, _, _, time, types, _]) = if *b.get(4)? >= b'2' {
        let base = 44 + v1_len;
        (base, 8, counts(base)?)
    } else {
        (0, 4, [isut, isstd, leap, time, types, chars])
    };
    let data = base + 44;
    let times = data;
    let indices = times + time * width;
    let ttinfo = indices + time;
    let mut index = 0usize;
    for i in 0..time {
        let at = if width == 8 {
            i64::from_be_bytes(b.get(times + 8 * i..times + 8 * i + 8)?.try_into().ok()?)
        } else {
            i64::from(i32::from_be_bytes(
                b.get(times + 4 * i..times + 4 * i + 4)?.try_into().ok()?,
            ))
        };
        if at > unix {
            break;
        }
        index = usize::from(*b.get(indices + i)?);
    }
    if index >= types {
        return None;
    }
    let off = ttinfo + 6 * index;
    Some(i64::from(i32::from_be_bytes(
        b.get(off..off + 4)?.try_into().ok()?,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mexico_city_is_six_hours_behind_utc_since_2022_and_utc_is_zero() {
        let Ok(mx) = std::fs::read("/usr/share/zoneinfo/America/Mexico_City") else {
            return;
        };
        // 2026-12-04T12:00:00Z and 2026-07-01T12:00:00Z: no daylight saving since 2022.
        assert_eq!(tzif_offset(&mx, 1_796_385_600), Some(-6 * 3600));
        assert_eq!(tzif_offset(&mx, 1_782_907_200), Some(-6 * 3600));
        // 2021-07-01T12:00:00Z: daylight saving, five hours behind.
        assert_eq!(tzif_offset(&mx, 1_625_140_800), Some(-5 * 3600));
        if let Ok(utc) = std::fs::read("/usr/share/zoneinfo/Etc/UTC") {
            assert_eq!(tzif_offset(&utc, 1_796_385_600), Some(0));
        }
        assert_eq!(tzif_offset(b"not a zone file", 0), None);
        assert_eq!(tzif_offset(b"TZif2", 0), None);
    }
}
