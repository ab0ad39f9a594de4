//! Cross-checks our OAuth 1.0a RSA-SHA1 signer against independent code:
//! python's oauthlib rebuilds the signature base string from the URL, the form and
//! our `Authorization` header alone, and both python's `cryptography` and the
//! `openssl` command verify our signature over that string.
//!
//! Needs python3 with `oauthlib` and `cryptography`
//! (`python3 -m pip install oauthlib cryptography`) and `openssl`. When they are
//! missing the tests fail and say what to install: a silent skip would hide that
//! nothing was checked.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};

use align_link::keys::{private_key_from_pem, public_key_to_pem};
use align_link::oauth::{OAuthExtras, Signer};
use base64::Engine as _;
use url::Url;

/// A fixed 2048-bit test key, made once with
/// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`.
const TEST_PRIVATE_PEM: &str = include_str!("../data/test-key-2048.pem");

const CONSUMER_KEY: &str = "JiraAlignCrossCheck";
const HELPER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/support/oauth_crosscheck.py"
);

struct Case<'a> {
    method: &'a str,
    /// The URL as written by a user: oauthlib normalises it on its own.
    url: &'a str,
    form: &'a [(&'a str, &'a str)],
    extras: OAuthExtras,
    /// What the base-string URI must come out as, pinned by hand.
    expected_base_uri: &'a str,
}

struct Outcome {
    base_string: String,
    signature: Vec<u8>,
}

/// Fails, with what to install, unless python3 with oauthlib and cryptography and
/// openssl are all present. Checked once per test binary.
fn require_tools() {
    static CHECKED: OnceLock<Result<(), String>> = OnceLock::new();
    let result = CHECKED.get_or_init(|| {
        let install = "install python3, then `python3 -m pip install oauthlib cryptography`";
        let python = Command::new("python3")
            .args(["-c", "import oauthlib, cryptography"])
            .output()
            .map_err(|err| format!("python3 could not be run ({err}): {install}"))?;
        if !python.status.success() {
            return Err(format!(
                "python3 lacks oauthlib or cryptography ({}): run `python3 -m pip install oauthlib cryptography`",
                String::from_utf8_lossy(&python.stderr).lines().last().unwrap_or("").trim()
            ));
        }
        Command::new("openssl")
            .arg("version")
            .output()
            .map_err(|err| format!("openssl could not be run ({err}): install it (apt-get install openssl)"))?;
        Ok(())
    });
    if let Err(message) = result {
        panic!("signature cross-check cannot run: {message}");
    }
}

fn signer() -> Signer {
    Signer::new(
        CONSUMER_KEY.to_string(),
        Arc::new(private_key_from_pem(TEST_PRIVATE_PEM).unwrap()),
    )
}

fn public_pem() -> String {
    public_key_to_pem(
        &private_key_from_pem(TEST_PRIVATE_PEM)
            .unwrap()
            .to_public_key(),
    )
}

fn fixed(nonce: &str, timestamp: u64) -> OAuthExtras {
    OAuthExtras {
        nonce: Some(nonce.into()),
        timestamp: Some(timestamp),
        ..OAuthExtras::default()
    }
}

/// Runs the python helper on one signed request.
fn oauthlib_check(
    method: &str,
    url: &str,
    form: &[(String, String)],
    authorization: &str,
) -> serde_json::Value {
    let input = serde_json::json!({
        "method": method,
        "url": url,
        "authorization": authorization,
        "form": form,
        "public_key_pem": public_pem(),
    });
    let mut child = Command::new("python3")
        .arg(HELPER)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "oauthlib helper failed for {url}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("helper prints JSON")
}

/// `openssl dgst -sha1 -verify`: true when the signature over `data` verifies.
fn openssl_verifies(dir: &Path, data: &str, signature: &[u8]) -> bool {
    let (key, data_file, sig) = (
        dir.join("pub.pem"),
        dir.join("base.txt"),
        dir.join("sig.bin"),
    );
    std::fs::write(&key, public_pem()).unwrap();
    std::fs::write(&data_file, data).unwrap();
    std::fs::write(&sig, signature).unwrap();
    let output = Command::new("openssl")
        .args(["dgst", "-sha1", "-verify"])
        .arg(&key)
        .arg("-signature")
        .arg(&sig)
        .arg(&data_file)
        .output()
        .expect("openssl runs");
    output.status.success() && String::from_utf8_lossy(&output.stdout).contains("Verified OK")
}

fn check(case: Case<'_>) -> Outcome {
    require_tools();
    let url = Url::parse(case.url).unwrap();
    let form: Vec<(String, String)> = case
        .form
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let signed = signer().sign(case.method, &url, &form, &case.extras);

    // The query oauthlib reads from the raw URL must be the one we send.
    assert_eq!(
        url.query().unwrap_or(""),
        case.url.split_once('?').map_or("", |(_, q)| q)
    );

    let python = oauthlib_check(case.method, case.url, &form, &signed.authorization);
    let base_string = python["base_string"].as_str().unwrap().to_string();
    assert_eq!(
        base_string, signed.base_string,
        "oauthlib and we disagree on the base string"
    );
    let expected_prefix = format!(
        "{}&{}&",
        case.method.to_ascii_uppercase(),
        align_link::oauth::oauth_encode(case.expected_base_uri)
    );
    assert!(
        base_string.starts_with(&expected_prefix),
        "{base_string}\nshould start with {expected_prefix}"
    );
    assert_eq!(
        python["verified"], true,
        "cryptography rejects our signature over {base_string}"
    );

    let signature = base64::engine::general_purpose::STANDARD
        .decode(python["signature"].as_str().unwrap())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    assert!(
        openssl_verifies(dir.path(), &base_string, &signature),
        "openssl rejects our signature"
    );
    Outcome {
        base_string,
        signature,
    }
}

#[test]
fn request_token_post_with_callback() {
    let extras = OAuthExtras {
        callback: Some("https://align.example.com/oauth/callback?state=a b&x=~/+é".into()),
        ..fixed("n0nceRequestToken", 1_700_000_000)
    };
    let outcome = check(Case {
        method: "POST",
        url: "https://jira.example.com/plugins/servlet/oauth/request-token",
        form: &[],
        extras,
        expected_base_uri: "https://jira.example.com/plugins/servlet/oauth/request-token",
    });
    assert!(outcome
        .base_string
        .contains("oauth_callback%3Dhttps%253A%252F%252Falign.example.com"));
}

#[test]
fn access_token_post_with_token_and_verifier() {
    let extras = OAuthExtras {
        token: Some("reqTok3n".into()),
        verifier: Some(align_link::domain::Secret::new("Ab3dE9")),
        ..fixed("n0nceAccessToken", 1_700_000_100)
    };
    let outcome = check(Case {
        method: "POST",
        url: "https://jira.example.com/plugins/servlet/oauth/access-token",
        form: &[],
        extras,
        expected_base_uri: "https://jira.example.com/plugins/servlet/oauth/access-token",
    });
    assert!(outcome
        .base_string
        .contains("oauth_token%3DreqTok3n%26oauth_verifier%3DAb3dE9"));
}

#[test]
fn signed_get_with_query_needing_encoding() {
    // Space (%20 and +), '+' itself, '/', '~', ',', UTF-8 (ü, ✓), an empty value,
    // and a repeated name whose values sort differently raw and encoded.
    let url = "https://jira.example.com/rest/api/2/search?jql=project%20%3D%20ABC%20AND%20text%20~%20%22a%2Bb%22\
               &fields=summary,status&path=/a/b&tilde=~x&name=J%C3%BCrgen%20%E2%9C%93&plus=1+2&empty=&k=%7Bz%7D&k=a";
    let extras = OAuthExtras {
        token: Some("acc3ssTok".into()),
        ..fixed("n0nceQuery", 1_700_000_200)
    };
    let outcome = check(Case {
        method: "GET",
        url,
        form: &[],
        extras,
        expected_base_uri: "https://jira.example.com/rest/api/2/search",
    });
    assert!(outcome
        .base_string
        .contains("name%3DJ%25C3%25BCrgen%2520%25E2%259C%2593"));
    assert!(outcome.base_string.contains("plus%3D1%25202"));
}

#[test]
fn upper_case_host_and_explicit_https_port_are_normalised() {
    check(Case {
        method: "GET",
        url: "https://JIRA.Example.COM:443/rest/api/2/myself",
        form: &[],
        extras: OAuthExtras {
            token: Some("acc3ssTok".into()),
            ..fixed("n0nceUpper", 1_700_000_300)
        },
        expected_base_uri: "https://jira.example.com/rest/api/2/myself",
    });
}

#[test]
fn explicit_http_port_80_is_dropped_and_method_upper_cased() {
    check(Case {
        method: "get",
        url: "http://jira.example.com:80/jira/rest/api/2/myself?expand=groups",
        form: &[],
        extras: OAuthExtras {
            token: Some("acc3ssTok".into()),
            ..fixed("n0nceHttp", 1_700_000_400)
        },
        expected_base_uri: "http://jira.example.com/jira/rest/api/2/myself",
    });
}

#[test]
fn non_default_port_is_kept() {
    check(Case {
        method: "GET",
        url: "https://Jira.Example.com:8443/jira/rest/api/2/serverInfo",
        form: &[],
        extras: OAuthExtras {
            token: Some("acc3ssTok".into()),
            ..fixed("n0ncePort", 1_700_000_500)
        },
        expected_base_uri: "https://jira.example.com:8443/jira/rest/api/2/serverInfo",
    });
}

#[test]
fn form_body_pairs_are_signed() {
    check(Case {
        method: "POST",
        url: "https://jira.example.com/plugins/servlet/oauth/authorize?os_authType=basic",
        form: &[
            ("atl_token", "B3WY-a1b2|lin"),
            ("approve", "Allow"),
            ("na me", "v/1 +x"),
            ("k", "{x}"),
            ("k", "a"),
            ("ü", "é"),
        ],
        extras: OAuthExtras {
            token: Some("reqTok3n".into()),
            ..fixed("n0nceForm", 1_700_000_600)
        },
        expected_base_uri: "https://jira.example.com/plugins/servlet/oauth/authorize",
    });
}

#[test]
fn random_nonce_and_current_timestamp_verify_too() {
    check(Case {
        method: "POST",
        url: "https://jira.example.com/plugins/servlet/oauth/request-token",
        form: &[],
        extras: OAuthExtras {
            callback: Some("oob".into()),
            ..OAuthExtras::default()
        },
        expected_base_uri: "https://jira.example.com/plugins/servlet/oauth/request-token",
    });
}

#[test]
fn verifiers_reject_a_tampered_base_string() {
    // Guards the checks above against a verifier that accepts anything.
    let outcome = check(Case {
        method: "GET",
        url: "https://jira.example.com/rest/api/2/myself",
        form: &[],
        extras: OAuthExtras {
            token: Some("acc3ssTok".into()),
            ..fixed("n0nceTamper", 1_700_000_700)
        },
        expected_base_uri: "https://jira.example.com/rest/api/2/myself",
    });
    let tampered = outcome.base_string.replace("myself", "myselves");
    let dir = tempfile::tempdir().unwrap();
    assert!(!openssl_verifies(dir.path(), &tampered, &outcome.signature));
    let mut bad_signature = outcome.signature.clone();
    bad_signature[10] ^= 1;
    assert!(!openssl_verifies(
        dir.path(),
        &outcome.base_string,
        &bad_signature
    ));
}
