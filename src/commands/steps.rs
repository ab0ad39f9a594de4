//! `align-link steps`: the 24 steps, as the guide numbers them.

pub fn run(as_json: bool) -> i32 {
    crate::ops::steps::list(as_json)
}
