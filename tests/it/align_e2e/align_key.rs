//! Jira Align makes the key pair (Generate New Key): align-link installs its public
//! key on the link after a preflight with a temporary key pair of its own, and the
//! handshake (steps 17-20) is Jira Align's to do. The preflight's failures leave the
//! link without Jira Align's key.

use std::process::Output;

use align_link_standins::jira::JiraConfig;

use super::support::align::{align_keys, shown_key_der, AlignEnv};
use super::support::{assert_exit, stderr, stdout};
use super::{all, statuses, CONSUMER_KEY};

/// An environment whose answers carry the key of a connector made in Jira Align.
fn with_align_key(env: &AlignEnv) -> (u32, String) {
    let (id, shown) = env.oauth_connector(CONSUMER_KEY);
    assert!(
        shown.lines().count() > 1 && !shown.contains("-----"),
        "Jira Align shows bare base64 in lines:\n{shown}"
    );
    env.write_answers(&align_keys(CONSUMER_KEY, &shown));
    (id, shown)
}

/// Whether the link's consumer holds this key (as Jira Align showed it).
fn link_holds(env: &AlignEnv, shown: &str) -> bool {
    let links = env.jira.links();
    assert_eq!(links.len(), 1, "one application link: {links:?}");
    links[0]
        .consumer
        .as_ref()
        .is_some_and(|c| c.public_key_der == shown_key_der(shown))
}

/// Exit 1 at step 13, with the preflight named and Jira Align's key not installed.
fn preflight_failed(env: &AlignEnv, output: &Output, shown: &str) -> String {
    assert_exit(output, 1);
    let err = stderr(output);
    assert!(err.contains("step 13"), "{err}");
    assert!(
        err.contains("preflight failed, so Jira Align's key was not installed"),
        "{err}"
    );
    assert!(
        !link_holds(env, shown),
        "Jira Align's key must not be on the link after a failed preflight"
    );
    assert_eq!(
        env.jira.links()[0].consumer,
        None,
        "the link is put back as it was (no consumer)"
    );
    assert_eq!(env.step_status(13), "failed");
    assert_eq!(
        statuses(env, &[14, 15, 17]),
        all(&[14, 15, 17], "pending"),
        "nothing runs past the failed step"
    );
    err
}

#[test]
fn align_key_with_passing_preflight_then_the_operator_syncs() {
    let env = AlignEnv::new();
    let (id, shown) = with_align_key(&env);

    let output = env.setup();
    let out = stdout(&output);
    assert!(
        out.contains("the API token belongs to Ada Admin <ada@example.com>"),
        "step 1 checks the site and token: {out}"
    );
    // What the preflight proved, in plain words.
    for proved in [
        "Preflight: proving the Jira side with a temporary key pair",
        "temporary public key installed on the link",
        "preflight passed. It proved that:",
        &format!("accepts RSA-SHA1 requests for consumer key {CONSUMER_KEY}"),
        "the service account svc-jira-align can approve an authorization, and a token then acts as svc-jira-align",
        "that account can read project ALIGN (Jira Align Sync Test)",
        "Jira Align's key now takes their place",
    ] {
        assert!(out.contains(proved), "{proved:?} not in:\n{out}");
    }

    // The link holds Jira Align's key, under the consumer key of the connector.
    let link = env.jira.links()[0].clone();
    assert_eq!(link.rpc_url, env.align.url());
    let consumer = link.consumer.expect("the link has a consumer");
    assert_eq!(consumer.key, CONSUMER_KEY);
    assert_eq!(
        consumer.public_key_der,
        shown_key_der(&shown),
        "the link holds Jira Align's public key, not the preflight's"
    );
    let state = env.state();
    assert_eq!(state["consumer"]["key_source"].as_str(), Some("align"));
    let fingerprint = state["consumer"]["fingerprint"].as_str().unwrap();
    assert!(out.contains(fingerprint), "the fingerprint is shown: {out}");

    // The preflight's token was the service account's; nothing of it is kept.
    let tokens = env.jira.access_tokens();
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    assert_eq!(tokens[0].username, "svc-jira-align");
    let files = env.state_files();
    assert!(
        !files
            .iter()
            .any(|f| f.ends_with(".pem") || f.contains("token") || f.contains("key")),
        "no private key or token in the state directory: {files:?}"
    );
    assert!(state.get("token").is_none(), "no token facts: {state}");

    assert_eq!(statuses(&env, &[13, 14, 15]), all(&[13, 14, 15], "done"));
    assert_eq!(
        statuses(&env, &[17, 18, 19, 20]),
        all(&[17, 18, 19, 20], "needs-operator"),
        "Jira Align does the handshake"
    );
    assert_eq!(env.step_status(22), "skipped");
    assert_eq!(env.step_status(24), "needs-operator");
    assert!(
        out.contains("not confirmed active yet (step 23)"),
        "setup does not wait for a sync nobody started: {out}"
    );

    // The operator: Authorize in Jira Align, map the project, Activate.
    let outcome = env
        .align
        .authorize(id, "svc-jira-align", "svc-pass")
        .expect("Jira Align's handshake works against the link align-link made");
    assert_eq!(outcome.account, "svc-jira-align");
    let tokens = env.jira.access_tokens();
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[1].consumer_key, CONSUMER_KEY);
    env.align.save_connector(id);
    env.align.map_project(id, "ALIGN", 1).unwrap();
    assert_eq!(env.align.activate(id), Ok(3));

    let output = env.run(&["step", "24", "--yes"]);
    super::support::assert_success(&output);
    let out = stdout(&output);
    assert!(
        out.contains("Jira Align shows 3 feature(s) from ALIGN: ALIGN-1, ALIGN-2, ALIGN-3"),
        "{out}"
    );
    assert!(out.contains("project ALIGN"), "{out}");
    assert_eq!(env.step_status(24), "done");
    let detail = env.state()["steps"]["24"]["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(detail.contains("3 feature(s) synced"), "{detail}");

    // Step 13 again: the link already trusts Jira Align's key; no second preflight
    // puts a temporary key in its place.
    let again = env.run(&["step", "13", "--yes"]);
    super::support::assert_success(&again);
    assert!(
        stdout(&again).contains("already trusts"),
        "{}",
        stdout(&again)
    );
    assert!(link_holds(&env, &shown));
    assert_eq!(env.jira.access_tokens().len(), 2, "no new preflight token");
    assert_eq!(
        env.align.activate(id),
        Ok(0),
        "Jira Align's token still works"
    );
}

#[test]
fn an_account_that_cannot_see_the_project_stops_the_run_before_any_write() {
    let env = AlignEnv::new();
    let (_, shown) = with_align_key(&env);
    env.rewrite_answers("username = \"svc-jira-align\"", "username = \"viewer\"");
    let output = env
        .cmd(&["setup", "--yes"])
        .env("TEST_SERVICE_PASSWORD", "viewer-pass")
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("step 7"), "{err}");
    assert!(err.contains("viewer cannot see project ALIGN"), "{err}");
    assert!(err.contains("Browse Projects"), "{err}");
    assert!(err.contains("Jira was not changed"), "{err}");
    assert!(!err.contains("viewer-pass"), "the password is never shown");
    assert_eq!(env.jira.write_count(), 0, "no write reached Jira");
    assert!(env.jira.links().is_empty());

    // With the right service account, a rerun proves the Jira side and installs the key.
    env.rewrite_answers("username = \"viewer\"", "username = \"svc-jira-align\"");
    let output = env.setup();
    assert!(stdout(&output).contains("preflight passed"));
    assert!(link_holds(&env, &shown));
    assert_eq!(env.step_status(13), "done");
}

#[test]
fn a_clock_beyond_the_oauth_window_stops_the_run_before_any_write() {
    let env = AlignEnv::with_jira(JiraConfig {
        clock_offset_secs: 900,
        ..JiraConfig::default()
    });
    let (_, shown) = with_align_key(&env);
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("step 7"), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains("Jira refuses OAuth requests more than 300 s off"))
        .unwrap_or_else(|| panic!("no stop for the skew in:\n{err}"));
    let secs: i64 = line
        .split("Jira's clock is ")
        .nth(1)
        .and_then(|rest| rest.split(" s ahead of").next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!((899..=901).contains(&secs), "{line}");
    assert!(err.contains("NTP"), "{err}");
    assert!(err.contains("Jira was not changed"), "{err}");
    assert_eq!(env.jira.write_count(), 0, "no write reached Jira");
    assert!(env.jira.links().is_empty());

    // Clocks fixed: the rerun passes and Jira Align's key goes on.
    env.jira.set_clock_offset(0);
    env.setup();
    assert!(link_holds(&env, &shown));
}

#[test]
fn a_failed_preflight_puts_back_the_key_the_link_held_before() {
    let env = AlignEnv::new();
    let (id, first) = with_align_key(&env);
    env.setup();
    assert!(link_holds(&env, &first));

    // Generate New Key again in Jira Align; steps 5 and 13 take the new key, but
    // the preflight fails: Jira refuses the consumer's signed requests, which no
    // read-only check before the write can see.
    let second = env.align.generate_key(id);
    env.write_answers(&align_keys(CONSUMER_KEY, &second));
    let step5 = env.run(&["step", "5", "--yes"]);
    super::support::assert_success(&step5);
    env.jira.set_consumer_refused(CONSUMER_KEY, true);
    let output = env.run(&["step", "13", "--yes"]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("preflight failed, so Jira Align's key was not installed"),
        "{err}"
    );
    assert!(!link_holds(&env, &second), "the new key is not installed");
    assert!(
        link_holds(&env, &first),
        "the link holds the key it had before the preflight"
    );
    assert_eq!(
        env.jira.links()[0].consumer.as_ref().unwrap().key,
        CONSUMER_KEY
    );
}

#[test]
fn preflight_needs_the_password_and_can_be_switched_off() {
    let env = AlignEnv::new();
    let (id, shown) = with_align_key(&env);
    let password_line = "password = { env = \"TEST_SERVICE_PASSWORD\" }\n";
    env.rewrite_answers(password_line, "");
    let output = env.run(&["setup", "--yes"]);
    let err = preflight_failed(&env, &output, &shown);
    assert!(err.contains("service_account.password"), "{err}");

    // preflight = false: Jira Align's key goes on directly, and no token is made.
    env.write_answers(&format!(
        "{}preflight = false\n",
        align_keys(CONSUMER_KEY, &shown)
    ));
    env.rewrite_answers(password_line, "");
    let output = env.setup();
    let out = stdout(&output);
    assert!(!out.contains("Preflight"), "{out}");
    assert!(link_holds(&env, &shown));
    assert!(
        env.jira.access_tokens().is_empty(),
        "no preflight handshake"
    );
    assert_eq!(env.step_status(15), "done");
    assert!(env
        .align
        .authorize(id, "svc-jira-align", "svc-pass")
        .is_ok());
}

#[test]
fn setup_takes_a_new_align_key_from_the_answers() {
    let env = AlignEnv::new();
    let (id, first) = with_align_key(&env);
    env.setup();
    assert!(link_holds(&env, &first));

    // The operator clicked Generate New Key again and pastes the new key.
    let second = env.align.generate_key(id);
    env.write_answers(&align_keys(CONSUMER_KEY, &second));
    let output = env.setup();
    assert!(
        link_holds(&env, &second),
        "the link must hold the key the answers file gives\n{}",
        stdout(&output)
    );
    assert!(env
        .align
        .authorize(id, "svc-jira-align", "svc-pass")
        .is_ok());
}

#[test]
fn switching_to_jira_aligns_key_installs_jira_aligns_key() {
    let env = AlignEnv::new();
    env.setup();
    assert!(env.state_files().contains(&"private-key.pem".to_string()));

    let (id, shown) = env.oauth_connector(CONSUMER_KEY);
    env.write_answers(&align_keys(CONSUMER_KEY, &shown));
    let output = env.run(&["setup", "--yes"]);
    super::support::assert_success(&output);
    assert!(
        link_holds(&env, &shown),
        "the link must hold Jira Align's key, not align-link's\n{}",
        stdout(&output)
    );
    let files = env.state_files();
    assert!(
        !files
            .iter()
            .any(|f| f.ends_with(".pem") || f.contains("token")),
        "align-link's own key and token are dropped: {files:?}"
    );
    assert!(env
        .align
        .authorize(id, "svc-jira-align", "svc-pass")
        .is_ok());
}
