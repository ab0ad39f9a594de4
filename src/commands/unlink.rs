//! `align-link unlink`: the model with `Desired::Absent` (the consumer, then the
//! link to `align.url`, each needing consent when this profile did not put it
//! there), then the profile's private key, token and state. Idempotent: with
//! nothing left, it says so and exits 0.

use super::open_context;
use crate::config::RunConfig;
use crate::context::Ctx;
use crate::error::{AppError, Result};
use crate::model::{self, Desired, Ownership};
use crate::state::{ACCESS_TOKEN_FILE, PRIVATE_KEY_FILE, STATE_FILE};
use crate::steps::{consent, jira_side};
use crate::{outln, ui};

pub fn run(config: RunConfig) -> Result<i32> {
    let mut ctx = open_context(config)?;
    let knows_sites = (ctx.answers.jira.url.is_some() || ctx.state.jira.is_some())
        && (ctx.answers.align.url.is_some() || ctx.state.align.is_some());
    let connector = ctx.connector_name();
    let connector_id = ctx.state.align.as_ref().and_then(|a| a.connector_id);
    let mut removed_in_jira = Vec::new();
    if knows_sites {
        removed_in_jira = remove_in_jira(&mut ctx)?;
    } else {
        ui::info("Jira not checked: neither the saved state nor the answers give jira.url and align.url.");
    }
    let removed_here = remove_local(&ctx)?;
    if removed_in_jira.is_empty() && removed_here.is_empty() {
        outln!("Nothing left to remove: Jira has no link to Jira Align's URL and the profile holds no key, token or state.");
        return Ok(0);
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

/// The consumer, then the link: all consent asked (or refused) before the first write.
fn remove_in_jira(ctx: &mut Ctx) -> Result<Vec<String>> {
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
        return Ok(Vec::new());
    }
    for change in &changes {
        consent::consent(ctx, change).map_err(|err| {
            let mut err = err;
            err.message
                .push_str("\nNothing was removed, in Jira or here.");
            err
        })?;
    }
    let mut removed = Vec::new();
    for change in &changes {
        jira_side::apply_unchecked(ctx, change)?;
        ui::ok(&format!("done: {}", change.description));
        removed.push(change.description.clone());
    }
    Ok(removed)
}

/// The private key, the token and the state, in that order (the state last, so
/// a run killed midway still knows the profile).
fn remove_local(ctx: &Ctx) -> Result<Vec<&'static str>> {
    let mut removed = Vec::new();
    for (file, what) in [
        (PRIVATE_KEY_FILE, "the private key"),
        (ACCESS_TOKEN_FILE, "the access token"),
        (STATE_FILE, "the saved state"),
    ] {
        if ctx.store.exists(file) {
            ctx.store.remove(file)?;
            ui::ok(&format!(
                "removed {what} ({})",
                ctx.store.dir().join(file).display()
            ));
            removed.push(what);
        }
    }
    Ok(removed)
}
