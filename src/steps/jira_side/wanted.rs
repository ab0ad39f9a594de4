//! What this profile wants in Jira, from the answers and the state: the link's
//! name and consumer, and the changes from what Jira holds to that.

use super::link;
use crate::context::{inputs, Ctx, DEFAULT_APPLICATION_NAME};
use crate::domain::{ConnectorAuth, KeySource};
use crate::error::{AppError, Result};
use crate::keys;
use crate::model::{self, Change, Desired, Observation, WantedConsumer, WantedLink};

/// The consumer this profile wants on the link; None for a PAT or Basic connector.
pub fn wanted_consumer(ctx: &Ctx) -> Option<WantedConsumer> {
    if ctx.connector_auth() != ConnectorAuth::OAuth {
        return None;
    }
    let saved = ctx.state().consumer.as_ref();
    let key = ctx.wanted_consumer_key();
    // A pair still being made replaces the saved public half.
    let new_pair_coming = ctx.run().pending_key.is_some();
    let mut pem = (saved.and_then(|c| c.public_key_pem.clone())).filter(|_| !new_pair_coming);
    if ctx.key_source() == KeySource::Align {
        if let Some((given, _)) = ctx.given_public_key() {
            pem = keys::parse_public_key(given)
                .ok()
                .map(|public| keys::public_key_to_pem(&public))
                .or(pem);
        }
    }
    let fingerprint = pem
        .as_deref()
        .and_then(|pem| keys::parse_public_key(pem).ok())
        .map(|public| keys::fingerprint(&public));
    Some(WantedConsumer {
        key,
        public_key_pem: pem,
        fingerprint,
    })
}

/// The link's name: the answers', else the one this profile gave it, else the
/// found link's (not ours to rename); a new link's default is "Jira Align", or
/// "Jira Align (HOST)" when another link has that name.
pub fn link_name(ctx: &mut Ctx) -> Result<String> {
    if let Some(name) = ctx.known(&inputs::APPLICATION_NAME) {
        return Ok(name);
    }
    if let Some(found) = link(ctx)? {
        return Ok(found.link.name);
    }
    let mut default = DEFAULT_APPLICATION_NAME.to_string();
    if name_taken(ctx.observed(), &default) {
        default = format!("{DEFAULT_APPLICATION_NAME} ({})", align_host(ctx)?);
    }
    let input = &inputs::APPLICATION_NAME;
    ctx.value_asked(input, input.prompt, Some(default))
}

/// Another application link (not the one to Jira Align's URL) is called `name`.
fn name_taken(observed: &Observation, name: &str) -> bool {
    observed
        .other_link_names
        .iter()
        .any(|other| other.eq_ignore_ascii_case(name))
}

/// Jira Align's host, which tells apart names that would be the same.
fn align_host(ctx: &mut Ctx) -> Result<String> {
    let url = ctx.url(&inputs::ALIGN_URL)?;
    Ok(url.host_str().unwrap_or_default().to_string())
}

/// Before the first write: the link's name is not another link's (Jira would
/// name a new link "NAME - 2", and refuse a rename).
pub fn check_link_name_free(ctx: &mut Ctx) -> Result<()> {
    let name = link_name(ctx)?;
    if !name_taken(ctx.observed(), &name) {
        return Ok(());
    }
    let host = align_host(ctx)?;
    Err(AppError::usage(format!(
        "align.application_name: another application link in Jira is already called \"{name}\""
    ))
    .hint(format!(
        "Jira link names are unique: give this link another name, for example application_name = \"{name} ({host})\" under [align] in the answers file."
    )))
}

/// The changes setup would make now, in order.
pub fn changes(ctx: &mut Ctx) -> Result<Vec<Change>> {
    let observed = link(ctx)?;
    let desired = Desired::Present(WantedLink {
        name: link_name(ctx)?,
        align_url: ctx.url(&inputs::ALIGN_URL)?,
        consumer: wanted_consumer(ctx),
    });
    Ok(model::diff(
        observed.as_ref(),
        &desired,
        &ctx.state().installed.clone().unwrap_or_default(),
    ))
}
