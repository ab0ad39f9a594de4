//! No resource read twice in a run (issue 10): the Jira stand-in counts what it
//! was asked per path. And the checks that fold into those single reads still say
//! what is wrong: a refused service password, a project hidden from the service
//! account at step 7, or hidden from the OAuth token at step 24.

use crate::support;

use support::{assert_exit, assert_success, stderr, stdout, Env};

const MYSELF: &str = "/rest/api/2/myself";
const PROJECT: &str = "/rest/api/2/project/ALIGN";

fn reads(env: &Env, path: &str) -> u64 {
    env.jira.requests_to("GET", path)
}

/// What the stand-in served, for failure messages.
fn served(env: &Env) -> String {
    env.jira
        .requests_by_path()
        .iter()
        .map(|(path, n)| format!("{n} × {path}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_fresh_setup_reads_each_account_and_project_resource_once() {
    let env = Env::new();
    let output = env.setup();
    let all = served(&env);
    // The token's `myself` at step 20 (the administrator's owner is not read).
    assert_eq!(reads(&env, MYSELF), 1, "{all}");
    // Read as the service account with its password at step 7, not again with the token.
    assert_eq!(reads(&env, PROJECT), 1, "{all}");
    for path in [
        "/rest/api/2/serverInfo",
        "/rest/api/2/mypermissions",
        "/rest/api/2/search",
    ] {
        assert_eq!(reads(&env, path), 1, "{path}\n{all}");
    }
    // Step 24 still reports the project from those reads.
    let out = stdout(&output);
    assert!(
        out.contains("ALIGN \"Jira Align Sync Test\" is visible to the OAuth token, and a JQL search finds 3 issue(s)"),
        "{out}"
    );
}

#[test]
fn a_wrong_service_password_stops_step_7_naming_the_account_in_one_read() {
    let env = Env::new();
    let output = env
        .cmd(&["setup", "--yes"])
        .env("TEST_SERVICE_PASSWORD", "not-the-password")
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("Jira refused the password of the service account svc-jira-align"),
        "{err}"
    );
    assert!(err.contains("Jira was not changed"), "{err}");
    assert_eq!(env.jira.write_count(), 0, "{err}");
    assert_ne!(env.step_status(7), "done");
    // One request tells it: the project, with the password.
    assert_eq!(reads(&env, PROJECT), 1, "{}", served(&env));
    assert_eq!(reads(&env, MYSELF), 0, "{}", served(&env));
}

#[test]
fn a_project_hidden_from_the_service_account_stops_step_7_naming_browse_projects() {
    let env = Env::new();
    env.rewrite_answers("username = \"svc-jira-align\"", "username = \"viewer\"");
    let output = env
        .cmd(&["setup", "--yes"])
        .env("TEST_SERVICE_PASSWORD", "viewer-pass")
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("the service account viewer cannot see project ALIGN"),
        "{err}"
    );
    assert!(
        err.contains("Give viewer the Browse Projects permission"),
        "{err}"
    );
    assert_eq!(env.jira.write_count(), 0, "{err}");
    assert_eq!(reads(&env, PROJECT), 1, "{}", served(&env));
    assert_eq!(reads(&env, MYSELF), 0, "{}", served(&env));
}

#[test]
fn step_24_alone_reads_the_project_and_says_when_the_token_cannot_see_it() {
    let env = Env::new();
    env.setup();
    let before = reads(&env, PROJECT);

    // A later run of step 24 alone: no step 7 in it, so it reads the project itself.
    let output = env.run(&["step", "24", "--yes"]);
    assert_success(&output);
    assert!(
        stdout(&output).contains("ALIGN \"Jira Align Sync Test\" is visible to the OAuth token"),
        "{}",
        stdout(&output)
    );
    assert_eq!(reads(&env, PROJECT), before + 1, "{}", served(&env));

    // Browse Projects taken away: the token's reads are refused (404, search 400).
    env.jira
        .set_user_browse(&env.jira.demo().service_username, false);
    let output = env.run(&["step", "24", "--yes"]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("the OAuth token cannot see project ALIGN in Jira"),
        "{err}"
    );
    assert!(
        err.contains("svc-jira-align, whom the token acts as"),
        "{err}"
    );
    assert!(err.contains("Browse Projects"), "{err}");
    assert!(!err.contains("HTTP 400"), "not a generic failure: {err}");
}

#[test]
fn a_rerun_reads_the_tokens_account_and_project_once_for_steps_21_and_24() {
    let env = Env::new();
    env.setup();
    let before: Vec<u64> = [MYSELF, PROJECT, "/rest/api/2/search"]
        .iter()
        .map(|path| reads(&env, path))
        .collect();
    let output = env.setup();
    let after: Vec<u64> = [MYSELF, PROJECT, "/rest/api/2/search"]
        .iter()
        .map(|path| reads(&env, path))
        .collect();
    let more: Vec<u64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    // No step 7 in the rerun: the token reads the project itself, once.
    assert_eq!(more, [1, 1, 1], "{}", served(&env));
    let out = stdout(&output);
    assert!(
        out.contains("Jira answers to the OAuth token as svc-jira-align"),
        "{out}"
    );
    assert!(
        out.contains("ALIGN \"Jira Align Sync Test\" is visible to the OAuth token, and a JQL search finds 3 issue(s)"),
        "{out}"
    );
}
