//! `sandbox`: the stand-ins in the foreground, for trying align-link
//! (or a browser) against them by hand.

use crate::error::Result;
use crate::sandbox::Sandbox;
#[cfg(feature = "sandbox")]
use align_link_standins::align::DEMO_API_TOKEN;
use std::time::Duration;

/// Without the stand-ins: the error that says so.
#[cfg(not(feature = "sandbox"))]
pub fn serve(jira_port: u16, align_port: u16, latency_ms: u64) -> Result<i32> {
    Sandbox::start_with(jira_port, align_port, Duration::from_millis(latency_ms)).map(|_| 0)
}

#[cfg(feature = "sandbox")]
pub fn serve(jira_port: u16, align_port: u16, latency_ms: u64) -> Result<i32> {
    let latency = Duration::from_millis(latency_ms);
    let sandbox = Sandbox::start_with(jira_port, align_port, latency)?;
    let demo = sandbox.jira.demo();
    let url = sandbox.jira.url();
    crate::outln!("Jira stand-in:       {url}");
    if latency_ms > 0 {
        crate::outln!("  latency:         {latency_ms} ms before each answer");
    }
    crate::outln!(
        "  administrator:   {} / {} (personal access token {})",
        demo.admin_username,
        demo.admin_password,
        demo.admin_token
    );
    crate::outln!(
        "  service account: {} / {}",
        demo.service_username,
        demo.service_password
    );
    crate::outln!(
        "  test project:    {} ({})",
        demo.test_project_key,
        demo.test_project_name
    );
    let align = sandbox.align.url();
    crate::outln!("Jira Align stand-in: {align}");
    crate::outln!("  API 2.0 token:     {DEMO_API_TOKEN}");
    crate::outln!();
    crate::outln!("An answers file for another terminal (demo credentials only):");
    crate::outln!();
    crate::outln!(
        "[jira]\nurl = \"{url}\"\nadmin_token = \"{}\"\ntest_project = \"{}\"",
        demo.admin_token,
        demo.test_project_key
    );
    crate::outln!(
        "[service_account]\nusername = \"{}\"\npassword = \"{}\"",
        demo.service_username,
        demo.service_password
    );
    crate::outln!("[align]\nurl = \"{align}\"\napi_token = \"{DEMO_API_TOKEN}\"");
    crate::outln!();
    crate::outln!("Serving until interrupted (Ctrl-C).");
    crate::ui::terminal::set_saved_note("The stand-ins stopped; they keep nothing between runs.");
    loop {
        std::thread::park();
    }
}
