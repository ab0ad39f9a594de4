//! Jira itself: reachable as the administrator, a certificate chain Jira Align
//! would trust, its base URL, its clock.

use std::time::Duration;

use super::tls;
use super::{checked, About, Check};
use crate::context::{inputs, Ctx};
use crate::steps::jira_access::{self, SKEW_LIMIT_SECS, SKEW_WARNING_SECS};
use crate::steps::jira_side;

const REACHABLE: About = ("jira.reachable", "Jira reachable");
const BASE_URL: About = ("jira.base-url", "Base URL");
const CLOCK: About = ("jira.clock", "Clock skew");
/// In the order doctor lists them.
pub const CHECKS: [About; 4] = [tls::TLS, REACHABLE, BASE_URL, CLOCK];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// As an administrator.
    Read,
    /// No URL or credential, a refusal, or not an administrator.
    NotRead,
    /// An outage: any call to Jira would fail too.
    Down,
}

pub fn checks(ctx: &mut Ctx, out: &mut Vec<Check>) -> Reach {
    let reach = jira_checks(ctx, out);
    super::skip_rest(out, &CHECKS, "Jira was not read (see Jira reachable)");
    reach
}

fn jira_checks(ctx: &mut Ctx, out: &mut Vec<Check>) -> Reach {
    let fix = "Give jira.url in the answers file (--answers).";
    let Some(url) = checked(ctx.url(&inputs::JIRA_URL), out, REACHABLE, fix) else {
        return Reach::NotRead;
    };
    let timeout = ctx.config().http.connect_timeout;
    out.push(tls::check(&url, timeout.max(Duration::from_secs(1))));
    let facts = match jira_side::server(ctx) {
        Ok(facts) => facts,
        Err(err) => {
            let down = super::is_outage(&err);
            let fix =
                "Check jira.url, the network path to Jira, and the administrator's credentials.";
            out.push(match down {
                true => {
                    let problem = format!("Jira unreachable: {}", err.message);
                    Check::fail(REACHABLE, problem, super::outage_fix())
                }
                false => Check::from_error(REACHABLE, &err, fix),
            });
            return if down { Reach::Down } else { Reach::NotRead };
        }
    };
    let version = facts.version.as_deref().unwrap_or("(version unknown)");
    let signed_in = jira_access::signed_in(facts.admin_user.as_deref());
    let who = format!("Jira {version} at {url} answers; {signed_in}");
    out.push(if facts.is_administrator {
        Check::pass(REACHABLE, format!("{who}, an administrator"))
    } else {
        Check::fail(
            REACHABLE,
            format!("{who}, but its account is not a Jira administrator: the link cannot be read"),
            "Use an administrator's token or password (jira.admin_token or jira.admin_username).",
        )
    });
    out.push(base_url_check(url.as_str(), facts.base_url.as_deref()));
    out.push(clock_check(facts.clock_skew_secs));
    match facts.is_administrator {
        true => Reach::Read,
        false => Reach::NotRead,
    }
}

fn base_url_check(jira_url: &str, base_url: Option<&str>) -> Check {
    match base_url {
        None => Check::warn(
            BASE_URL,
            "Jira's serverInfo gives no base URL",
            "Set the Base URL in Jira's Administration > System > General configuration.",
        ),
        Some(base) if crate::jira::admin::same_url(base, jira_url) => {
            Check::pass(BASE_URL, format!("Jira's base URL is {base}, as jira.url"))
        }
        Some(base) => Check::warn(
            BASE_URL,
            format!("Jira's base URL is {base}, but jira.url is {jira_url}"),
            "Jira builds OAuth and link URLs from its base URL: make the two the same (Jira's General configuration, or jira.url), unless a proxy maps one to the other.",
        ),
    }
}

fn clock_check(skew: Option<i64>) -> Check {
    let Some(secs) = skew else {
        return Check::skip(CLOCK, "Jira sent no Date header to compare with");
    };
    let shown = jira_access::clock_off(secs);
    let fix = "Fix the time (NTP) on whichever machine is wrong.";
    if secs.abs() > SKEW_LIMIT_SECS {
        Check::fail(
            CLOCK,
            format!("{shown}: Jira refuses OAuth requests more than {SKEW_LIMIT_SECS} s off"),
            fix,
        )
    } else if secs.abs() > SKEW_WARNING_SECS {
        Check::warn(
            CLOCK,
            format!("{shown}: inside OAuth's window, but drifting"),
            fix,
        )
    } else {
        Check::pass(CLOCK, shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Verdict;

    #[test]
    fn base_url_compares_without_case_or_trailing_slash() {
        let same = base_url_check(
            "https://jira.example.com/",
            Some("https://Jira.example.com"),
        );
        assert_eq!(same.verdict, Verdict::Pass);
        let other = base_url_check("https://jira.example.com", Some("http://10.0.0.5:8080"));
        assert_eq!(other.verdict, Verdict::Warn);
        assert_eq!(base_url_check("https://j", None).verdict, Verdict::Warn);
    }

    #[test]
    fn plain_http_fails_except_on_loopback() {
        let check =
            |text: &str| tls::check(&url::Url::parse(text).unwrap(), Duration::from_secs(1));
        let remote = check("http://jira.example.com/");
        assert_eq!(remote.verdict, Verdict::Fail);
        assert!(remote.fix.unwrap().contains("HTTPS"));
        let local = check("http://127.0.0.1:8080/");
        assert_eq!(local.verdict, Verdict::Skip);
        assert!(local.detail.contains("plain http on this machine"));
    }

    #[test]
    fn clock_skew_thresholds() {
        assert_eq!(clock_check(Some(3)).verdict, Verdict::Pass);
        assert_eq!(clock_check(Some(-90)).verdict, Verdict::Warn);
        assert_eq!(clock_check(Some(900)).verdict, Verdict::Fail);
        assert_eq!(clock_check(None).verdict, Verdict::Skip);
    }
}
