//! The sandbox's Jira Align connector, played without its screens. Nobody fills
//! in Jira Align's connector form or clicks Activate in a sandbox, so its
//! connector counts as active once Jira has issued an access token to the
//! consumer on the link to this Jira Align (and the token's account may browse
//! the project); `delay` later, and on every pass after, the test project's
//! issues become Features, as a real sync makes them.

use std::time::{Duration, Instant};

use crate::align::AlignStandIn;
use crate::jira::JiraStandIn;

/// How often the demo sync looks at Jira.
const POLL: Duration = Duration::from_millis(250);

/// Starts the demo sync between the two stand-ins; it ends when either stops.
pub fn follow(jira: &JiraStandIn, align: &AlignStandIn, delay: Duration) -> std::io::Result<()> {
    let read = jira.sync_source();
    let store = align.sync_sink();
    let align_url = align.url();
    std::thread::Builder::new()
        .name("demo-sync".into())
        .spawn(move || {
            let mut authorized_since: Option<Instant> = None;
            loop {
                std::thread::sleep(POLL);
                let Some(found) = read(&align_url) else {
                    return;
                };
                let Some((project, issues)) = found else {
                    authorized_since = None;
                    continue;
                };
                let since = *authorized_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= delay && !store(&project, &issues) {
                    return;
                }
            }
        })?;
    Ok(())
}
