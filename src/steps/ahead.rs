//! Work a step does for a later step of the same run (see `context::ahead`):
//! here, step 13's consumer set by step 9 beside the new link's read-back.

use super::consent;
use super::jira_side;
use super::keys::{key_source, settle_key};
use super::oauth_only;
use crate::context::Ctx;
use crate::domain::KeySource;
use crate::error::Result;
use crate::model::apply::Applied;
use crate::model::ChangeKind;
use crate::ui;

/// Step 13's change on the link step 9 has just created, when step 13 follows
/// in this run and its change needs nothing first: no consent (the link is new,
/// so its consumer is this profile's) and no preflight (that is for Jira Align's
/// key). None leaves it all to step 13; a failure is step 13's to report.
pub fn set_consumer_ahead(ctx: &mut Ctx) -> Option<Result<Applied>> {
    let preflight =
        key_source(ctx) == KeySource::Align && ctx.answers().keys.preflight.unwrap_or(true);
    if !ctx.ahead.will_run(13) || oauth_only(ctx).is_some() || preflight {
        return None;
    }
    if let Err(err) = settle_key(ctx) {
        return Some(Err(err));
    }
    let wanted = jira_side::wanted_consumer(ctx)?;
    let (key, fingerprint) = (wanted.key?, wanted.fingerprint?);
    let changes = jira_side::changes(ctx).ok()?;
    let change = changes
        .iter()
        .find(|c| c.kind == ChangeKind::SetConsumer && !c.needs_consent())?;
    let applied =
        consent::authorize(ctx, change).and_then(|()| jira_side::apply_write(ctx, change));
    if applied.is_ok() {
        ui::ok(&format!(
            "consumer key {key} (public key {fingerprint}) sent beside the read-back; step 13 reads it back"
        ));
    }
    Some(applied)
}
