//! `align-link setup`: steps 1 to 24 in order, each converging its part.

use crate::config::RunConfig;
use crate::error::Result;

pub fn run(config: RunConfig) -> Result<i32> {
    crate::ops::setup::setup(config)
}
