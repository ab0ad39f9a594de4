//! `align-link setup`: steps 1 to 24 in order, passing over those already done.

use super::{finish, open_context};
use crate::config::RunConfig;
use crate::error::Result;
use crate::steps::{runner, STEPS};

pub fn run(config: RunConfig) -> Result<i32> {
    let mut ctx = open_context(config)?;
    let all: Vec<_> = STEPS.iter().collect();
    let result = runner::run(&mut ctx, &all, true);
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
            "align-link sent {} HTTP requests.",
            ctx.http().requests_sent()
        );
    }
    super::save_answers::offer(&mut ctx)?;
    finish(result)
}
