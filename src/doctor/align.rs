//! Jira Align, when an API token is given: the token works, and the test
//! project's features have arrived, which only a working sync does.

use super::{checked, About, Check};
use crate::align::AlignApi;
use crate::context::{inputs, Ctx};
use crate::error::AppError;

const TOKEN: About = ("align.token", "Jira Align API token");
const SYNC: About = ("align.sync", "Features synced from the test project");
/// In the order doctor lists them.
pub const CHECKS: [About; 2] = [TOKEN, SYNC];

pub fn checks(ctx: &mut Ctx, out: &mut Vec<Check>) {
    token_and_sync(ctx, out);
    super::skip_rest(
        out,
        &CHECKS,
        "the token was not checked (see Jira Align API token)",
    );
}

fn token_and_sync(ctx: &mut Ctx, out: &mut Vec<Check>) {
    if ctx.known(&inputs::ALIGN_API_TOKEN).is_none() {
        let why = "no align.api_token in the answers";
        return out.extend([TOKEN, SYNC].map(|about| Check::skip(about, why)));
    }
    let Some(site) = checked(ctx.url(&inputs::ALIGN_URL), out, TOKEN, "Give align.url.") else {
        return;
    };
    // Doctor never asks, so a known token is never the empty skip answer.
    let auth = checked(ctx.align_api_auth(), out, TOKEN, "Give align.api_token.");
    let Some(Some(auth)) = auth else {
        return;
    };
    let api = AlignApi::new(ctx.http(), site.clone(), auth);
    let user = api.current_user().map_err(AppError::from);
    let fix = "Make a new API token in your Jira Align profile and put it in align.api_token.";
    let Some(user) = checked(user, out, TOKEN, fix) else {
        return out.push(Check::skip(SYNC, "the token does not work"));
    };
    let owner = user.map(|user| format!(": it belongs to {}", user.describe()));
    let detail = format!("{site} accepts it{}", owner.unwrap_or_default());
    out.push(Check::pass(TOKEN, detail));
    let Some(key) = ctx.known(&inputs::TEST_PROJECT) else {
        out.push(Check::skip(SYNC, "no jira.test_project in the answers"));
        return;
    };
    out.push(match api.features_of_project(&key) {
        // Jira Align's Features carry no sync time: their presence is the evidence.
        Ok(features) if !features.is_empty() => Check::pass(
            SYNC,
            format!("Jira Align holds {} feature(s) from {key}", features.len()),
        ),
        Ok(_) => Check::warn(
            SYNC,
            format!("Jira Align holds no feature from {key}"),
            format!("Check that the connector is active, that {key} is mapped to a program (Jira Settings > Manage Projects), and that {key} has issues of a type Jira Align maps to features; then `{}` waits for them.", crate::util::suggest::command("step 24")),
        ),
        Err(err) => Check::from_error(
            SYNC,
            &AppError::from(err),
            "Check the token's rights to read Features.",
        ),
    });
}
