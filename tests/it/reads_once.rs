//! No resource read twice in a run (issue 10): the Jira stand-in counts what it
//! was asked per path. And the checks that fold into those single reads still say
//! what is wrong: a project hidden from the OAuth token at step 24 (a refused
//! service password and a project hidden from the service account at step 7,
//! each found in one read: `prewrite.rs`).

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
    // And every other read: nothing in a fresh setup is asked for twice.
    for (asked, times) in env.jira.requests_by_path() {
        if asked.starts_with("GET ") {
            assert_eq!(times, 1, "{asked}\n{all}");
        }
    }
    assert!(env.jira.request_count() <= 16, "{all}");
    // Step 24 still reports the project from those reads.
    let out = stdout(&output);
    assert!(
        out.contains("ALIGN \"Jira Align Sync Test\" is visible to the OAuth token, and a JQL search finds 3 issue(s)"),
        "{out}"
    );
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
