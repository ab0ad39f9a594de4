//! Steps 8 to 12: the application link in Jira that points at Jira Align. Found
//! by URL before anything is created, so a rerun never makes a second link.

use super::Outcome;
use crate::context::{needs_step, Ctx};
use crate::error::{AppError, Result};
use crate::jira::admin::{AppLink, JiraAdmin};
use crate::state::LinkFacts;
use crate::ui;

fn remember(ctx: &mut Ctx, link: &AppLink) -> Result<()> {
    ctx.state.link = Some(LinkFacts {
        id: link.id.clone(),
        name: link.name.clone(),
        rpc_url: link.rpc_url.clone(),
    });
    ctx.save()
}

pub fn find_existing(ctx: &mut Ctx) -> Result<Outcome> {
    let align = ctx.align_url()?;
    let (base, auth) = ctx.admin_parts()?;
    let admin = JiraAdmin::new(&ctx.http, base, auth);
    match admin.find_link(&align)? {
        Some(link) => {
            ui::ok(&format!(
                "Jira already links to {align}: \"{}\" (id {})",
                link.name, link.id
            ));
            remember(ctx, &link)?;
            Ok(Outcome::Done(format!("found link {}", link.id)))
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
    let name = ctx.application_name()?;
    let (base, auth) = ctx.admin_parts()?;
    let admin = JiraAdmin::new(&ctx.http, base, auth);
    // The saved id first, then a search by URL: both keep a rerun from duplicating.
    let known = match ctx.state.link.as_ref() {
        Some(saved) => admin.get_link(&saved.id)?,
        None => None,
    };
    let existing = match known {
        Some(link) => Some(link),
        None => admin.find_link(&align)?,
    };
    if let Some(link) = existing {
        ui::ok(&format!(
            "the link to {align} exists: \"{}\" (id {}); nothing to create",
            link.name, link.id
        ));
        remember(ctx, &link)?;
        return Ok(Outcome::Done(format!("link {} exists", link.id)));
    }
    let id = admin.create_link(&name, &align)?;
    let link = admin.get_link(&id)?.ok_or_else(|| {
        AppError::failed(format!(
            "Jira said it created link {id}, but cannot find it"
        ))
        .hint("Rerun step 9; it looks the link up by URL before creating one.")
    })?;
    ui::ok(&format!(
        "created the application link \"{}\" to {align} (id {id})",
        link.name
    ));
    remember(ctx, &link)?;
    Ok(Outcome::Done(format!("created link {id}")))
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
    let id = ctx.link_id()?;
    let name = ctx.application_name()?;
    let (base, auth) = ctx.admin_parts()?;
    let admin = JiraAdmin::new(&ctx.http, base, auth);
    let link = admin.get_link(&id)?.ok_or_else(|| link_gone(&id))?;
    if link.name == name {
        ui::ok(&format!("the link is named \"{name}\""));
        remember(ctx, &link)?;
        return Ok(Outcome::Done(format!("named \"{name}\"")));
    }
    admin.rename_link(&link, &name)?;
    let renamed = admin.get_link(&id)?.ok_or_else(|| link_gone(&id))?;
    if renamed.name != name {
        return Err(AppError::failed(format!(
            "Jira kept the name \"{}\" instead of \"{name}\"",
            renamed.name
        ))
        .hint("Another application link may use that name already (Jira then appends \" - 2\"): choose another align.application_name."));
    }
    ui::ok(&format!(
        "renamed the link from \"{}\" to \"{name}\"",
        link.name
    ));
    remember(ctx, &renamed)?;
    Ok(Outcome::Done(format!("renamed to \"{name}\"")))
}

pub fn read_back(ctx: &mut Ctx) -> Result<Outcome> {
    let id = ctx.link_id()?;
    let align = ctx.align_url()?;
    let (base, auth) = ctx.admin_parts()?;
    let admin = JiraAdmin::new(&ctx.http, base, auth);
    let link = admin.get_link(&id)?.ok_or_else(|| link_gone(&id))?;
    let wanted = align.as_str().trim_end_matches('/');
    if !link
        .rpc_url
        .trim_end_matches('/')
        .eq_ignore_ascii_case(wanted)
    {
        return Err(AppError::failed(format!(
            "link {id} points at {}, not at {wanted}",
            link.rpc_url
        ))
        .hint("A link's URL cannot be changed: check align.url, then rerun step 8 to pick the right link."));
    }
    ui::ok(&format!(
        "link \"{}\" (id {id}) points at {}",
        link.name, link.rpc_url
    ));
    remember(ctx, &link)?;
    Ok(Outcome::Done(format!("link {id} read back")))
}

fn link_gone(id: &str) -> AppError {
    needs_step(9, &format!("application link {id} (deleted in Jira?)"))
}
