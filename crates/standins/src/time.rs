//! The stand-ins' clock, and the two ways Jira writes a time: the `Date` header
//! (httpdate) and `serverTime` (humantime's RFC 3339).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch on the real clock (0 if the clock is before it).
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Times before 1970 (a wild clock offset) show as the epoch.
fn at(unix_secs: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(unix_secs).unwrap_or(0))
}

/// RFC 7231 IMF-fixdate of a Unix time, as in the `Date` header.
pub(crate) fn http_date(unix_secs: i64) -> String {
    httpdate::fmt_http_date(at(unix_secs))
}

/// Jira's `serverTime` format, e.g. `2026-03-01T12:00:00.000+0000`.
pub(crate) fn jira_time(unix_secs: i64) -> String {
    let utc = humantime::format_rfc3339_seconds(at(unix_secs)).to_string();
    format!("{}.000+0000", utc.trim_end_matches('Z'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_match_known_values() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(-5), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(jira_time(0), "1970-01-01T00:00:00.000+0000");
        assert_eq!(jira_time(-5), "1970-01-01T00:00:00.000+0000");
        assert_eq!(jira_time(951_782_400), "2000-02-29T00:00:00.000+0000");
        assert_eq!(jira_time(1_772_366_400), "2026-03-01T12:00:00.000+0000");
        assert_eq!(jira_time(4_107_542_399), "2100-02-28T23:59:59.000+0000");
    }
}
