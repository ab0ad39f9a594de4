//! The read-only commands never prompt, in a terminal either: they work from
//! the answers, the profile's config, the state and the stored token, and what a
//! missing credential keeps doctor from checking is a skip naming its key.

use rexpect::reader::Options;
use rexpect::session::spawn_with_options;

use crate::support::{self, Env};

/// `args` on a pseudo-terminal with nothing typed; its output once it exits.
pub(crate) fn in_a_terminal(env: &Env, args: &[&str]) -> String {
    let binary = assert_cmd::cargo::cargo_bin("align-link");
    let mut cmd = env.command_of(&binary, &env.state_dir(), args);
    cmd.env("TERM", "xterm");
    let options = Options {
        // A question would wait for an answer: the bound fails the test.
        timeout_ms: Some(30_000),
        strip_ansi_escape_codes: true,
    };
    let mut session = spawn_with_options(cmd, options).unwrap();
    session
        .exp_eof()
        .unwrap_or_else(|err| panic!("{args:?} did not end by itself: {err}"))
}

#[test]
fn read_only_commands_in_a_terminal_ask_nothing() {
    let env = Env::new();
    env.setup();
    for args in [&["status"][..], &["show"], &["doctor"]] {
        in_a_terminal(&env, args);
    }
    // The link's name is a default: taken, not asked.
    let plan = in_a_terminal(&env, &["plan"]);
    assert!(plan.contains("No changes"), "{plan}");

    // Without the administrator's token, doctor skips what needs it and says which key.
    env.rewrite_answers("admin_token = { env = \"TEST_JIRA_PAT\" }\n", "");
    let doctor = in_a_terminal(&env, &["doctor"]);
    assert!(
        doctor.contains("skip  Jira reachable: not checked: needs jira.admin_token"),
        "{doctor}"
    );
    assert!(!doctor.contains("FAIL"), "{doctor}");
    // plan cannot read Jira without it: an error naming the key, not a question.
    let plan = in_a_terminal(&env, &["plan"]);
    assert!(plan.contains("jira.admin_token"), "{plan}");
    assert!(!plan.contains("How should align-link sign in"), "{plan}");
}

#[test]
fn plan_for_a_profile_with_no_state_mentions_no_sandbox() {
    let env = Env::new();
    let output = env
        .cmd_in(&env.dir.path().join("brandnew"), &["plan"])
        .output()
        .unwrap();
    support::assert_success(&output);
    let said = format!("{}{}", support::stdout(&output), support::stderr(&output));
    assert!(!said.contains("Sandbox"), "{said}");
    assert!(!env.dir.path().join("brandnew").exists());
}

#[test]
fn doctor_with_a_secrets_variable_unset_skips_what_needs_it_and_names_the_variable() {
    let env = Env::new();
    env.setup();
    let output = env
        .cmd(&["doctor"])
        .env_remove("TEST_JIRA_PAT")
        .output()
        .unwrap();
    let said = format!("{}{}", support::stdout(&output), support::stderr(&output));
    assert!(
        said.contains("jira.admin_token: environment variable TEST_JIRA_PAT is not set"),
        "{said}"
    );
    assert!(
        said.contains("skip  Jira reachable: not checked: needs jira.admin_token"),
        "{said}"
    );
    // The stored token still proves the connector's side.
    assert!(
        said.contains("pass  Signed call as the service account"),
        "{said}"
    );
    support::assert_success(&output);
}
