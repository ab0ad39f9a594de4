//! Work a step does for a later step of the same run (see `context::ahead`):
//! here, step 13's consumer set by step 9 beside the new link's read-back.

use super::consent;
use super::jira_side;
use super::keys::settle_key;
use super::{oauth_only, preflight};
use crate::context::Ctx;
use crate::error::Result;
use crate::model::apply::Applied;
use crate::model::ChangeKind;
use crate::ui;

/// Step 13's change on the link step 9 has just created, when step 13 follows
/// in this run and its change needs nothing first: no consent (the link is new,
/// so its consumer is this profile's) and no preflight (that is for Jira Align's
/// key). None leaves it all to step 13; a failure is step 13's to report. The
/// consumer then goes on before steps 11 and 12 have judged the link's name and
/// URL as read back: should either be wrong, the run stops there with a link
/// and consumer that are both this profile's own (recorded), which `unlink` or a
/// rerun deals with.
pub fn set_consumer_ahead(ctx: &mut Ctx) -> Option<Result<Applied>> {
    if !ctx.ahead.will_run(13) || oauth_only(ctx).is_some() || preflight::wanted(ctx) {
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
