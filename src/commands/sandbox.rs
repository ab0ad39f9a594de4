//! `align-link sandbox`: the stand-ins in the foreground, for trying align-link
//! (or a browser) against them by hand.

use crate::error::Result;
use crate::sandbox::Sandbox;
use align_link_standins::align::DEMO_API_TOKEN;
use std::time::Duration;

pub fn run(jira_port: u16, align_port: u16, latency_ms: u64) -> Result<i32> {
    let latency = Duration::from_millis(latency_ms);
    let sandbox = Sandbox::start_with(jira_port, align_port, latency)?;
    let demo = sandbox.jira.demo();
    let url = sandbox.jira.url();
    println!("Jira stand-in:       {url}");
    if latency_ms > 0 {
        println!("  latency:         {latency_ms} ms before each answer");
    }
    println!(
        "  administrator:   {} / {} (personal access token {})",
        demo.admin_username, demo.admin_password, demo.admin_token
    );
    println!(
        "  service account: {} / {}",
        demo.service_username, demo.service_password
    );
    println!(
        "  test project:    {} ({})",
        demo.test_project_key, demo.test_project_name
    );
    let align = sandbox.align.url();
    println!("Jira Align stand-in: {align}");
    println!("  API 2.0 token:     {DEMO_API_TOKEN}");
    println!();
    println!("An answers file for another terminal (demo credentials only):");
    println!();
    println!(
        "[jira]\nurl = \"{url}\"\nadmin_token = \"{}\"\ntest_project = \"{}\"",
        demo.admin_token, demo.test_project_key
    );
    println!(
        "[service_account]\nusername = \"{}\"\npassword = \"{}\"",
        demo.service_username, demo.service_password
    );
    println!("[align]\nurl = \"{align}\"\napi_token = \"{DEMO_API_TOKEN}\"");
    println!();
    println!("Serving until interrupted (Ctrl-C).");
    loop {
        std::thread::park();
    }
}
