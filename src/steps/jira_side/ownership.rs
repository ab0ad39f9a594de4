//! The profile's record of what it owns in Jira, kept ahead of each write: the
//! intent saved before it is sent, what Jira accepted recorded as this profile's,
//! and an intent a killed run left behind settled by what Jira shows.

use crate::context::Ctx;
use crate::error::Result;
use crate::model::apply::Applied;
use crate::model::{Action, Change, ChangeKind, ObservedLink};
use crate::state::{InstalledFacts, IntendedWrite, State};
use crate::util::time::now_rfc3339;

/// Saves what `change` is about to leave in Jira, before it is sent.
pub(super) fn record_intent(ctx: &mut Ctx, change: &Change, link_id: Option<&str>) -> Result<()> {
    let mut intended = IntendedWrite {
        change: change.kind.as_str().to_string(),
        link_id: link_id.map(str::to_string),
        at: now_rfc3339(),
        ..IntendedWrite::default()
    };
    match &change.action {
        Action::CreateLink { name, url } => {
            intended.link_id = None;
            intended.link_url = Some(url.as_str().trim_end_matches('/').to_string());
            intended.link_name = Some(name.clone());
        }
        Action::SetConsumer { consumer, .. } => {
            intended.consumer_key = consumer.key.clone();
            intended.fingerprint = consumer.fingerprint.clone();
        }
        Action::RestoreConsumer { link_id, previous } => {
            intended.link_id = Some(link_id.clone());
            intended.consumer_key = Some(previous.key.clone());
            intended.fingerprint = previous.fingerprint.clone();
        }
        Action::RenameLink { link, name } => {
            intended.link_id = Some(link.id.clone());
            intended.link_name = Some(name.clone());
        }
        Action::DeleteConsumer { link_id } | Action::DeleteLink { link_id } => {
            intended.link_id = Some(link_id.clone());
        }
    }
    ctx.update_state(|state| state.intended = Some(intended))
}

/// A write a killed run intended: what Jira holds now says whether it happened
/// (found as meant, it is this profile's; a removal found done is forgotten).
pub(super) fn adopt_intended(ctx: &mut Ctx, found: Option<&ObservedLink>) -> Result<()> {
    if ctx.state().intended.is_none() {
        return Ok(());
    }
    ctx.update_state(|state| adopt(state, found))
}

fn adopt(state: &mut State, found: Option<&ObservedLink>) {
    let Some(intended) = state.intended.take() else {
        return;
    };
    state.installed.get_or_insert_with(InstalledFacts::default);
    // Its URL and the very name asked for: a hand-made link is not taken for ours.
    let as_created = |link: &ObservedLink| {
        let url = intended.link_url.as_deref();
        url.is_some_and(|url| crate::jira::admin::same_url(&link.link.rpc_url, url))
            && intended.link_name.as_deref() == Some(link.link.name.as_str())
    };
    let on_intended_link =
        |link: &ObservedLink| intended.link_id.as_deref().is_none_or(|id| id == link.id());
    let consumer_write = [ChangeKind::SetConsumer, ChangeKind::ReplaceConsumer]
        .iter()
        .any(|kind| kind.as_str() == intended.change);
    // What Jira shows done, as the write's own answer would have said it.
    let done = match (intended.change.as_str(), found) {
        ("create-link", Some(link)) if as_created(link) => Some(Applied::LinkCreated {
            link_id: link.id().to_string(),
        }),
        (_, Some(link)) if consumer_write && on_intended_link(link) => {
            let held = link.consumer.as_ref().filter(|held| {
                Some(&held.key) == intended.consumer_key.as_ref()
                    && held.fingerprint.is_some()
                    && held.fingerprint == intended.fingerprint
            });
            held.map(|held| Applied::ConsumerSet {
                link_id: link.id().to_string(),
                key: held.key.clone(),
                fingerprint: held.fingerprint.clone(),
            })
        }
        ("delete-consumer", Some(link)) if on_intended_link(link) && link.consumer.is_none() => {
            Some(Applied::ConsumerDeleted {
                link_id: link.id().to_string(),
            })
        }
        // A removal not found done, a rename: nothing changes hands.
        _ => None,
    };
    if let Some(done) = &done {
        record_ownership(state, done, intended.link_name.as_deref());
    }
}

/// What Jira accepted (a removal: what its read-back confirmed) recorded as this
/// profile's, settling the intent.
pub(super) fn record_ownership(state: &mut State, applied: &Applied, named: Option<&str>) {
    let ours = state.consumer.as_ref().map(|c| c.key.clone());
    state.intended = None;
    let installed = state.installed.get_or_insert_with(InstalledFacts::default);
    if let Some(name) = named {
        installed.link_name = Some(name.to_string());
    }
    match applied {
        Applied::LinkCreated { link_id } => installed.link_id = Some(link_id.clone()),
        Applied::LinkRenamed { .. } => {}
        Applied::ConsumerSet {
            key, fingerprint, ..
        } => {
            if ours.as_deref() == Some(key.as_str()) {
                installed.consumer_key = Some(key.clone());
                installed.fingerprint = fingerprint.clone();
            }
        }
        Applied::ConsumerDeleted { .. } => {
            installed.consumer_key = None;
            installed.fingerprint = None;
        }
        Applied::LinkDeleted { link_id } => {
            if installed.link_id.as_deref() == Some(link_id.as_str()) {
                *installed = InstalledFacts::default();
            }
        }
    }
}
