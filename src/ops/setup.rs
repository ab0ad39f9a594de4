//! `setup`: steps 1 to 24 in order; and `step N`, one step again even if done.

use super::{open_context_as, Access};
use crate::config::RunConfig;
use crate::error::{AppError, Result};
use crate::steps::{ask, by_number, keys, runner, STEPS};

pub fn setup(config: RunConfig) -> Result<i32> {
    require_scripted_inputs(&config)?;
    let mut ctx = open_context_as(config, Access::Change)?;
    let all: Vec<_> = STEPS.iter().collect();
    // The questions first: whether align-link makes the key pair is then known,
    // and the pair is made while steps 1-4 run.
    ask::up_front(&mut ctx, &all)?;
    keys::start_early(&mut ctx);
    let mut result = runner::run(&mut ctx, &all);
    // A pair made for a run that stopped early is kept for the next one.
    if let Err(err) = keys::settle_key(&mut ctx) {
        result = result.and(Err(err));
    }
    if let Some(sandbox) = &ctx.sandbox() {
        crate::outln!(
            "\nSandbox: the stand-ins served {} requests (Jira {}, Jira Align {}).",
            sandbox.jira.request_count() + sandbox.align.request_count(),
            sandbox.jira.request_count(),
            sandbox.align.request_count()
        );
    }
    if ctx.config().http.verbose {
        eprintln!(
            "align-link sent {} HTTP requests; at least one was in flight for {} ms.",
            ctx.http().requests_sent(),
            ctx.http().network_busy().as_millis()
        );
    }
    crate::steps::keep::at_end(&mut ctx)?;
    finish(result)
}

pub fn step(config: RunConfig, number: u8) -> Result<i32> {
    let step = by_number(number).ok_or_else(|| {
        let steps = crate::util::suggest::command("steps");
        AppError::usage(format!(
            "there is no step {number}: the guide's steps are 1 to 24"
        ))
        .hint(format!("`{steps}` lists them."))
    })?;
    super::profiles::check_known(&config)?;
    let mut ctx = open_context_as(config, Access::Change)?;
    ctx.run_mut().single_step = true;
    finish(runner::run(&mut ctx, &[step]))
}

fn finish(result: Result<runner::Report>) -> Result<i32> {
    runner::summarize(&result?);
    Ok(0)
}

/// A scripted setup of a new profile has nothing saved to fall back on: a
/// missing site or credential is named before anything is written.
fn require_scripted_inputs(config: &RunConfig) -> Result<()> {
    let fresh = !super::state_dir(config)?
        .join(crate::state::STATE_FILE)
        .exists();
    if !config.non_interactive || !fresh || config.sandbox {
        return Ok(());
    }
    let answers = super::load_answers(config, false)?;
    let admin = answers.jira.admin_token.is_some()
        || (answers.jira.admin_username.is_some() && answers.jira.admin_password.is_some());
    let missing = [
        ("jira.url", answers.jira.url.is_some()),
        ("align.url", answers.align.url.is_some()),
        ("jira.admin_token", admin),
    ];
    match missing.iter().find(|(_, given)| !given) {
        Some((key, _)) => Err(crate::prompt::missing_answer(key)),
        None => Ok(()),
    }
}
