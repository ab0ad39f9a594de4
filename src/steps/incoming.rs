//! Steps 13 to 15: the consumer on the link. Jira takes the consumer key and the
//! public key together, so step 13 sets both; 14 and 15 compare what Jira holds
//! with what it should, catching the mismatches the guide warns about.

use super::applink::existing_link;
use super::converge;
use super::jira_side;
use super::preflight::report;
use super::Outcome;
use crate::context::{inputs, needs_step, Ctx};
use crate::error::{AppError, Result};
use crate::keys;
use crate::model::{ChangeKind, ObservedConsumer};
use crate::ui;
use crate::util::time::now_rfc3339;

struct Wanted {
    key: String,
    fingerprint: String,
}

/// What the link should hold (as the diff sees it), every part present and readable.
fn wanted(ctx: &mut Ctx) -> Result<Wanted> {
    ctx.link_id()?;
    super::keys::settle_key(ctx)?;
    let consumer = jira_side::wanted_consumer(ctx).unwrap_or_default();
    let key = consumer
        .key
        .ok_or_else(|| needs_step(4, "the consumer key"))?;
    let pem = consumer
        .public_key_pem
        .ok_or_else(|| needs_step(5, "the public key"))?;
    let public = super::keys::saved_public_key(&pem)?;
    existing_link(ctx)?;
    Ok(Wanted {
        key,
        fingerprint: keys::fingerprint(&public),
    })
}

/// Differences between what the link holds and what it should hold.
fn mismatches(held: &ObservedConsumer, wanted: &Wanted) -> Vec<String> {
    let mut found = Vec::new();
    if held.key != wanted.key {
        found.push(format!(
            "the link's consumer key is {:?}, but Jira Align's is {:?}",
            held.key, wanted.key
        ));
    }
    match (&held.fingerprint, &held.key_problem) {
        (Some(fingerprint), _) if *fingerprint == wanted.fingerprint => {}
        (Some(fingerprint), _) => found.push(format!(
            "the link's public key is {fingerprint}, but ours is {}",
            wanted.fingerprint
        )),
        (None, problem) => found.push(
            problem
                .clone()
                .unwrap_or_else(|| "the link has no public key".into()),
        ),
    }
    found
}

pub fn set_consumer(ctx: &mut Ctx) -> Result<Outcome> {
    let wanted = wanted(ctx)?;
    converge::ensure_applied(ctx)?;
    let kinds = [ChangeKind::SetConsumer, ChangeKind::ReplaceConsumer];
    let Some((_, outcome)) = ctx.run_mut().applied(&kinds) else {
        ui::ok(&format!(
            "the link already trusts consumer {} with key {}",
            wanted.key, wanted.fingerprint
        ));
        return Ok(Outcome::Done("already set".into()));
    };
    outcome?;
    let held = held_consumer(ctx)?;
    if held.key != wanted.key {
        return Err(AppError::failed(format!(
            "Jira saved the consumer key as {:?}, not {:?}",
            held.key, wanted.key
        ))
        .hint(
            "Something between align-link and Jira altered the request: rerun step 13 with -v.",
        ));
    }
    ui::ok(&format!(
        "consumer key {} set on the link (with the public key {})",
        wanted.key, wanted.fingerprint
    ));
    if let Some(proof) = ctx.run_mut().preflight.take() {
        let jira = ctx.url(&inputs::JIRA_URL)?;
        report(&proof, &wanted.key, jira.as_str());
        return Ok(Outcome::Done(format!(
            "consumer key {} set; preflight proved the Jira side as {}",
            wanted.key, proof.account
        )));
    }
    Ok(Outcome::Done(format!("consumer key {} set", wanted.key)))
}

pub fn check_public_key(ctx: &mut Ctx) -> Result<Outcome> {
    let wanted = held_as_wanted(ctx)?;
    ui::ok(&format!(
        "the link holds our public key: {}",
        wanted.fingerprint
    ));
    Ok(Outcome::Done(wanted.fingerprint))
}

pub fn confirm_saved(ctx: &mut Ctx) -> Result<Outcome> {
    let wanted = held_as_wanted(ctx)?;
    // Stamped only when this profile installed it, not when another's matches.
    let installed_here = ctx
        .state()
        .installed
        .as_ref()
        .is_some_and(|ours| ours.owns_consumer(&wanted.key, Some(wanted.fingerprint.as_str())));
    ctx.update_state(|state| {
        if let Some(consumer) = state.consumer.as_mut().filter(|_| installed_here) {
            consumer.installed_at.get_or_insert_with(now_rfc3339);
        }
    })?;
    ui::ok("saved: Jira trusts requests signed with this key under this consumer key");
    ui::info(&format!("Jira's applinks status is not read here: it says GENERIC_LINK for every link to Jira Align whatever its authentication (`{}` shows it). Steps 20-24 prove OAuth with signed calls.", crate::util::suggest::command("plan")));
    Ok(Outcome::Done("incoming authentication saved".into()))
}

/// Steps 14 and 15: the link's consumer as it should be, or the error step 13
/// repairs.
fn held_as_wanted(ctx: &mut Ctx) -> Result<Wanted> {
    let wanted = wanted(ctx)?;
    let problems = mismatches(&held_consumer(ctx)?, &wanted);
    if problems.is_empty() {
        return Ok(wanted);
    }
    Err(AppError::failed(problems.join("; "))
        .hint("Rerun step 13 to install the consumer key and public key again."))
}

fn held_consumer(ctx: &mut Ctx) -> Result<ObservedConsumer> {
    existing_link(ctx)?.consumer.ok_or_else(|| {
        AppError::failed("the link has no incoming authentication (no consumer)").hint(format!(
            "Run `{}` to set it.",
            crate::util::suggest::command("step 13")
        ))
    })
}
