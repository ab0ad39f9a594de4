//! Step 15 reads the link's status, an informational resource: a Jira without it
//! (404) leaves the status unknown and the run goes on; the `GENERIC_LINK` status
//! Jira gives every link to Jira Align is expected, not a warning.

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
    let out = stdout(&output);
    assert!(
        out.contains("the link's status is unknown on this Jira"),
        "{out}"
    );
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
        out.contains("Jira reports a generic link (GENERIC_LINK), as for every link to Jira Align"),
        "{out}"
    );
    let plan = env.run(&["plan", "--yes", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert_eq!(json["link"]["status"], "generic-link");
}
