//! What a command leaves of the profile when the answers file changed since setup:
//! `plan` and `doctor` only read, and `unlink` still finds what the profile put in
//! Jira by its record, then leaves no directory behind.

use std::fs;

use crate::support::{assert_success, stdout, Env};

const OLD_ALIGN: &str = "url = \"https://acme.jiraalign.com\"";
const NEW_ALIGN: &str = "url = \"https://other.jiraalign.com\"";

#[test]
fn plan_and_doctor_after_a_changed_align_url_leave_the_profile_byte_identical() {
    let env = Env::new();
    env.setup();
    let state = fs::read(env.state_dir().join("state.toml")).unwrap();
    let token = fs::read(env.state_dir().join("access-token.toml")).unwrap();
    env.rewrite_answers(OLD_ALIGN, NEW_ALIGN);

    let plan = env.run(&["plan", "--yes"]);
    assert_success(&plan);
    // It still shows what setup would do with the changed answers.
    assert!(
        stdout(&plan).contains("https://other.jiraalign.com"),
        "{}",
        stdout(&plan)
    );
    let _ = env.run(&["doctor", "--yes"]);
    assert!(
        fs::read(env.state_dir().join("state.toml")).unwrap() == state,
        "state.toml is unchanged:\n{}",
        env.state_text()
    );
    assert!(fs::read(env.state_dir().join("access-token.toml")).unwrap() == token);
}

#[test]
fn plan_for_a_profile_without_state_creates_no_directory() {
    let env = Env::new();
    let plan = env.run(&["plan", "--yes"]);
    assert_success(&plan);
    assert!(!env.state_dir().exists(), "plan made {:?}", env.state_dir());
}

#[test]
fn unlink_after_a_changed_align_url_removes_the_link_the_profile_made() {
    let env = Env::new();
    env.setup();
    assert_eq!(env.jira.links().len(), 1);
    env.rewrite_answers(OLD_ALIGN, NEW_ALIGN);

    let unlink = env.run(&["unlink", "--yes"]);
    assert_success(&unlink);
    assert!(
        env.jira.links().is_empty(),
        "the old link is gone: {:?}",
        env.jira.links()
    );
    assert!(
        !env.state_dir().exists(),
        "the profile's directory is gone, run.lock with it"
    );
}

#[test]
fn unlink_after_a_changed_jira_url_removes_nothing_and_says_which_jira() {
    let env = Env::new();
    env.setup();
    let jira = env.jira.url();
    env.rewrite_answers(&format!("url = \"{jira}\""), "url = \"http://127.0.0.1:9\"");
    let unlink = env.run(&["unlink", "--yes"]);
    crate::support::assert_exit(&unlink, 1);
    let err = crate::support::stderr(&unlink);
    assert!(err.contains(&jira), "{err}");
    assert!(err.contains("Nothing was removed"), "{err}");
    assert_eq!(env.jira.links().len(), 1, "the link stays");
    assert!(
        env.state_dir().join("state.toml").exists(),
        "and the profile"
    );
}
