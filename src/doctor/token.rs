//! The connector's credential, tried as Jira Align uses it: who a signed call
//! acts as, the token's expiry, and what the service account sees.

use super::{checked, renew_fix, token_days_left, About, Check, TOKEN_WARN_DAYS};
use crate::context::inputs;
use crate::context::service::ServiceAccess;
use crate::context::Ctx;
use crate::domain::Secret;
use crate::error::AppError;
use crate::http::Credential;
use crate::jira::service::{check_service_account, Login};
use crate::state::{State, ACCESS_TOKEN_FILE, STATE_FILE};
use crate::steps::keys::pair_of_our_own;

const SIGNED: About = ("token.signed-call", "Signed call as the service account");
const EXPIRY: About = ("token.expiry", "Token expiry");
const PROJECT: About = ("service.project", "Service account sees the test project");
const SEARCH: About = ("service.search", "JQL search");
/// In the order doctor lists them.
pub const CHECKS: [About; 4] = [EXPIRY, SIGNED, PROJECT, SEARCH];

/// With Jira down, only the expiry (from the state). `link_ok`: the link holds our key.
pub fn checks(ctx: &mut Ctx, out: &mut Vec<Check>, jira_down: bool, link_ok: bool) {
    out.push(expiry(ctx.state()));
    if jira_down {
        let why = "Jira is unreachable (see Jira reachable)";
        out.extend([SIGNED, PROJECT, SEARCH].map(|about| Check::skip(about, why)));
    } else if let Some(why) = with_credential(ctx, out, link_ok) {
        by_password(ctx, out, why);
    }
    let why =
        "the service account's credential was not used (see Signed call as the service account)";
    super::skip_rest(out, &CHECKS, why);
}

/// The checks with the connector's own credential; else why not, for the
/// service account's password to stand in.
fn with_credential(ctx: &mut Ctx, out: &mut Vec<Check>, link_ok: bool) -> Option<&'static str> {
    let no_token = pair_of_our_own(ctx) && !ctx.store().exists(ACCESS_TOKEN_FILE);
    if no_token && !ctx.store().exists(STATE_FILE) {
        let why = "no saved state here: the token lives with the profile that ran setup (give its --profile or --state-dir)";
        out.push(Check::skip(SIGNED, why));
        return Some("no credential of the service account here");
    }
    if no_token {
        // A new key would fail as the last handshake did: its cause comes first.
        let (problem, fix) = match ctx.state().last_failure() {
            Some((step, detail)) if (13..=20).contains(&step) => (
                format!("no stored access token: the last setup stopped at step {step}: {detail}"),
                format!(
                    "Fix that cause first (`{} -v` shows each request), then run `{}`.",
                    crate::util::suggest::command(&format!("step {step}")),
                    crate::util::suggest::command("setup")
                ),
            ),
            _ => (
                format!("no stored access token in {}", ctx.store().dir().display()),
                renew_fix(),
            ),
        };
        out.push(Check::fail(SIGNED, problem, fix));
        return Some("no credential of the service account");
    }
    let Some(access) = checked(ctx.service_access(), out, SIGNED, &renew_fix()) else {
        return Some("no credential of the service account");
    };
    if matches!(access, ServiceAccess::HeldByAlign) {
        let why = "Jira Align made the key pair and holds the token: align-link cannot sign with it (its sync shows whether it works)";
        out.push(Check::skip(SIGNED, why));
        return Some("Jira Align holds the credential");
    }
    let base = checked(ctx.url(&inputs::JIRA_URL), out, SIGNED, &renew_fix())?;
    let expected = ctx.given(&inputs::SERVICE_USERNAME);
    let project_key = ctx.known(&inputs::TEST_PROJECT);
    let jira = ctx.service_client(&base, &access)?;
    let user = match jira.myself() {
        Ok(user) => user,
        Err(err) => {
            let err = AppError::from(err);
            if super::is_outage(&err) {
                out.push(Check::from_error(SIGNED, &err, ""));
                let why = "Jira is unreachable";
                out.extend([PROJECT, SEARCH].map(|about| Check::skip(about, why)));
                return None;
            }
            let mut fix = renew_fix();
            if !link_ok {
                fix = format!("Put this profile's key back on the link first (see above); then, if the call still fails: {fix}");
            }
            if let Some(hint) = err.hint_text() {
                fix = format!("{fix} ({hint})");
            }
            let problem = format!("Jira refused the call: {}", err.message);
            out.push(Check::fail(SIGNED, problem, fix));
            return Some("the credential does not work");
        }
    };
    let name = &user.name;
    let how = match access {
        ServiceAccess::Ours(Credential::OAuth { .. }) => "the OAuth token",
        ServiceAccess::Ours(Credential::Token(_)) => "the personal access token",
        _ => "the password",
    };
    match &expected {
        Some(expected) if !expected.eq_ignore_ascii_case(name) => out.push(Check::fail(
            SIGNED,
            format!("{how} acts as {name}, not as the service account {expected}"),
            format!(
                "Jira Align would act with {name}'s rights. {} Approve as {expected}.",
                renew_fix()
            ),
        )),
        _ if user.active == Some(false) => out.push(Check::fail(
            SIGNED,
            format!("{how} acts as {name}, whose account is inactive"),
            "Reactivate the service account in Jira's User management.",
        )),
        _ => out.push(Check::pass(
            SIGNED,
            format!("{how} works: Jira answers as {name} (active)"),
        )),
    }
    let Some(key) = project_key else {
        return Some("no jira.test_project in the answers");
    };
    let project = jira.project(&key).map_err(AppError::from);
    let fix = "Check the project key (jira.test_project).";
    let Some(project) = checked(project, out, PROJECT, fix) else {
        out.push(Check::skip(SEARCH, "the project could not be read"));
        return None;
    };
    let Some(project) = project else {
        out.push(Check::fail(
            PROJECT,
            format!("{name} cannot see project {key}"),
            format!("Give {name} the Browse Projects permission in {key}'s permission scheme (or fix jira.test_project)."),
        ));
        out.push(Check::skip(SEARCH, "the project is not visible"));
        return None;
    };
    let detail = format!("{name} sees {} \"{}\"", project.key, project.name);
    out.push(Check::pass(PROJECT, detail));
    out.push(match jira.search_project(&key) {
        Ok(Some(found)) => Check::pass(
            SEARCH,
            format!("`project = {key}` finds {} issue(s)", found.total),
        ),
        Ok(None) => Check::fail(
            SEARCH,
            format!("Jira answers that `project = {key}` names no project {name} may see"),
            format!("Give {name} the Browse Projects permission in {key}'s permission scheme."),
        ),
        Err(err) => Check::from_error(
            SEARCH,
            &AppError::from(err),
            "Jira Align's sync searches with JQL: check the service account's permissions and Jira's search index.",
        ),
    });
    None
}

/// The service account's password, when given, still shows that the account is
/// active and sees the test project.
fn by_password(ctx: &mut Ctx, out: &mut Vec<Check>, why: &str) {
    let (Some(username), Some(password), Some(key)) = (
        ctx.known(&inputs::SERVICE_USERNAME),
        ctx.known(&inputs::SERVICE_PASSWORD).map(Secret::new),
        ctx.known(&inputs::TEST_PROJECT),
    ) else {
        return out.extend([PROJECT, SEARCH].map(|about| Check::skip(about, why)));
    };
    let signed_in = ctx
        .url(&inputs::JIRA_URL)
        .and_then(|base| check_service_account(ctx.http(), &base, &username, &password, &key));
    out.push(match signed_in {
        Ok(Login::SignedIn((Some(project), _))) => Check::pass(
            PROJECT,
            format!(
                "{username} signs in with its password (active) and sees {} \"{}\"",
                project.key, project.name
            ),
        ),
        Ok(Login::SignedIn((None, _))) => Check::fail(
            PROJECT,
            format!("{username} signs in with its password but cannot see project {key}"),
            format!("Give {username} the Browse Projects permission in {key}'s permission scheme (or fix jira.test_project)."),
        ),
        Ok(Login::Refused(_)) => Check::fail(
            PROJECT,
            format!("Jira refused the password of {username}: a wrong password, or an inactive account"),
            "Check service_account.password, and that the account is active in Jira's User management.",
        ),
        Ok(Login::NeedsAPerson(err)) => Check::warn(
            PROJECT,
            err.message.clone(),
            err.hint_text()
                .unwrap_or_else(|| format!("Sign in to Jira in a browser as {username} once.")),
        ),
        Err(err) => Check::from_error(PROJECT, &err, "Check the service account."),
    });
    let why = format!("{why}: the search runs with the connector's own credential");
    out.push(Check::skip(SEARCH, why));
}

/// The recorded expiry against now; `status` warns with it too.
pub fn expiry(state: &State) -> Check {
    let Some(token) = &state.token else {
        return Check::skip(EXPIRY, "no token recorded in this profile");
    };
    let Some(expires) = &token.expires_at else {
        return Check::skip(EXPIRY, "Jira did not say when the token expires");
    };
    match token_days_left(state) {
        Some(days) if days < 0 => Check::fail(
            EXPIRY,
            format!("the OAuth access token expired on {expires}"),
            renew_fix(),
        ),
        Some(days) if days < TOKEN_WARN_DAYS => Check::warn(
            EXPIRY,
            format!("the OAuth access token expires in {days} day(s), on {expires}"),
            renew_fix(),
        ),
        Some(days) => Check::pass(EXPIRY, format!("expires on {expires}, in {days} days")),
        None => Check::skip(EXPIRY, format!("unreadable expiry {expires:?}")),
    }
}
