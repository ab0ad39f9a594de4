//! The executor's Jira side: the changes this command converges (9 creates the
//! link, 11 names it, 13 sets its consumer) are checked and consented to before
//! the first write, each recorded as intended before it is sent and judged by its
//! read-back. Independent requests go together: the new link's read-back beside
//! the consumer's write, and the consumer's read-back beside the handshake's first
//! leg when the service account approves (should the read-back disagree, the run
//! stops at step 13 and the unused request token lapses). Steps 9, 11 and 13 only
//! report.

use super::handshake::{approval_mode, problem_context, service_approver};
use super::keys::{pair_of_our_own, settle_key};
use super::preflight::{self, prove_jira_side};
use super::{consent, jira_side};
use crate::context::run::{JiraSideApplied, StartedApproval};
use crate::context::{inputs, Ctx};
use crate::domain::Approval;
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

/// Applies the Jira side's plan once per run. The link's creation fails the step
/// that asked; a later change's failure is kept for its own step.
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
    // Consent before the first write; after a refusal nothing is written.
    let mut refused = Vec::new();
    for change in planned.iter().filter(|c| c.kind != ChangeKind::CreateLink) {
        if let Err(refusal) = consent::consent(ctx, change) {
            refused.push((change.kind, refusal));
        }
    }
    if let Some((_, first)) = refused.first() {
        let applied = planned.into_iter().map(|change| {
            let outcome = match refused.iter().find(|(kind, _)| *kind == change.kind) {
                Some((_, refusal)) => refusal.clone(),
                None => (first.clone())
                    .context(format!("not changed: {}, held back", change.description)),
            };
            (change, Err(outcome))
        });
        ctx.run_mut().jira_side = Some(applied.collect());
        return Ok(());
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
    if let Some(create) = create {
        let created = jira_side::apply_write(ctx, &create)?;
        let Applied::LinkCreated { link_id } = &created else {
            unreachable!("a CreateLink change creates a link");
        };
        // A new link has no consumer to consent over; only the preflight waits.
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
        applied.extend(consumer);
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

/// The consumer's write, after the preflight for Jira Align's key; a key pair
/// still being made is waited for here, at its first use.
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
        ctx.run_mut().preflight = Some(prove_jira_side(ctx)?);
    }
    jira_side::apply_write(ctx, &change)
}

/// The consumer's read-back, with the handshake's first leg beside it when this
/// command runs the handshake and the service account approves (nobody waits in
/// between); when the leg cannot start here, step 17 starts it.
fn read_back_consumer(ctx: &mut Ctx, applied: &JiraSideApplied) -> Result<()> {
    let link_id = applied.iter().find_map(|(_, outcome)| match outcome {
        Ok(Applied::ConsumerSet { link_id, .. }) => Some(link_id.clone()),
        _ => None,
    });
    let Some(link_id) = link_id else {
        return Ok(());
    };
    let planned = (17..=20).all(|step| ctx.run().converges(step))
        && pair_of_our_own(ctx)
        && approval_mode(ctx) == Approval::ServiceAccount;
    let mut leg_one = || -> Option<_> {
        let signer = ctx.signer().ok()?;
        let base = ctx.url(&inputs::JIRA_URL).ok()?;
        let problem_context = problem_context(ctx, signer.consumer_key());
        Some((signer, base, problem_context, service_approver(ctx).ok()?))
    };
    let leg_one = if planned { leg_one() } else { None };
    let admin = ctx.jira_admin()?;
    let http = ctx.http();
    let (read, started) = std::thread::scope(|s| {
        let started = leg_one.map(|(signer, base, problem_context, mut approver)| {
            s.spawn(move || {
                let provider = Provider {
                    http,
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
