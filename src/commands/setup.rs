//! `align-link setup`: steps 1 to 24 in order, each converging its part.

use crate::cli::RunArgs;
use crate::config::RunConfig;
use crate::error::Result;

pub fn run(args: RunArgs) -> Result<i32> {
    crate::ops::setup::setup(RunConfig::from_raw(args.into_raw())?)
}
