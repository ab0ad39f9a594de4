//! `align-link step N`: one step again over the saved state, even if done.

use crate::config::RunConfig;
use crate::error::Result;

pub fn run(config: RunConfig, number: u8) -> Result<i32> {
    crate::ops::setup::step(config, number)
}
