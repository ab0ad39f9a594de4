//! `align-link profiles`: the saved setups, with their directories and config files.

use crate::cli::JsonArg;
use crate::error::Result;

pub fn run(json: JsonArg) -> Result<i32> {
    crate::ops::profiles::list(json.json)
}
