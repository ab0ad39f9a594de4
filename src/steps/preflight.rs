//! The preflight, for Jira Align's key pair: before its public key goes on the
//! link, a temporary key pair (in memory only) proves the whole Jira side with a
//! handshake as the service account and a signed call.

use std::sync::Arc;

use rsa::RsaPublicKey;

use super::handshake::handshake_legs;
use super::jira_side;
use crate::context::inputs;
use crate::context::{needs_step, Ctx};
use crate::domain::KeySource;
use crate::error::{AppError, Result};
use crate::keys;
use crate::model::{diff, WantedConsumer};
use crate::oauth::Signer;
use crate::ui;

/// Small and quick: this key lives for a minute and signs a handful of requests.
const TEMPORARY_KEY_BITS: usize = 2048;

/// For Jira Align's key, unless `keys.preflight = false`.
pub fn wanted(ctx: &Ctx) -> bool {
    ctx.key_source() == KeySource::Align && ctx.preflight_wanted()
}

pub use crate::context::run::Proof;

/// Runs the preflight on the link; on failure the link gets back the consumer
/// it had. The caller has authorized the consumer change.
pub fn prove_jira_side(ctx: &mut Ctx) -> Result<Proof> {
    let found = jira_side::link(ctx)?.ok_or_else(|| needs_step(9, "the application link"))?;
    let link_id = found.id();
    let previous = found.consumer.as_ref();
    let consumer_key = ctx.consumer_key()?;
    let name = jira_side::link_name(ctx)?;
    ui::info("Preflight: proving the Jira side with a temporary key pair before Jira Align's key goes on the link.");
    let project_key = ctx.value(&inputs::TEST_PROJECT)?;
    let private = keys::generate_private_key(TEMPORARY_KEY_BITS)?;
    let public = RsaPublicKey::from(&private);
    let temporary_fingerprint = keys::fingerprint(&public);
    let temporary = diff::Change {
        kind: diff::ChangeKind::SetConsumer,
        action: diff::Action::SetConsumer {
            link_id: Some(link_id.to_string()),
            consumer: WantedConsumer {
                key: Some(consumer_key.to_string()),
                public_key_pem: Some(keys::public_key_to_pem(&public)),
                fingerprint: Some(temporary_fingerprint.clone()),
            },
            name: name.to_string(),
        },
        description: "install a temporary public key for the preflight".into(),
        old: None,
        new: None,
        destructive: false,
        ours: true,
    };
    let signer = Signer::new(consumer_key.to_string(), Arc::new(private));
    let installed_before = ctx.state().installed.clone();
    jira_side::apply_unchecked(ctx, &temporary)?;
    ui::ok("temporary public key installed on the link");

    let outcome = run_checks(ctx, &signer, &project_key);
    if let Err(err) = outcome {
        let restore = diff::restore_consumer(link_id, previous);
        let mut hint = err
            .hint_text()
            .unwrap_or_else(|| "Fix the cause above and rerun step 13.".into());
        match jira_side::apply_unchecked(ctx, &restore) {
            Ok(_) => {
                ctx.update_state(|state| state.installed = installed_before)?;
            }
            Err(failed) => {
                let now = format!(
                    "the link now holds consumer {consumer_key} with align-link's temporary public key {temporary_fingerprint}"
                );
                let was = match previous {
                    Some(held) => format!(
                        "; before the preflight it held consumer {} with public key {}",
                        held.key,
                        held.fingerprint
                            .as_deref()
                            .or(held.key_problem.as_deref())
                            .unwrap_or("(none)")
                    ),
                    None => "; before the preflight it had no consumer".to_string(),
                };
                ui::warn(&format!(
                    "could not put the link back as it was ({}): {now}{was}",
                    failed.message
                ));
                hint = format!(
                    "{hint} Meanwhile {now}, which nothing else signs with. In Jira (Administration > Applications > Application links > the link > Incoming Authentication) put the previous consumer back by hand, or delete it there; a rerun of step 13 replaces it."
                );
            }
        }
        return Err(AppError::failed(format!(
            "preflight failed, so Jira Align's key was not installed: {}",
            err.message
        ))
        .hint(hint)
        .with_source(err));
    }
    outcome
}

fn run_checks(ctx: &mut Ctx, signer: &Signer, project_key: &str) -> Result<Proof> {
    let (access, _) = handshake_legs(ctx, signer, None)?;
    let jira = ctx.jira_with_token(signer, &access.token)?;
    let user = jira.myself()?;
    let expected = ctx.given(&inputs::SERVICE_USERNAME);
    if let Some(expected) = expected.filter(|e| !e.eq_ignore_ascii_case(&user.name)) {
        return Err(AppError::failed(format!(
            "the authorization was approved by {}, not by the service account {expected}",
            user.name
        ))
        .hint(format!(
            "Approve logged in to Jira as {expected}: Jira Align acts as whoever clicks Allow."
        )));
    }
    let Some(project) = jira.project(project_key)? else {
        return Err(AppError::failed(format!("{} cannot see project {project_key} in Jira", user.name)).hint(format!(
            "Give {} the Browse Projects permission in {project_key}'s permission scheme (or fix jira.test_project).",
            user.name
        )));
    };
    Ok(Proof {
        account: user.name,
        project: format!("{} ({})", project.key, project.name),
    })
}

/// What the preflight proved, in plain words.
pub fn report(proof: &Proof, consumer_key: &str, jira: &str) {
    ui::ok("preflight passed. It proved that:");
    ui::info(&format!(
        "  - Jira at {jira} accepts RSA-SHA1 requests for consumer key {consumer_key}: the base URL,\n    \
         any proxy in front of Jira and the clocks are right;\n  \
         - the service account {} can approve an authorization, and a token then acts as {};\n  \
         - that account can read project {}.\n\
         The temporary key pair and token are discarded; Jira Align's key now takes their place.",
        proof.account, proof.account, proof.project
    ));
}
