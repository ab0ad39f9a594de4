//! What Jira holds after a write, read back into `ctx.observed()`, and a write
//! left unsettled by a killed run, settled by what the observation shows.

use crate::context::Ctx;
use crate::error::Result;
use crate::http::Result as ClientResult;
use crate::jira::admin::AppLink;
use crate::model::{ChangeKind, ObservedConsumer, ObservedLink};
use crate::state::{InstalledFacts, LinkFacts, State};

/// The link found to Jira Align's URL (with the other links' names), as observed
/// from now on; a write a killed run left unsettled is settled by it first.
pub(super) fn keep_found_link(
    ctx: &mut Ctx,
    found: Option<ObservedLink>,
    others: Vec<String>,
) -> Result<()> {
    adopt_intended(ctx, found.as_ref())?;
    ctx.observed_mut().link = Some(found);
    ctx.observed_mut().other_link_names = others;
    Ok(())
}

/// A write recorded as intended by a run that did not live to record its result:
/// what Jira holds now says whether it happened. A link or consumer found as it
/// was meant to be is this profile's own; a removal found done is forgotten.
/// Called once the link (with its consumer) is observed.
fn adopt_intended(ctx: &mut Ctx, found: Option<&ObservedLink>) -> Result<()> {
    if ctx.state().intended.is_none() {
        return Ok(());
    }
    ctx.update_state(|state| adopt(state, found))
}

fn adopt(state: &mut State, found: Option<&ObservedLink>) {
    let Some(intended) = state.intended.take() else {
        return;
    };
    let ours_key = state.consumer.as_ref().map(|c| c.key.clone());
    let installed = state.installed.get_or_insert_with(InstalledFacts::default);
    // The link as it was meant: its URL and the very name asked for (a link
    // made by hand to the same site is not taken for ours).
    let as_created = |link: &ObservedLink| {
        let url = intended
            .link_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok());
        url.is_some_and(|url| crate::jira::admin::same_link_url(&link.link.rpc_url, &url))
            && intended.link_name.as_deref() == Some(link.link.name.as_str())
    };
    let on_intended_link =
        |link: &ObservedLink| intended.link_id.as_deref().is_none_or(|id| id == link.id());
    let consumer_write = [ChangeKind::SetConsumer, ChangeKind::ReplaceConsumer]
        .iter()
        .any(|kind| kind.as_str() == intended.change);
    match (intended.change.as_str(), found) {
        ("create-link", Some(link)) if as_created(link) => {
            installed.link_id = Some(link.id().to_string());
            installed.link_name = intended.link_name.clone();
        }
        (_, Some(link)) if consumer_write && on_intended_link(link) => {
            let held = link.consumer.as_ref();
            let as_meant = held.is_some_and(|held| {
                Some(&held.key) == intended.consumer_key.as_ref()
                    && held.fingerprint.is_some()
                    && held.fingerprint == intended.fingerprint
            });
            if as_meant && intended.consumer_key == ours_key {
                installed.consumer_key = intended.consumer_key.clone();
                installed.fingerprint = intended.fingerprint.clone();
            }
        }
        ("delete-consumer", Some(link)) if on_intended_link(link) && link.consumer.is_none() => {
            installed.consumer_key = None;
            installed.fingerprint = None;
        }
        // A removal not found done, a rename: nothing changes hands. (Unlink
        // reads the links it recorded by id, so a half-done removal is found again.)
        _ => {}
    }
}

/// The read-back of a link just created, into the observation; a failed read
/// leaves the link unknown (read again by the next step that needs it).
pub fn take_created_link(ctx: &mut Ctx, read: ClientResult<Option<AppLink>>) -> Result<()> {
    let link = match read {
        Ok(link) => link,
        Err(err) => {
            ctx.observed_mut().link = None;
            return Err(err.into());
        }
    };
    observe_link(ctx, link, None);
    Ok(())
}

/// The link as just written or read back (its status unread).
pub(super) fn observe_link(
    ctx: &mut Ctx,
    link: Option<AppLink>,
    consumer: Option<ObservedConsumer>,
) {
    let status = None;
    ctx.observed_mut().link = Some(link.map(|link| ObservedLink {
        link,
        consumer,
        status,
    }));
}

/// The read-back of the link's consumer after a consumer write.
pub fn take_consumer(ctx: &mut Ctx, read: Result<Option<ObservedConsumer>>) -> Result<()> {
    let consumer = read?;
    if let Some(Some(link)) = &mut ctx.observed_mut().link {
        link.consumer = consumer;
        link.status = None;
    }
    Ok(())
}
/// Saves the link's facts in the state, for `status` and the later steps.
pub fn remember(ctx: &mut Ctx, link: &ObservedLink) -> Result<()> {
    let facts = LinkFacts {
        id: link.link.id.clone(),
        name: link.link.name.clone(),
        rpc_url: link.link.rpc_url.clone(),
    };
    ctx.update_state(|state| state.link = Some(facts))
}
