//! What Jira holds after a write, or as first found, read back into
//! `ctx.observed()`.

use super::ownership::adopt_intended;
use crate::context::Ctx;
use crate::error::Result;
use crate::http::Result as ClientResult;
use crate::jira::admin::AppLink;
use crate::model::{ObservedConsumer, ObservedLink};
use crate::state::LinkFacts;

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

/// The read-back of a link just created, into the observation; a failed read
/// leaves the link unknown (read again by the next step that needs it).
pub fn take_created_link(ctx: &mut Ctx, read: ClientResult<Option<AppLink>>) -> Result<()> {
    ctx.observed_mut().link = None;
    observe_link(ctx, read?, None);
    Ok(())
}

/// The link as just written or read back (its status unread).
pub(super) fn observe_link(
    ctx: &mut Ctx,
    link: Option<AppLink>,
    consumer: Option<ObservedConsumer>,
) {
    let observed = link.map(|link| ObservedLink {
        link,
        consumer,
        status: None,
    });
    ctx.observed_mut().link = Some(observed);
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
