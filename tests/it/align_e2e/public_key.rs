//! Jira Align's public key in the answers file: PEM, the bare base64 Jira Align
//! shows, or a file, all read as the same key; a PKCS#1 key or garbage is a usage
//! error that names the key and the fix.

use std::process::Output;

use base64::Engine;
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::pkcs8::{DecodePublicKey, LineEnding};
use sha2::{Digest, Sha256};

use super::support::align::{shown_key_der, AlignEnv};
use super::support::{assert_exit, assert_success, stderr, stdout, write_private};
use super::CONSUMER_KEY;

fn pem(shown: &str) -> String {
    format!("-----BEGIN PUBLIC KEY-----\n{shown}\n-----END PUBLIC KEY-----\n")
}

/// The `SHA256:` fingerprint of the SPKI DER, computed here independently.
fn expected_fingerprint(shown: &str) -> String {
    let digest = Sha256::digest(shown_key_der(shown));
    format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
    )
}

fn pkcs1_pem(shown: &str) -> String {
    rsa::RsaPublicKey::from_public_key_der(&shown_key_der(shown))
        .unwrap()
        .to_pkcs1_pem(LineEnding::LF)
        .unwrap()
}

/// Fresh state, these `[keys]` lines, then steps 4 and 5 (step 5 takes the key).
fn take_key(env: &AlignEnv, keys: &str) -> Output {
    let _ = std::fs::remove_dir_all(env.state_dir());
    env.write_answers(&format!(
        "source = \"align\"\nconsumer_key = \"{CONSUMER_KEY}\"\n{keys}"
    ));
    let step4 = env.run(&["step", "4", "--yes"]);
    if !step4.status.success() {
        return step4;
    }
    env.run(&["step", "5", "--yes"])
}

fn status_fingerprint(env: &AlignEnv) -> String {
    let output = env.run(&["status", "--json"]);
    assert_success(&output);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["facts"]["public_key_fingerprint"]
        .as_str()
        .unwrap_or_else(|| panic!("no fingerprint in {json}"))
        .to_string()
}

#[test]
fn pem_bare_base64_and_a_file_give_the_same_key() {
    let env = AlignEnv::new();
    let (_, shown) = env.oauth_connector(CONSUMER_KEY);
    let expected = expected_fingerprint(&shown);
    write_private(&env.dir.path().join("align-public.pem"), &pem(&shown));
    let forms = [
        (
            "PEM",
            format!("public_key = \"\"\"\n{}\"\"\"\n", pem(&shown)),
        ),
        (
            "bare base64 with line breaks",
            format!("public_key = \"\"\"\n{shown}\n\"\"\"\n"),
        ),
        (
            "public_key_file",
            "public_key_file = \"align-public.pem\"\n".to_string(),
        ),
    ];
    for (form, keys) in forms {
        let output = take_key(&env, &keys);
        assert_success(&output);
        assert!(
            stdout(&output).contains(&expected),
            "{form}: step 5 shows the fingerprint\n{}",
            stdout(&output)
        );
        assert_eq!(env.step_status(5), "done", "{form}");
        assert_eq!(status_fingerprint(&env), expected, "{form}");
        let saved = env.state()["consumer"]["public_key_pem"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            saved.starts_with("-----BEGIN PUBLIC KEY-----"),
            "{form}: kept as SPKI PEM, ready for Jira: {saved}"
        );
    }
}

#[test]
fn a_pkcs1_key_is_refused_with_the_openssl_fix() {
    let env = AlignEnv::new();
    let (_, shown) = env.oauth_connector(CONSUMER_KEY);
    let pkcs1 = pkcs1_pem(&shown);
    assert!(
        pkcs1.starts_with("-----BEGIN RSA PUBLIC KEY-----"),
        "{pkcs1}"
    );
    write_private(&env.dir.path().join("align-public.pem"), &pkcs1);
    let pkcs1_body: String = pkcs1.lines().filter(|l| !l.starts_with("-----")).collect();
    let forms = [
        (
            "inline PEM",
            format!("public_key = \"\"\"\n{pkcs1}\"\"\"\n"),
            "keys.public_key",
        ),
        (
            "file",
            "public_key_file = \"align-public.pem\"\n".to_string(),
            "keys.public_key_file",
        ),
        (
            "bare base64 of the PKCS#1 DER",
            format!("public_key = \"{pkcs1_body}\"\n"),
            "keys.public_key",
        ),
    ];
    for (form, keys, named) in forms {
        let output = take_key(&env, &keys);
        assert_exit(&output, 2);
        let err = stderr(&output);
        assert!(err.contains(named), "{form}: names {named}: {err}");
        assert!(err.contains("PKCS#1"), "{form}: the reason: {err}");
        assert!(
            err.contains("openssl rsa -RSAPublicKey_in") && err.contains("-pubout"),
            "{form}: the openssl fix: {err}"
        );
        assert_ne!(env.step_status(5), "done", "{form}");
    }
}

#[test]
fn garbage_is_a_usage_error_naming_the_key() {
    let env = AlignEnv::new();
    env.write_answers(&format!(
        "source = \"align\"\nconsumer_key = \"{CONSUMER_KEY}\"\npublic_key = \"copy the key from Jira Align!\"\n"
    ));
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("keys.public_key"), "{err}");
    assert!(
        err.contains("answers.toml:"),
        "with the file position: {err}"
    );
    assert!(
        env.jira.links().is_empty(),
        "a bad answers file stops the run before any step"
    );
    assert_eq!(env.align.request_count(), 0, "nor was Jira Align called");
}
