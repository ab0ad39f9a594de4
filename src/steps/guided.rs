//! The Jira Align screens: no API reaches them, so align-link says where to click
//! and what to type, with the values, and asks the operator to confirm.

use super::Outcome;
use crate::context::Ctx;
use crate::error::Result;
use crate::ui;

/// Shows the instructions and values; a person confirms, a scripted run leaves the
/// step waiting for the operator (listed at the end of the run).
pub fn guide(ctx: &mut Ctx, instructions: &str, values: &[(&str, String)]) -> Result<Outcome> {
    ui::info(instructions);
    if !values.is_empty() {
        ui::fields(values);
    }
    if !ctx.prompter.interactive() {
        return Ok(Outcome::NeedsOperator("to do in Jira Align by hand".into()));
    }
    if ctx.prompter.confirm("Done in Jira Align?", true)? {
        Ok(Outcome::Done("confirmed by the operator".into()))
    } else {
        Ok(Outcome::NeedsOperator("not confirmed yet".into()))
    }
}

pub fn open_administration(ctx: &mut Ctx) -> Result<Outcome> {
    let align = ctx.align_url()?;
    guide(
        ctx,
        "Sign in to Jira Align as a Super Admin and open Administration:\n\
         the gear icon at the bottom of the left-hand menu.",
        &[("Jira Align", align.to_string())],
    )
}

pub fn open_jira_settings(ctx: &mut Ctx) -> Result<Outcome> {
    guide(
        ctx,
        "In Administration, open Connectors, then Jira Settings.",
        &[],
    )
}

pub fn open_connectors(ctx: &mut Ctx) -> Result<Outcome> {
    guide(
        ctx,
        "Click the Jira Connectors button, then add a connector for this Jira\n\
         (or open the one that already points at it).",
        &[],
    )
}

pub fn save_connector(ctx: &mut Ctx) -> Result<Outcome> {
    guide(ctx, "Save the connector form in Jira Align.", &[])
}

pub fn back_to_connector(ctx: &mut Ctx) -> Result<Outcome> {
    let name = ctx.connector_name();
    guide(
        ctx,
        "Go back to the Jira connector in Jira Align (Administration > Connectors >\n\
         Jira Settings > Jira Connectors) and open it.",
        &[("Connector", name)],
    )
}

pub fn activate(ctx: &mut Ctx) -> Result<Outcome> {
    guide(
        ctx,
        "Activate the connector in Jira Align. If its Service Light stays gray, Jira Align\n\
         Support must switch the service on: quote the connector type (Jira Connector)\n\
         and the Connector ID shown on the form.",
        &[],
    )
}
