//! A client that is not ours: requests-oauthlib (Python, RSA-SHA1) does the whole
//! dance against the stand-in through its login and authorize pages, then makes
//! signed calls, one with the OAuth parameters in the query string.

use super::support::*;
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

#[test]
fn requests_oauthlib_completes_the_dance_and_signs_calls() {
    require_python_modules();
    let s = linked();
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
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
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
