//! `plan`: what `setup` would change in Jira and the handshake it would run,
//! from one read of Jira (and Jira Align); it sends no write request.

use serde_json::json;

use super::{open_context_as, print_json, Access};
use crate::config::RunConfig;
use crate::context::{inputs, Ctx};
use crate::domain::{Approval, ConnectorAuth, KeySource};
use crate::error::Result;
use crate::jira::admin::LinkStatus;
use crate::model::{render, Action, Change};
use crate::outln;
use crate::steps::jira_side;

pub fn plan(config: RunConfig, as_json: bool) -> Result<i32> {
    let mut ctx = open_context_as(config, Access::ReadOnly)?;
    let jira = ctx.url(&inputs::JIRA_URL)?;
    let align = ctx.url(&inputs::ALIGN_URL)?;
    let (server, link) = match jira_side::observe_all(&mut ctx) {
        Ok(read) => read,
        // Jira answered but its links are unreadable (an old Jira): said, and exit 0.
        Err(err) if ctx.observed().server.is_some() => {
            return links_unreadable(&jira, &err, as_json);
        }
        Err(err) => return Err(err),
    };
    let status_word = link
        .as_ref()
        .and_then(|l| l.status.as_ref())
        .map(status_word);
    let changes = jira_side::changes(&mut ctx)?;
    // Some(owner) when a token is given and works; the owner where the site says.
    let align_owner = match ctx.align_api_if_given()? {
        Some(api) => Some(api.current_user()?.map(|u| u.describe())),
        None => None,
    };
    ctx.run_mut().align_checked = true;
    let checks = crate::steps::jira_access::checks_before_writes(&mut ctx, None);
    let (handshake_runs, handshake) = handshake_plan(&mut ctx, &changes)?;
    if as_json {
        print_json(json!({
            "jira": {
                "url": jira.as_str(),
                "version": server.version,
                "base_url": server.base_url,
                "admin_user": server.admin_user,
                "administrator": server.is_administrator,
                "clock_skew_secs": server.clock_skew_secs,
            },
            "align": {
                "url": align.as_str(),
                "token_checked": align_owner.is_some(),
                "token_owner": align_owner.clone().flatten(),
            },
            "link": link.as_ref().map(|l| json!({
                "id": l.link.id,
                "name": l.link.name,
                "url": l.link.rpc_url,
                "display_url": l.link.display_url,
                "consumer": l.consumer.as_ref().map(|c| json!({
                    "key": c.key,
                    "fingerprint": c.fingerprint,
                })),
                "status": status_word,
            })),
            "changes": changes.iter().map(render::json).collect::<Vec<_>>(),
            "consent_given": ctx.replace_existing(),
            "handshake": {"runs": handshake_runs, "description": handshake},
            "last_failure": ctx.state().last_failure().map(|(step, detail)| json!({"step": step, "detail": detail})),
            "checks": {
                "passed": checks.is_ok(),
                "proven": checks.as_ref().ok().cloned().unwrap_or_default(),
                "problem": checks.as_ref().err().map(|e| e.message.clone()),
            },
        }));
        return Ok(0);
    }
    let version = server.version.as_deref().unwrap_or("(version unknown)");
    let who = crate::steps::jira_access::signed_in(server.admin_user.as_deref());
    let admin = match server.is_administrator {
        true => ", an administrator",
        false => ", NOT an administrator: setup would stop at step 7",
    };
    outln!("Jira {version} at {jira} ({who}{admin})");
    match align_owner {
        Some(Some(owner)) => {
            outln!("Jira Align at {align}: the API token belongs to {owner}")
        }
        Some(None) => outln!("Jira Align at {align}: the API token works"),
        None => outln!("Jira Align at {align}: not checked (no API token)"),
    }
    match &link {
        Some(l) => {
            let consumer = l.consumer.as_ref().map(|c| {
                let fingerprint = c.fingerprint.as_deref().unwrap_or("no readable public key");
                format!("{} ({fingerprint})", c.key)
            });
            let consumer = consumer.unwrap_or_else(|| "none".into());
            let (name, id) = (&l.link.name, &l.link.id);
            outln!("Link to {align}: \"{name}\" (id {id}), consumer {consumer}")
        }
        None => outln!("Link to {align}: none yet"),
    }
    if let Some(word) = status_word {
        outln!("Link status: {word}");
    }
    match &checks {
        Ok(proven) => {
            outln!("Checks before the first write: passed");
            for line in proven {
                outln!("  {line}");
            }
        }
        Err(err) => {
            outln!("Checks before the first write: setup would stop here, before changing Jira:");
            print_problem(err);
        }
    }
    outln!();
    if changes.is_empty() {
        outln!("No changes.");
    } else {
        outln!("setup would make these changes in Jira, in this order:");
        for change in &changes {
            outln!("{}", render::text(change));
        }
        let destructive = changes.iter().filter(|c| c.destructive).count();
        let consent = changes.iter().filter(|c| c.needs_consent()).count();
        outln!(
            "\n{} change(s), {destructive} destructive{}",
            changes.len(),
            match (consent, ctx.replace_existing()) {
                (0, _) => String::new(),
                (_, true) => format!(", {consent} needing consent, given in advance (--replace-existing or replace_existing)"),
                (_, false) => format!(", {consent} needing consent (a terminal asks; a scripted run needs --replace-existing)"),
            }
        );
    }
    outln!("Handshake: {handshake}");
    if let Some((step, detail)) = ctx.state().last_failure() {
        outln!("The last run stopped at step {step}: {detail}");
    }
    Ok(0)
}

fn links_unreadable(jira: &url::Url, err: &crate::error::AppError, as_json: bool) -> Result<i32> {
    if as_json {
        print_json(json!({
            "jira": {"url": jira.as_str()},
            "changes": [],
            "checks": {"passed": false, "problem": err.message, "hint": err.hint_text()},
        }));
        return Ok(0);
    }
    outln!("Jira at {jira} answers, but its application links cannot be read:");
    print_problem(err);
    outln!("setup would stop at step 8, before changing Jira.");
    Ok(0)
}

fn print_problem(err: &crate::error::AppError) {
    outln!("  {}", err.message);
    if let Some(hint) = err.hint_text() {
        outln!("  {hint}");
    }
}

fn status_word(status: &LinkStatus) -> &'static str {
    match status {
        LinkStatus::Working => "working",
        LinkStatus::Unknown => "unknown",
        status if status.is_expected() => "generic-link",
        LinkStatus::NotWorking { .. } => "not-working",
    }
}

fn handshake_plan(ctx: &mut Ctx, changes: &[Change]) -> Result<(bool, String)> {
    let auth = ctx.connector_auth();
    if auth != ConnectorAuth::OAuth {
        let auth = auth.label();
        let none = format!("none: the connector signs in with {auth}, no OAuth handshake");
        return Ok((false, none));
    }
    let consumer_changes = changes
        .iter()
        .any(|c| matches!(c.action, Action::SetConsumer { .. }));
    if ctx.key_source() == KeySource::Align {
        let preflight = ctx.preflight_wanted();
        return Ok(match (consumer_changes, preflight) {
            (true, true) => (true, "the preflight: a temporary key pair on the link and the OAuth handshake as the service account, then Jira Align's key in its place; Jira Align then runs its own handshake (steps 17-20, guided)".into()),
            (true, false) => (false, "none by align-link: Jira Align runs the handshake with its key (steps 17-20, guided)".into()),
            (false, _) => (false, "none by align-link: Jira Align holds the token (steps 17-20 are guided)".into()),
        });
    }
    // As setup's step 17 decides: a stored token Jira accepts is kept.
    if !consumer_changes {
        if let Some(account) = crate::steps::handshake::stored_token_accepted(ctx)? {
            let kept = format!("none: the stored token (acting as {account}) is kept");
            return Ok((false, kept));
        }
    }
    let how = match crate::steps::handshake::approval_mode(ctx) {
        Approval::ServiceAccount => format!(
            "approved by align-link as the service account {}",
            ctx.given(&inputs::SERVICE_USERNAME)
                .as_deref()
                .unwrap_or("(asked for)")
        ),
        Approval::Browser => "approved in a browser by the service account".into(),
        Approval::Manual => {
            "approved by the service account, who types the verification code".into()
        }
    };
    let how = format!("steps 17-20: the OAuth 1.0a handshake with align-link's key, {how}");
    Ok((true, how))
}
