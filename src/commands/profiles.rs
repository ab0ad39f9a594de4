//! `align-link profiles`: the saved setups, each with its state directory and
//! config file.

use crate::error::Result;

pub fn run(as_json: bool) -> Result<i32> {
    crate::ops::profiles::list(as_json)
}
