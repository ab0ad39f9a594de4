//! Step 4: the Jira connector form in Jira Align. No API reaches it, so align-link
//! shows each field with its value (and offers to copy them), chooses the consumer
//! key for OAuth, and records the Connector ID that Support asks for.

use super::guided::{confirm, confirmed_unchanged, show_with_copy};
use super::keys::choose_consumer_key;
use super::Outcome;
use crate::context::{inputs, Ctx};
use crate::domain::ConnectorAuth;
use crate::error::Result;
use crate::prompt::Question;
use crate::state::AlignFacts;
use crate::ui;

pub fn fill_connector(ctx: &mut Ctx) -> Result<Outcome> {
    let jira = ctx.url(&inputs::JIRA_URL)?;
    let align = ctx.url(&inputs::ALIGN_URL)?;
    // The answers file's name, else the saved one, else (asked in a terminal) the default.
    let name = ctx.value(&inputs::CONNECTOR_NAME)?;
    let auth = ask_connector_auth(ctx)?;
    let jira_text = jira.as_str().trim_end_matches('/').to_string();
    let service = ctx
        .given(&inputs::SERVICE_USERNAME)
        .unwrap_or_else(|| "(the Jira service account)".into());
    let mut fields = vec![
        ("Connector name", name.clone()),
        ("Jira Link", format!("{jira_text}/browse/")),
        ("Jira API URL", jira_text),
        ("Authentication", auth.label().to_string()),
    ];
    let instructions = match auth {
        ConnectorAuth::OAuth => {
            fields.push(("Consumer key", choose_consumer_key(ctx)?));
            "In Jira Align's Jira connector form, fill in these fields. The consumer key must match Jira's exactly (letters and digits, no spaces):"
        }
        ConnectorAuth::Pat | ConnectorAuth::Basic => {
            fields.push(("Username", service));
            fields.push(match auth {
                ConnectorAuth::Pat => (
                    "Token",
                    "(the service account's personal access token: paste it yourself)".into(),
                ),
                _ => (
                    "Password",
                    "(the service account's password: type it yourself)".into(),
                ),
            });
            "In Jira Align's Jira connector form, fill in these fields:"
        }
    };
    ctx.update_state(|state| {
        let connector_id = state.align.as_ref().and_then(|a| a.connector_id);
        state.align = Some(AlignFacts {
            url: align.to_string(),
            connector_name: name,
            connector_auth: Some(auth),
            connector_id,
        });
    })?;
    if let Some(done) = confirmed_unchanged(ctx, &fields) {
        return Ok(done);
    }
    show_with_copy(ctx, instructions, &fields, &COPYABLE)?;
    ui::info(
        "If the connector's Service Light is gray rather than green, Jira Align Support must switch the service on first: quote the connector type (Jira Connector) and its Connector ID, the number shown on the form.",
    );
    record_connector_id(ctx)?;
    confirm(ctx, &fields)
}

/// Fields worth the clipboard: typed text, not choices from a list.
const COPYABLE: [&str; 5] = [
    "Connector name",
    "Jira Link",
    "Jira API URL",
    "Consumer key",
    "Username",
];

/// How the connector signs in: the answers file, else the saved choice, else (in a
/// terminal) the operator's; OAuth when nobody says.
pub(super) fn ask_connector_auth(ctx: &mut Ctx) -> Result<ConnectorAuth> {
    let input = &inputs::CONNECTOR_AUTH;
    if ctx.known(input).is_some() || !ctx.interactive() {
        return Ok(ctx.connector_auth());
    }
    let options: Vec<&str> = ConnectorAuth::ALL.iter().map(|a| a.label()).collect();
    let chosen = ConnectorAuth::ALL[ctx.prompter().pick(input.prompt, &options, 0)?];
    ctx.remember(input, chosen.as_str());
    Ok(chosen)
}

/// The answers file's Connector ID, else (in a terminal) the operator's; optional.
fn record_connector_id(ctx: &mut Ctx) -> Result<()> {
    let known = ctx.state().align.as_ref().and_then(|a| a.connector_id);
    let id = match ctx.given_connector_id().or(known) {
        None if ctx.interactive() => {
            let check = |value: &str| match value.trim() {
                "" => Ok(()),
                text if text.parse::<u32>().is_ok_and(|n| n > 0) => Ok(()),
                _ => Err(
                    "the Connector ID is a positive number (or press Enter to skip)".to_string(),
                ),
            };
            let answer = ctx.prompter().ask(
                &Question::new(
                    "connector.id",
                    "Connector ID shown on the form (Enter to skip)",
                )
                .default("")
                .validate(&check),
            )?;
            answer.trim().parse().ok()
        }
        given => given,
    };
    match id {
        Some(id) => {
            ctx.update_state(|state| {
                if let Some(align) = state.align.as_mut() {
                    align.connector_id = Some(id);
                }
            })?;
            ui::ok(&format!("Connector ID {id} recorded"));
        }
        None => ui::info(
            "No Connector ID recorded (connector.id in the answers file, when Support needs it).",
        ),
    }
    Ok(())
}
