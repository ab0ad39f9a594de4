//! The Jira Align screens: no API reaches them, so align-link says where to click
//! and what to type, with the values, and asks the operator to confirm.

use std::collections::BTreeMap;

use super::Outcome;
use crate::context::{inputs, Ctx};
use crate::error::{AppError, Result};
use crate::state::{StepRecord, StepStatus};
use crate::ui;

/// Shows the instructions and values for a person to confirm (a scripted run
/// leaves them waiting); confirmed before with the same values, it is done.
pub fn guide(ctx: &mut Ctx, instructions: &str, values: &[(&str, String)]) -> Result<Outcome> {
    if let Some(done) = confirmed_unchanged(ctx, values) {
        return Ok(done);
    }
    ui::info(instructions);
    if !values.is_empty() {
        ui::fields(values);
    }
    confirm(ctx, values)
}

/// The values as a step's record keeps them.
fn as_shown(values: &[(&str, String)]) -> BTreeMap<String, String> {
    values
        .iter()
        .map(|(label, value)| (label.to_string(), value.clone()))
        .collect()
}

/// In `setup`, a step confirmed earlier with the same values is done (`step N`
/// asks again).
pub fn confirmed_unchanged(ctx: &Ctx, values: &[(&str, String)]) -> Option<Outcome> {
    if ctx.run().single_step {
        return None;
    }
    let record = confirmed_record(ctx)?;
    if !changed_values(&record.shown, values).is_empty() {
        return None;
    }
    ui::ok("confirmed earlier in Jira Align, with the values it shows now");
    Some(Outcome::Confirmed(
        record
            .detail
            .clone()
            .unwrap_or_else(|| "confirmed by the operator".into()),
        as_shown(values),
    ))
}

/// The current step's record, when it was confirmed (or done) earlier.
fn confirmed_record(ctx: &Ctx) -> Option<&StepRecord> {
    let record = ctx.state().steps.get(&ctx.run().current_step.to_string())?;
    (record.status == StepStatus::Done).then_some(record)
}

/// Each value that differs from what was confirmed ("label: before -> now"), or
/// that the record lacks ("label: not recorded").
fn changed_values(before: &BTreeMap<String, String>, values: &[(&str, String)]) -> Vec<String> {
    values
        .iter()
        .filter_map(|(label, now)| match before.get(*label) {
            Some(then) if then == now => None,
            Some(then) => Some(format!("{label}: {then} -> {now}")),
            None => Some(format!("{label}: not recorded")),
        })
        .collect()
}

/// Shows the instructions and values, offering in a terminal to copy those in
/// `copyable`; the caller then calls `confirm`.
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
            .pick("Copy a value to the clipboard?", &options, 0)?;
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

/// A person confirms the guided work; a value changed since an earlier
/// confirmation is named.
pub fn confirm(ctx: &mut Ctx, values: &[(&str, String)]) -> Result<Outcome> {
    let changed = confirmed_record(ctx)
        .map(|record| changed_values(&record.shown, values))
        .unwrap_or_default();
    if !changed.is_empty() {
        ui::warn(&format!(
            "not as confirmed earlier (check Jira Align against the values above): {}",
            changed.join("; ")
        ));
    }
    if !ctx.interactive() {
        let why = if changed.is_empty() {
            "to do in Jira Align by hand".to_string()
        } else {
            format!("to check in Jira Align: {}", changed.join("; "))
        };
        return Ok(Outcome::NeedsOperator(why));
    }
    if ctx.prompter().confirm("Done in Jira Align?", false)? {
        Ok(Outcome::Confirmed(
            "confirmed by the operator".into(),
            as_shown(values),
        ))
    } else {
        Ok(Outcome::NeedsOperator("not confirmed yet".into()))
    }
}

/// Step 1, and the check of the Jira Align site and API token where one is given.
pub fn open_administration(ctx: &mut Ctx) -> Result<Outcome> {
    let align = ctx.url(&inputs::ALIGN_URL)?;
    match ctx.align_api()? {
        // The run's first observation may have read it already.
        Some(api) => match ctx
            .run_mut()
            .first_pass
            .as_mut()
            .and_then(|pass| pass.align.take())
            .unwrap_or_else(|| api.current_user())
            .inspect(|_| ctx.run_mut().align_checked = true)
            .map_err(align_refusal)?
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

/// Jira Align's answer to the token check: a refused token is about
/// `align.api_token`, no answer at all about `align.url`.
fn align_refusal(err: crate::http::ClientError) -> AppError {
    if matches!(err.http_status(), Some(401 | 403)) {
        AppError::from(err).about("align.api_token")
    } else {
        crate::model::observe::site_error(err, "align.url")
    }
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
