//! Everything that can be checked without changing Jira is checked before the first
//! write: each failure here stops the run with zero write requests to the stand-in
//! and says that Jira was not changed.

use crate::support;

use align_link_standins::jira::JiraConfig;
use support::{assert_exit, stderr, Env};

/// The run failed before any write, naming `problem`.
fn stopped_before_writing(env: &Env, output: &std::process::Output, problem: &str) -> String {
    assert!(!output.status.success(), "{}", stderr(output));
    let err = stderr(output);
    assert!(err.contains(problem), "{problem:?} not in:\n{err}");
    assert_eq!(env.jira.write_count(), 0, "no write reached Jira:\n{err}");
    assert!(env.jira.links().is_empty());
    err
}

#[test]
fn a_wrong_service_account_password() {
    let env = Env::new();
    let output = env
        .cmd(&["setup", "--yes"])
        .env("TEST_SERVICE_PASSWORD", "not-the-password")
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let err = stopped_before_writing(
        &env,
        &output,
        "Jira refused the password of the service account svc-jira-align",
    );
    assert!(err.contains("Jira was not changed"), "{err}");
    assert!(
        !err.contains("not-the-password"),
        "the password is never shown"
    );
    // One request tells it (a login counts towards Jira's CAPTCHA): the project,
    // read with the password.
    assert_eq!(env.jira.requests_to("GET", "/rest/api/2/project/ALIGN"), 1);
    assert_eq!(env.jira.requests_to("GET", "/rest/api/2/myself"), 0);
}

#[test]
fn a_clock_900_seconds_off() {
    let env = Env::with_config(JiraConfig {
        clock_offset_secs: 900,
        ..JiraConfig::default()
    });
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 1);
    let err = stopped_before_writing(
        &env,
        &output,
        "Jira refuses OAuth requests more than 300 s off",
    );
    assert!(err.contains("Jira was not changed"), "{err}");
}

#[test]
fn an_administrator_without_administrator_rights() {
    let env = Env::new();
    env.rewrite_answers(
        "admin_token = { env = \"TEST_JIRA_PAT\" }",
        "admin_username = \"viewer\"\nadmin_password = \"viewer-pass\"",
    );
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 1);
    let err = stopped_before_writing(
        &env,
        &output,
        "viewer can sign in to Jira but is not a Jira administrator",
    );
    assert!(err.contains("Jira was not changed"), "{err}");
}

#[test]
fn a_test_project_the_service_account_cannot_see() {
    let env = Env::new();
    env.rewrite_answers("username = \"svc-jira-align\"", "username = \"viewer\"");
    let output = env
        .cmd(&["setup", "--yes"])
        .env("TEST_SERVICE_PASSWORD", "viewer-pass")
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let err = stopped_before_writing(
        &env,
        &output,
        "the service account viewer cannot see project ALIGN",
    );
    assert!(err.contains("Jira was not changed"), "{err}");
    assert!(
        err.contains("Give viewer the Browse Projects permission"),
        "{err}"
    );
    // One request tells it: the project, read with the password.
    assert_eq!(env.jira.requests_to("GET", "/rest/api/2/project/ALIGN"), 1);
    assert_eq!(env.jira.requests_to("GET", "/rest/api/2/myself"), 0);
}

#[test]
fn a_public_key_that_does_not_parse() {
    let env = Env::new();
    env.write_answers(
        "source = \"align\"\nconsumer_key = \"AlignKey1\"\npublic_key = \"bm90IGEga2V5\"\n",
    );
    let output = env.run(&["setup", "--yes"]);
    let err = stopped_before_writing(&env, &output, "keys.public_key");
    assert_eq!(output.status.code(), Some(2), "{err}");
}

#[test]
fn a_write_in_a_later_run_waits_for_the_same_checks() {
    let env = Env::new();
    support::assert_success(&env.run(&["step", "7", "--yes"]));
    env.jira.set_clock_offset(900);
    let output = env.run(&["step", "9", "--yes"]);
    assert_exit(&output, 1);
    let err = stopped_before_writing(&env, &output, "more than 300 s off");
    assert!(err.contains("Jira was not changed"), "{err}");
}

#[test]
fn with_basic_switched_off_the_password_is_tried_through_the_session_login() {
    let env = Env::with_config(JiraConfig {
        basic_auth_enabled: false,
        ..JiraConfig::default()
    });
    let output = env
        .cmd(&["setup", "--yes", "-v"])
        .env("TEST_SERVICE_PASSWORD", "not-the-password")
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let err = stopped_before_writing(
        &env,
        &output,
        "Jira refused the password of the service account svc-jira-align",
    );
    assert!(err.contains("/rest/auth/1/session"), "{err}");

    let output = env.setup();
    assert!(
        support::stdout(&output)
            .contains("the service account svc-jira-align signs in and sees project ALIGN"),
        "{}",
        support::stdout(&output)
    );
}

#[test]
fn a_private_key_on_disk_that_does_not_parse() {
    let env = Env::new();
    for step in ["4", "5"] {
        support::assert_success(&env.run(&["step", step, "--yes"]));
    }
    support::write_private(
        &env.state_dir().join("private-key.pem"),
        "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n",
    );
    let output = env.run(&["step", "9", "--yes"]);
    assert_exit(&output, 1);
    let err = stopped_before_writing(&env, &output, "private-key.pem");
    assert!(err.contains("Jira was not changed"), "{err}");
}

/// Without the service account's password, the administrator looks the account
/// up (`GET /rest/api/2/user`): an unknown or inactive one stops the run.
#[test]
fn a_missing_or_inactive_service_account_without_its_password() {
    let env = Env::new();
    env.rewrite_answers("password = { env = \"TEST_SERVICE_PASSWORD\" }\n", "");
    env.rewrite_answers("username = \"svc-jira-align\"", "username = \"svc-gone\"");
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 1);
    let err = stopped_before_writing(&env, &output, "Jira has no user named svc-gone");
    assert!(err.contains("Jira was not changed"), "{err}");

    env.rewrite_answers("username = \"svc-gone\"", "username = \"svc-jira-align\"");
    env.jira.set_user_active("svc-jira-align", false);
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 1);
    let err = stopped_before_writing(
        &env,
        &output,
        "the service account svc-jira-align is inactive in Jira",
    );
    assert!(err.contains("Jira was not changed"), "{err}");
}
