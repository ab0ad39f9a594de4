//! The executor's loop: each step converges its part (observed, and made again
//! when it is not there) and reports it; its outcome is saved at once.

use super::{Outcome, Step};
use crate::context::Ctx;
use crate::error::{AppError, Result};
use crate::http::ClientError;
use crate::state::StepStatus;
use crate::ui;

#[derive(Debug, Default)]
pub struct Report {
    pub waiting: Vec<(u8, String)>,
}

/// Runs `steps` in order, stopping at the first failure.
pub fn run(ctx: &mut Ctx, steps: &[&Step]) -> Result<Report> {
    ctx.run_mut().scope = steps.iter().map(|step| step.number).collect();
    // The questions first, so that nothing is sent before they are answered.
    super::ask::up_front(ctx, steps)?;
    // Everything the checks read goes out at once, before the first step.
    if ctx.run().converges(7) {
        super::jira_access::observe_first(ctx);
    }
    let mut report = Report::default();
    // Steps done moments ago as legs of an earlier step (the handshake).
    let mut legs_done_through = 0;
    for step in steps {
        if step.number <= legs_done_through {
            continue;
        }
        ui::step_header(
            step.number,
            step.side.label(),
            step.mode.label(),
            step.title,
        );
        ctx.run_mut().current_step = step.number;
        let outcome = match run_asking_again(ctx, step) {
            Ok(outcome) => outcome,
            Err(err) => {
                // The failure is recorded for `status`; the error itself goes to the caller.
                let _ = ctx.record(step.number, StepStatus::Failed, Some(one_line(&err)));
                // A value refused for the last time is not kept: the next run asks again.
                if let Some(key) = err.about.filter(|key| ctx.was_typed(key)) {
                    forget_refused(ctx, key);
                }
                let _ = super::keep::after_step(ctx);
                return Err(err.context(format!("step {} ({})", step.number, step.title)));
            }
        };
        let (status, detail, shown) = match outcome {
            Outcome::Done(detail) => (StepStatus::Done, detail, Default::default()),
            Outcome::Confirmed(detail, shown) => (StepStatus::Done, detail, shown),
            Outcome::DoneThrough(detail, last) => {
                legs_done_through = last;
                (StepStatus::Done, detail, Default::default())
            }
            Outcome::Skipped(reason) => {
                ui::info(&format!("skipped: {reason}"));
                (StepStatus::Skipped, reason, Default::default())
            }
            Outcome::NeedsOperator(detail) => {
                let arrow = ui::style::symbol("→", "->");
                ui::info(&format!("{arrow} waiting for the operator"));
                report.waiting.push((step.number, detail.clone()));
                (StepStatus::NeedsOperator, detail, Default::default())
            }
        };
        ctx.update_state(|state| {
            state.record(step.number, status, Some(detail));
            if let Some(record) = state.steps.get_mut(&step.number.to_string()) {
                record.shown = shown;
            }
        })?;
        // After the step's outcome is saved: a Ctrl-C at the offer loses nothing.
        super::keep::after_step(ctx)?;
    }
    Ok(report)
}

/// How often a terminal run asks for a refused value before the step fails.
const TRIES: usize = 3;

/// Runs the step; in a terminal, a typed value that was refused is asked for
/// again in place, up to [`TRIES`] times in all.
fn run_asking_again(ctx: &mut Ctx, step: &Step) -> Result<Outcome> {
    if let Some(skipped) = super::skipped_without_oauth(ctx, step.number) {
        return Ok(skipped);
    }
    let mut tries = 1;
    loop {
        let outcome = (step.run)(ctx);
        let Err(err) = &outcome else {
            return outcome;
        };
        let again = err
            .about
            .filter(|key| ctx.interactive() && tries < TRIES && ctx.was_typed(key));
        let Some(key) = again else {
            return outcome;
        };
        let (message, hints) = err.rendered_parts();
        let hints: String = hints.iter().map(|hint| format!("\nHint: {hint}")).collect();
        ui::warn(&format!(
            "{message}{hints}\n{key}: try again ({} of {TRIES} tries left).",
            TRIES - tries
        ));
        forget_refused(ctx, key);
        tries += 1;
    }
}

/// Drops a refused value; one this run kept leaves the config too.
fn forget_refused(ctx: &mut Ctx, key: &'static str) {
    let kept = ctx.run().keeping.kept.iter().any(|(k, _)| *k == key);
    ctx.forget(key);
    if kept {
        super::keep::drop_refused(ctx, key);
    }
}

/// A failed step's record: the message's first line, with the proxy diagnosis
/// when Jira refused a signature over a request other than the one signed.
fn one_line(err: &AppError) -> String {
    let first = err.message.lines().next().unwrap_or_default().to_string();
    let Some(ClientError::OAuth(failure)) = err.find::<ClientError>() else {
        return first;
    };
    let theirs = failure.problem.params.get("oauth_signature_base_string");
    let ours = failure.context.our_base_string.as_deref();
    let diagnosis = (theirs.zip(ours))
        .filter(|_| failure.problem.problem == "signature_invalid")
        .and_then(|(theirs, ours)| crate::oauth::proxy::diagnose(ours, theirs));
    match diagnosis {
        Some(diagnosis) => format!("{first}. {diagnosis}"),
        None => first,
    }
}

/// The closing lines of a run.
pub fn summarize(report: &Report) {
    crate::outln!();
    if report.waiting.is_empty() {
        crate::outln!("Done: every step requested is complete.");
        return;
    }
    crate::outln!("The automated steps are done. These wait for the operator in Jira Align:");
    for (number, detail) in &report.waiting {
        let title = super::by_number(*number).map(|s| s.title).unwrap_or("");
        crate::outln!("  step {number:>2}: {title} ({detail})");
    }
    crate::outln!(
        "After doing them, confirm each with `{}` in a terminal.",
        crate::util::suggest::command("step N")
    );
}
