//! `sandbox`: the stand-ins in the foreground, for trying align-link
//! (or a browser) against them by hand.

use crate::error::Result;
#[cfg(feature = "sandbox")]
use crate::outln;
use crate::sandbox::Sandbox;
#[cfg(feature = "sandbox")]
use align_link_standins::{align::DEMO_API_TOKEN, jira::DemoAccounts};
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
    let DemoAccounts {
        admin_username,
        admin_password,
        admin_token,
        service_username,
        service_password,
        test_project_key,
        test_project_name,
        ..
    } = sandbox.jira.demo();
    let (url, align) = (sandbox.jira.url(), sandbox.align.url());
    outln!("Jira stand-in:       {url}");
    if latency_ms > 0 {
        outln!("  latency:         {latency_ms} ms before each answer");
    }
    outln!("  administrator:   {admin_username} / {admin_password} (personal access token {admin_token})");
    outln!("  service account: {service_username} / {service_password}");
    outln!("  test project:    {test_project_key} ({test_project_name})");
    outln!("Jira Align stand-in: {align}");
    outln!("  API 2.0 token:     {DEMO_API_TOKEN}");
    outln!();
    outln!("An answers file for another terminal (demo credentials only):");
    outln!();
    outln!("[jira]\nurl = \"{url}\"\nadmin_token = \"{admin_token}\"\ntest_project = \"{test_project_key}\"");
    outln!(
        "[service_account]\nusername = \"{service_username}\"\npassword = \"{service_password}\""
    );
    outln!("[align]\nurl = \"{align}\"\napi_token = \"{DEMO_API_TOKEN}\"");
    outln!();
    outln!("Serving until interrupted (Ctrl-C).");
    crate::ui::terminal::set_saved_note("The stand-ins stopped; they keep nothing between runs.");
    loop {
        std::thread::park();
    }
}
