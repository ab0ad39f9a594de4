//! The fault-injecting proxy of the test support, on its own: what matches no
//! fault reaches Jira unchanged (a whole signed setup verifies through it), a
//! fault answers in Jira's place only for its method and path, `once` only the
//! first time, and a dropped proxy stops listening.

use std::time::Duration;

use crate::doctor::doctor_json;
use crate::support::fault_proxy::{path_matches, Answer, Fault, FaultProxy, ProxiedEnv};
use crate::support::{assert_success, Env};

/// A client that shows redirects rather than following them, as align-link's does.
fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// `GET url` with the administrator's token: status, content type and body.
fn get(env: &Env, url: &str) -> (u16, String, String) {
    let response = client()
        .get(url)
        .bearer_auth(&env.jira.demo().admin_token)
        .header("Accept", "application/json")
        .send()
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("Content-Type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, content_type, response.text().unwrap())
}

#[test]
fn path_patterns_match_a_segment_or_part_of_one_per_star() {
    let consumer = "/rest/applinks-oauth/1.0/applicationlink/*/authentication/consumer";
    assert!(path_matches(
        consumer,
        "/rest/applinks-oauth/1.0/applicationlink/ab-12/authentication/consumer"
    ));
    assert!(!path_matches(
        consumer,
        "/rest/applinks-oauth/1.0/applicationlink/ab/12/authentication/consumer"
    ));
    assert!(!path_matches(
        consumer,
        "/rest/applinks-oauth/1.0/applicationlink/ab/authentication/consumers"
    ));
    assert!(path_matches(
        "/plugins/servlet/oauth/*-token",
        "/plugins/servlet/oauth/access-token"
    ));
    assert!(path_matches("/rest/api/2/myself", "/rest/api/2/myself"));
    assert!(!path_matches("/rest/api/2/myself", "/rest/api/2/myselfie"));
}

#[test]
fn unmatched_requests_pass_through_and_a_whole_signed_setup_verifies() {
    let env = ProxiedEnv::new();
    // A fault for another method on a path setup reads: it must not fire.
    let unused = env.proxy.add(Fault::on(
        "DELETE",
        "/rest/applinks/3.0/applinks",
        Answer::json(500, "{}"),
    ));
    let direct = get(&env, &format!("{}/rest/api/2/myself", env.jira.url()));
    let proxied = get(&env, &format!("{}/rest/api/2/myself", env.proxy.url()));
    assert_eq!(direct, proxied);

    // Signed calls (the token servlets, the signed reads) are checked against the
    // Host the client sent, which the proxy keeps.
    env.setup();
    assert_eq!(env.jira.links().len(), 1);
    let (output, _) = doctor_json(&env, &env.state_dir());
    assert_success(&output);
    assert_eq!(env.proxy.injected(unused), 0);
    let log = env.proxy.log();
    assert!(
        log.iter()
            .any(|l| l == "POST /plugins/servlet/oauth/access-token -> 200"),
        "{log:#?}"
    );
    assert!(log.iter().all(|l| !l.contains('!')), "{log:#?}");
}

#[test]
fn a_fault_answers_only_its_method_and_path() {
    let env = Env::new();
    let proxy = FaultProxy::start(&env.jira.url());
    let fault = proxy.add(Fault::on(
        "GET",
        "/rest/api/2/serverInfo",
        Answer::login_page(200),
    ));
    let (status, content_type, body) = get(&env, &format!("{}/rest/api/2/serverInfo", proxy.url()));
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/html;charset=UTF-8")
    );
    assert!(body.contains("login-form"), "{body}");
    let (status, _, body) = get(&env, &format!("{}/rest/api/2/serverInfo", proxy.url()));
    assert_eq!(status, 200);
    assert!(
        body.contains("login-form"),
        "every match, without once: {body}"
    );
    assert_eq!(proxy.injected(fault), 2);

    let (status, _, body) = get(&env, &format!("{}/rest/api/2/myself", proxy.url()));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"name\":\"admin\""), "{body}");
    let status = client()
        .post(format!("{}/rest/api/2/serverInfo", proxy.url()))
        .bearer_auth(&env.jira.demo().admin_token)
        .send()
        .unwrap()
        .status()
        .as_u16();
    assert_ne!(status, 200, "a POST is not the GET's fault");
    assert_eq!(proxy.injected(fault), 2);

    proxy.clear();
    let (status, content_type, _) = get(&env, &format!("{}/rest/api/2/serverInfo", proxy.url()));
    assert_eq!(status, 200);
    assert!(content_type.contains("json"), "{content_type}");
}

#[test]
fn once_and_nth_faults_answer_one_matching_request_only() {
    let env = Env::new();
    let proxy = FaultProxy::start(&env.jira.url());
    let url = format!("{}/rest/api/2/serverInfo", proxy.url());
    let first =
        proxy.add(Fault::on("GET", "/rest/api/2/serverInfo", Answer::json(500, "{}")).once());
    let third = proxy.add(Fault::on("GET", "/rest/api/2/*", Answer::redirect_to_login(302)).nth(3));
    let statuses: Vec<u16> = (0..4).map(|_| get(&env, &url).0).collect();
    assert_eq!(statuses, [500, 200, 302, 200]);
    assert_eq!((proxy.injected(first), proxy.injected(third)), (1, 1));
    let response = client().get(&url).send().unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[test]
fn a_redirect_fault_sends_its_location() {
    let env = Env::new();
    let proxy = FaultProxy::start(&env.jira.url());
    proxy.add(Fault::on(
        "GET",
        "/rest/api/2/myself",
        Answer::redirect_to_login(302),
    ));
    let response = client()
        .get(format!("{}/rest/api/2/myself", proxy.url()))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 302);
    let location = response.headers()["Location"].to_str().unwrap();
    assert!(location.starts_with("/login.jsp?"), "{location}");
}

#[test]
fn a_dropped_proxy_stops_listening() {
    let env = Env::new();
    let proxy = FaultProxy::start(&env.jira.url());
    let addr = proxy.url().trim_start_matches("http://").to_string();
    assert_eq!(
        get(&env, &format!("{}/rest/api/2/myself", proxy.url())).0,
        200
    );
    drop(proxy);
    let connected =
        std::net::TcpStream::connect_timeout(&addr.parse().unwrap(), Duration::from_secs(2));
    assert!(connected.is_err(), "still listening at {addr}");
}
