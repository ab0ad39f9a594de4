//! `align-link doctor`: live checks of a connector that was set up, each with a
//! verdict and the fix. The checks read Jira through the model's observation
//! (`steps::jira_side`) and the same clients the steps use; they change nothing.
//!
//! One file per group: `jira` (reachable, TLS, base URL, clock), `link` (the link
//! to Jira Align and its consumer), `token` (the signed call, expiry, the service
//! account's view), `align` (Jira Align's token and the sync).

pub mod align;
pub mod jira;
pub mod link;
pub mod tls;
pub mod token;

use serde_json::{json, Value};

use crate::context::Ctx;

/// How long before the OAuth token expires `status` and `doctor` start warning.
pub const TOKEN_WARN_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    /// Not applicable here, or not checkable (the reason says which).
    Skip,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::Skip => "skip",
        }
    }
}

/// One check's result: what was found, and for a warn or fail, the fix.
#[derive(Debug, Clone)]
pub struct Check {
    /// Stable id for `--json`, such as `link.public-key`.
    pub id: &'static str,
    pub title: &'static str,
    pub verdict: Verdict,
    pub detail: String,
    pub fix: Option<String>,
}

impl Check {
    pub fn pass(id: &'static str, title: &'static str, detail: impl Into<String>) -> Check {
        Check {
            id,
            title,
            verdict: Verdict::Pass,
            detail: detail.into(),
            fix: None,
        }
    }

    pub fn skip(id: &'static str, title: &'static str, why: impl Into<String>) -> Check {
        Check {
            verdict: Verdict::Skip,
            ..Check::pass(id, title, why)
        }
    }

    pub fn warn(
        id: &'static str,
        title: &'static str,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Check {
        Check {
            verdict: Verdict::Warn,
            fix: Some(fix.into()),
            ..Check::pass(id, title, detail)
        }
    }

    pub fn fail(
        id: &'static str,
        title: &'static str,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Check {
        Check {
            verdict: Verdict::Fail,
            fix: Some(fix.into()),
            ..Check::pass(id, title, detail)
        }
    }

    /// A failed check from an error: its message, and its hint (else `fix`) as the fix.
    pub fn from_error(
        id: &'static str,
        title: &'static str,
        err: &crate::error::AppError,
        fix: &str,
    ) -> Check {
        Check::fail(
            id,
            title,
            err.message.clone(),
            err.hint.clone().unwrap_or_else(|| fix.to_string()),
        )
    }

    pub fn json(&self) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "verdict": self.verdict.as_str(),
            "detail": self.detail,
            "fix": self.fix,
        })
    }
}

/// Every check, in order. A group whose ground is missing (Jira unreachable)
/// reports its checks as skipped with the reason, rather than failing each again.
pub fn run_all(ctx: &mut Ctx) -> Vec<Check> {
    let mut checks = Vec::new();
    let reachable = jira::checks(ctx, &mut checks);
    let link = if reachable {
        link::checks(ctx, &mut checks)
    } else {
        for (id, title) in link::CHECKS {
            checks.push(Check::skip(id, title, "Jira could not be read"));
        }
        false
    };
    token::checks(ctx, &mut checks, reachable && link);
    align::checks(ctx, &mut checks);
    checks
}

/// 0 when nothing failed, 1 otherwise.
pub fn exit_code(checks: &[Check]) -> i32 {
    if checks.iter().any(|c| c.verdict == Verdict::Fail) {
        crate::error::EXIT_FAILED
    } else {
        0
    }
}

/// Days from now until the token's recorded expiry; None when none is recorded.
pub fn token_days_left(ctx_state: &crate::state::State) -> Option<i64> {
    let expires = ctx_state.token.as_ref()?.expires_at.as_deref()?;
    let at = crate::util::time::parse_rfc3339(expires)?;
    let now = crate::util::time::unix_now() as i64;
    Some((at - now).div_euclid(86_400))
}

/// The command that gets a fresh token and key pair.
pub const RENEW_FIX: &str =
    "Run `align-link renew` (a new key pair and token), or `align-link step 17` (a new token with the same key).";
