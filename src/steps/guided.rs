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
    confirm(ctx)
}

/// Shows the instructions and values and, in a terminal, offers to copy those
/// labelled in `copyable` to the clipboard. The caller then calls `confirm`.
pub fn show_with_copy(
    ctx: &mut Ctx,
    instructions: &str,
    values: &[(&str, String)],
    copyable: &[&str],
) -> Result<()> {
    ui::info(instructions);
    ui::fields(values);
    if !ctx.interactive() {
        return Ok(());
    }
    let offered: Vec<&(&str, String)> = values
        .iter()
        .filter(|(label, _)| copyable.contains(label))
        .collect();
    let mut options = vec!["Nothing more: continue".to_string()];
    options.extend(offered.iter().map(|(label, _)| format!("Copy {label}")));
    let options: Vec<&str> = options.iter().map(String::as_str).collect();
    loop {
        let choice = ctx
            .prompter()
            .select("Copy a value to the clipboard?", &options, 0)?;
        let Some((label, value)) = choice.checked_sub(1).and_then(|i| offered.get(i)) else {
            return Ok(());
        };
        if ctx.prompter().copy_to_clipboard(value) {
            ui::ok(&format!("{label} sent to the clipboard (OSC 52); if your terminal ignores that, copy it from above"));
        } else {
            ui::info(&format!(
                "This terminal cannot take it; copy {label} from above."
            ));
        }
    }
}

/// A person confirms the guided work; a scripted run leaves it to the operator.
pub fn confirm(ctx: &mut Ctx) -> Result<Outcome> {
    if !ctx.interactive() {
        return Ok(Outcome::NeedsOperator("to do in Jira Align by hand".into()));
    }
    if ctx.prompter().confirm("Done in Jira Align?", false)? {
        Ok(Outcome::Done("confirmed by the operator".into()))
    } else {
        Ok(Outcome::NeedsOperator("not confirmed yet".into()))
    }
}

/// Step 1, and the check of the Jira Align site and API token where one is given.
pub fn open_administration(ctx: &mut Ctx) -> Result<Outcome> {
    let align = ctx.align_url()?;
    match ctx.align_api()? {
        // Step 7's reads go beside this check when step 7 follows unattended.
        Some(api) => match super::jira_access::observe_early(ctx)
            .unwrap_or_else(|| api.current_user())
            .inspect(|_| ctx.observed.align_checked = true)?
        {
            Some(user) => ui::ok(&format!("Jira Align answers at {align}; the API token belongs to {}", user.describe())),
            None => ui::ok(&format!(
                "Jira Align answers at {align} and accepts the API token (this site has no users/current, so its owner is not shown)"
            )),
        },
        None => ui::info("No Jira Align API token (align.api_token): the site is not checked, and its steps are guided only."),
    }
    guide(
        ctx,
        "Sign in to Jira Align as a Super Admin and open Administration: the gear icon at the bottom of the left-hand menu.",
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
        "Click the Jira Connectors button, then add a connector for this Jira (or open the one that already points at it).",
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
        "Go back to the Jira connector in Jira Align (Administration > Connectors > Jira Settings > Jira Connectors) and open it.",
        &[("Connector", name)],
    )
}

pub fn activate(ctx: &mut Ctx) -> Result<Outcome> {
    guide(
        ctx,
        "Activate the connector in Jira Align. If its Service Light stays gray, Jira Align Support must switch the service on: quote the connector type (Jira Connector) and the Connector ID shown on the form.",
        &[],
    )
}
