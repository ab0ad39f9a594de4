//! `unlink --local` (a Jira that is gone), and unlink of a profile that was never
//! set up: nothing made, nothing claimed, nothing left listed.

use std::time::Duration;

use crate::support::{self, assert_success, stdout, Env};

#[test]
fn unlink_local_forgets_the_profile_without_contacting_jira() {
    let env = Env::new();
    env.setup();
    let link_id = env.state()["link"]["id"].as_str().unwrap().to_string();
    let before = env.jira.request_count();
    let output = env.run(&["unlink", "--local", "--yes"]);
    assert_success(&output);
    assert_eq!(env.jira.request_count(), before, "Jira was not contacted");
    assert_eq!(env.jira.links().len(), 1, "the link stays in Jira");
    for file in ["state.toml", "private-key.pem", "access-token.toml"] {
        assert!(!env.state_dir().join(file).exists(), "{file} is removed");
    }
    let said = stdout(&output);
    assert!(
        said.contains("Jira was not contacted, so this may remain there"),
        "{said}"
    );
    assert!(said.contains(&link_id), "{said}");
    assert!(said.contains(&env.jira.url()), "{said}");
}

#[test]
fn unlink_of_a_profile_never_set_up_says_so_and_leaves_nothing_listed() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut cmd = assert_cmd::Command::cargo_bin("align-link").unwrap();
        cmd.args(args)
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap()
    };
    let output = run(&["unlink", "--profile", "never-set-up", "--yes"]);
    assert_success(&output);
    let said = stdout(&output);
    assert!(
        said.contains("Profile `never-set-up` was never set up here"),
        "{said}"
    );
    assert!(!said.contains("removed"), "{said}");
    let listed = run(&["profiles", "--json"]);
    assert_success(&listed);
    let value: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(value["profiles"], serde_json::json!([]), "{value}");
}

#[test]
fn a_second_unlink_claims_no_directory_it_did_not_find() {
    let env = Env::new();
    env.setup();
    let first = env.run(&["unlink", "--yes"]);
    assert_success(&first);
    assert!(stdout(&first).contains("removed the profile's directory"));
    let second = env.run(&["unlink", "--yes"]);
    assert_success(&second);
    let said = format!("{}{}", stdout(&second), support::stderr(&second));
    assert!(said.contains("Nothing left to remove"), "{said}");
    assert!(!said.contains("removed the profile's directory"), "{said}");
}
