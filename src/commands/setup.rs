//! `align-link setup`: steps 1 to 24 in order, each converging its part.

use super::{finish, open_context};
use crate::config::RunConfig;
use crate::error::Result;
use crate::steps::{keys, runner, STEPS};

pub fn run(config: RunConfig) -> Result<i32> {
    let mut ctx = open_context(config)?;
    let all: Vec<_> = STEPS.iter().collect();
    keys::start_early(&mut ctx);
    let mut result = runner::run(&mut ctx, &all);
    // A pair made for this run and not used yet (the run stopped early) is kept
    // for the next run rather than thrown away.
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
    if ctx.config.verbose {
        eprintln!(
            "align-link sent {} HTTP requests; at least one was in flight for {} ms.",
            ctx.http().requests_sent(),
            ctx.http().network_busy().as_millis()
        );
    }
    super::save_answers::offer(&mut ctx)?;
    finish(result)
}
