//! `align-link step N`: one step again over the saved state, even if done.

use crate::cli::RunArgs;
use crate::config::RunConfig;
use crate::error::Result;

pub fn run(number: u8, args: RunArgs) -> Result<i32> {
    crate::ops::setup::step(RunConfig::from_raw(args.into_raw())?, number)
}
