//! Jira Align's REST API as align-link uses it: the token check of step 1 (bearer,
//! Basic email:token, refused, rate-limited), the sync watch of step 24 when nothing
//! syncs, and the sandbox, which serves a Jira Align stand-in too.

use std::time::{Duration, Instant};

use super::support::align::{AlignEnv, ALIGN_TOKEN_ENV};
use super::support::{assert_exit, assert_success, stderr, stdout};

const ADA: &str = "the API token belongs to Ada Admin <ada@example.com>";

#[test]
fn step_1_with_a_wrong_token_says_401_and_never_shows_it() {
    let env = AlignEnv::new();
    let wrong = "user:1|not-the-align-token";
    let output = env
        .cmd(&["step", "1", "--yes", "-v"])
        .env(ALIGN_TOKEN_ENV, wrong)
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("step 1"), "{err}");
    assert!(err.contains("HTTP 401"), "{err}");
    assert!(err.contains("API 2.0 token"), "the token hint: {err}");
    assert!(err.contains("align.api_token"), "{err}");
    let printed = format!("{}{err}", stdout(&output));
    assert!(
        !printed.contains("not-the-align-token"),
        "token shown:\n{printed}"
    );
    assert_ne!(env.step_status(1), "done");
}

#[test]
fn step_1_with_an_email_uses_basic_and_shows_the_owner() {
    let env = AlignEnv::new();
    env.write_answers_with("api_email = \"ada@example.com\"", "");
    let output = env.run(&["step", "1", "--yes"]);
    assert_success(&output);
    assert!(stdout(&output).contains(ADA), "{}", stdout(&output));
    assert_eq!(env.step_status(1), "needs-operator", "still a guided step");

    // Another email with the same token: Basic is really what is sent.
    env.write_answers_with("api_email = \"eve@example.com\"", "");
    let output = env.run(&["step", "1", "--yes"]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("HTTP 401"), "{err}");
    assert!(err.contains("align.api_email"), "{err}");
}

#[test]
fn step_1_rides_out_rate_limiting() {
    let env = AlignEnv::new();
    env.align.set_rate_limit_every(Some(2));
    // One request of our own, so that align-link's first one is the second: a 429.
    let first = reqwest::blocking::get(format!("{}/Users", env.align.api_base())).unwrap();
    assert_ne!(first.status().as_u16(), 429);
    let before = env.align.request_count();
    let output = env.run(&["step", "1", "--yes", "-v"]);
    assert_success(&output);
    assert!(stdout(&output).contains(ADA), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(
        err.contains("Jira Align asked to wait 1 s (HTTP 429); waiting"),
        "Retry-After: 1 honoured: {err}"
    );
    assert!(
        env.align.request_count() - before >= 2,
        "the 429 was retried"
    );
    assert_eq!(
        env.align.early_retries(),
        0,
        "Jira Align saw the retry only after the announced second"
    );
}

#[test]
fn step_24_without_synced_features_waits_for_the_operator_within_the_timeout() {
    let env = AlignEnv::new();
    env.write_answers_with("sync_timeout_secs = 2", "");
    env.setup();
    let before = env.align.request_count();

    let started = Instant::now();
    let output = env.run(&["step", "24", "--yes"]);
    let took = started.elapsed();
    assert_success(&output);
    let (out, err) = (stdout(&output), stderr(&output));
    assert_eq!(env.step_status(24), "needs-operator");
    assert!(
        err.contains("no features from ALIGN appeared in Jira Align within 2 s"),
        "{err}"
    );
    for check in [
        "Check, in this order:",
        "the connector is active",
        "ALIGN is mapped to a program under Jira Settings > Manage Projects",
        "rerun `align-link step 24 ",
    ] {
        assert!(out.contains(check), "{check:?} not in:\n{out}");
    }
    // Only a guard against waiting forever, not a speed: a 2 s timeout is far below.
    assert!(took < Duration::from_secs(60), "bounded: {took:?}");
    assert!(
        env.align.request_count() - before >= 2,
        "Jira Align was polled more than once: it kept waiting after the first look"
    );
    let detail = env.state()["steps"]["24"]["detail"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(detail.contains("no features from ALIGN yet"), "{detail}");
}
