//! Every date the CLI writes or reads: RFC 3339 UTC, HTTP dates, durations in words.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// 9999-12-31T23:59:59Z: a later instant (a server's absurd token lifetime) is written as this.
const LAST_SECOND: u64 = 253_402_300_799;

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

pub fn rfc3339(unix_secs: u64) -> String {
    let at = UNIX_EPOCH + Duration::from_secs(unix_secs.min(LAST_SECOND));
    humantime::format_rfc3339_seconds(at).to_string()
}

pub fn now_rfc3339() -> String {
    rfc3339(unix_now())
}

/// For people; a number outside 1970 to 9999 (a confused server's) is shown as it is.
pub fn utc_text(unix_secs: i64) -> String {
    match u64::try_from(unix_secs) {
        Ok(secs) if secs <= LAST_SECOND => rfc3339(secs).replace('T', " ").replace('Z', " UTC"),
        _ => format!("Unix time {unix_secs}"),
    }
}

pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let at = humantime::parse_rfc3339(text).ok()?;
    i64::try_from(at.duration_since(UNIX_EPOCH).ok()?.as_secs()).ok()
}

/// Seconds the server's clock is ahead of ours. `Date` truncates to the second, so on
/// average the server's clock is half a second past it.
pub fn skew_from_date_header(date: &str, local: SystemTime) -> Option<i64> {
    let server = httpdate::parse_http_date(date).ok()?;
    let seconds = match server.duration_since(local) {
        Ok(ahead) => ahead.as_secs_f64(),
        Err(behind) => -behind.duration().as_secs_f64(),
    };
    Some((seconds + 0.5).round() as i64)
}

/// Zero when it has passed, None when it is not an HTTP date.
pub fn until_http_date(date: &str) -> Option<Duration> {
    let when = httpdate::parse_http_date(date).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or_default())
}

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
        assert_eq!(rfc3339(u64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(utc_text(1_700_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(utc_text(-1), "Unix time -1");
        assert_eq!(utc_text(i64::MAX), format!("Unix time {}", i64::MAX));
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
    fn http_dates_say_how_long_to_wait() {
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        let wait = until_http_date(&later).unwrap();
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));
        let past = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert_eq!(until_http_date(past), Some(Duration::ZERO));
        assert_eq!(until_http_date("soon"), None);
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
