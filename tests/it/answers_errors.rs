//! Bad answers files, through the real binary: each gets a message naming the file,
//! line and key, the problem and the fix, exit 2, and leaves nothing behind.

use crate::support;

use support::{assert_exit, stderr, write_private, Env};

/// Runs `setup --yes` with `extra` appended to the standard answers; returns stderr.
fn refused(env: &Env, extra: &str) -> String {
    env.write_answers(extra);
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 2);
    assert!(
        !env.state_dir().exists(),
        "a refused answers file leaves no state behind"
    );
    assert!(env.jira.links().is_empty(), "nothing was sent to Jira");
    let err = stderr(&output);
    assert!(err.starts_with("Error: "), "{err}");
    assert!(
        err.contains("\nHint: "),
        "every refusal says what to do: {err}"
    );
    err
}

#[test]
fn unknown_key_names_line_and_valid_keys() {
    let env = Env::new();
    let err = refused(&env, "colour = \"blue\"\n");
    insta::assert_snapshot!(support::stable(&env, &err));
}

#[test]
fn wrong_type_names_the_key() {
    let env = Env::new();
    env.write_answers("");
    let text = std::fs::read_to_string(env.answers_path())
        .unwrap()
        .replace("bits = 2048", "bits = \"2048\"");
    write_private(&env.answers_path(), &text);
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 2);
    insta::assert_snapshot!(support::stable(&env, &stderr(&output)));
}

#[test]
fn missing_secret_env_var_is_named() {
    let env = Env::new();
    env.write_answers("");
    let output = env
        .cmd(&["setup", "--yes"])
        .env_remove("TEST_SERVICE_PASSWORD")
        .output()
        .unwrap();
    assert_exit(&output, 2);
    insta::assert_snapshot!(support::stable(&env, &stderr(&output)));
}

#[test]
fn bad_url_is_explained() {
    let env = Env::new();
    env.write_answers("");
    let text = std::fs::read_to_string(env.answers_path())
        .unwrap()
        .replace("https://acme.jiraalign.com", "acme.jiraalign.com");
    write_private(&env.answers_path(), &text);
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 2);
    insta::assert_snapshot!(support::stable(&env, &stderr(&output)));
}

#[test]
fn consumer_key_with_a_space_is_refused() {
    let env = Env::new();
    let err = refused(&env, "consumer_key = \"Jira Align\"\n");
    insta::assert_snapshot!(support::stable(&env, &err));
}

#[test]
fn pkcs1_public_key_is_refused_with_the_reason() {
    let env = Env::new();
    let pkcs1 = "source = \"align\"\npublic_key = \"\"\"\n-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEAq3\n-----END RSA PUBLIC KEY-----\n\"\"\"\n";
    let text = std::fs::read_to_string(env.answers_path())
        .unwrap()
        .replace("bits = 2048\n", "");
    write_private(&env.answers_path(), &format!("{text}{pkcs1}"));
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 2);
    insta::assert_snapshot!(support::stable(&env, &stderr(&output)));
}

#[test]
fn literal_secret_in_a_readable_file_warns() {
    let env = Env::new();
    env.write_answers("");
    let text = std::fs::read_to_string(env.answers_path())
        .unwrap()
        .replace("{ env = \"TEST_SERVICE_PASSWORD\" }", "\"svc-pass\"");
    std::fs::write(env.answers_path(), text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(env.answers_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = env.run(&["steps"]);
    support::assert_success(&output);
    let output = env.run(&["step", "7", "--yes"]);
    support::assert_success(&output);
    let err = stderr(&output);
    assert!(
        err.contains("Warning:") && err.contains("service_account.password"),
        "{err}"
    );
    assert!(
        !err.contains("svc-pass"),
        "the warning does not repeat the secret"
    );
}

#[test]
fn a_missing_answer_under_yes_names_its_key() {
    let env = Env::new();
    support::write_private(
        &env.answers_path(),
        "[align]\nurl = \"https://acme.jiraalign.com\"\n",
    );
    let output = env.run(&["step", "7", "--yes"]);
    assert_exit(&output, 2);
    insta::assert_snapshot!(support::stable(&env, &stderr(&output)));
}

#[test]
fn no_terminal_behaves_as_yes() {
    // assert_cmd gives the binary no terminal on stdin: it must not wait for input.
    let env = Env::new();
    support::write_private(
        &env.answers_path(),
        "[align]\nurl = \"https://acme.jiraalign.com\"\n",
    );
    let output = env.run(&["step", "7"]);
    assert_exit(&output, 2);
    insta::assert_snapshot!(support::stable(&env, &stderr(&output)));
}

/// Issue 18: inputs Jira would refuse, or that cannot go in a header, are
/// refused before anything is written: exit 2, line and column, the fix.
#[test]
fn a_name_over_jiras_limit_and_a_token_with_a_line_break_are_refused_before_any_write() {
    let env = crate::support::Env::new();
    let long = "x".repeat(300);
    env.rewrite_answers(
        "url = \"https://acme.jiraalign.com\"",
        &format!("url = \"https://acme.jiraalign.com\"\napplication_name = \"{long}\""),
    );
    let refused = env.run(&["setup", "--yes"]);
    crate::support::assert_exit(&refused, 2);
    let err = crate::support::stderr(&refused);
    insta::assert_snapshot!("application_name_too_long", support::stable(&env, &err));
    assert!(env.jira.links().is_empty());
    assert_eq!(env.jira.write_count(), 0);

    env.write_answers("");
    let refused = env
        .cmd(&["setup", "--yes"])
        .env("TEST_JIRA_PAT", "demo-token\nX-Injected: 1")
        .output()
        .unwrap();
    crate::support::assert_exit(&refused, 2);
    let err = crate::support::stderr(&refused);
    insta::assert_snapshot!("token_with_a_line_break", support::stable(&env, &err));
    assert!(
        !err.contains("demo-token"),
        "the secret is not shown: {err}"
    );
    assert_eq!(env.jira.write_count(), 0);
}

/// Issue 18: a scripted setup of a new profile whose answers lack a site or the
/// administrator's credentials stops before anything is written: no state, no
/// run lock, exit 2, the key named.
#[test]
fn a_missing_required_key_under_yes_writes_nothing() {
    let env = Env::new();
    let jira_line = format!("url = \"{}\"\n", env.jira.url());
    env.rewrite_answers(&jira_line, "");
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 2);
    insta::assert_snapshot!(support::stable(&env, &stderr(&output)));
    assert!(
        !env.state_dir().exists(),
        "the profile's directory was made: {:?}",
        std::fs::read_dir(env.state_dir()).map(|d| d.count())
    );
}
