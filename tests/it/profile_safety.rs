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
