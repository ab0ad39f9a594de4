//! Steps 17 to 20: the three-legged OAuth 1.0a handshake. Its legs cannot be split
//! across runs (request tokens last 10 minutes and the callback listener lives in
//! this process), so any of these steps runs the whole handshake, recording each
//! step as its leg completes.

use std::time::Duration;

use super::access::{check_account, client, service_access};
use super::{guided::guide, keys::key_source, oauth_only, Outcome};
use crate::answers::{Approval, KeySource};
use crate::callback::CallbackListener;
use crate::context::Ctx;
use crate::error::{AppError, Result};
use crate::jira::admin::JiraAdmin;
use crate::jira::handshake::{approve_as, Approval as Approved, Provider};
use crate::oauth::{OAuthProblem, ProblemContext, Signer, TokenResponse};
use crate::prompt::Question;
use crate::state::{AccessToken, StepStatus, TokenFacts, ACCESS_TOKEN_FILE};
use crate::util::time::{human_duration, now_rfc3339, rfc3339, unix_now};
use crate::{browser, http, ui};

/// As long as Jira keeps a request token.
const CALLBACK_TIMEOUT: Duration = Duration::from_secs(600);

pub fn authorize(ctx: &mut Ctx) -> Result<Outcome> {
    if let Some(skipped) = oauth_only(ctx) {
        return Ok(skipped);
    }
    if key_source(ctx) == KeySource::Align {
        return guided_align(ctx, 17);
    }
    run_handshake(ctx)?;
    Ok(Outcome::Done("request token obtained".into()))
}

/// Step 18, which happens inside the handshake.
pub fn request_access(ctx: &mut Ctx) -> Result<Outcome> {
    approval_leg(ctx, 18)
}

/// Step 19, which happens inside the handshake.
pub fn allow_access(ctx: &mut Ctx) -> Result<Outcome> {
    approval_leg(ctx, 19)
}

fn approval_leg(ctx: &mut Ctx, step: u8) -> Result<Outcome> {
    if let Some(skipped) = oauth_only(ctx) {
        return Ok(skipped);
    }
    if key_source(ctx) == KeySource::Align {
        return guided_align(ctx, step);
    }
    if !ctx.handshake_ran {
        ui::info("This step is a leg of the OAuth handshake, which runs as one piece: starting it at step 17.");
        run_handshake(ctx)?;
    }
    Ok(Outcome::Done("approved in this run's handshake".into()))
}

/// Step 20: a stored token is checked with a signed call; without one, the handshake runs.
pub fn completed(ctx: &mut Ctx) -> Result<Outcome> {
    if let Some(skipped) = oauth_only(ctx) {
        return Ok(skipped);
    }
    if key_source(ctx) == KeySource::Align {
        return guided_align(ctx, 20);
    }
    if !ctx.handshake_ran {
        match ctx.store.read_secret(ACCESS_TOKEN_FILE)? {
            Some(_) => {
                let account = signed_myself(ctx)?;
                ui::ok(&format!(
                    "the stored access token works: Jira answers as {account}"
                ));
                return Ok(Outcome::Done(format!("token acts as {account}")));
            }
            None => run_handshake(ctx)?,
        }
    }
    let account = ctx
        .state
        .token
        .as_ref()
        .and_then(|t| t.account.clone())
        .unwrap_or_default();
    Ok(Outcome::Done(format!(
        "access token stored; acts as {account}"
    )))
}

fn guided_align(ctx: &mut Ctx, step: u8) -> Result<Outcome> {
    let text = match step {
        17 => "In the Jira Align connector, click Authorize Jira OAuth Access (it reads\n\
               Reauthorize when a token exists: the same process, for a fresh token).",
        18 => "Click Request Jira for access. Be logged in to Jira as the service account in\n\
               another tab of the same browser first: Jira Align acts as whoever allows access.",
        19 => "In the Jira tab that asks whether to allow Jira Align access, check that it is the\n\
               service account's session, then click Allow.",
        _ => "Wait until the connector's OAuth section shows as completed (it refreshes a few times over some minutes).",
    };
    guide(ctx, text, &[])
}

fn problem_context(ctx: &Ctx, consumer_key: &str) -> ProblemContext {
    ProblemContext {
        consumer_key_sent: Some(consumer_key.to_string()),
        ..super::access::problem_context(ctx)
    }
}

/// How the service account's "Allow" happens in this run.
fn approval_mode(ctx: &Ctx) -> Approval {
    if let Some(mode) = ctx.answers.oauth.approval {
        return mode;
    }
    if !ctx.prompter.interactive() {
        Approval::ServiceAccount
    } else if !ctx.config.no_browser && browser::available() {
        Approval::Browser
    } else {
        Approval::Manual
    }
}

/// Steps 17-20 for align-link's own key pair: the legs, then the token stored.
fn run_handshake(ctx: &mut Ctx) -> Result<()> {
    let signer = ctx.signer()?;
    let (access, mode) = obtain_access_token(ctx, &signer, true)?;
    ctx.store.write_secret(
        ACCESS_TOKEN_FILE,
        toml::to_string(&AccessToken {
            token: access.token.clone(),
            secret: access.secret.clone(),
            session_handle: access.session_handle.clone(),
        })
        .map_err(|err| AppError::failed(format!("cannot encode the access token: {err}")))?
        .as_bytes(),
    )?;
    let now = unix_now();
    ctx.state.token = Some(TokenFacts {
        account: None,
        obtained_at: now_rfc3339(),
        expires_at: access.expires_in.map(|secs| rfc3339(now + secs)),
        approval: mode,
    });
    ctx.save()?;
    ctx.handshake_ran = true;
    let account = signed_myself(ctx)?;
    if let Some(token) = ctx.state.token.as_mut() {
        token.account = Some(account.clone());
    }
    let lifetime = access
        .expires_in
        .map(human_duration)
        .unwrap_or_else(|| "an unstated time".into());
    ui::ok(&format!(
        "access token stored (mode 0600); it acts as {account} and lasts {lifetime}"
    ));
    ctx.record(
        20,
        StepStatus::Done,
        Some(format!("token acts as {account}")),
    )?;
    Ok(())
}

/// The three legs with `signer`: request token, approval, access token. With
/// `record`, each leg is announced and recorded as its step (17 to 19, and 20 is
/// announced); without, it runs quietly (the preflight's temporary key).
pub fn obtain_access_token(
    ctx: &mut Ctx,
    signer: &Signer,
    record: bool,
) -> Result<(TokenResponse, Approval)> {
    let base = ctx.jira_url()?;
    let consumer_key = signer.consumer_key().to_string();
    let mode = approval_mode(ctx);
    let service = if mode == Approval::ServiceAccount {
        Some(service_credentials(ctx)?)
    } else {
        None
    };
    let listener = match mode {
        Approval::Manual => None,
        _ => Some(CallbackListener::bind()?),
    };
    let callback = listener
        .as_ref()
        .map(|l| l.url().to_string())
        .unwrap_or_else(|| "oob".into());
    let provider = Provider {
        http: &ctx.http,
        base: &base,
        signer,
        problem_context: problem_context(ctx, &consumer_key),
    };
    let request = match provider.request_token(&callback) {
        Ok(token) => token,
        Err(err) => return Err(explain_consumer(ctx, err, &consumer_key)),
    };
    if !request.callback_confirmed && callback != "oob" {
        ui::warn("Jira did not confirm the callback (OAuth 1.0 rather than 1.0a)");
    }
    let authorize_url = provider.authorize_url(&request.token);
    ui::ok(&format!(
        "request token obtained (callback: {})",
        if callback == "oob" {
            "none, out of band"
        } else {
            "loopback listener"
        }
    ));
    if record {
        ctx.record(17, StepStatus::Done, Some("request token obtained".into()))?;
        announce(18);
    }
    let verifier = match (mode, listener) {
        (Approval::ServiceAccount, Some(listener)) => {
            let (username, password) = service.expect("credentials read above");
            approve_scripted(ctx, &base, &username, &password, &request.token, &listener)?
        }
        (Approval::Browser, Some(listener)) => {
            ui::info(
                "Opening Jira's authorize page: log in as the service account, then click Allow.",
            );
            if !browser::open(authorize_url.as_str()) {
                ui::info(&format!(
                    "No browser started: open this address yourself:\n{authorize_url}"
                ));
            }
            ui::info(&format!(
                "Waiting up to {} minutes for Jira's answer…",
                CALLBACK_TIMEOUT.as_secs() / 60
            ));
            listener.wait_for_verifier(&request.token, CALLBACK_TIMEOUT)?
        }
        _ => ask_verifier(ctx, &authorize_url)?,
    };
    if record {
        ctx.record(18, StepStatus::Done, Some("authorization requested".into()))?;
        announce(19);
    }
    ui::ok("Allow was clicked: Jira issued a verifier");
    if record {
        ctx.record(19, StepStatus::Done, Some("allowed".into()))?;
        announce(20);
    }
    let provider = Provider {
        http: &ctx.http,
        base: &base,
        signer,
        problem_context: problem_context(ctx, &consumer_key),
    };
    let access = provider.access_token(&request.token, verifier.trim())?;
    Ok((access, mode))
}

/// Out of band: the person opens the URL, clicks Allow and types the code Jira shows.
fn ask_verifier(ctx: &mut Ctx, authorize_url: &url::Url) -> Result<String> {
    ui::info(
        "Open this address in a browser logged in to Jira as the service account, click Allow,",
    );
    ui::info("and copy the verification code Jira shows:");
    println!("\n    {authorize_url}\n");
    let check = |v: &str| {
        if v.trim().is_empty() {
            Err("paste the verification code Jira showed".to_string())
        } else {
            Ok(())
        }
    };
    ctx.prompter
        .ask(&Question::new("oauth.verifier", "Verification code").validate(&check))
        .map_err(|err| err.hint("A scripted run cannot type a code: set oauth.approval = \"service-account\" with service_account.password, or run in a terminal."))
}

fn announce(step: u8) {
    if let Some(step) = super::by_number(step) {
        crate::ui::step_header(step);
    }
}

fn service_credentials(ctx: &mut Ctx) -> Result<(String, crate::answers::Secret)> {
    let username = match ctx.answers.service_account.username.clone() {
        Some(name) => name,
        None => ctx.prompter.ask(&Question::new(
            "service_account.username",
            "Jira service account username",
        ))?,
    };
    let password = match ctx.answers.service_account.password.clone() {
        Some(secret) => secret,
        None => ctx.ask_secret(
            "service_account.password",
            &format!("Jira password for {username}"),
        )?,
    };
    Ok((username, password))
}

/// Approves as the service account, then follows Jira's redirect to our own
/// listener, exactly as the browser would.
fn approve_scripted(
    ctx: &Ctx,
    base: &url::Url,
    username: &str,
    password: &crate::answers::Secret,
    request_token: &str,
    listener: &CallbackListener,
) -> Result<String> {
    ui::info(&format!("approving as the service account {username}"));
    match approve_as(&ctx.http, base, username, password, request_token)? {
        Approved::Verifier(verifier) => Ok(verifier),
        Approved::Redirect(location) => std::thread::scope(|scope| {
            let waiter =
                scope.spawn(|| listener.wait_for_verifier(request_token, Duration::from_secs(60)));
            let followed = ctx.http.send(&http::Request {
                accept_json: false,
                ..http::Request::get(location)
            });
            let verifier = waiter.join().unwrap_or_else(|_| {
                Err(AppError::failed(
                    "the callback listener stopped unexpectedly",
                ))
            });
            followed?;
            verifier
        }),
    }
}

/// A signed `myself` with the stored token: who the link acts as.
pub fn signed_myself(ctx: &mut Ctx) -> Result<String> {
    let base = ctx.jira_url()?;
    let access = service_access(ctx)?;
    let user = match client(ctx, &base, &access) {
        Some(jira) => jira.myself()?,
        None => {
            return Err(AppError::failed(
                "Jira Align holds the OAuth token; align-link cannot call Jira with it",
            ))
        }
    };
    check_account(ctx, &user.name, "the token");
    Ok(user.name)
}

pub fn stored_token(ctx: &Ctx) -> Result<AccessToken> {
    let text = ctx
        .store
        .read_secret(ACCESS_TOKEN_FILE)?
        .ok_or_else(|| crate::context::needs_step(17, "the OAuth access token"))?;
    toml::from_str(&text).map_err(|err| {
        AppError::failed(format!(
            "{}: unreadable ({})",
            ctx.store.dir().join(ACCESS_TOKEN_FILE).display(),
            err.message()
        ))
        .hint("Delete the file and rerun step 17 for a fresh token.")
    })
}

/// On `consumer_key_unknown`, ask Jira what the link actually holds and explain again.
fn explain_consumer(ctx: &mut Ctx, err: AppError, sent: &str) -> AppError {
    if !err.message.contains("consumer_key_unknown") {
        return err;
    }
    let Ok(link_id) = ctx.link_id() else {
        return err;
    };
    let Ok((base, auth)) = ctx.admin_parts() else {
        return err;
    };
    let held = match JiraAdmin::new(&ctx.http, base, auth).consumer(&link_id) {
        Ok(Some(held)) => held.key,
        _ => return err,
    };
    let problem = OAuthProblem {
        status: 401,
        problem: "consumer_key_unknown".into(),
        params: Default::default(),
    };
    let context = ProblemContext {
        consumer_key_on_link: Some(held),
        ..problem_context(ctx, sent)
    };
    problem
        .to_error(&context)
        .context("getting a request token")
}
