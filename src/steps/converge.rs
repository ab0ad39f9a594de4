//! The executor's Jira side. The model's changes that this command converges
//! (step 9 owns the link's creation, 11 its name, 13 its consumer) are checked
//! and consented to before the first write, then applied in their dependency
//! order with independent requests sent together:
//!
//! - the link is created; its read-back goes out beside the consumer's write,
//!   which needs only the new link's id from the create's answer;
//! - the consumer's read-back goes out beside the handshake's first leg when the
//!   plan holds a handshake that nobody waits on (the service account approves
//!   align-link's own key), since the request token needs only the consumer's
//!   write to have been answered. Should the read-back disagree, the run stops
//!   at step 13 and the unused request token lapses in Jira.
//!
//! Each write is recorded as intended before it is sent and judged by its
//! read-back (`jira_side`). Steps 9, 11 and 13 report the outcomes kept in
//! `ctx.run()`; none of them applies anything itself.

use super::handshake::{approval_mode, problem_context, service_approver};
use super::keys::settle_key;
use super::preflight::{self, prove_jira_side};
use super::{consent, jira_side, oauth_only};
use crate::context::run::{JiraSideApplied, StartedApproval};
use crate::context::{inputs, needs_step, Ctx};
use crate::domain::{Approval, KeySource};
use crate::error::{AppError, Result};
use crate::jira::handshake::{self, Provider};
use crate::model::apply::Applied;
use crate::model::observe::{self, joined};
use crate::model::{Action, Change, ChangeKind};
use crate::ui;

/// The guide's step that owns a change of this kind.
pub fn owning_step(kind: ChangeKind) -> u8 {
    match kind {
        ChangeKind::CreateLink => 9,
        ChangeKind::RenameLink => 11,
        ChangeKind::SetConsumer | ChangeKind::ReplaceConsumer => 13,
        ChangeKind::DeleteConsumer | ChangeKind::DeleteLink => 0,
    }
}

/// Applies the Jira side's plan for this command, once per run. A failure of the
/// link's creation (or of the checks before it) is returned to the step that
/// asked; a refusal or failure of a later change is kept for its own step.
pub fn ensure_applied(ctx: &mut Ctx) -> Result<()> {
    if ctx.run().jira_side.is_some() {
        return Ok(());
    }
    let planned: Vec<Change> = jira_side::changes(ctx)?
        .into_iter()
        .filter(|change| ctx.run().converges(owning_step(change.kind)))
        .collect();
    if !planned.is_empty() {
        super::jira_access::ensure_validated(ctx)?;
        jira_side::check_link_name_free(ctx)?;
    }
    let mut applied = JiraSideApplied::new();
    let mut consumer_change = None;
    let mut rename = None;
    let mut create = None;
    for change in planned {
        match change.kind {
            ChangeKind::CreateLink => create = Some(change),
            ChangeKind::RenameLink => rename = Some(change),
            _ => consumer_change = Some(change),
        }
    }
    // Consent for each change before the first write. A refusal is its own
    // step's to report, and nothing of the plan is written: Jira stays as it was.
    for change in [&rename, &consumer_change].into_iter().flatten() {
        if let Err(refused) = consent::consent(ctx, change) {
            applied.push((change.clone(), Err(refused)));
        }
    }
    if let Some((_, Err(refusal))) = applied.first() {
        // The rest of the plan is held back with it: whichever of its steps
        // comes first says why, and Jira stays as it was.
        let refusal = refusal.clone();
        for change in [&create, &rename, &consumer_change].into_iter().flatten() {
            if !applied.iter().any(|(c, _)| c.kind == change.kind) {
                let held = refusal
                    .clone()
                    .context(format!("not changed: {}, held back", change.description));
                applied.push((change.clone(), Err(held)));
            }
        }
        ctx.run_mut().jira_side = Some(applied);
        return Ok(());
    }
    if let Some(create) = create {
        let created = jira_side::apply_write(ctx, &create)?;
        let Applied::LinkCreated { link_id } = &created else {
            unreachable!("a CreateLink change creates a link");
        };
        // The new link's read-back beside its consumer (a new link has none,
        // so nothing there needs consent, and only Jira Align's key needs the
        // preflight first).
        let pipelined = consumer_change.take_if(|_| !preflight::wanted(ctx));
        let admin = ctx.jira_admin()?;
        let (read, consumer) = std::thread::scope(|s| {
            let read = s.spawn(|| admin.get_link(link_id));
            let consumer = pipelined.map(|change| {
                let outcome = write_consumer(ctx, &change);
                (change, outcome)
            });
            (joined(read), consumer)
        });
        if let Some(outcome) = consumer {
            applied.push(outcome);
        }
        jira_side::take_created_link(ctx, read)?;
        if ctx.observed().known_link().flatten().is_none() {
            return Err(AppError::failed(format!(
                "Jira said it created link {link_id}, but cannot find it"
            ))
            .hint("Rerun step 9; it looks the link up by URL before creating one."));
        }
        applied.push((create, Ok(created)));
    }
    if let Some(rename) = rename {
        let outcome = jira_side::apply_unchecked(ctx, &rename);
        applied.push((rename, outcome));
    }
    if let Some(change) = consumer_change {
        let outcome = write_consumer(ctx, &change);
        applied.push((change, outcome));
    }
    read_back_consumer(ctx, &applied)?;
    ctx.run_mut().jira_side = Some(applied);
    Ok(())
}

/// The consumer's write (after the preflight, for Jira Align's key).
/// A key pair still being made on its own thread (a new pair, so the consumer
/// changes whatever it holds) is waited for here, at its first use, and the
/// change takes its public half.
fn write_consumer(ctx: &mut Ctx, change: &Change) -> Result<Applied> {
    if change.kind == ChangeKind::ReplaceConsumer {
        ui::info(&format!("to change: {}", change.description));
    }
    settle_key(ctx)?;
    let mut change = change.clone();
    if let (Action::SetConsumer { consumer, .. }, Some(settled)) =
        (&mut change.action, jira_side::wanted_consumer(ctx))
    {
        *consumer = settled;
    }
    if preflight::wanted(ctx) {
        ctx.run_mut().preflight = Some(preflight(ctx)?);
    }
    jira_side::apply_write(ctx, &change)
}

/// The preflight on the link, for Jira Align's key: what it proved.
fn preflight(ctx: &mut Ctx) -> Result<preflight::Proof> {
    let link_id = jira_side::link(ctx)?
        .map(|link| link.id().to_string())
        .ok_or_else(|| needs_step(9, "the application link"))?;
    let key = ctx.consumer_key()?;
    let name = jira_side::link_name(ctx)?;
    prove_jira_side(ctx, &link_id, &key, &name)
}

/// After a consumer write that Jira accepted: its read-back, with the handshake's
/// first leg beside it when this command's plan runs the handshake after the
/// consumer (steps 17-20 converged, OAuth with align-link's own key) and the
/// service account approves it, so no person stands between the two. When
/// something the leg needs is missing, step 17 starts it itself and says why.
fn read_back_consumer(ctx: &mut Ctx, applied: &JiraSideApplied) -> Result<()> {
    let link_id = applied.iter().find_map(|(_, outcome)| match outcome {
        Ok(Applied::ConsumerSet { link_id, .. }) => Some(link_id.clone()),
        _ => None,
    });
    let Some(link_id) = link_id else {
        return Ok(());
    };
    let planned = (17..=20).all(|step| ctx.run().converges(step))
        && oauth_only(ctx).is_none()
        && ctx.key_source() == KeySource::Generate
        && approval_mode(ctx) == Approval::ServiceAccount;
    let mut leg_one = || -> Option<_> {
        let signer = ctx.signer().ok()?;
        let base = ctx.url(&inputs::JIRA_URL).ok()?;
        let problem_context = problem_context(ctx, signer.consumer_key());
        Some((signer, base, problem_context, service_approver(ctx).ok()?))
    };
    let leg_one = if planned { leg_one() } else { None };
    let http = ctx.http().clone();
    let admin = ctx.jira_admin()?;
    let (read, started) = std::thread::scope(|s| {
        let started = leg_one.map(|(signer, base, problem_context, mut approver)| {
            s.spawn(move || {
                let provider = Provider {
                    http: &http,
                    base: &base,
                    signer: &signer,
                    problem_context,
                };
                let sent = std::time::Instant::now();
                let leg_one = handshake::start(&provider, &mut approver);
                let consumer_key = signer.consumer_key().to_string();
                StartedApproval {
                    sent,
                    approver,
                    leg_one,
                    consumer_key,
                }
            })
        });
        let read = observe::read_consumer(&admin, &link_id);
        (read, started.map(joined))
    });
    ctx.run_mut().leg_one = started;
    jira_side::take_consumer(ctx, read)
}
