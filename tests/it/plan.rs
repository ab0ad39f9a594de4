//! `align-link plan`: what setup would change, read-only, as text and JSON.

use crate::support;

use support::{assert_success, stderr, stdout, Env};

/// `plan -v`, checked to have sent nothing but GET requests.
fn plan(env: &Env, extra: &[&str]) -> String {
    let mut args = vec!["plan", "--yes", "-v"];
    args.extend_from_slice(extra);
    let output = env.run(&args);
    assert_success(&output);
    let log = stderr(&output);
    let sent: Vec<&str> = log.lines().filter(|l| l.starts_with("> ")).collect();
    assert!(!sent.is_empty(), "plan reads Jira: {log}");
    assert!(
        sent.iter().all(|l| l.starts_with("> GET ")),
        "plan sends no write: {log}"
    );
    stdout(&output)
}

#[test]
fn plan_on_a_fresh_jira_lists_the_link_and_the_consumer_and_changes_nothing() {
    let env = Env::new();
    let out = plan(&env, &[]);
    insta::assert_snapshot!(support::stable(&env, &out));
    assert!(env.jira.links().is_empty());
    assert_eq!(env.jira.write_count(), 0);
}

#[test]
fn plan_after_setup_says_no_changes_then_shows_a_replacement_with_both_values() {
    let env = Env::new();
    env.setup();
    let out = plan(&env, &[]);
    insta::assert_snapshot!("no_changes", support::stable(&env, &out));

    let json: serde_json::Value = serde_json::from_str(&plan(&env, &["--json"])).unwrap();
    assert_eq!(json["schema"], 1);
    assert_eq!(json["changes"], serde_json::json!([]));
    let state = env.state();
    let ours = state["consumer"]["key"].as_str().unwrap();
    let fingerprint = state["consumer"]["fingerprint"].as_str().unwrap();
    assert_eq!(json["link"]["consumer"]["key"], ours);
    assert_eq!(json["link"]["consumer"]["fingerprint"], fingerprint);
    assert_eq!(json["link"]["name"], "Jira Align");
    // Real Jira reports every generic link as not working with GENERIC_LINK: expected.
    assert_eq!(json["link"]["status"], "generic-link");
    assert_eq!(json["handshake"]["runs"], false);

    let pem = state["consumer"]["public_key_pem"].as_str().unwrap();
    support::put_consumer(&env, &env.jira.links()[0].id, "SomeoneElsesKey", pem);
    let writes = env.jira.write_count();
    let out = plan(&env, &[]);
    assert!(out.contains(&format!("SomeoneElsesKey -> {ours}")), "{out}");
    insta::assert_snapshot!("replacement", support::stable(&env, &out));
    let json: serde_json::Value = serde_json::from_str(&plan(&env, &["--json"])).unwrap();
    let change = &json["changes"][0];
    assert_eq!(change["kind"], "replace-consumer");
    assert_eq!(change["destructive"], true);
    assert_eq!(change["ours"], false);
    assert_eq!(change["needs_consent"], true);
    assert_eq!(change["old"]["consumer_key"], "SomeoneElsesKey");
    assert_eq!(change["new"]["consumer_key"], ours);
    assert_eq!(change["new"]["fingerprint"], fingerprint);
    assert_eq!(json["handshake"]["runs"], true);
    assert_eq!(json["consent_given"], false);
    let out = plan(&env, &["--replace-existing"]);
    insta::assert_snapshot!("replacement_consented", support::stable(&env, &out));
    assert_eq!(env.jira.write_count(), writes, "plan wrote nothing");
}

#[test]
fn plan_says_where_setup_would_stop_before_changing_jira() {
    let env = Env::new();
    let output = env
        .cmd(&["plan", "--yes", "--json"])
        .env("TEST_SERVICE_PASSWORD", "not-the-password")
        .output()
        .unwrap();
    assert_success(&output);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["checks"]["passed"], false);
    let problem = json["checks"]["problem"].as_str().unwrap();
    assert!(
        problem.contains("Jira refused the password of the service account svc-jira-align"),
        "{problem}"
    );
    assert!(!String::from_utf8_lossy(&output.stdout).contains("not-the-password"));

    let out = plan(&env, &[]);
    insta::assert_snapshot!("checks_passed", support::stable(&env, &out));
    assert_eq!(env.jira.write_count(), 0);
}

/// Under `--sandbox` the stand-ins' addresses are notes on stderr, so `--json`
/// leaves stdout one JSON document a script can parse.
#[test]
fn plan_json_under_sandbox_is_clean_json_on_stdout() {
    let output = assert_cmd::Command::cargo_bin("align-link")
        .unwrap()
        .args(["plan", "--sandbox", "--json"])
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert_success(&output);
    let plan: serde_json::Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|err| panic!("{err}: {}", stdout(&output)));
    assert_eq!(plan["schema"], 1, "{plan}");
    assert!(stderr(&output).contains("Sandbox: Jira stand-in at"));
}
