//! Round trips on one keep-alive connection to the stand-ins (release build):
//! a small answer (Jira serverInfo) and a large one (a 100-user page of Jira Align).
use align_link_standins::align::{AlignConfig, AlignStandIn, DEMO_API_TOKEN};
use align_link_standins::jira::{JiraConfig, JiraStandIn};
use std::time::Instant;

fn main() {
    let jira = JiraStandIn::start(JiraConfig::default()).unwrap();
    let align = AlignStandIn::start(AlignConfig::default()).unwrap();
    let client = reqwest::blocking::Client::new();
    let cases = [
        (
            "jira serverInfo",
            format!("{}/rest/api/2/serverInfo", jira.url()),
            None,
        ),
        (
            "align users (100)",
            format!("{}/users", align.api_base()),
            Some(DEMO_API_TOKEN),
        ),
    ];
    for (name, url, token) in cases {
        let get = || {
            let mut rb = client.get(&url).header("Accept", "application/json");
            if let Some(t) = token {
                rb = rb.bearer_auth(t);
            }
            let resp = rb.send().unwrap();
            assert!(resp.status().is_success());
            resp.bytes().unwrap().len()
        };
        let size = get();
        let n = 200;
        let t = Instant::now();
        for _ in 0..n {
            get();
        }
        println!(
            "{name}: {size} bytes, {:?} per round trip ({n} on one connection)",
            t.elapsed() / n
        );
    }
}
