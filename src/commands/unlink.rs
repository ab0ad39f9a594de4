//! `align-link unlink`: what setup made in Jira removed, then the profile's files;
//! `--local` forgets the profile without contacting Jira.

use crate::cli::{ConsentArg, JiraArgs};
use crate::config::{RawOptions, RunConfig};
use crate::error::Result;

pub fn run(args: JiraArgs, consent: ConsentArg, local: bool) -> Result<i32> {
    let raw = RawOptions {
        replace_existing: consent.replace_existing,
        ..args.into_raw()
    };
    crate::ops::unlink::unlink(RunConfig::from_raw(raw)?, local)
}
