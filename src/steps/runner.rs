//! Runs steps over the saved state: records each outcome as it happens (so a kill
//! loses nothing but, in a run that asks nobody, the outcome of a step that can be
//! run again as it was) and collects what waits on the operator.

use super::{Outcome, Step};
use crate::context::Ctx;
use crate::error::{AppError, Result};
use crate::state::StepStatus;
use crate::ui;

#[derive(Debug, Default)]
pub struct Report {
    pub done: Vec<u8>,
    pub skipped_as_done: Vec<u8>,
    pub waiting: Vec<(u8, String)>,
}

/// Runs `steps` in order. With `skip_done`, steps already done are passed over
/// (setup); without, each runs again (`step N`). Stops at the first failure.
pub fn run(ctx: &mut Ctx, steps: &[&Step], skip_done: bool) -> Result<Report> {
    let mut report = Report::default();
    // Steps done moments ago as legs of an earlier step (the handshake).
    let mut legs_done_through = 0;
    let will_skip = |ctx: &Ctx, step: &Step| {
        skip_done
            && matches!(
                ctx.state.step_status(step.number),
                StepStatus::Done | StepStatus::Skipped
            )
    };
    // Outcomes kept in memory only, until the next save writes them with the rest.
    let mut unsaved = false;
    for (index, step) in steps.iter().enumerate() {
        if step.number <= legs_done_through {
            continue;
        }
        let status = ctx.state.step_status(step.number);
        if will_skip(ctx, step) {
            crate::outln!(
                "Step {:>2} {}: already {}, skipping",
                step.number,
                step.title,
                status.label()
            );
            report.skipped_as_done.push(step.number);
            continue;
        }
        let upcoming = steps[index + 1..]
            .iter()
            .filter(|later| !will_skip(ctx, later))
            .map(|later| later.number)
            .collect();
        ctx.ahead.set_upcoming(upcoming);
        ui::step_header(*step);
        let sent_before = ctx.http().requests_sent();
        let outcome = (step.run)(ctx);
        // In a run that asks nobody, a step that sent nothing (a guided screen, a
        // check of what this run already read) can be run again with the same
        // result, so its outcome waits for the next save rather than costing a
        // write of its own; the facts a step itself saved are on disk already.
        // A person's confirmation is written at once.
        let quiet = !ctx.interactive() && ctx.http().requests_sent() == sent_before;
        let mut record = |ctx: &mut Ctx, status: StepStatus, detail: String| {
            if quiet {
                ctx.state.record(step.number, status, Some(detail));
                unsaved = true;
                Ok(())
            } else {
                unsaved = false;
                ctx.record(step.number, status, Some(detail))
            }
        };
        match outcome {
            Ok(Outcome::Done(detail)) => {
                record(ctx, StepStatus::Done, detail)?;
                report.done.push(step.number);
            }
            Ok(Outcome::DoneThrough(detail, last)) => {
                record(ctx, StepStatus::Done, detail)?;
                report.done.push(step.number);
                legs_done_through = last;
            }
            Ok(Outcome::Skipped(reason)) => {
                ui::info(&format!("skipped: {reason}"));
                record(ctx, StepStatus::Skipped, reason)?;
            }
            Ok(Outcome::NeedsOperator(detail)) => {
                ui::info("→ waiting for the operator");
                record(ctx, StepStatus::NeedsOperator, detail.clone())?;
                report.waiting.push((step.number, detail));
            }
            Err(err) => {
                // The failure is recorded for `status`; the error itself goes to the caller.
                let _ = ctx.record(step.number, StepStatus::Failed, Some(one_line(&err)));
                return Err(err.context(format!("step {} ({})", step.number, step.title)));
            }
        }
    }
    if unsaved {
        ctx.save()?;
    }
    Ok(report)
}

fn one_line(err: &AppError) -> String {
    err.message.lines().next().unwrap_or_default().to_string()
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
    crate::outln!("After doing them, confirm each with `align-link step N` in a terminal.");
}
