//! Connectors that sign in without OAuth: the service account's personal access
//! token, and its password (Basic). Steps 13 to 20 do not apply to them; step 21
//! checks the credential itself and step 22 (Test Now) is Basic's.

use align_link_standins::align::{ConnectorAuth, ConnectorForm};

use super::support::align::AlignEnv;
use super::support::{assert_success, stderr, stdout};
use super::{all, statuses};

const OAUTH_STEPS: [u8; 8] = [13, 14, 15, 16, 17, 18, 19, 20];

/// Steps 13 to 20, except 16 (guided: going back to the connector is still asked).
fn oauth_only_steps() -> Vec<u8> {
    OAUTH_STEPS.iter().copied().filter(|&n| n != 16).collect()
}

fn files_hold_no_secret(env: &AlignEnv) {
    let files = env.state_files();
    assert!(
        files
            .iter()
            .all(|f| f == "state.toml" || f == "run.lock" || f.starts_with('.')),
        "only state.toml and the run lock in the state directory (no private key, no token): {files:?}"
    );
}

#[test]
fn pat_connector_skips_oauth_and_step_24_sees_the_sync() {
    let env = AlignEnv::new();
    let pat = env.jira.demo().service_token.clone();
    env.write_answers("\n[connector]\nauth = \"pat\"\n");
    env.rewrite_answers(
        "[service_account]\n",
        &format!("[service_account]\ntoken = \"{pat}\"\n"),
    );
    let output = env.setup();
    let out = stdout(&output);

    let mut skipped = vec![5, 22];
    skipped.extend(oauth_only_steps());
    skipped.sort();
    assert_eq!(statuses(&env, &skipped), all(&skipped, "skipped"), "{out}");
    assert!(
        out.contains(
            "Jira answers to the service account's personal access token as svc-jira-align"
        ),
        "step 21 checks the PAT: {out}"
    );
    assert!(
        out.contains("is visible to the service account's personal access token"),
        "step 24 checks the project with the PAT: {out}"
    );
    assert!(env.jira.access_tokens().is_empty(), "no OAuth handshake");
    files_hold_no_secret(&env);
    let printed = format!("{out}{}{}", stderr(&output), env.state_text());
    assert!(!printed.contains(&pat), "the PAT is never printed or saved");

    // The operator: a PAT connector, the project mapped, Activate.
    let id = env.align.create_connector(ConnectorForm {
        username: Some("svc-jira-align".into()),
        secret: Some(pat),
        ..env.connector_form(ConnectorAuth::Pat)
    });
    env.align.save_connector(id);
    env.align.map_project(id, "ALIGN", 1).unwrap();
    assert_eq!(env.align.activate(id), Ok(3));

    let output = env.run(&["step", "24", "--yes"]);
    assert_success(&output);
    assert!(
        stdout(&output).contains("Jira Align shows 3 feature(s) from ALIGN"),
        "{}",
        stdout(&output)
    );
    assert_eq!(env.step_status(24), "done");
}

#[test]
fn basic_connector_runs_step_22_and_waits_for_test_now() {
    let env = AlignEnv::new();
    env.write_answers("\n[connector]\nauth = \"basic\"\n");
    let output = env.setup();
    let out = stdout(&output);

    let skipped = oauth_only_steps();
    assert_eq!(statuses(&env, &skipped), all(&skipped, "skipped"), "{out}");
    assert_eq!(env.step_status(5), "skipped", "no key pair for Basic");
    assert!(
        out.contains("Jira answers to svc-jira-align's password as svc-jira-align"),
        "step 21 checks the password: {out}"
    );
    assert!(
        out.contains("the service account's password reaches Jira"),
        "step 22 runs the Basic check: {out}"
    );
    assert!(out.contains("Test Now"), "{out}");
    assert_eq!(env.step_status(22), "needs-operator");
    let detail = env.state()["steps"]["22"]["detail"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(detail.contains("Basic credentials work"), "{detail}");
    assert!(env.jira.access_tokens().is_empty(), "no OAuth handshake");
    files_hold_no_secret(&env);
    assert!(!format!("{out}{}", env.state_text()).contains("svc-pass"));

    // What step 22 checked is what Jira Align's Test Now does.
    let id = env.align.create_connector(ConnectorForm {
        username: Some("svc-jira-align".into()),
        secret: Some("svc-pass".into()),
        ..env.connector_form(ConnectorAuth::Basic)
    });
    assert_eq!(env.align.test_now(id), Ok("svc-jira-align".to_string()));
}
