//! `align-link step N`: one step again over the saved state, even if done.

use super::{finish, open_context};
use crate::config::RunConfig;
use crate::error::{AppError, Result};
use crate::steps::{by_number, runner};

pub fn run(config: RunConfig, number: u8) -> Result<i32> {
    let step = by_number(number).ok_or_else(|| {
        AppError::usage(format!(
            "there is no step {number}: the guide's steps are 1 to 24"
        ))
        .hint(format!(
            "`{}` lists them.",
            crate::util::suggest::command("steps")
        ))
    })?;
    super::profiles::check_known(&config)?;
    let mut ctx = open_context(config)?;
    ctx.single_step = true;
    finish(runner::run(&mut ctx, &[step]))
}
