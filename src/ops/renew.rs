//! `renew`: a new key pair under the same consumer key (or Jira Align's new
//! public key) through steps 13-15, then steps 17-20 and a signed call. Every
//! check and consent comes before the first change. The new private key is saved
//! before its public half goes on the link, so a run killed at any point leaves
//! what `setup` repairs, never a link holding a key whose private half is gone.

use std::time::Instant;

use super::{open_context_as, Access};
use crate::config::RunConfig;
use crate::context::{inputs, Ctx};
use crate::domain::{ConnectorAuth, KeySource};
use crate::error::{AppError, Result};
use crate::keys;
use crate::model::{diff, Change, ObservedLink};
use crate::state::{StepStatus, ACCESS_TOKEN_FILE};
use crate::steps::ask::{self, Ask::*};
use crate::steps::keys::{
    forget_public_half, given_public_key, paste_public_key, save_new_pair, set_public_key,
};
use crate::steps::{by_number, consent, handshake, jira_side, runner, Step};
use crate::util::suggest::command;
use crate::{outln, ui};

/// Steps that follow the Jira Align connector rather than the key: kept as they were.
const KEPT_STEPS: [u8; 5] = [16, 21, 22, 23, 24];

const NOTHING_RENEWED: &str = "Nothing was renewed: the key, the token and Jira are as they were.";

fn fingerprint(ctx: &Ctx) -> Option<String> {
    ctx.state().consumer.as_ref()?.fingerprint.clone()
}

pub fn renew(config: RunConfig) -> Result<i32> {
    let mut ctx = open_context_as(config, Access::Change)?;
    let auth = ctx.connector_auth();
    if auth != ConnectorAuth::OAuth {
        return Err(AppError::failed(format!(
            "the connector signs in with {}: there is no key pair or OAuth token to renew",
            auth.label()
        ))
        .hint("Make a new token or password for the service account in Jira, then in Jira Align: Deactivate the connector, enter it, Save, Activate."));
    }
    let consumer_key = ctx.consumer_key()?;
    // Jira Align's new public key is asked only once the checks pass:
    // generating it breaks the connector until it is installed.
    let asks = [
        Value(&inputs::JIRA_URL),
        Value(&inputs::ALIGN_URL),
        AdminSignIn,
        PreflightProject,
        NewTokenApprover,
    ];
    ask::these(&mut ctx, &asks)?;
    // Read-only until the first change: a failure leaves everything as it was.
    crate::steps::jira_access::ensure_validated(&mut ctx)?;
    let Some(link) = jira_side::link(&mut ctx)? else {
        let (align, setup) = (ctx.url(&inputs::ALIGN_URL)?, command("setup"));
        return Err(AppError::failed(format!(
            "Jira has no application link to {align}: there is nothing to renew"
        ))
        .hint(format!(
            "Run `{setup}` to make the link, its consumer and the token."
        )));
    };
    let mut kept = ctx.state().steps.clone();
    kept.retain(|number, _| KEPT_STEPS.iter().any(|n| n.to_string() == *number));
    let old_fingerprint = fingerprint(&ctx);
    let source = ctx.key_source();
    let align_key = match source {
        KeySource::Generate => None,
        KeySource::Align => Some(align_key(&mut ctx, old_fingerprint.as_deref())?),
    };
    let removal = old_consumer_removal(&mut ctx, &link)?;
    if ctx.interactive()
        && !confirm_in_terminal(&mut ctx, removal.as_ref(), old_fingerprint.as_deref())?
    {
        outln!("{NOTHING_RENEWED}");
        return Ok(0);
    }
    install_new_key(&mut ctx, &consumer_key, align_key)?;
    // The old token belongs to the old key: dropped before the new one is installed.
    ctx.store().remove(ACCESS_TOKEN_FILE)?;
    ctx.update_state(|state| state.token = None)?;
    if let Some(change) = removal {
        jira_side::apply_unchecked(&mut ctx, &change)?;
        ui::ok(&format!("done: {}", change.description));
    }
    ui::ok("the old access token is dropped (here, and in Jira with the old consumer)");
    let numbers: &[u8] = match source {
        KeySource::Generate => &[13, 14, 15, 17, 18, 19, 20],
        KeySource::Align => &[13, 14, 15],
    };
    let steps: Vec<&Step> = numbers.iter().filter_map(|n| by_number(*n)).collect();
    runner::run(&mut ctx, &steps)?;
    let new_fingerprint = fingerprint(&ctx);
    if source == KeySource::Generate {
        let account = handshake::signed_myself(&mut ctx)?;
        ui::ok(&format!(
            "verified: a call signed with the new key and token acts as {account}"
        ));
    }
    ctx.update_state(|state| state.steps.extend(kept))?;
    outln!();
    let new = new_fingerprint.as_deref().unwrap_or("(unknown)");
    let old = old_fingerprint.as_deref().unwrap_or("(unknown)");
    outln!("Renewed: consumer key {consumer_key}, public key {new} (was {old}).");
    if source == KeySource::Align {
        outln!("In Jira Align's connector: click Reauthorize Jira OAuth Access and allow it as the service account (steps 17-20), then check with `{}`.", command("doctor"));
    }
    Ok(0)
}

/// The removal of the link's consumer, consented to but not applied: Jira drops
/// every token issued to a consumer with it, where a PUT of the same key keeps them.
fn old_consumer_removal(ctx: &mut Ctx, link: &ObservedLink) -> Result<Option<Change>> {
    let owned = ctx.state().installed.clone().unwrap_or_default();
    let Some(change) = diff::delete_consumer(link, &owned) else {
        return Ok(None);
    };
    consent::authorize(ctx, &change).map_err(|mut err| {
        err.message.push_str(&format!("\n{NOTHING_RENEWED}"));
        err
    })?;
    Ok(Some(change))
}

/// In a terminal, as `unlink` does: what renew drops, confirmed once, default No.
fn confirm_in_terminal(
    ctx: &mut Ctx,
    removal: Option<&Change>,
    old_fingerprint: Option<&str>,
) -> Result<bool> {
    ui::info("renew would:");
    if let Some(change) = removal {
        ui::info(&format!(
            "  {}: Jira then drops every token issued to it, Jira Align's too until it is authorized again",
            change.description
        ));
    }
    ui::info("  drop the stored access token");
    let old = old_fingerprint.unwrap_or("no public key recorded");
    ui::info(&match ctx.key_source() {
        KeySource::Generate => format!(
            "  replace the key pair ({old}) with a new one, then set it on the link and authorize again (steps 13-20)"
        ),
        KeySource::Align => format!(
            "  put Jira Align's new public key on the link in place of {old} (steps 13-15); Jira Align then authorizes again"
        ),
    });
    ctx.prompter().confirm("Renew?", false)
}

/// Step 5 again: a fresh pair of the old size, or Jira Align's new public key.
fn install_new_key(
    ctx: &mut Ctx,
    consumer_key: &str,
    align_key: Option<(String, String)>,
) -> Result<()> {
    let made = match align_key {
        None => {
            let bits = ctx.state().consumer.as_ref().and_then(|c| c.bits);
            let bits = bits
                .or(ctx.given_key_bits())
                .unwrap_or(keys::DEFAULT_KEY_BITS);
            let started = Instant::now();
            let private = keys::generate_private_key(bits)?;
            save_new_pair(ctx, consumer_key, private, bits, started.elapsed())?
        }
        Some((pem, fingerprint)) => {
            forget_public_half(ctx)?;
            set_public_key(
                ctx,
                consumer_key,
                KeySource::Align,
                &pem,
                &fingerprint,
                None,
            )?;
            ui::ok(&format!("Jira Align's new public key: {fingerprint}"));
            format!("Jira Align's public key, {fingerprint}")
        }
    };
    ctx.record(5, StepStatus::Done, Some(format!("renewed: {made}")))
}

/// Jira Align's new public key, as PEM and fingerprint; the old one is refused.
fn align_key(ctx: &mut Ctx, old: Option<&str>) -> Result<(String, String)> {
    let text = match ctx.given_public_key().map(|(text, _)| text.to_string()) {
        Some(text) => text,
        None if ctx.interactive() => {
            ui::info("In the Jira Align connector, click Generate New Key and copy the public key it shows.");
            paste_public_key(ctx, "Paste Jira Align's new public key")?
        }
        None => return Err(crate::prompt::missing_answer("keys.public_key")
            .hint_instead("Click Generate New Key on Jira Align's connector and put the public key it shows in keys.public_key.")),
    };
    let public = given_public_key(&text, "keys.public_key")?;
    let fingerprint = keys::fingerprint(&public);
    if old == Some(fingerprint.as_str()) {
        return Err(AppError::usage(format!(
            "keys.public_key is the key the link holds already ({fingerprint})"
        ))
        .hint(
            "Click Generate New Key on Jira Align's connector first, and give the new public key.",
        ));
    }
    Ok((keys::public_key_to_pem(&public), fingerprint))
}
