//! Timestamps as RFC 3339 UTC text, without a date crate: the state file only needs
//! "when", to the second.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

/// Formats seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(unix_secs: u64) -> String {
    let (date, h, m, s) = split(unix_secs as i64);
    format!("{date}T{h:02}:{m:02}:{s:02}Z")
}

/// `YYYY-MM-DD HH:MM:SS UTC`, for people (e.g. OAuth's acceptable timestamps).
pub fn utc_text(unix_secs: i64) -> String {
    let (date, h, m, s) = split(unix_secs);
    format!("{date} {h:02}:{m:02}:{s:02} UTC")
}

/// The date as `YYYY-MM-DD`, and hours, minutes, seconds.
fn split(unix_secs: i64) -> (String, i64, i64, i64) {
    let rem = unix_secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(unix_secs.div_euclid(86_400));
    (
        format!("{year:04}-{month:02}-{day:02}"),
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
    )
}

pub fn now_rfc3339() -> String {
    rfc3339(unix_now())
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Seconds since the epoch from `YYYY-MM-DDTHH:MM:SSZ` (what `rfc3339` writes);
/// None for any other text.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, m, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

/// A proleptic Gregorian date to days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Seconds the server's clock is ahead of ours (negative: behind), from an HTTP `Date`
/// header. The header truncates to the second, so on average the server's clock
/// is half a second past it: add that before rounding.
pub fn skew_from_date_header(date: &str, local: SystemTime) -> Option<i64> {
    let server = httpdate::parse_http_date(date).ok()?;
    let seconds = match server.duration_since(local) {
        Ok(ahead) => ahead.as_secs_f64(),
        Err(behind) => -behind.duration().as_secs_f64(),
    };
    Some((seconds + 0.5).round() as i64)
}

/// "5 years", "3 days", "40 minutes": for expiries shown to a person.
pub fn human_duration(secs: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (365 * 86_400, "year"),
        (86_400, "day"),
        (3600, "hour"),
        (60, "minute"),
    ];
    for (size, name) in UNITS {
        if secs >= size {
            let n = secs / size;
            return format!("{n} {name}{}", if n == 1 { "" } else { "s" });
        }
    }
    format!("{secs} seconds")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_996_799), "2026-11-29T23:59:59Z");
        assert_eq!(utc_text(1_700_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(utc_text(-1), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn skew_sign_follows_the_server() {
        // A local clock 0.7 s into its second, as it usually is.
        let local = UNIX_EPOCH + Duration::from_millis(1_000_000_700);
        let ahead = httpdate::fmt_http_date(local + Duration::from_secs(90));
        let behind = httpdate::fmt_http_date(local - Duration::from_secs(400));
        assert_eq!(skew_from_date_header(&ahead, local), Some(90));
        assert_eq!(skew_from_date_header(&behind, local), Some(-400));
        assert_eq!(skew_from_date_header("yesterday", local), None);
    }

    #[test]
    fn parses_what_it_writes() {
        for secs in [0, 951_782_400, 1_795_996_799, 4_102_444_800] {
            assert_eq!(parse_rfc3339(&rfc3339(secs)), Some(secs as i64));
        }
        assert_eq!(parse_rfc3339("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("soon"), None);
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_duration(157_680_000), "5 years");
        assert_eq!(human_duration(600), "10 minutes");
        assert_eq!(human_duration(3600), "1 hour");
    }
}
