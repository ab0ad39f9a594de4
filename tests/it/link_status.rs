//! The link's status is an informational resource that `plan` reads (setup does
//! not: Jira answers `GENERIC_LINK` for every link to Jira Align whatever its
//! authentication). A Jira without it (404) leaves the status unknown; the
//! `GENERIC_LINK` status is expected, not a warning.

use crate::support;

use align_link_standins::jira::JiraConfig;
use support::{stderr, stdout, Env};

#[test]
fn a_jira_without_the_status_resource_leaves_the_status_unknown_and_goes_on() {
    let env = Env::with_config(JiraConfig {
        status_resource: false,
        ..JiraConfig::default()
    });
    let output = env.setup();
    assert_eq!(env.step_status(15), "done");
    assert_eq!(env.step_status(20), "done", "the run went on");
    assert!(!stderr(&output).contains("Warning"), "{}", stderr(&output));

    let plan = env.run(&["plan", "--yes", "--json"]);
    support::assert_success(&plan);
    let json: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert_eq!(json["link"]["status"], "unknown");
}

#[test]
fn a_generic_link_is_expected_for_jira_align() {
    let env = Env::new();
    let out = stdout(&env.run(&["setup", "--yes"]));
    assert!(
        out.contains("GENERIC_LINK for every link to Jira Align"),
        "step 15 says why it does not read the status: {out}"
    );
    let plan = env.run(&["plan", "--yes", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert_eq!(json["link"]["status"], "generic-link");
}
