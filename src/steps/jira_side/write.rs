//! A change written to Jira, with its intent saved first and what Jira accepted
//! recorded as this profile's; a removal is judged by its read-back.

use super::ownership::{record_intent, record_ownership};
use super::readback::{observe_link, take_consumer, take_created_link};
use crate::context::Ctx;
use crate::error::{AppError, Result};
use crate::jira::admin::AppLink;
use crate::model::apply::Applied;
use crate::model::{self, observe, Action, Change};

/// An authorized change, judged by its read-back, and what the profile now owns.
pub fn apply_unchecked(ctx: &mut Ctx, change: &Change) -> Result<Applied> {
    let answer = apply_write(ctx, change);
    let admin = ctx.jira_admin()?;
    // A removal is done when a read says it is gone, whatever the write's answer
    // (a proxy's 404, a login page's 200); a link by Jira's list, not by a 404.
    let removal = match &change.action {
        Action::DeleteConsumer { link_id } => Some((
            observe::read_consumer(&admin, link_id)?
                .map(|held| format!("the link's incoming consumer {}", held.key)),
            Applied::ConsumerDeleted {
                link_id: link_id.clone(),
            },
        )),
        Action::DeleteLink { link_id } => Some((
            (admin.list_links()?.into_iter().find(|l| l.id == *link_id))
                .map(|link| format!("the application link \"{}\" (id {})", link.name, link.id)),
            Applied::LinkDeleted {
                link_id: link_id.clone(),
            },
        )),
        _ => None,
    };
    let applied = match removal {
        Some((Some(still), _)) => return Err(still_there(still, answer.err())),
        Some((None, removed)) => {
            ctx.update_state(|state| record_ownership(state, &removed, None))?;
            removed
        }
        None => answer?,
    };
    match &applied {
        Applied::LinkCreated { link_id } => {
            let read = admin.get_link(link_id);
            take_created_link(ctx, read)?;
        }
        Applied::ConsumerSet { link_id, .. } => {
            let read = observe::read_consumer(&admin, link_id);
            take_consumer(ctx, read)?;
        }
        Applied::LinkRenamed { link_id } => {
            let renamed = admin.get_link(link_id)?;
            let previous = ctx.observed_mut().link.take().flatten();
            observe_link(ctx, renamed, previous.and_then(|p| p.consumer));
        }
        Applied::ConsumerDeleted { .. } => take_consumer(ctx, Ok(None))?,
        Applied::LinkDeleted { .. } => ctx.observed_mut().link = Some(None),
    }
    Ok(applied)
}

/// Jira still holds `what` after a removal it was sent.
fn still_there(what: String, answer: Option<AppError>) -> AppError {
    let answered = match &answer {
        Some(err) => format!(
            " (its answer: {})",
            err.message.lines().next().unwrap_or("")
        ),
        None => " although it answered the removal as done".to_string(),
    };
    AppError::failed(format!(
        "Jira still holds {what}{answered}: it was not removed"
    ))
    .hint("Nothing was recorded as removed. Something between align-link and Jira (a proxy, a login page) may have answered instead of Jira: rerun with -v to see the answers, then rerun the command.")
}

/// The write alone: its intent saved first (a killed run adopts it next time), an
/// accepted write recorded as this profile's at once, a removal after its
/// read-back. The caller reads back what it touched.
pub fn apply_write(ctx: &mut Ctx, change: &Change) -> Result<Applied> {
    let admin = ctx.jira_admin()?;
    // A consumer change for a link created earlier in the run goes on that link.
    let observed_link_id = ctx
        .observed()
        .known_link()
        .flatten()
        .map(|l| l.id().to_string());
    record_intent(ctx, change, observed_link_id.as_deref())?;
    let applied = match model::apply(&admin, change, observed_link_id.as_deref()) {
        Ok(applied) => applied,
        Err(err) => {
            // A refusal means not written; only an unknown outcome keeps the intent.
            if answered(&err) {
                ctx.update_state(|state| state.intended = None)?;
            }
            return Err(err);
        }
    };
    if let (Applied::LinkCreated { link_id }, Action::CreateLink { name, url }) =
        (&applied, &change.action)
    {
        // Until its read-back: the link as asked for (a new link has no consumer).
        let asked = AppLink {
            id: link_id.clone(),
            name: name.clone(),
            rpc_url: url.to_string(),
            display_url: Some(url.to_string()),
            type_id: None,
        };
        observe_link(ctx, Some(asked), None);
    }
    if !matches!(
        applied,
        Applied::ConsumerDeleted { .. } | Applied::LinkDeleted { .. }
    ) {
        let named = match &change.action {
            Action::CreateLink { name, .. } | Action::RenameLink { name, .. } => Some(name),
            _ => None,
        };
        ctx.update_state(|state| record_ownership(state, &applied, named.map(String::as_str)))?;
    }
    Ok(applied)
}

/// The write was refused (by Jira, or by the client before sending), so not made;
/// no answer, or an unreadable 2xx, leaves the outcome unknown.
fn answered(err: &AppError) -> bool {
    use crate::http::ClientError;
    matches!(
        err.find::<ClientError>(),
        Some(
            ClientError::Status(_)
                | ClientError::OAuth(_)
                | ClientError::Answer(_)
                | ClientError::Url(_)
                | ClientError::Config(_)
        )
    )
}
