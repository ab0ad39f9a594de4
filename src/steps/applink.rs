//! Steps 8 to 12: the application link in Jira that points at Jira Align, as views
//! onto the model of the Jira side (`jira_side`). The link is found by URL before
//! anything is created, so a rerun never makes a second link.

use super::converge;
use super::jira_side::{self, remember};
use super::Outcome;
use crate::context::{inputs, needs_step, Ctx};
use crate::error::{AppError, Result};
use crate::jira::admin::same_url;
use crate::model::{ChangeKind, ObservedLink};
use crate::ui;

pub fn find_existing(ctx: &mut Ctx) -> Result<Outcome> {
    let align = ctx.url(&inputs::ALIGN_URL)?;
    match jira_side::link(ctx)? {
        Some(link) => {
            ui::ok(&format!(
                "Jira already links to {align}: \"{}\" (id {})",
                link.link.name,
                link.id()
            ));
            remember(ctx, &link)?;
            Ok(Outcome::Done(format!("found link {}", link.id())))
        }
        None => {
            ui::ok(&format!(
                "no application link to {align} yet; step 9 creates it"
            ));
            Ok(Outcome::Done("no link yet".into()))
        }
    }
}

pub fn create(ctx: &mut Ctx) -> Result<Outcome> {
    let align = ctx.url(&inputs::ALIGN_URL)?;
    converge::ensure_applied(ctx)?;
    let created = ctx.run_mut().applied(&[ChangeKind::CreateLink]);
    let created = created.map(|(_, outcome)| outcome).transpose()?;
    let link = existing_link(ctx)?;
    if created.is_none() {
        ui::ok(&format!(
            "the link to {align} exists: \"{}\" (id {}); nothing to create",
            link.link.name,
            link.id()
        ));
        remember(ctx, &link)?;
        return Ok(Outcome::Done(format!("link {} exists", link.id())));
    }
    let asked = jira_side::link_name(ctx)?;
    ui::ok(&format!(
        "created the application link \"{asked}\" to {align} (id {})",
        link.id()
    ));
    ui::ok(&format!(
        "read back: \"{}\" pointing at {}",
        link.link.name, link.link.rpc_url
    ));
    remember(ctx, &link)?;
    Ok(Outcome::Done(format!("created link {}", link.id())))
}

pub fn no_response_warning(ctx: &mut Ctx) -> Result<Outcome> {
    ctx.link_id()?;
    ui::info(
        "In the web UI Jira asks Jira Align for an application manifest, Jira Align has\n\
         none, and Jira warns that there was no response. align-link created the link\n\
         over the REST API, which never asks for a manifest, so there is no warning to\n\
         click past.",
    );
    Ok(Outcome::Done(
        "no warning: the link was made over REST".into(),
    ))
}

pub fn name(ctx: &mut Ctx) -> Result<Outcome> {
    let before = existing_link(ctx)?;
    let name = jira_side::link_name(ctx)?;
    converge::ensure_applied(ctx)?;
    let renamed = ctx.run_mut().applied(&[ChangeKind::RenameLink]);
    let renamed = renamed
        .map(|(change, outcome)| outcome.map(|_| change))
        .transpose()?;
    let observed = ctx.observed().known_link().flatten().cloned();
    let link = observed.ok_or_else(|| link_gone(before.id()))?;
    if link.link.name != name {
        return Err(AppError::failed(format!(
            "Jira kept the name \"{}\" instead of \"{name}\"",
            link.link.name
        ))
        .hint("Another application link may use that name already (Jira then appends \" - 2\"): choose another align.application_name."));
    }
    remember(ctx, &link)?;
    let Some(change) = renamed else {
        ui::ok(&format!("the link is named \"{name}\""));
        return Ok(Outcome::Done(format!("named \"{name}\"")));
    };
    let old_name = change.old.and_then(|old| old.name).unwrap_or_default();
    ui::ok(&format!(
        "renamed the link from \"{old_name}\" to \"{name}\""
    ));
    Ok(Outcome::Done(format!("renamed to \"{name}\"")))
}

/// Step 12 compares the link as read in this run (after its last write).
pub fn read_back(ctx: &mut Ctx) -> Result<Outcome> {
    let align = ctx.url(&inputs::ALIGN_URL)?;
    let link = existing_link(ctx)?;
    let id = link.id().to_string();
    let wanted = align.as_str().trim_end_matches('/');
    if !same_url(&link.link.rpc_url, wanted) {
        return Err(AppError::failed(format!(
            "link {id} points at {}, not at {wanted}",
            link.link.rpc_url
        ))
        .hint("A link's URL cannot be changed: check align.url, then rerun step 8 to pick the right link."));
    }
    ui::ok(&format!(
        "link \"{}\" (id {id}) points at {}",
        link.link.name, link.link.rpc_url
    ));
    remember(ctx, &link)?;
    Ok(Outcome::Done(format!("link {id} read back")))
}

/// The link to Jira Align as observed; none is an error naming step 9.
pub fn existing_link(ctx: &mut Ctx) -> Result<ObservedLink> {
    let saved = ctx.state().link.as_ref().map(|l| l.id.clone());
    jira_side::link(ctx)?.ok_or_else(|| match saved {
        Some(id) => link_gone(&id),
        None => needs_step(9, "the application link"),
    })
}

fn link_gone(id: &str) -> AppError {
    needs_step(9, &format!("application link {id} (deleted in Jira?)"))
}
