//! `unlink`: the model with `Desired::Absent` for the link to `align.url` and
//! those the profile recorded (so a changed answers file does not hide them),
//! then the profile's files. Every consent comes before the first removal.

use super::{open_context_as, Access};
use crate::config::{AnswersOrigin, RunConfig};
use crate::context::{inputs, Ctx};
use crate::error::{AppError, Result};
use crate::model::{self, observe, render, Change, Desired, ObservedLink};
use crate::state::{ACCESS_TOKEN_FILE, PRIVATE_KEY_FILE, STATE_FILE};
use crate::steps::{consent, jira_side};
use crate::util::text::clean;
use crate::{outln, ui};

/// The state last, so that a run killed midway still knows the profile.
const LOCAL_FILES: [(&str, &str); 3] = [
    (PRIVATE_KEY_FILE, "the private key"),
    (ACCESS_TOKEN_FILE, "the access token"),
    (STATE_FILE, "the saved state"),
];

pub fn unlink(config: RunConfig, local: bool) -> Result<i32> {
    let dir = super::state_dir(&config)?;
    let existed = dir.is_dir();
    if !existed && config.answers_origin == AnswersOrigin::None {
        // Opening the profile would only make (and list) an empty one.
        let (profile, dir) = (&config.profile, dir.display());
        outln!("Profile `{profile}` was never set up here: no state in {dir} and no config file. Nothing to remove.");
        return Ok(0);
    }
    let mut ctx = open_context_as(config, Access::ChangeAsRecorded)?;
    let knows_sites = (ctx.given(&inputs::JIRA_URL).is_some() || ctx.state().jira.is_some())
        && (ctx.given(&inputs::ALIGN_URL).is_some() || ctx.state().align.is_some());
    let connector = ctx.connector_name();
    let connector_id = ctx.state().align.as_ref().and_then(|a| a.connector_id);
    let remains = local.then(|| what_may_remain(ctx.state()));
    let changes = if local {
        Vec::new()
    } else if knows_sites {
        removals_in_jira(&mut ctx)?
    } else {
        ui::info("Jira not checked: neither the saved state nor the answers give jira.url and align.url.");
        Vec::new()
    };
    let files: Vec<_> = LOCAL_FILES
        .into_iter()
        .filter(|(file, _)| ctx.store().exists(file))
        .collect();
    let nothing = changes.is_empty() && files.is_empty();
    if nothing && !local {
        remove_local(&mut ctx, &[], existed)?;
        outln!("Nothing left to remove: Jira has no link to Jira Align's URL and the profile holds no key, token or state.");
        return Ok(0);
    }
    if ctx.interactive() && !nothing && !confirm_in_terminal(&mut ctx, &changes, &files)? {
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
    remove_local(&mut ctx, &files, existed)?;
    outln!();
    match remains {
        Some(Some(remains)) => {
            outln!("Jira was not contacted, so this may remain there: {remains}.");
            outln!("If that Jira still runs, remove it in Jira's Administration > Applications > Application links.");
        }
        Some(None) => {
            outln!("Jira was not contacted; this profile recorded nothing it made there.")
        }
        None => {
            outln!("In Jira Align (Administration > Connectors > Jira Settings), finish by hand:");
            let id = connector_id.map_or(String::new(), |id| format!(" (ID {id})"));
            outln!("  1. Deactivate the connector \"{connector}\"{id} (its sync would only fail from now on).");
            outln!("  2. Delete it, if nothing else is to use it.");
        }
    }
    Ok(0)
}

/// The removals that would take away what Jira holds for the connector.
fn removals_in_jira(ctx: &mut Ctx) -> Result<Vec<Change>> {
    refuse_another_jira(ctx)?;
    let server = jira_side::server(ctx)?;
    if !server.is_administrator {
        return Err(AppError::failed(format!(
            "{}: only an administrator can remove the link",
            crate::steps::jira_access::not_an_administrator(server.admin_user.as_deref())
        ))
        .hint("Use an administrator's token or password (jira.admin_token or jira.admin_username). Nothing was removed."));
    }
    let align = ctx.url(&inputs::ALIGN_URL)?;
    let links = links_to_remove(ctx)?;
    let owned = ctx.state().installed.clone().unwrap_or_default();
    let changes: Vec<Change> = links
        .iter()
        .flat_map(|link| model::diff(Some(link), &Desired::Absent, &owned))
        .collect();
    if changes.is_empty() {
        ui::ok(&format!("Jira has no application link to {align}"));
    }
    Ok(changes)
}

/// The link to `align.url`, and those the profile created or saved, each once.
fn links_to_remove(ctx: &mut Ctx) -> Result<Vec<ObservedLink>> {
    let mut links: Vec<ObservedLink> = jira_side::link(ctx)?.into_iter().collect();
    let admin = ctx.jira_admin()?;
    let state = ctx.state();
    let recorded_ids = [
        state.installed.as_ref().and_then(|i| i.link_id.clone()),
        state.link.as_ref().map(|l| l.id.clone()),
    ];
    for id in recorded_ids.into_iter().flatten() {
        if !links.iter().any(|l| l.id() == id) {
            links.extend(observe::read_link(&admin, &id)?);
        }
    }
    let recorded_url = state.align.as_ref().map(|a| url::Url::parse(&a.url));
    if let Some(Ok(url)) = recorded_url {
        let found = observe::find_link(&admin, &url)?;
        links.extend(found.filter(|link| !links.iter().any(|l| l.id() == link.id())));
    }
    Ok(links)
}

/// With the answers naming another Jira, the profile's link would be left unseen.
fn refuse_another_jira(ctx: &mut Ctx) -> Result<()> {
    let Some(recorded) = ctx.state().jira.as_ref().map(|j| j.url.clone()) else {
        return Ok(());
    };
    let given = ctx.url(&inputs::JIRA_URL)?;
    let installed = ctx.state().installed.as_ref();
    let made = installed.is_some_and(|i| i.link_id.is_some() || i.consumer_key.is_some());
    let holds_something = ctx.state().link.is_some() || made;
    if !holds_something || crate::steps::reconcile::same_site(&recorded, &given) {
        return Ok(());
    }
    Err(AppError::failed(format!(
        "this profile set up its link on the Jira at {recorded}, but the answers now say jira.url = {given}"
    ))
    .hint(format!(
        "Nothing was removed. Put jira.url = \"{recorded}\" (with that Jira's administrator credentials) back in the answers file and rerun `{}` to remove the link there.",
        crate::util::suggest::command("unlink")
    )))
}

fn what_may_remain(state: &crate::state::State) -> Option<String> {
    let jira = state.jira.as_ref().map(|j| j.url.clone());
    let installed = state.installed.as_ref();
    let link = state
        .link
        .as_ref()
        .map(|l| format!("the application link \"{}\" (id {})", l.name, l.id))
        .or_else(|| {
            installed
                .and_then(|i| i.link_id.clone())
                .map(|id| format!("the application link with id {id}"))
        })?;
    let consumer = installed
        .and_then(|i| i.consumer_key.clone())
        .or_else(|| state.consumer.as_ref().map(|c| c.key.clone()))
        .map(|key| format!(" with the incoming consumer key {key}"))
        .unwrap_or_default();
    let at = jira.map(|url| format!(" on {url}")).unwrap_or_default();
    Some(clean(&format!("{link}{consumer}{at}"), 400))
}

/// `existed`: the directory was there before this run (opening the profile
/// makes it); only then is its removal news.
fn remove_local(ctx: &mut Ctx, files: &[(&str, &str)], existed: bool) -> Result<()> {
    // First, while the state still names them: a failure keeps the profile.
    while let Some(key) = ctx.state().typed_secrets.first().cloned() {
        ctx.store().forget_typed_secret(&key)?;
        ctx.update_state(|state| state.typed_secrets.remove(0))?;
    }
    for (file, what) in files {
        let place = ctx.store().place_of(file);
        ctx.store().remove(file)?;
        ui::ok(&format!("removed {what} ({place})"));
    }
    if ctx.release_profile()? && existed {
        let dir = ctx.store().dir().display();
        ui::ok(&format!("removed the profile's directory ({dir})"));
    }
    Ok(())
}

/// In a terminal, as terraform's destroy does: confirmed once, default No.
fn confirm_in_terminal(ctx: &mut Ctx, changes: &[Change], local: &[(&str, &str)]) -> Result<bool> {
    ui::info("unlink would:");
    for change in changes {
        ui::info(&render::text(change));
    }
    for (file, what) in local {
        ui::info(&format!("  remove {what} ({})", ctx.store().place_of(file)));
    }
    ctx.prompter().confirm("Remove them?", false)
}
