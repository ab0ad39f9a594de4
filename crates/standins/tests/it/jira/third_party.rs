//! A client that is not ours: requests-oauthlib (Python, RSA-SHA1) does the whole
//! dance against the stand-in through its login and authorize pages, then makes
//! signed calls, one with the OAuth parameters in the query string.

use super::support::*;
use align_link_standins::jira::{AuthorizeMarkup, JiraConfig, JiraStandIn};
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use std::path::PathBuf;
use std::process::Command;

const MODULES: &str = "import requests, requests_oauthlib, oauthlib, cryptography";

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/requests_oauthlib_dance.py")
}

/// Never skipped: without the modules the test fails and says what to install.
fn require_python_modules() {
    let found = Command::new("python3").args(["-c", MODULES]).output();
    match found {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "python3 lacks modules this test needs ({}); install them with: \
             python3 -m pip install requests requests-oauthlib oauthlib cryptography",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(err) => panic!("python3 is needed for this test and could not run: {err}"),
    }
}

/// The script against a stand-in started with `config` that holds the test
/// consumer; its results once it succeeded.
fn dance(config: JiraConfig) -> (JiraStandIn, serde_json::Value) {
    require_python_modules();
    let s = JiraStandIn::start(config).unwrap();
    let link = create_link(&s, RPC_URL);
    let body = serde_json::json!({"key": CONSUMER, "publicKey": public_pem(), "outgoing": false});
    assert_eq!(put_consumer(&s, &link, body).status(), 201);
    let pem = key().to_pkcs8_pem(LineEnding::LF).unwrap();
    let demo = s.demo().clone();
    let out = Command::new("python3")
        .arg(script())
        .args([
            s.url().as_str(),
            CONSUMER,
            &demo.service_username,
            &demo.service_password,
        ])
        .env("STANDIN_RSA_KEY", pem.as_str())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the script failed: {stderr}");
    let results = serde_json::from_slice(&out.stdout).unwrap();
    (s, results)
}

#[test]
fn requests_oauthlib_completes_the_dance_and_signs_calls() {
    let (s, results) = dance(JiraConfig::default());
    assert_eq!(results["request_token_confirmed"], "true");
    assert_eq!(results["header"], "svc-jira-align");
    assert_eq!(results["query"], "svc-jira-align");
    assert_eq!(results["search_total"], 3);
    let tokens = s.access_tokens();
    assert_eq!(
        (tokens.len(), tokens[0].consumer_key.as_str()),
        (1, CONSUMER)
    );
}

/// Python's own HTML parser reads every markup style of the authorize page (the
/// cookie-only one through the XSRF cookie), so the styles are HTML, not ours.
#[test]
fn requests_oauthlib_reads_every_authorize_markup_and_a_context_path() {
    use AuthorizeMarkup::*;
    for markup in [Unquoted, SingleQuoted, UpperCase, Scattered, CookieOnly] {
        let (_, results) = dance(JiraConfig {
            authorize_markup: markup,
            ..JiraConfig::default()
        });
        assert_eq!(results["query"], "svc-jira-align", "{markup:?}");
    }
    let (s, results) = dance(JiraConfig {
        context_path: "/jira".into(),
        ..JiraConfig::default()
    });
    assert!(s.url().ends_with("/jira"));
    assert_eq!(results["header"], "svc-jira-align");
}

/// Another client that is not ours: pycontribs `jira` reads the field list
/// (`GET /rest/api/2/field`, Jira's FieldResource) before `search_issues`, as
/// against a real Jira.
#[test]
fn pycontribs_jira_searches_the_test_project() {
    let modules = Command::new("python3").args(["-c", "import jira"]).output();
    assert!(
        modules.is_ok_and(|out| out.status.success()),
        "python3 lacks the `jira` module; install it with: python3 -m pip install jira"
    );
    let s = JiraStandIn::start(JiraConfig::default()).unwrap();
    let demo = s.demo().clone();
    let program = "import sys, jira\n\
                   client = jira.JIRA(server=sys.argv[1], basic_auth=(sys.argv[2], sys.argv[3]), get_server_info=True)\n\
                   issues = client.search_issues('project = ' + sys.argv[4], maxResults=10)\n\
                   print(len(issues), sorted(f['id'] for f in client.fields())[:3])\n";
    let out = Command::new("python3")
        .args(["-c", program])
        .args([
            s.url().as_str(),
            &demo.service_username,
            &demo.service_password,
            &demo.test_project_key,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("['assignee', 'created', 'description']"),
        "{stdout}"
    );
    assert!(s.requests_to("GET", "/rest/api/2/field") >= 1);
}
