//! `align-link renew`: a new key pair and token under the same consumer key.

use crate::cli::{ConsentArg, JiraArgs};
use crate::config::{RawOptions, RunConfig};
use crate::error::Result;

pub fn run(args: JiraArgs, consent: ConsentArg, no_browser: bool) -> Result<i32> {
    let raw = RawOptions {
        no_browser,
        replace_existing: consent.replace_existing,
        ..args.into_raw()
    };
    crate::ops::renew::renew(RunConfig::from_raw(raw)?)
}
