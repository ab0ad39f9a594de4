//! The application link to `align.url` and its incoming consumer, against what
//! this profile expects.

use rsa::RsaPublicKey;

use super::{checked, About, Check, Verdict};
use crate::context::{inputs, Ctx};
use crate::domain::{ConnectorAuth, KeySource};
use crate::keys;
use crate::state::PRIVATE_KEY_FILE;
use crate::steps::jira_side;

/// All of them, for skipping them at once.
pub const CHECKS: [About; 4] = [
    ("link.exists", "Link to Jira Align"),
    ("link.consumer-key", "Consumer key on the link"),
    ("link.public-key", "Public key on the link"),
    ("link.name", "Link name"),
];

fn setup_fix() -> String {
    format!(
        "Run `{}` (steps 8-15 make the link and its consumer), or `{}` to see what it would change.",
        crate::util::suggest::command("setup"),
        crate::util::suggest::command("plan")
    )
}

/// Appends the link checks; whether the link holds this profile's consumer
/// and key, so that a signed call can be expected to work.
pub fn checks(ctx: &mut Ctx, out: &mut Vec<Check>) -> bool {
    let matches = link_checks(ctx, out);
    super::skip_rest(
        out,
        &CHECKS,
        "the link was not read (see Link to Jira Align)",
    );
    matches
}

fn link_checks(ctx: &mut Ctx, out: &mut Vec<Check>) -> bool {
    let [exists, key_id, public_id, name_id] = CHECKS;
    let fix = "Give align.url in the answers file.";
    let Some(align) = checked(ctx.url(&inputs::ALIGN_URL), out, exists, fix) else {
        return false;
    };
    let link = match jira_side::link(ctx) {
        Ok(Some(link)) => link,
        Ok(None) => {
            out.push(Check::fail(
                exists,
                format!("Jira has no application link to {align}"),
                setup_fix(),
            ));
            for about in [key_id, public_id, name_id] {
                out.push(Check::skip(about, "there is no link"));
            }
            return false;
        }
        Err(err) => {
            out.push(Check::from_error(exists, &err, &setup_fix()));
            return false;
        }
    };
    let (named, id, url) = (&link.link.name, link.id(), &link.link.rpc_url);
    let detail = format!("\"{named}\" (id {id}) points to {url}");
    out.push(Check::pass(exists, detail));
    let matches = if ctx.connector_auth() != ConnectorAuth::OAuth {
        let auth = ctx.connector_auth().label();
        let why = format!("the connector signs in with {auth}: no OAuth consumer is needed");
        out.extend([key_id, public_id].map(|about| Check::skip(about, why.clone())));
        true
    } else {
        let held = link.consumer.as_ref();
        let step_13 = crate::util::suggest::command("step 13");
        let consumer_check = match (held, ctx.wanted_consumer_key()) {
            (None, _) => Check::fail(key_id, "the link has no incoming consumer", format!("Run `{step_13}` (sets the consumer key and public key on the link).")),
            (Some(held), None) => Check::skip(
                key_id, format!("the link's consumer key is {}; nothing to compare it with (no saved state, no keys.consumer_key)", held.key),
            ),
            (Some(held), Some(expected)) if held.key == expected => {
                Check::pass(key_id, format!("{} on the link, as in this profile", held.key))
            }
            (Some(held), Some(expected)) => Check::fail(
                key_id, format!("the link's consumer key is {}, this profile's is {expected}", held.key),
                format!("Someone replaced the link's consumer. If this profile's connector is the one in use, run `{step_13}`; `{}` shows the change first.", crate::util::suggest::command("plan")),
            ),
        };
        let (expected, origin) = expected_fingerprint(ctx);
        let key_check = match (held.and_then(|c| c.fingerprint.clone()), expected) {
            (None, _) => Check::fail(
                public_id,
                held.and_then(|c| c.key_problem.clone())
                    .unwrap_or_else(|| "the link holds no public key".into()),
                format!("Run `{step_13}` to install this profile's public key."),
            ),
            (Some(link), None) => Check::skip(
                public_id,
                format!("the link holds {link}; nothing to compare it with ({origin})"),
            ),
            (Some(link), Some(ours)) if link == ours => {
                Check::pass(public_id, format!("link {link} = {origin} {ours}"))
            }
            (Some(link), Some(ours)) => Check::fail(
                public_id, format!("link {link} != {origin} {ours}"),
                format!("The key on the link is not this profile's: Jira refuses every call signed with it. Run `{step_13}` to put this profile's key back, or `{}` for a new pair.", crate::util::suggest::command("renew")),
            ),
        };
        // Every failure above is a mismatch between the link and this profile.
        let matches = consumer_check.verdict != Verdict::Fail && key_check.verdict != Verdict::Fail;
        out.extend([consumer_check, key_check]);
        matches
    };
    let wanted_name = ctx
        .given(&inputs::APPLICATION_NAME)
        .or_else(|| ctx.state().link.as_ref().map(|l| l.name.clone()));
    out.push(match wanted_name {
        Some(name) if name == link.link.name => Check::pass(name_id, format!("\"{name}\"")),
        Some(name) => Check::warn(
            name_id,
            format!("the link is named \"{named}\", this profile says \"{name}\""),
            format!(
                "Harmless for the sync; `{}` names it as this profile says.",
                crate::util::suggest::command("step 11")
            ),
        ),
        None => Check::pass(name_id, format!("\"{named}\"")),
    });
    matches
}

/// The fingerprint the link should hold, and where from: the private key on
/// disk is the truth for align-link's own pair.
fn expected_fingerprint(ctx: &Ctx) -> (Option<String>, &'static str) {
    if ctx.key_source() == KeySource::Generate && ctx.store().exists(PRIVATE_KEY_FILE) {
        if let Ok(private) = ctx.private_key() {
            let public = RsaPublicKey::from(&*private);
            return (Some(keys::fingerprint(&public)), "private key on disk");
        }
    }
    let origin = if ctx.key_source() == KeySource::Align && ctx.given_public_key().is_some() {
        "keys.public_key"
    } else {
        "saved public key"
    };
    match jira_side::wanted_consumer(ctx).and_then(|c| c.fingerprint) {
        Some(fingerprint) => (Some(fingerprint), origin),
        None => (None, "no private key, saved public key or keys.public_key"),
    }
}
