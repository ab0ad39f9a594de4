//! `align-link status`: each step's state and the facts worth knowing, as text or JSON.

use crate::config::RunConfig;
use crate::error::Result;
use crate::ops::{profiles, status};

/// Exits 1 when a step failed (so scripts and monitoring can tell), else 0.
pub fn run(config: RunConfig, as_json: bool) -> Result<i32> {
    profiles::check_known(&config)?;
    profiles::check_state_dir_exists(&config)?;
    status::status(&config, as_json)
}
