//! `align-link doctor`'s live checks, each with a verdict and the fix; they read
//! through the model's observation and the steps' clients, and change nothing.

pub mod align;
pub mod jira;
pub mod link;
pub mod tls;
pub mod token;

use serde::Serialize;

use crate::context::{inputs, Ctx};
use crate::error::Result;

/// Days before the OAuth token expires that `status` and `doctor` start warning.
pub const TOKEN_WARN_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    Skip,
}

/// A check's stable id for `--json` (such as `link.public-key`) and its title.
pub type About = (&'static str, &'static str);

/// One check's result, as `--json` prints it; a warn or fail has a fix.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub title: &'static str,
    pub verdict: Verdict,
    pub detail: String,
    pub fix: Option<String>,
}

impl Check {
    fn new((id, title): About, verdict: Verdict, detail: String, fix: Option<String>) -> Check {
        Check {
            id,
            title,
            verdict,
            detail,
            fix,
        }
    }

    pub fn pass(about: About, detail: impl Into<String>) -> Check {
        Check::new(about, Verdict::Pass, detail.into(), None)
    }

    pub fn skip(about: About, why: impl Into<String>) -> Check {
        Check::new(about, Verdict::Skip, why.into(), None)
    }

    pub fn warn(about: About, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check::new(about, Verdict::Warn, detail.into(), Some(fix.into()))
    }

    pub fn fail(about: About, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check::new(about, Verdict::Fail, detail.into(), Some(fix.into()))
    }

    /// A failed check from an error, its hint (else `fix`) as the fix; a
    /// missing answer is a skip naming the key, not a failure of the connector.
    pub fn from_error(about: About, err: &crate::error::AppError, fix: &str) -> Check {
        if let Some(missing) = err.find::<crate::prompt::MissingAnswer>() {
            let key = &missing.key;
            let why = format!(
                "not checked: needs {key}, which neither the answers nor the profile's config give"
            );
            return Check::skip(about, why);
        }
        if is_outage(err) {
            return Check::fail(about, format!("unreachable: {}", err.message), outage_fix());
        }
        Check::fail(
            about,
            err.message.clone(),
            err.hint_text().unwrap_or_else(|| fix.to_string()),
        )
    }
}

/// The value; else its error's failed check (see [`Check::from_error`]) goes to `out`.
pub fn checked<T>(result: Result<T>, out: &mut Vec<Check>, about: About, fix: &str) -> Option<T> {
    result
        .map_err(|err| out.push(Check::from_error(about, &err, fix)))
        .ok()
}

/// Each check of `group` that `out` lacks, skipped with `why`: a group that
/// stopped early still lists every check, so `--json` always has the same ids.
pub fn skip_rest(out: &mut Vec<Check>, group: &[About], why: &str) {
    for about in group {
        if !out.iter().any(|check| check.id == about.0) {
            out.push(Check::skip(*about, why));
        }
    }
}

/// No connection, no answer in time, or a 5xx: an outage, which no change to
/// the connector (`renew`) repairs, unlike an answer refusing us.
pub fn is_outage(err: &crate::error::AppError) -> bool {
    use crate::http::{ClientError, TransportKind};
    match err.find::<ClientError>() {
        Some(ClientError::Transport(e)) => !matches!(e.kind, TransportKind::Tls { .. }),
        Some(ClientError::Status(e)) => e.status >= 500,
        Some(ClientError::RetryTooLong(_)) => true,
        _ => false,
    }
}

pub fn outage_fix() -> String {
    format!(
        "An outage or a network problem, not the connector: check that the server is up and that this machine reaches it (VPN, proxy, firewall, DNS), then rerun `{}`.",
        crate::util::suggest::command("doctor")
    )
}

/// Every check, in order; a group whose ground is missing (Jira unreachable)
/// is skipped with the reason rather than failing each check again.
pub fn run_all(ctx: &mut Ctx) -> Vec<Check> {
    let mut checks = Vec::new();
    // Cleared when dropped, before the checks are printed.
    let spinner = crate::ui::Spinner::start();
    let jira_shown = ctx
        .url(&inputs::JIRA_URL)
        .map_or("Jira".into(), |url| url.to_string());
    spinner.say(format!("reaching {jira_shown} as the administrator"));
    let reach = jira::checks(ctx, &mut checks);
    let reachable = reach == jira::Reach::Read;
    spinner.say(format!("reading the link to Jira Align in {jira_shown}"));
    let link = reachable && link::checks(ctx, &mut checks);
    if !reachable {
        let why = "Jira was not read (see Jira reachable)";
        checks.extend(link::CHECKS.map(|about| Check::skip(about, why)));
    }
    spinner.say(format!(
        "making a signed call to {jira_shown} as the service account"
    ));
    let down = reach == jira::Reach::Down;
    token::checks(ctx, &mut checks, down, reachable && link);
    spinner.say("asking Jira Align for the test project's features".into());
    align::checks(ctx, &mut checks);
    // Each group lists all of its checks; a group that stopped early may list them out of order.
    let order: Vec<&str> = [
        &jira::CHECKS[..],
        &link::CHECKS,
        &token::CHECKS,
        &align::CHECKS,
    ]
    .concat()
    .iter()
    .map(|(id, _)| *id)
    .collect();
    checks.sort_by_key(|check| order.iter().position(|id| *id == check.id));
    checks
}

pub fn exit_code(checks: &[Check]) -> i32 {
    match checks.iter().any(|c| c.verdict == Verdict::Fail) {
        true => crate::error::EXIT_FAILED,
        false => 0,
    }
}

pub fn token_days_left(state: &crate::state::State) -> Option<i64> {
    let expires = state.token.as_ref()?.expires_at.as_deref()?;
    let at = crate::util::time::parse_rfc3339(expires)?;
    let now = crate::util::time::unix_now() as i64;
    Some((at - now).div_euclid(86_400))
}

pub fn renew_fix() -> String {
    format!(
        "Run `{}` (a new key pair and token), or `{}` (a new token with the same key).",
        crate::util::suggest::command("renew"),
        crate::util::suggest::command("step 17")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;
    use crate::http::{AuthKind, ClientError, Service, TransportKind};
    use crate::state::{State, TokenFacts};
    use crate::util::time::{rfc3339, unix_now};

    fn status(code: u16) -> AppError {
        AppError::from(ClientError::Status(Box::new(
            crate::http::error::StatusError {
                what: "reading serverInfo".into(),
                status: code,
                service: Service::Jira,
                auth: AuthKind::Bearer,
                detail: String::new(),
            },
        )))
    }

    fn transport(kind: TransportKind) -> AppError {
        AppError::from(ClientError::Transport(Box::new(
            crate::http::error::TransportError {
                method: "GET".into(),
                url: "https://jira.example.com/".into(),
                kind,
                connecting: true,
                source: "test".into(),
            },
        )))
    }

    #[test]
    fn an_outage_is_no_answer_or_a_5xx_and_its_fix_is_never_renew() {
        assert!(is_outage(&transport(TransportKind::Refused)));
        assert!(is_outage(&transport(TransportKind::Timeout)));
        assert!(is_outage(&status(503)));
        assert!(!is_outage(&status(401)), "a refusal is not an outage");
        let tls = TransportKind::Tls {
            reason: "unknown issuer".into(),
        };
        assert!(
            !is_outage(&transport(tls)),
            "nor is an untrusted certificate"
        );
        assert!(!is_outage(&AppError::failed("no link")));
        let check = Check::from_error(("token.signed-call", "Signed call"), &status(502), "renew");
        assert_eq!(check.verdict, Verdict::Fail);
        assert!(!check.fix.unwrap().contains("renew"));
    }

    #[test]
    fn only_a_fail_makes_the_exit_code_one() {
        let mut checks = vec![
            Check::pass(("a", "A"), "fine"),
            Check::warn(("b", "B"), "drifting", "fix it"),
            Check::skip(("c", "C"), "not here"),
        ];
        assert_eq!(exit_code(&checks), 0);
        checks.push(Check::fail(("d", "D"), "broken", "fix it"));
        assert_eq!(exit_code(&checks), crate::error::EXIT_FAILED);
        let json = |check: &Check| serde_json::to_value(check).unwrap();
        assert_eq!(json(&checks[3])["verdict"], "fail");
        assert_eq!(json(&checks[0])["fix"], serde_json::Value::Null);
    }

    #[test]
    fn days_left_come_from_the_recorded_expiry() {
        let mut state = State::default();
        assert_eq!(token_days_left(&state), None);
        state.token = Some(TokenFacts {
            account: None,
            obtained_at: rfc3339(unix_now()),
            expires_at: Some(rfc3339(unix_now() + 10 * 86_400 + 60)),
            approval: crate::domain::Approval::ServiceAccount,
        });
        assert_eq!(token_days_left(&state), Some(10));
        state.token.as_mut().unwrap().expires_at = Some(rfc3339(unix_now() - 60));
        assert_eq!(token_days_left(&state), Some(-1));
    }
}
