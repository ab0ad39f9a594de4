//! `align-link steps`: the 24 steps, as the guide numbers them.

use crate::cli::JsonArg;

pub fn run(json: JsonArg) -> i32 {
    crate::ops::steps::list(json.json)
}
