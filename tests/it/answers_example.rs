//! The shipped example answers file must stay valid and mean what it says.

use std::path::{Path, PathBuf};

use align_link::answers::Answers;
use align_link::domain::{Approval, ConnectorAuth, KeySource, SecretStore};

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/answers.toml")
}

fn example_text() -> String {
    std::fs::read_to_string(example_path()).expect("examples/answers.toml is readable")
}

/// The environment the example expects; the process environment is left alone.
fn env(name: &str) -> Option<String> {
    match name {
        "JIRA_ADMIN_TOKEN" => Some("pat-for-tests".to_string()),
        "JIRA_SERVICE_PASSWORD" => Some("service-password".to_string()),
        "ALIGN_API_TOKEN" => Some("user:1|align-token".to_string()),
        _ => None,
    }
}

#[test]
fn example_parses_with_its_env_vars_set() {
    let a = Answers::parse(&example_text(), &example_path(), &env).unwrap();
    assert_eq!(
        a.jira.url.as_ref().map(|u| u.as_str()),
        Some("https://jira.example.com/")
    );
    assert_eq!(
        a.jira.admin_token.as_ref().map(|s| s.expose()),
        Some("pat-for-tests")
    );
    assert!(a.jira.admin_username.is_none() && a.jira.admin_password.is_none());
    assert_eq!(a.jira.test_project.as_deref(), Some("ALIGN"));
    assert_eq!(
        a.jira.replace_existing, None,
        "consent is never given by example"
    );
    assert_eq!(
        a.service_account.username.as_deref(),
        Some("svc-jira-align")
    );
    assert_eq!(
        a.service_account.password.as_ref().map(|s| s.expose()),
        Some("service-password")
    );
    assert_eq!(
        a.align.url.as_ref().map(|u| u.as_str()),
        Some("https://example.jiraalign.com/")
    );
    assert_eq!(a.align.application_name.as_deref(), Some("Jira Align"));
    assert_eq!(a.align.connector_name.as_deref(), Some("Jira Data Center"));
    assert_eq!(a.keys.source, Some(KeySource::Generate));
    assert_eq!(a.keys.consumer_key.as_deref(), Some("JiraAlign2024"));
    assert_eq!(a.keys.bits, Some(3072));
    assert_eq!(a.secrets.store, Some(SecretStore::Auto));
    let keyring = example_text().replace("store = \"auto\"", "store = \"keyring\"");
    let b = Answers::parse(&keyring, &example_path(), &env).unwrap();
    assert_eq!(b.secrets.store, Some(SecretStore::Keyring));
    let wrong = example_text().replace("store = \"auto\"", "store = \"vault\"");
    let err = Answers::parse(&wrong, &example_path(), &env).unwrap_err();
    assert!(err.message.contains("secrets.store"), "{}", err.message);
    assert!(a.keys.public_key.is_none() && a.keys.public_key_origin.is_none());
    assert_eq!(a.oauth.approval, Some(Approval::ServiceAccount));
    assert_eq!(
        a.align.api_token.as_ref().map(|s| s.expose()),
        Some("user:1|align-token")
    );
    assert_eq!(a.align.sync_timeout_secs, Some(300));
    assert_eq!(a.connector.auth, Some(ConnectorAuth::OAuth));
    assert_eq!(a.keys.preflight, Some(true));
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
}

#[test]
fn example_names_the_missing_env_var() {
    let err = Answers::parse(&example_text(), Path::new("answers.toml"), &|_| None).unwrap_err();
    assert!(
        err.message
            .contains("jira.admin_token: environment variable JIRA_ADMIN_TOKEN is not set"),
        "{}",
        err.message
    );
}

#[test]
fn example_documents_every_key() {
    let text = example_text();
    for key in [
        "url",
        "admin_token",
        "admin_username",
        "admin_password",
        "test_project",
        "replace_existing",
        "username",
        "password",
        "application_name",
        "connector_name",
        "source",
        "consumer_key",
        "bits",
        "public_key",
        "public_key_file",
        "approval",
        "token",
        "api_token",
        "api_email",
        "sync_timeout_secs",
        "auth",
        "id",
        "preflight",
    ] {
        assert!(
            text.lines()
                .any(|l| l.trim_start_matches("# ").starts_with(&format!("{key} = "))),
            "examples/answers.toml does not show {key}"
        );
    }
}

#[test]
fn the_binary_prints_the_example_it_ships() {
    let output = assert_cmd::Command::cargo_bin("align-link")
        .unwrap()
        .arg("answers-example")
        .output()
        .unwrap();
    crate::support::assert_success(&output);
    let printed = String::from_utf8(output.stdout).unwrap();
    assert_eq!(printed.trim_end(), example_text().trim_end());
}
