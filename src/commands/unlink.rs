//! `align-link unlink`: the model with `Desired::Absent` (the consumer, then the
//! link to `align.url`, each needing consent when this profile did not put it
//! there), then the profile's private key, token and state. Everything is read
//! and every consent settled before the first removal. Idempotent: with nothing
//! left, it says so and exits 0.

use super::open_context;
use crate::config::RunConfig;
use crate::context::Ctx;
use crate::error::{AppError, Result};
use crate::model::{self, render, Change, Desired, Ownership};
use crate::state::{ACCESS_TOKEN_FILE, PRIVATE_KEY_FILE, STATE_FILE};
use crate::steps::{consent, jira_side};
use crate::{outln, ui};

/// The profile's files, removed in this order (the state last, so a run killed
/// midway still knows the profile).
const LOCAL_FILES: [(&str, &str); 3] = [
    (PRIVATE_KEY_FILE, "the private key"),
    (ACCESS_TOKEN_FILE, "the access token"),
    (STATE_FILE, "the saved state"),
];

pub fn run(config: RunConfig) -> Result<i32> {
    let mut ctx = open_context(config)?;
    let knows_sites = (ctx.answers().jira.url.is_some() || ctx.state.jira.is_some())
        && (ctx.answers().align.url.is_some() || ctx.state.align.is_some());
    let connector = ctx.connector_name();
    let connector_id = ctx.state.align.as_ref().and_then(|a| a.connector_id);
    let changes = if knows_sites {
        removals_in_jira(&mut ctx)?
    } else {
        ui::info("Jira not checked: neither the saved state nor the answers give jira.url and align.url.");
        Vec::new()
    };
    let local: Vec<(&str, &str)> = LOCAL_FILES
        .into_iter()
        .filter(|(file, _)| ctx.store.exists(file))
        .collect();
    if changes.is_empty() && local.is_empty() {
        outln!("Nothing left to remove: Jira has no link to Jira Align's URL and the profile holds no key, token or state.");
        return Ok(0);
    }
    if ctx.interactive() && !confirm_in_terminal(&mut ctx, &changes, &local)? {
        outln!("Nothing was removed.");
        return Ok(0);
    }
    for change in &changes {
        consent::consent(&mut ctx, change).map_err(|mut err| {
            err.message
                .push_str("\nNothing was removed, in Jira or here.");
            err
        })?;
    }
    for change in &changes {
        jira_side::apply_unchecked(&mut ctx, change)?;
        ui::ok(&format!("done: {}", change.description));
    }
    for (file, what) in local {
        ctx.store.remove(file)?;
        ui::ok(&format!(
            "removed {what} ({})",
            ctx.store.dir().join(file).display()
        ));
    }
    outln!();
    outln!("In Jira Align (Administration > Connectors > Jira Settings), finish by hand:");
    outln!(
        "  1. Deactivate the connector \"{connector}\"{} (its sync would only fail from now on).",
        connector_id
            .map(|id| format!(" (ID {id})"))
            .unwrap_or_default()
    );
    outln!("  2. Delete it, if nothing else is to use it.");
    Ok(0)
}

/// What Jira holds for the connector, as the removals that would take it away
/// (the consumer, then the link). Reads only.
fn removals_in_jira(ctx: &mut Ctx) -> Result<Vec<Change>> {
    let server = jira_side::server(ctx)?;
    if !server.is_administrator {
        return Err(AppError::failed(format!(
            "{} can sign in to Jira but is not a Jira administrator: only an administrator can remove the link",
            server.admin_user
        ))
        .hint("Use an administrator's token or password (jira.admin_token or jira.admin_username). Nothing was removed."));
    }
    let align = ctx.align_url()?;
    let link = jira_side::link(ctx)?;
    let changes = model::diff(
        link.as_ref(),
        &Desired::Absent,
        &Ownership::from_state(&ctx.state),
    );
    if changes.is_empty() {
        ui::ok(&format!("Jira has no application link to {align}"));
    }
    Ok(changes)
}

/// In a terminal, as terraform's destroy does: the whole removal shown and
/// confirmed once, default No. (What this profile did not make is asked about
/// again, on its own.)
fn confirm_in_terminal(ctx: &mut Ctx, changes: &[Change], local: &[(&str, &str)]) -> Result<bool> {
    ui::info("unlink would:");
    for change in changes {
        ui::info(&render::text(change));
    }
    for (file, what) in local {
        ui::info(&format!(
            "  remove {what} ({})",
            ctx.store.dir().join(file).display()
        ));
    }
    ctx.prompter().confirm("Remove them?", false)
}
