//! Steps 17 to 20: the screens and bookkeeping of the OAuth handshake, whose
//! protocol is `jira::handshake`. The legs cannot be split across runs (a request
//! token lasts 10 minutes; the callback listener lives in this process), so any of
//! these steps runs the whole handshake. `setup` keeps a stored token Jira still
//! accepts; `step 17` always makes a new one.

use super::approval::{BrowserApproval, ManualApproval};
use super::verify::{check_account, myself_with_project};
use super::{guided::guide, Outcome};
use crate::callback::CallbackListener;
use crate::context::service::ServiceAccess;
use crate::context::{inputs, Ctx, Recorder};
use crate::domain::{Approval, KeySource};
use crate::error::{AppError, Result};
use crate::http::{ClientError, Credential};
use crate::jira::handshake::{self, Approver, Leg, Provider, ServiceAccountApproval};
use crate::oauth::{ProblemContext, Signer, TokenResponse};
use crate::state::StepStatus::Done;
use crate::state::{AccessToken, TokenFacts, ACCESS_TOKEN_FILE};
use crate::util::time::{human_duration, now_rfc3339, rfc3339, unix_now};
use crate::{browser, ui};

pub fn authorize(ctx: &mut Ctx) -> Result<Outcome> {
    if ctx.key_source() == KeySource::Align {
        return guided_align(ctx, 17);
    }
    if !ctx.run().single_step && ctx.run().leg_one.is_none() {
        if let Some(account) = stored_token_accepted(ctx)? {
            ui::ok(&format!(
                "the stored access token works: Jira answers as {account}; no new handshake"
            ));
            // The token proves its legs done, even when a kill left them unrecorded.
            for leg in 18..=20 {
                if ctx.state().step_status(leg) != Done {
                    ctx.record(leg, Done, Some(format!("token acts as {account}")))?;
                }
            }
            return Ok(Outcome::DoneThrough(format!("token acts as {account}"), 20));
        }
    }
    run_handshake(ctx)?;
    Ok(Outcome::DoneThrough("request token obtained".into(), 20))
}

/// Whom the stored token acts as; None when there is none or Jira refuses it
/// (revoked, expired, its consumer replaced), which is warned about.
pub fn stored_token_accepted(ctx: &mut Ctx) -> Result<Option<String>> {
    if ctx.state().token.is_none() || ctx.store().read_secret(ACCESS_TOKEN_FILE)?.is_none() {
        return Ok(None);
    }
    match signed_myself(ctx) {
        Ok(account) => Ok(Some(account)),
        Err(err) if refused_credential(&err) => {
            ui::warn(&format!(
                "Jira refuses the stored access token ({}): a new handshake replaces it",
                err.message.lines().next().unwrap_or_default()
            ));
            Ok(None)
        }
        Err(err) => Err(err),
    }
}

/// An OAuth problem or a 401: the credential is refused, Jira is not down.
fn refused_credential(err: &AppError) -> bool {
    match err.find::<ClientError>() {
        Some(ClientError::OAuth(_)) => true,
        Some(other) => other.http_status() == Some(401),
        None => false,
    }
}

/// Steps 18 and 19, which happen inside the handshake.
pub fn approval_leg(ctx: &mut Ctx) -> Result<Outcome> {
    if ctx.key_source() == KeySource::Align {
        return guided_align(ctx, ctx.run().current_step);
    }
    ui::info("This step is a leg of the OAuth handshake, which runs as one piece: starting it at step 17.");
    run_handshake(ctx)?;
    Ok(Outcome::DoneThrough(
        "approved in this run's handshake".into(),
        20,
    ))
}

/// Step 20: a stored token is checked with a signed call; without one, the handshake runs.
pub fn completed(ctx: &mut Ctx) -> Result<Outcome> {
    if ctx.key_source() == KeySource::Align {
        return guided_align(ctx, 20);
    }
    if ctx.store().read_secret(ACCESS_TOKEN_FILE)?.is_some() {
        let account = signed_myself(ctx)?;
        ui::ok(&format!(
            "the stored access token works: Jira answers as {account}"
        ));
        return Ok(Outcome::Done(format!("token acts as {account}")));
    }
    let account = run_handshake(ctx)?;
    Ok(Outcome::Done(format!(
        "access token stored; acts as {account}"
    )))
}

/// Jira Align made the key pair: its connector runs the handshake, guided.
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

pub(super) fn problem_context(ctx: &Ctx, consumer_key: &str) -> ProblemContext {
    ProblemContext {
        consumer_key_sent: Some(consumer_key.to_string()),
        ..ctx.service_problem_context()
    }
}

/// Who clicks "Allow": as the answers say; else align-link as the service account
/// when nobody is there, or its password is known; else a typed code with
/// `--no-browser` or without a browser; else a browser. `plan` says the same.
pub fn approval_mode(ctx: &Ctx) -> Approval {
    if let Some(mode) = ctx.given_approval() {
        return mode;
    }
    if !ctx.interactive() {
        Approval::ServiceAccount
    } else if ctx.config().no_browser {
        Approval::Manual
    } else if ctx.known(&inputs::SERVICE_PASSWORD).is_some()
        // A password refused in this run is asked again, not traded for a browser.
        || ctx.was_refused(inputs::SERVICE_PASSWORD.key)
    {
        Approval::ServiceAccount
    } else if browser::available() {
        Approval::Browser
    } else {
        Approval::Manual
    }
}

/// Steps 17-20 for align-link's own key pair: the legs shown and recorded, then
/// the token checked and stored. Returns who it acts as.
fn run_handshake(ctx: &mut Ctx) -> Result<String> {
    super::keys::settle_key(ctx)?;
    let signer = ctx.signer()?;
    // The account the token must act as: the answers file's, else asked.
    let expected = ctx.value(&inputs::SERVICE_USERNAME)?;
    let (access, mode) = handshake_legs(ctx, &signer, Some(&expected))?;
    // A token acting as anyone else is dropped unstored. Step 24's project reads
    // go beside `myself`, and what they saw is kept for it.
    let jira = ctx.jira_with_token(&signer, &access.token)?;
    let asked = ctx.given(&inputs::TEST_PROJECT);
    let (me, project_seen) = myself_with_project(&jira, ctx.observed(), asked.as_deref());
    let account = me?.name;
    if !account.eq_ignore_ascii_case(&expected) {
        let account = crate::util::text::clean(&account, usize::MAX);
        return Err(AppError::failed(format!(
            "the authorization was approved by {account}, not by the service account {expected}: the token was discarded, not stored"
        ))
        .hint(format!(
            "Jira Align acts as whoever clicks Allow. Rerun step 17 and approve logged in to Jira as {expected} (log {account} out first, or use a private window). {account} may revoke the unused token in Jira under Profile > Tools > View OAuth Access Tokens."
        )));
    }
    ctx.store().write_secret(
        ACCESS_TOKEN_FILE,
        toml::to_string(&AccessToken {
            token: access.token,
            secret: access.secret,
            session_handle: access.session_handle,
        })
        .map_err(|err| AppError::failed(format!("cannot encode the access token: {err}")))?
        .as_bytes(),
    )?;
    let token = TokenFacts {
        account: Some(account.clone()),
        obtained_at: now_rfc3339(),
        expires_at: access
            .expires_in
            .map(|secs| rfc3339(unix_now().saturating_add(secs))),
        approval: mode,
    };
    ctx.update_state(|state| state.token = Some(token))?;
    ctx.observed_mut().token_account = Some(account.clone());
    ctx.observed_mut().token_project = project_seen;
    let lifetime = access
        .expires_in
        .map(human_duration)
        .unwrap_or_else(|| "an unstated time".into());
    ui::ok(&format!(
        "access token stored in {}; it acts as {account} and lasts {lifetime}",
        ctx.store().secret_location(ACCESS_TOKEN_FILE)
    ));
    ctx.record(20, Done, Some(format!("token acts as {account}")))?;
    Ok(account)
}

/// The legs through the protocol driver. With `shown` (the service account's
/// name) each leg is announced and recorded as its step; without, nothing is
/// shown (the preflight). A first leg started at step 13 is taken up.
pub(super) fn handshake_legs(
    ctx: &mut Ctx,
    signer: &Signer,
    shown: Option<&str>,
) -> Result<(TokenResponse, Approval)> {
    let base = ctx.url(&inputs::JIRA_URL)?;
    let consumer_key = signer.consumer_key().to_string();
    let mode = approval_mode(ctx);
    // A request token lives 10 minutes: one older than half of that is left to lapse.
    let ahead = ctx.run_mut().leg_one.take().filter(|ahead| {
        shown.is_some()
            && mode == Approval::ServiceAccount
            && ahead.consumer_key == consumer_key
            && ahead.sent.elapsed() < std::time::Duration::from_secs(300)
    });
    let sign_in = super::approval::sandbox_sign_in(ctx);
    let fresh: Option<Box<dyn Approver>> = match (&ahead, mode) {
        (Some(_), _) | (None, Approval::Manual) => None,
        (None, Approval::ServiceAccount) => Some(Box::new(service_approver(ctx)?)),
        (None, Approval::Browser) => Some(Box::new(BrowserApproval {
            listener: CallbackListener::bind()?,
            sign_in: sign_in.clone(),
        })),
    };
    let http = ctx.http().clone();
    let provider = Provider {
        http: &http,
        base: &base,
        signer,
        problem_context: problem_context(ctx, &consumer_key),
    };
    let (prompter, mut recorder) = ctx.prompter_and_recorder();
    let mut on_leg = |leg: Leg<'_>| match shown {
        Some(username) => show_leg(leg, mode, username, &mut recorder),
        None => Ok(()),
    };
    let outcome = match (ahead, fresh) {
        (Some(mut ahead), _) => (ahead.leg_one).and_then(|started| {
            handshake::finish(&provider, &mut ahead.approver, started, &mut on_leg)
        }),
        (None, Some(mut approver)) => handshake::run(&provider, approver.as_mut(), &mut on_leg),
        (None, None) => {
            let mut manual = ManualApproval { prompter, sign_in };
            handshake::run(&provider, &mut manual, &mut on_leg)
        }
    };
    match outcome {
        Ok(access) => Ok((access, mode)),
        Err(err) => Err(explain_consumer(ctx, err, &consumer_key)),
    }
}

/// The service account's scripted approval, reusing step 7's session for it.
pub(super) fn service_approver(ctx: &mut Ctx) -> Result<ServiceAccountApproval> {
    let username = ctx.value(&inputs::SERVICE_USERNAME)?;
    let password = ctx.password(&inputs::SERVICE_PASSWORD, &username)?;
    let session = ctx
        .observed_mut()
        .service_session
        .take()
        .filter(|(name, _)| *name == username)
        .map(|(_, session)| session);
    Ok(ServiceAccountApproval {
        session,
        http: ctx.http().clone(),
        base: ctx.url(&inputs::JIRA_URL)?,
        username,
        password,
        listener: CallbackListener::bind()?,
    })
}

/// What each leg looks like on screen, and its step recorded.
fn show_leg(
    leg: Leg<'_>,
    mode: Approval,
    username: &str,
    recorder: &mut Recorder<'_>,
) -> Result<()> {
    match leg {
        Leg::RequestToken {
            callback_confirmed,
            out_of_band,
            ..
        } => {
            if !callback_confirmed {
                ui::warn("Jira did not confirm the callback (OAuth 1.0 rather than 1.0a)");
            }
            ui::ok(&format!(
                "request token obtained (callback: {})",
                if out_of_band {
                    "none, out of band"
                } else {
                    "loopback listener"
                }
            ));
            recorder.record(17, Done, Some("request token obtained".into()))?;
            announce(18);
            if mode == Approval::ServiceAccount {
                ui::info(&format!("approving as the service account {username}"));
            }
        }
        Leg::Approved => {
            recorder.record(18, Done, Some("authorization requested".into()))?;
            announce(19);
            ui::ok("Allow was clicked: Jira issued a verifier");
            recorder.record(19, Done, Some("allowed".into()))?;
            announce(20);
        }
        Leg::AccessToken(_) => {}
    }
    Ok(())
}

/// A signed `myself` with the stored token: who the link acts as.
pub fn signed_myself(ctx: &mut Ctx) -> Result<String> {
    let base = ctx.url(&inputs::JIRA_URL)?;
    let access = ctx.service_access()?;
    let jira = ctx.service_client(&base, &access).ok_or_else(|| {
        AppError::failed("Jira Align holds the OAuth token; align-link cannot call Jira with it")
    })?;
    let user = jira.myself()?;
    check_account(ctx, &user.name, "the token");
    if matches!(access, ServiceAccess::Ours(Credential::OAuth { .. })) {
        ctx.observed_mut().token_account = Some(user.name.clone());
    }
    Ok(user.name)
}

fn announce(step: u8) {
    if let Some(step) = super::by_number(step) {
        crate::ui::step_header(
            step.number,
            step.side.label(),
            step.mode.label(),
            step.title,
        );
    }
}

/// On `consumer_key_unknown`, the same problem explained with the key the link holds.
fn explain_consumer(ctx: &mut Ctx, err: AppError, sent: &str) -> AppError {
    let Some(ClientError::OAuth(failure)) = err.find::<ClientError>() else {
        return err;
    };
    if failure.problem.problem != "consumer_key_unknown" {
        return err;
    }
    let held = ctx
        .link_id()
        .ok()
        .and_then(|link_id| ctx.jira_admin().ok()?.consumer(&link_id).ok().flatten());
    let Some(held) = held else {
        return err;
    };
    let context = ProblemContext {
        consumer_key_on_link: Some(held.key),
        consumer_key_sent: Some(sent.to_string()),
        ..failure.context.clone()
    };
    ClientError::oauth(failure.problem.clone(), context)
        .context(&failure.what)
        .into()
}
