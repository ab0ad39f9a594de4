//! `align-link doctor`: live checks of a connector that was set up, each with a
//! verdict and the fix; read-only.

use crate::config::RunConfig;
use crate::error::Result;

pub fn run(config: RunConfig, as_json: bool) -> Result<i32> {
    crate::ops::doctor::doctor(config, as_json)
}
