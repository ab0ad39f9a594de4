//! Steps 8 to 12: the application link in Jira that points at Jira Align, as views
//! onto the model of the Jira side (`jira_side`). The link is found by URL before
//! anything is created, so a rerun never makes a second link.

use super::ahead::set_consumer_ahead;
use super::consent;
use super::jira_side::{self, remember};
use super::Outcome;
use crate::context::{needs_step, Ctx};
use crate::error::{AppError, Result};
use crate::model::apply::Applied;
use crate::model::observe::joined;
use crate::model::{ChangeKind, ObservedLink};
use crate::ui;

pub fn find_existing(ctx: &mut Ctx) -> Result<Outcome> {
    let align = ctx.align_url()?;
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
    let align = ctx.align_url()?;
    if let Some(link) = jira_side::link(ctx)? {
        ui::ok(&format!(
            "the link to {align} exists: \"{}\" (id {}); nothing to create",
            link.link.name,
            link.id()
        ));
        remember(ctx, &link)?;
        return Ok(Outcome::Done(format!("link {} exists", link.id())));
    }
    let changes = jira_side::changes(ctx)?;
    let Some(change) = changes.iter().find(|c| c.kind == ChangeKind::CreateLink) else {
        return Err(
            AppError::failed("no link to Jira Align, yet nothing to create")
                .hint("Rerun step 8 to look for the link again."),
        );
    };
    consent::authorize(ctx, change)?;
    let Applied::LinkCreated { link_id } = jira_side::apply_write(ctx, change)? else {
        unreachable!("a CreateLink change creates a link");
    };
    let asked = ctx.application_name()?;
    ui::ok(&format!(
        "created the application link \"{asked}\" to {align} (id {link_id})"
    ));
    // The read-back, with step 13's consumer beside it when step 13 follows in
    // this run: one round trip for both instead of two in a row.
    let admin = ctx.jira_admin()?;
    let (read, consumer) = std::thread::scope(|s| {
        let read = s.spawn(|| admin.get_link(&link_id));
        let consumer = set_consumer_ahead(ctx);
        (joined(read), consumer)
    });
    ctx.ahead.consumer_set = consumer;
    jira_side::take_created_link(ctx, read)?;
    let link = observed_or(ctx, || {
        AppError::failed(format!(
            "Jira said it created link {link_id}, but cannot find it"
        ))
        .hint("Rerun step 9; it looks the link up by URL before creating one.")
    })?;
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
    let link = existing_link(ctx)?;
    let name = ctx.application_name()?;
    let changes = jira_side::changes(ctx)?;
    let Some(change) = changes.iter().find(|c| c.kind == ChangeKind::RenameLink) else {
        ui::ok(&format!("the link is named \"{name}\""));
        remember(ctx, &link)?;
        return Ok(Outcome::Done(format!("named \"{name}\"")));
    };
    consent::apply_change(ctx, change)?;
    let renamed = observed_or(ctx, || link_gone(link.id()))?;
    if renamed.link.name != name {
        return Err(AppError::failed(format!(
            "Jira kept the name \"{}\" instead of \"{name}\"",
            renamed.link.name
        ))
        .hint("Another application link may use that name already (Jira then appends \" - 2\"): choose another align.application_name."));
    }
    ui::ok(&format!(
        "renamed the link from \"{}\" to \"{name}\"",
        link.link.name
    ));
    remember(ctx, &renamed)?;
    Ok(Outcome::Done(format!("renamed to \"{name}\"")))
}

/// Step 12 compares the link as read in this run (after its last write).
pub fn read_back(ctx: &mut Ctx) -> Result<Outcome> {
    let align = ctx.align_url()?;
    let link = existing_link(ctx)?;
    let id = link.id().to_string();
    let wanted = align.as_str().trim_end_matches('/');
    if !link
        .link
        .rpc_url
        .trim_end_matches('/')
        .eq_ignore_ascii_case(wanted)
    {
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
    let saved = ctx.state.link.as_ref().map(|l| l.id.clone());
    jira_side::link(ctx)?.ok_or_else(|| match saved {
        Some(id) => link_gone(&id),
        None => needs_step(9, "the application link"),
    })
}

fn observed_or(ctx: &Ctx, missing: impl FnOnce() -> AppError) -> Result<ObservedLink> {
    ctx.observed
        .known_link()
        .flatten()
        .cloned()
        .ok_or_else(missing)
}

fn link_gone(id: &str) -> AppError {
    needs_step(9, &format!("application link {id} (deleted in Jira?)"))
}
