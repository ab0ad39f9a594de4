//! Steps 13 to 15: the link's incoming authentication, the consumer Jira trusts.
//! Jira's REST API takes the consumer key and the public key together, so step 13
//! sends both; every step then reads them back and compares exactly, catching the
//! two mismatches the guide warns about (key text, key material).

use rsa::RsaPublicKey;

use super::keys::key_source;
use super::preflight::{prove_jira_side, report};
use super::{oauth_only, Outcome};
use crate::answers::KeySource;
use crate::context::{needs_step, Ctx};
use crate::error::{AppError, Result};
use crate::jira::admin::{Consumer, JiraAdmin};
use crate::keys;
use crate::ui;
use crate::util::time::now_rfc3339;

struct Wanted {
    link_id: String,
    key: String,
    pem: String,
    public: RsaPublicKey,
    fingerprint: String,
}

fn wanted(ctx: &Ctx) -> Result<Wanted> {
    let link_id = ctx.link_id()?;
    let key = ctx.consumer_key()?;
    let consumer = ctx
        .state
        .consumer
        .as_ref()
        .ok_or_else(|| needs_step(4, "the consumer key"))?;
    let pem = consumer
        .public_key_pem
        .clone()
        .ok_or_else(|| needs_step(5, "the public key"))?;
    let public = keys::parse_public_key(&pem).map_err(|err| {
        AppError::failed(format!("the saved public key is unreadable: {err}")).hint("Rerun step 5.")
    })?;
    let fingerprint = keys::fingerprint(&public);
    Ok(Wanted {
        link_id,
        key,
        pem,
        public,
        fingerprint,
    })
}

/// Differences between what the link holds and what it should hold.
fn mismatches(held: &Consumer, wanted: &Wanted) -> Vec<String> {
    let mut found = Vec::new();
    if held.key != wanted.key {
        found.push(format!(
            "the link's consumer key is {:?}, but Jira Align's is {:?}",
            held.key, wanted.key
        ));
    }
    match held.public_key.as_deref().map(keys::parse_public_key) {
        Some(Ok(public)) if public == wanted.public => {}
        Some(Ok(public)) => found.push(format!(
            "the link's public key is {}, but ours is {}",
            keys::fingerprint(&public),
            wanted.fingerprint
        )),
        Some(Err(err)) => found.push(format!("the link's public key is unreadable: {err}")),
        None => found.push("the link has no public key".into()),
    }
    found
}

pub fn set_consumer(ctx: &mut Ctx) -> Result<Outcome> {
    if let Some(skipped) = oauth_only(ctx) {
        return Ok(skipped);
    }
    let wanted = wanted(ctx)?;
    let name = ctx.application_name()?;
    let (base, auth) = ctx.admin_parts()?;
    let current =
        JiraAdmin::new(&ctx.http, base.clone(), auth.clone()).consumer(&wanted.link_id)?;
    if let Some(held) = &current {
        if mismatches(held, &wanted).is_empty() {
            ui::ok(&format!(
                "the link already trusts consumer {} with key {}",
                wanted.key, wanted.fingerprint
            ));
            return Ok(Outcome::Done("already set".into()));
        }
        for problem in mismatches(held, &wanted) {
            ui::info(&format!("replacing: {problem}"));
        }
    }
    let preflight =
        key_source(ctx) == KeySource::Align && ctx.answers.keys.preflight.unwrap_or(true);
    let proof = if preflight {
        Some(prove_jira_side(ctx, &wanted.link_id, &wanted.key, &name)?)
    } else {
        None
    };
    let admin = JiraAdmin::new(&ctx.http, base, auth);
    admin.set_consumer(&wanted.link_id, &wanted.key, &name, &wanted.pem)?;
    let held = read_consumer(&admin, &wanted.link_id)?;
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
    if let Some(proof) = proof {
        let jira = ctx.jira_url()?;
        report(&proof, &wanted.key, jira.as_str());
        return Ok(Outcome::Done(format!(
            "consumer key {} set; preflight proved the Jira side as {}",
            wanted.key, proof.account
        )));
    }
    Ok(Outcome::Done(format!("consumer key {} set", wanted.key)))
}

pub fn check_public_key(ctx: &mut Ctx) -> Result<Outcome> {
    if let Some(skipped) = oauth_only(ctx) {
        return Ok(skipped);
    }
    let wanted = wanted(ctx)?;
    let (base, auth) = ctx.admin_parts()?;
    expect_match(&JiraAdmin::new(&ctx.http, base, auth), &wanted)?;
    ui::ok(&format!(
        "the link holds our public key: {}",
        wanted.fingerprint
    ));
    Ok(Outcome::Done(wanted.fingerprint))
}

pub fn confirm_saved(ctx: &mut Ctx) -> Result<Outcome> {
    if let Some(skipped) = oauth_only(ctx) {
        return Ok(skipped);
    }
    let wanted = wanted(ctx)?;
    let (base, auth) = ctx.admin_parts()?;
    let admin = JiraAdmin::new(&ctx.http, base, auth);
    expect_match(&admin, &wanted)?;
    match admin.link_working(&wanted.link_id)? {
        Some(true) => {}
        Some(false) => ui::warn("Jira reports the link as not working; for a link to Jira Align (which serves no applinks API) that is expected"),
        None => ui::info("the link's status is unknown on this Jira (it has no applinks status resource)"),
    }
    if let Some(consumer) = ctx.state.consumer.as_mut() {
        consumer.installed_at.get_or_insert_with(now_rfc3339);
    }
    ctx.save()?;
    ui::ok("saved: Jira trusts requests signed with this key under this consumer key");
    Ok(Outcome::Done("incoming authentication saved".into()))
}

/// Reads the link's consumer back; any difference from what it should hold is an error.
fn expect_match(admin: &JiraAdmin, wanted: &Wanted) -> Result<()> {
    let held = read_consumer(admin, &wanted.link_id)?;
    let problems = mismatches(&held, wanted);
    if problems.is_empty() {
        return Ok(());
    }
    Err(AppError::failed(problems.join("; "))
        .hint("Rerun step 13 to install the consumer key and public key again."))
}

fn read_consumer(admin: &JiraAdmin, link_id: &str) -> Result<Consumer> {
    admin.consumer(link_id)?.ok_or_else(|| {
        AppError::failed("the link has no incoming authentication (no consumer)")
            .hint("Run `align-link step 13` to set it.")
    })
}
