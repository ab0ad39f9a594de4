//! Step 7 (is this Jira, are the credentials an administrator's, are the clocks
//! close) and the application link steps (8 to 12), through the real binary against
//! the Jira stand-in.

use crate::support;

use align_link_standins::jira::JiraConfig;
use support::{assert_exit, assert_success, stderr, stdout, Env};

const PAT_LINE: &str = "admin_token = { env = \"TEST_JIRA_PAT\" }";
const ALIGN_TABLE: &str = "[align]\nurl = \"https://acme.jiraalign.com\"\n";

/// Administrator credentials in the answers file as Basic instead of the PAT.
fn use_basic(env: &Env, username: &str, password: &str) {
    env.rewrite_answers(
        PAT_LINE,
        &format!("admin_username = \"{username}\"\nadmin_password = \"{password}\""),
    );
}

/// The seconds in the step 7 warning "Jira's clock is N s ahead of this machine's".
fn warned_skew(err: &str) -> i64 {
    let line = err
        .lines()
        .find(|l| l.starts_with("Warning: Jira's clock is "))
        .unwrap_or_else(|| panic!("no clock warning in:\n{err}"));
    let rest = line.strip_prefix("Warning: Jira's clock is ").unwrap();
    let (secs, after) = rest.split_once(" s ").unwrap();
    assert!(after.starts_with("ahead of"), "{line}");
    assert!(line.contains("NTP"), "{line}");
    secs.parse().unwrap()
}

#[test]
fn step_7_refuses_an_account_that_is_not_an_administrator() {
    let env = Env::new();
    use_basic(&env, "viewer", "viewer-pass");
    let output = env.run(&["step", "7", "--yes"]);
    assert_exit(&output, 1);
    insta::assert_snapshot!(support::stable(&env, &stderr(&output)));
    assert_ne!(env.step_status(7), "done");
}

#[test]
fn step_7_accepts_an_administrator_over_basic() {
    let env = Env::new();
    use_basic(&env, "admin", "admin-pass");
    let output = env.run(&["step", "7", "--yes"]);
    assert_success(&output);
    assert!(
        stdout(&output).contains("signed in as admin (Basic auth as admin), an administrator"),
        "{}",
        stdout(&output)
    );
    assert_eq!(env.step_status(7), "done");
    assert_eq!(env.state()["jira"]["admin_user"].as_str(), Some("admin"));
}

#[test]
fn step_7_with_basic_switched_off_points_at_personal_access_tokens() {
    let env = Env::with_config(JiraConfig {
        basic_auth_enabled: false,
        ..JiraConfig::default()
    });
    use_basic(&env, "admin", "admin-pass");
    let output = env.run(&["step", "7", "--yes"]);
    assert_exit(&output, 1);
    insta::assert_snapshot!(support::stable(&env, &stderr(&output)));
}

#[test]
fn step_7_with_a_wrong_token_says_the_credentials_were_refused() {
    let env = Env::new();
    let output = env
        .cmd(&["step", "7", "--yes"])
        .env("TEST_JIRA_PAT", "not-the-admin-pat")
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let err = stderr(&output);
    insta::assert_snapshot!(support::stable(&env, &err));
    assert!(
        !err.contains("not-the-admin-pat"),
        "the token is never shown"
    );
}

#[test]
fn step_7_with_a_wrong_administrator_password_names_the_account() {
    let env = Env::new();
    use_basic(&env, "admin", "not-the-password");
    let output = env.run(&["step", "7", "--yes"]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    insta::assert_snapshot!(support::stable(&env, &err));
    assert!(!err.contains("not-the-password"), "{err}");
    assert_ne!(env.step_status(7), "done");
}

#[test]
fn a_small_clock_skew_is_a_warning_not_a_failure() {
    let env = Env::with_config(JiraConfig {
        clock_offset_secs: 120,
        ..JiraConfig::default()
    });
    let output = env.setup();
    let err = stderr(&output);
    // The Date header has one-second resolution.
    let skew = warned_skew(&err);
    assert!((119..=121).contains(&skew), "{err}");
    assert!(err.contains("OAuth fails past about 300 s"), "{err}");
    let recorded = env.state()["jira"]["clock_skew_secs"].as_integer().unwrap();
    assert_eq!(recorded, skew);
    assert_eq!(env.step_status(20), "done", "OAuth works within the window");
    assert_eq!(env.jira.access_tokens().len(), 1);
}

#[test]
fn no_skew_no_clock_warning() {
    let env = Env::new();
    let output = env.run(&["step", "7", "--yes"]);
    assert_success(&output);
    assert!(!stderr(&output).contains("clock"), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("(fine for OAuth)"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn step_7_warns_when_jiras_base_url_is_not_the_url_used() {
    let env = Env::new();
    env.jira
        .set_base_url(Some("https://jira.example.com".into()));
    let output = env.run(&["step", "7", "--yes"]);
    assert_success(&output);
    let err = stderr(&output);
    assert!(
        err.contains("Jira's configured base URL is https://jira.example.com"),
        "{err}"
    );
    assert!(err.contains(&env.jira.url()), "names the URL used: {err}");
    // Precise about what it breaks (Jira checks the URL it received) and what not.
    assert!(
        err.contains("this alone does not break the handshake"),
        "{err}"
    );
    assert_eq!(
        env.state()["jira"]["base_url"].as_str(),
        Some("https://jira.example.com")
    );

    // The same base URL as the one used: no warning.
    env.jira.set_base_url(None);
    let output = env.run(&["step", "7", "--yes"]);
    assert_success(&output);
    assert!(!stderr(&output).contains("base URL"), "{}", stderr(&output));
}

#[test]
fn step_11_renames_the_link_once() {
    let env = Env::new();
    env.setup();
    assert_eq!(env.jira.links()[0].name, "Jira Align");
    env.rewrite_answers(
        ALIGN_TABLE,
        &format!("{ALIGN_TABLE}application_name = \"Jira Align Prod\"\n"),
    );
    let output = env.run(&["step", "11", "--yes"]);
    assert_success(&output);
    assert!(
        stdout(&output).contains("renamed the link from \"Jira Align\" to \"Jira Align Prod\""),
        "{}",
        stdout(&output)
    );
    let links = env.jira.links();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].name, "Jira Align Prod");
    assert_eq!(links[0].rpc_url, "https://acme.jiraalign.com");
    assert_eq!(
        env.state()["link"]["name"].as_str(),
        Some("Jira Align Prod")
    );
    assert_eq!(
        env.state()["link"]["id"].as_str(),
        Some(links[0].id.as_str())
    );

    // Again: already so named, nothing changes.
    let state_before = env.state_text();
    let again = env.run(&["step", "11", "--yes"]);
    assert_success(&again);
    let out = stdout(&again);
    assert!(
        out.contains("the link is named \"Jira Align Prod\""),
        "{out}"
    );
    assert!(!out.contains("renamed"), "{out}");
    assert_eq!(env.jira.links(), links);
    let state_after = env.state();
    let state_before: toml::Value = toml::from_str(&state_before).unwrap();
    assert_eq!(state_after["link"], state_before["link"]);
}

#[test]
fn step_9_recreates_a_link_deleted_in_jira() {
    let env = Env::new();
    env.setup();
    let old = env.jira.links()[0].clone();
    let deleted = reqwest::blocking::Client::new()
        .delete(format!(
            "{}/rest/applinks/1.0/applicationlink/{}",
            env.jira.url(),
            old.id
        ))
        .bearer_auth(&env.jira.demo().admin_token)
        .header("Accept", "application/json")
        .send()
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 200);
    assert!(env.jira.links().is_empty());

    let output = env.run(&["step", "9", "--yes"]);
    assert_success(&output);
    assert!(
        stdout(&output).contains("created the application link \"Jira Align\""),
        "{}",
        stdout(&output)
    );
    let links = env.jira.links();
    assert_eq!(links.len(), 1, "exactly one link");
    assert_eq!(links[0].rpc_url, "https://acme.jiraalign.com");
    assert!(links[0].consumer.is_none(), "a new link, not the old one");
    assert_eq!(
        env.state()["link"]["id"].as_str(),
        Some(links[0].id.as_str())
    );
    // A generic link's id comes from its URL, so the new link has the old id.
    assert_eq!(links[0].id, old.id);

    // Again: found, not created twice.
    let again = env.run(&["step", "9", "--yes"]);
    assert_success(&again);
    assert!(
        stdout(&again).contains("nothing to create"),
        "{}",
        stdout(&again)
    );
    assert_eq!(env.jira.links().len(), 1);
}

#[test]
fn plain_http_to_a_remote_jira_is_refused_before_any_request() {
    let env = Env::new();
    env.rewrite_answers(
        &format!("url = \"{}\"", env.jira.url()),
        "url = \"http://jira.example.com\"",
    );
    let output = env.run(&["step", "7", "--yes", "-v"]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("http://jira.example.com"), "{err}");
    assert!(err.contains("--allow-http"), "{err}");
    assert!(
        !err.lines().any(|l| l.starts_with("> ")),
        "-v logged no request: {err}"
    );
    assert_eq!(env.jira.request_count(), 0);
    assert_ne!(env.step_status(7), "done");
}

#[test]
fn plain_http_to_loopback_needs_no_flag() {
    let env = Env::new();
    assert!(env.jira.url().starts_with("http://127.0.0.1:"));
    assert_success(&env.run(&["step", "7", "--yes"]));
}

#[test]
fn verbose_logs_requests_with_the_token_redacted() {
    let env = Env::new();
    let output = env.run(&["step", "7", "--yes", "-v"]);
    assert_success(&output);
    let err = stderr(&output);
    let rights = format!(
        "> GET {}/rest/api/2/mypermissions?permissions=ADMINISTER [Bearer <redacted>]",
        env.jira.url()
    );
    assert!(err.lines().any(|l| l == rights), "{err}");
    assert!(err.lines().any(|l| l.starts_with("< 200 (")), "{err}");
    // Each answer names the request it answers (they arrive in any order).
    let answered = format!(
        "for GET {}/rest/api/2/mypermissions?permissions=ADMINISTER",
        env.jira.url()
    );
    assert!(
        err.lines()
            .any(|l| l.starts_with("< 200 (") && l.ends_with(&answered)),
        "{err}"
    );
    let pat = &env.jira.demo().admin_token;
    assert!(!err.contains(pat.as_str()), "the PAT was logged");
    assert!(
        !stdout(&output).contains(pat.as_str()),
        "the PAT was printed"
    );
}
