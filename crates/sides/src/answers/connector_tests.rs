//! The keys for Jira Align's API, the connector, the preflight and consent.

use super::tests::{fail, parse};
use super::*;

#[test]
fn connector_and_align_api_keys_parse() {
    let a = parse(
        "[service_account]\ntoken = \"svc-pat\"\n[align]\napi_token = \"user:1|x\"\napi_email = \"a@example.com\"\nsync_timeout_secs = 30\n[connector]\nauth = \"pat\"\nid = 12\n[keys]\npreflight = false\n",
    )
    .unwrap();
    assert_eq!(
        a.service_account.token.as_ref().map(Secret::expose),
        Some("svc-pat")
    );
    assert_eq!(
        a.align.api_token.as_ref().map(Secret::expose),
        Some("user:1|x")
    );
    assert_eq!(a.align.api_email.as_deref(), Some("a@example.com"));
    assert_eq!(a.align.sync_timeout_secs, Some(30));
    assert_eq!(a.connector.auth, Some(ConnectorAuth::Pat));
    assert_eq!(a.connector.id, Some(12));
    assert_eq!(a.keys.preflight, Some(false));
}

#[test]
fn connector_auth_must_be_a_known_method() {
    let (message, hint) = fail("[connector]\nauth = \"oauth2\"\n");
    assert!(
        message.starts_with("answers.toml:2:8: connector.auth"),
        "{message}"
    );
    let both = format!("{message} {hint}");
    assert!(both.contains("\"oauth\""), "{both}");
}

#[test]
fn numbers_and_flags_are_checked() {
    let (message, hint) = fail("[align]\nsync_timeout_secs = 0\n");
    assert!(
        message.starts_with("answers.toml:2:21: align.sync_timeout_secs: 0 is out of range"),
        "{message}"
    );
    assert!(hint.contains("1 to 3600"), "{hint}");
    let (message, _) = fail("[connector]\nid = \"12\"\n");
    assert!(
        message.contains("connector.id: expected an integer"),
        "{message}"
    );
    let (message, _) = fail("[keys]\npreflight = \"yes\"\n");
    assert!(
        message.contains("keys.preflight: expected true or false"),
        "{message}"
    );
    let (message, _) = fail("[align]\napi_email = \"admin\"\n");
    assert!(
        message.contains("align.api_email: `admin` is not an email address"),
        "{message}"
    );
}

#[test]
fn replace_existing_is_a_flag_under_jira() {
    let a = parse("[jira]\nreplace_existing = true\n").unwrap();
    assert_eq!(a.jira.replace_existing, Some(true));
    assert_eq!(parse("").unwrap().jira.replace_existing, None);
    let (message, _) = fail("[jira]\nreplace_existing = \"yes\"\n");
    assert!(
        message.starts_with("answers.toml:2:20: jira.replace_existing: expected true or false"),
        "{message}"
    );
}
