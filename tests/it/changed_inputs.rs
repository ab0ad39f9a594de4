//! A changed `jira.url` or `align.url` in the answers file: the steps built on the
//! old site run again against the new one, and the run says so.

use crate::support;

use align_link_standins::jira::{JiraConfig, JiraStandIn};
use support::{assert_success, stderr, Env};

fn state_link(env: &Env) -> (String, String) {
    let state = env.state();
    let link = state.get("link").expect("a link in the state");
    let text = |key: &str| link.get(key).unwrap().as_str().unwrap().to_string();
    (text("id"), text("rpc_url"))
}

#[test]
fn another_jira_gets_its_own_link_consumer_and_token() {
    let env = Env::new();
    env.setup();
    let other = JiraStandIn::start(JiraConfig::default()).unwrap();
    env.rewrite_answers(
        &format!("url = \"{}\"", env.jira.url()),
        &format!("url = \"{}\"", other.url()),
    );

    let output = env.run(&["setup", "--yes"]);
    assert_success(&output);
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "jira.url changes from {}/ to {}/",
            env.jira.url(),
            other.url()
        )),
        "{err}"
    );
    assert!(err.contains("steps 4 and 7-24 run again"), "{err}");
    // The new Jira has the link, with the consumer, and issued the token.
    let links = other.links();
    assert_eq!(links.len(), 1, "{links:?}");
    assert!(links[0].consumer.is_some());
    assert_eq!(other.access_tokens().len(), 1);
    assert_eq!(state_link(&env).0, links[0].id);
    assert_eq!(env.step_status(20), "done");
    // The old Jira keeps its link as it was.
    assert_eq!(env.jira.links().len(), 1);

    // The next run is quiet again: nothing changed since.
    let output = env.run(&["setup", "--yes"]);
    assert_success(&output);
    assert!(
        !stderr(&output).contains("changes from"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn another_jira_align_site_gets_a_new_link() {
    let env = Env::new();
    env.setup();
    let (old_id, _) = state_link(&env);
    // Jira keeps the link to the old site, and link names are unique.
    env.rewrite_answers(
        "url = \"https://acme.jiraalign.com\"",
        "url = \"https://other.jiraalign.com\"\napplication_name = \"Jira Align (other)\"",
    );

    let output = env.run(&["setup", "--yes"]);
    assert_success(&output);
    let err = stderr(&output);
    assert!(
        err.contains(
            "align.url changes from https://acme.jiraalign.com/ to https://other.jiraalign.com/"
        ),
        "{err}"
    );
    assert!(err.contains("steps 1-24 run again"), "{err}");
    let (new_id, rpc_url) = state_link(&env);
    assert_ne!(new_id, old_id);
    assert_eq!(rpc_url.trim_end_matches('/'), "https://other.jiraalign.com");
    let links = env.jira.links();
    assert_eq!(links.len(), 2, "a link to each site: {links:?}");
    let new_link = links.iter().find(|l| l.id == new_id).unwrap();
    assert!(
        new_link.consumer.is_some(),
        "the consumer is on the new link"
    );
    assert_eq!(env.step_status(20), "done");
}
