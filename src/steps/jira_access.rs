//! Step 7: Jira answers, the administrator's credentials and rights work, the
//! clocks agree; and everything else checkable read-only, so that a run stops
//! before its first write rather than halfway.

use super::handshake::approval_mode;
use super::jira_side;
use crate::align::AlignUser;
use crate::context::inputs;
use crate::context::run::SideReads;
use crate::context::Ctx;
use crate::domain::{Approval, KeySource, Secret};
use crate::error::{AppError, Result};
use crate::http::Result as ClientResult;
use crate::jira::admin::same_url;
use crate::jira::service::{Login, ServiceSignIn};
use crate::keys;
use crate::model::observe::NamedProject;
use crate::state::{JiraFacts, PRIVATE_KEY_FILE};
use crate::ui;
use crate::util::time::now_rfc3339;

use super::Outcome;

/// Past this the operator is warned: it still works, but eats into OAuth's window.
pub const SKEW_WARNING_SECS: i64 = 60;
/// Jira refuses OAuth timestamps this far off (its default window): past it, stop.
pub const SKEW_LIMIT_SECS: i64 = 300;

pub fn check_admin_access(ctx: &mut Ctx) -> Result<Outcome> {
    let url = ctx.url(&inputs::JIRA_URL)?;
    let auth_label = crate::jira::admin::describe(&ctx.admin_auth()?);
    let reads = observe(ctx).map_err(unchanged)?;
    let facts = jira_side::server(ctx).map_err(unchanged)?;
    if !facts.is_administrator {
        return Err(unchanged(not_admin(facts.admin_user.as_deref())));
    }
    let signed_in = signed_in(facts.admin_user.as_deref());
    let how = (facts.admin_user.as_ref())
        .map(|_| format!(" ({auth_label})"))
        .unwrap_or_default();
    ui::ok(&format!(
        "Jira {} at {} answers; {signed_in}{how}, an administrator",
        facts.version.as_deref().unwrap_or("(version unknown)"),
        url,
    ));
    if ctx.http().pinned_certificate_used() {
        ui::warn(&format!("Jira presents the very certificate --ca-cert gives: trusted as pinned for this host. Jira Align's cloud trusts only public CAs, so it will not reach a Jira with this certificate (`{}` checks it).", crate::util::suggest::command("doctor")));
    }
    match facts.clock_skew_secs {
        Some(secs) if secs.abs() > SKEW_WARNING_SECS => ui::warn(&format!(
            "{}; OAuth fails past about {SKEW_LIMIT_SECS} s. Fix the time (NTP) on whichever is wrong.",
            clock_off(secs)
        )),
        Some(secs) => ui::ok(&format!("clock skew {secs} s (fine for OAuth)")),
        None => ui::warn("Jira sent no Date header: the clock skew could not be measured"),
    }
    if let Some(base) = &facts.base_url {
        if !same_url(base, url.as_str()) {
            ui::warn(&format!(
                "Jira's configured base URL is {base}, but align-link talks to {url}. OAuth signatures are checked against the URL each request reaches Jira at, so this alone does not break the handshake; but the links Jira writes (in its pages and answers) use the base URL, and Jira Align must reach Jira at the URL its connector gives (step 4). Make the base URL the address Jira Align uses, or use that address as jira.url."
            ));
        }
    }
    let jira = JiraFacts {
        url: url.to_string(),
        base_url: facts.base_url,
        version: facts.version,
        title: facts.title,
        admin_user: facts.admin_user,
        clock_skew_secs: facts.clock_skew_secs,
        checked_at: now_rfc3339(),
    };
    ctx.update_state(|state| state.jira = Some(jira))?;
    ensure_validated_with(ctx, Some(reads))?;
    Ok(Outcome::Done(format!("{signed_in}, an administrator")))
}

/// Runs the read-only checks once per run; every write to Jira waits for them.
pub fn ensure_validated(ctx: &mut Ctx) -> Result<()> {
    ensure_validated_with(ctx, None)
}

fn ensure_validated_with(ctx: &mut Ctx, reads: Option<SideReads>) -> Result<()> {
    if !ctx.run().validated {
        for proven in checks_before_writes(ctx, reads).map_err(unchanged)? {
            ui::ok(&proven);
        }
    }
    Ok(())
}

/// The read-only checks, quietly (`plan`): what they proved, or the first problem.
pub fn checks_before_writes(ctx: &mut Ctx, reads: Option<SideReads>) -> Result<Vec<String>> {
    let reads = reads.map_or_else(|| observe(ctx), Ok)?;
    let proven = validate(ctx, reads)?;
    ctx.run_mut().validated = true;
    Ok(proven)
}

/// The observation pass with the side checks (made at the start of the run, or now).
fn observe(ctx: &mut Ctx) -> Result<SideReads> {
    let mut reads = match ctx.run_mut().first_pass.take() {
        Some(first) => first,
        None => observe_reads(ctx)?,
    };
    match reads.server_failure.take() {
        Some(err) => Err(err),
        None => Ok(reads),
    }
}

fn observe_reads(ctx: &mut Ctx) -> Result<SideReads> {
    if ctx.run().validated {
        return jira_side::observe_pass(ctx, None, None);
    }
    let service = (|| {
        let password = Secret::new(ctx.given(&inputs::SERVICE_PASSWORD)?);
        Some((
            ctx.given(&inputs::SERVICE_USERNAME)?,
            password,
            ctx.given(&inputs::TEST_PROJECT)?,
        ))
    })();
    let align = if ctx.run().align_checked || ctx.given(&inputs::ALIGN_API_TOKEN).is_none() {
        None
    } else {
        let site = ctx.url(&inputs::ALIGN_URL)?;
        ctx.http().check_url(&site, "align.url")?;
        ctx.align_api_auth()?.map(|auth| (site, auth))
    };
    jira_side::observe_pass(ctx, service, align)
}

/// The executor's first observation in an unattended run: everything the checks
/// read, sent at once and kept for the steps that report it (1 and 7).
pub fn observe_first(ctx: &mut Ctx) {
    if ctx.interactive() || ctx.run().validated || ctx.run().first_pass.is_some() {
        return;
    }
    if let Ok(reads) = observe_reads(ctx) {
        ctx.run_mut().first_pass = Some(reads);
    }
}

fn validate(ctx: &mut Ctx, reads: SideReads) -> Result<Vec<String>> {
    let facts = jira_side::server(ctx)?;
    if !facts.is_administrator {
        return Err(not_admin(facts.admin_user.as_deref()));
    }
    if let Some(secs) = facts.clock_skew_secs.filter(|s| s.abs() > SKEW_LIMIT_SECS) {
        return Err(AppError::failed(format!(
            "{}: Jira refuses OAuth requests more than {SKEW_LIMIT_SECS} s off",
            clock_off(secs)
        ))
        .hint("Fix the time (NTP) on whichever machine is wrong, then rerun."));
    }
    check_keys(ctx)?;
    // A failed link list is its step's to report; the executor checks again anyway.
    if ctx.observed().link.is_some() {
        jira_side::check_link_name_free(ctx)?;
    }
    let mut proven: Vec<String> = check_service(ctx, reads.service)?.into_iter().collect();
    if let Some(answer) = reads.align {
        proven.push(check_align(ctx, answer)?);
    }
    Ok(proven)
}

/// The consumer key, the private key on disk and every public key given or saved parse.
fn check_keys(ctx: &Ctx) -> Result<()> {
    if let Some(key) = &ctx.given(&inputs::CONSUMER_KEY) {
        keys::check_consumer_key(key)
            .map_err(|reason| AppError::usage(format!("keys.consumer_key: {reason}")))?;
    }
    if ctx.key_source() == KeySource::Align {
        if let Some((text, origin)) = ctx.given_public_key() {
            super::keys::given_public_key(text, origin)?;
        }
    }
    if ctx.key_source() == KeySource::Generate && ctx.store().exists(PRIVATE_KEY_FILE) {
        ctx.private_key()?;
    }
    if let Some(pem) = ctx
        .state()
        .consumer
        .as_ref()
        .and_then(|c| c.public_key_pem.as_deref())
    {
        super::keys::saved_public_key(pem)?;
    }
    Ok(())
}

/// With its password, the service account signed in and saw the test project;
/// without, the administrator finds it in Jira, active.
fn check_service(ctx: &mut Ctx, answer: Option<Result<ServiceSignIn>>) -> Result<Option<String>> {
    let Some(answer) = answer else {
        let username = ctx.given(&inputs::SERVICE_USERNAME);
        return match (username, ctx.given(&inputs::SERVICE_PASSWORD)) {
            (Some(username), None) => service_account_exists(ctx, &username).map(Some),
            _ => Ok(None),
        };
    };
    let username = ctx.given(&inputs::SERVICE_USERNAME).unwrap_or_default();
    let project = ctx.given(&inputs::TEST_PROJECT).unwrap_or_default();
    match answer? {
        Login::SignedIn((Some(seen), session)) => {
            // Later steps reuse the project read and, for the approval, the session.
            ctx.observed_mut().service_project = Some(NamedProject::new(&project, seen));
            // Only a session holding its XSRF token saves the approval a login.
            ctx.observed_mut().service_session = session
                .filter(|session| session.xsrf_cookie().is_some())
                .map(|session| (username.clone(), session));
            Ok(Some(format!(
                "the service account {username} signs in and sees project {project}"
            )))
        }
        Login::SignedIn((None, _)) => Err(AppError::failed(format!(
            "the service account {username} cannot see project {project} in Jira"
        ))
        .hint(format!(
            "Give {username} the Browse Projects permission in {project}'s permission scheme (or fix jira.test_project)."
        ))),
        Login::Refused(_) => Err(AppError::failed(format!(
            "Jira refused the password of the service account {username}"
        ))
        .hint("Check service_account.username and service_account.password; after failed logins Jira may demand a CAPTCHA in the browser first.")
        .about("service_account.password")),
        // A CAPTCHA or SSO: with a person approving, only this check is left undone.
        Login::NeedsAPerson(err) if approval_mode(ctx) != Approval::ServiceAccount => {
            ui::warn(&format!(
                "not checked with the service account's password: {} The approval happens in the browser, where {username} signs in; step 24 checks the project with the token.",
                err.message
            ));
            Ok(None)
        }
        Login::NeedsAPerson(err) => Err(err.hint_instead(format!(
            "Set oauth.approval = \"browser\" (approval = \"browser\" under [oauth] in the answers file), then rerun `{}`: {username} then signs in and approves in a browser, and this check is left to the token at step 24. Jira was not changed.",
            crate::util::suggest::command("setup")
        ))),
    }
}

fn service_account_exists(ctx: &mut Ctx, username: &str) -> Result<String> {
    match ctx.jira_admin()?.user_active(username)? {
        Some(true) => Ok(format!(
            "the service account {username} exists in Jira, active"
        )),
        Some(false) => Err(AppError::failed(format!(
            "the service account {username} is inactive in Jira: it could not approve the link"
        ))
        .hint(format!(
            "Activate {username} in Jira's User management (or fix service_account.username)."
        ))),
        None => Err(AppError::failed(format!(
            "Jira has no user named {username} (service_account.username)"
        ))
        .hint("Create the service account in Jira's User management, or fix service_account.username.")),
    }
}

/// The Jira Align site and token, when a token was given (`answer`, from the pass).
fn check_align(ctx: &mut Ctx, answer: ClientResult<Option<AlignUser>>) -> Result<String> {
    answer?;
    let align = ctx.url(&inputs::ALIGN_URL)?;
    ctx.run_mut().align_checked = true;
    Ok(format!(
        "Jira Align answers at {align} and accepts the API token"
    ))
}

pub fn clock_off(secs: i64) -> String {
    let direction = if secs >= 0 { "ahead of" } else { "behind" };
    format!(
        "Jira's clock is {} s {direction} this machine's",
        secs.abs()
    )
}

/// How the administrator signed in: as a username, or with a token.
pub fn signed_in(admin_user: Option<&str>) -> String {
    match admin_user {
        Some(user) => format!("signed in as {user}"),
        None => "signed in with the administrator's personal access token".to_string(),
    }
}

/// The administrator's credentials work but lack the rights, in words.
pub fn not_an_administrator(admin_user: Option<&str>) -> String {
    match admin_user {
        Some(user) => format!("{user} can sign in to Jira but is not a Jira administrator"),
        None => "the administrator's personal access token (jira.admin_token) signs in to Jira, but its account is not a Jira administrator".to_string(),
    }
}

fn not_admin(admin_user: Option<&str>) -> AppError {
    AppError::failed(not_an_administrator(admin_user))
    .hint("Application links need Jira administrator rights: use an administrator's token or password (jira.admin_token or jira.admin_username).")
}

/// Says that the failure came before any write.
fn unchanged(mut err: AppError) -> AppError {
    err.message.push_str("\nJira was not changed.");
    err
}
