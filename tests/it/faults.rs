//! Issue 14's faults, through the fault-injecting proxy: Jira's answer to one
//! write replaced by a 404, a redirect to the login page, a 200 login page or a
//! 500 once. No command may report done what Jira did not do, and a plain rerun
//! (the fault gone) recovers: it exits 0 and doctor passes.

use crate::doctor::{doctor_json, verdict};
use crate::support::fault_proxy::{Answer, Fault, FaultId, ProxiedEnv};
use crate::support::{assert_success, stderr, stdout};

/// The consumer removal: Jira's admin page (its REST resource has no DELETE),
/// and the REST DELETE, should a client try it.
const CONSUMER_REMOVALS: [(&str, &str); 2] = [
    (
        "POST",
        "/plugins/servlet/applinks/auth/conf/oauth/add-consumer-manually/*",
    ),
    (
        "DELETE",
        "/rest/applinks-oauth/1.0/applicationlink/*/authentication/consumer",
    ),
];

const LINK_DELETE: &str = "/rest/applinks/*/applicationlink/*";

/// What `renew` and `unlink` print for the removals they made.
const CONSUMER_REMOVED: &str = "done: remove the link's incoming consumer";
const LINK_DELETED: &str = "done: delete the application link";

/// A proxy's or Jira's error page.
fn html_error(status: u16) -> Answer {
    let body = format!("<html><body><h1>HTTP Status {status}</h1></body></html>");
    Answer::new(status, "text/html;charset=UTF-8", &body)
}

fn faults_on(env: &ProxiedEnv, targets: &[(&str, &str)], answer: &Answer) -> Vec<FaultId> {
    targets
        .iter()
        .map(|(method, path)| env.proxy.add(Fault::on(method, path, answer.clone())))
        .collect()
}

fn injected(env: &ProxiedEnv, faults: &[FaultId]) -> u64 {
    faults.iter().map(|f| env.proxy.injected(*f)).sum()
}

/// doctor exits 0 and its link and token checks pass.
fn assert_doctor_passes(env: &ProxiedEnv) {
    let (output, json) = doctor_json(env, &env.state_dir());
    assert_success(&output);
    for id in ["link.consumer-key", "link.public-key", "token.signed-call"] {
        assert_eq!(verdict(&json, id), "pass", "{id}: {json:#}");
    }
}

/// `renew` with every consumer removal answered `answer`: it may fail, but it
/// must not say it removed a consumer Jira still holds, and a plain `renew`
/// after it completes the renewal.
fn renew_with_the_consumer_removal_answered(answer: Answer) {
    let env = ProxiedEnv::new();
    env.setup();
    let old_consumer = env.jira.links()[0].consumer.clone().unwrap();
    let faults = faults_on(&env, &CONSUMER_REMOVALS, &answer);

    let faulted = env.run(&["renew", "--yes"]);
    assert!(
        injected(&env, &faults) > 0,
        "renew sent no removal: {:#?}",
        env.proxy.log()
    );
    let links = env.jira.links();
    let held = links[0].consumer.as_ref();
    if held == Some(&old_consumer) {
        assert!(
            !stdout(&faulted).contains(CONSUMER_REMOVED),
            "renew reported removed a consumer Jira still holds:\n{}\n{}",
            stdout(&faulted),
            stderr(&faulted)
        );
    }
    if faulted.status.success() {
        // Done despite the fault: then it must really be done.
        assert_doctor_passes(&env);
    }

    env.proxy.clear();
    let rerun = env.run(&["renew", "--yes"]);
    assert_success(&rerun);
    assert_doctor_passes(&env);
    let consumer = env.jira.links()[0].consumer.clone().unwrap();
    assert_ne!(
        consumer.public_key_der, old_consumer.public_key_der,
        "renewed"
    );
}

#[test]
fn renew_whose_consumer_removal_is_answered_404_claims_nothing_and_a_rerun_recovers() {
    renew_with_the_consumer_removal_answered(html_error(404));
}

#[test]
fn renew_whose_consumer_removal_is_redirected_to_the_login_page_claims_nothing_and_a_rerun_recovers(
) {
    renew_with_the_consumer_removal_answered(Answer::redirect_to_login(302));
}

#[test]
fn unlink_whose_link_delete_gets_a_login_page_fails_keeps_the_profile_and_a_rerun_removes_it() {
    let env = ProxiedEnv::new();
    env.setup();
    let fault = env
        .proxy
        .add(Fault::on("DELETE", LINK_DELETE, Answer::login_page(200)));

    let faulted = env.run(&["unlink", "--yes"]);
    assert_eq!(env.proxy.injected(fault), 1, "{:#?}", env.proxy.log());
    assert_eq!(env.jira.links().len(), 1, "Jira still holds the link");
    let shown = format!("{}\n{}", stdout(&faulted), stderr(&faulted));
    assert!(!faulted.status.success(), "unlink exited 0:\n{shown}");
    assert!(!shown.contains(LINK_DELETED), "{shown}");
    assert!(
        env.state_dir().join("state.toml").exists(),
        "the profile is kept while Jira holds the link:\n{shown}"
    );

    env.proxy.clear();
    let rerun = env.run(&["unlink", "--yes"]);
    assert_success(&rerun);
    assert!(env.jira.links().is_empty(), "{:?}", env.jira.links());
}

/// A fresh `setup` whose `method path` is answered 500 once: it fails or gets
/// over it; either way a plain rerun leaves one link and doctor passing.
fn setup_with_a_write_answered_500_once(method: &str, path: &str) {
    let env = ProxiedEnv::new();
    let fault = env
        .proxy
        .add(Fault::on(method, path, html_error(500)).once());

    let faulted = env.run(&["setup", "--yes"]);
    assert_eq!(
        env.proxy.injected(fault),
        1,
        "setup sent no {method} {path}: {:#?}",
        env.proxy.log()
    );
    if faulted.status.success() {
        assert_eq!(env.jira.links().len(), 1, "{:?}", env.jira.links());
        assert_doctor_passes(&env);
    }

    let rerun = env.run(&["setup", "--yes"]);
    assert_success(&rerun);
    assert_eq!(env.jira.links().len(), 1, "{:?}", env.jira.links());
    assert_doctor_passes(&env);
}

#[test]
fn setup_recovers_from_a_500_once_on_the_link_create() {
    setup_with_a_write_answered_500_once("PUT", "/rest/applinks/*/applicationlink");
}

#[test]
fn setup_recovers_from_a_500_once_on_the_consumer_put() {
    setup_with_a_write_answered_500_once(
        "PUT",
        "/rest/applinks-oauth/1.0/applicationlink/*/authentication/consumer",
    );
}

#[test]
fn setup_recovers_from_a_500_once_on_the_request_token() {
    setup_with_a_write_answered_500_once("POST", "/plugins/servlet/oauth/request-token");
}

#[test]
fn setup_recovers_from_a_500_once_on_the_approval() {
    setup_with_a_write_answered_500_once("POST", "/plugins/servlet/oauth/authorize");
}

#[test]
fn setup_recovers_from_a_500_once_on_the_access_token() {
    setup_with_a_write_answered_500_once("POST", "/plugins/servlet/oauth/access-token");
}

/// Issue 18: a create answered with an id holding a terminal escape (a proxy or
/// a broken Jira in front of the real one): the id reaches neither the terminal
/// nor `state.toml`, nothing is claimed created, and a rerun links as usual.
#[test]
fn an_escape_in_a_created_links_id_reaches_neither_the_terminal_nor_the_state() {
    let env = ProxiedEnv::new();
    let hostile = r#"{"status-code":201,"resources-created":[{"href":"http://jira/rest/applinks/3.0/applicationlink/\u001b]0;pwned\u0007abc"}]}"#;
    env.proxy.add(Fault::on(
        "PUT",
        "/rest/applinks/3.0/applicationlink",
        Answer::json(201, hostile),
    ));
    let output = env.run(&["setup", "--yes"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    for (what, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        assert!(!bytes.contains(&0x1b), "an escape reached {what}");
    }
    assert!(
        stderr(&output).contains("did not say its id as Jira's ids look"),
        "{}",
        stderr(&output)
    );
    let state = std::fs::read(env.state_dir().join("state.toml")).unwrap();
    assert!(!state.contains(&0x1b), "an escape reached state.toml");
    assert!(!String::from_utf8_lossy(&state).contains("pwned"));
    env.proxy.clear();
    assert_success(&env.run(&["setup", "--yes"]));
    assert_eq!(env.jira.links().len(), 1);
}
