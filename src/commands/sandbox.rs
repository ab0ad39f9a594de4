//! `align-link sandbox`: the stand-ins in the foreground, to try align-link by hand.

use crate::error::Result;

pub fn run(jira_port: u16, align_port: u16, latency_ms: u64) -> Result<i32> {
    crate::ops::sandbox::serve(jira_port, align_port, latency_ms)
}
