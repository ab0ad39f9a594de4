//! `unlink` and `renew` through the binary against the Jira stand-in: unlink
//! twice, unlink of a link another profile made (refused without consent), and
//! renew followed by doctor, with the old token proven dead.

use std::sync::Arc;

use align_link::keys::private_key_from_pem;
use align_link::oauth::{OAuthExtras, Signer};

use crate::doctor::{doctor_json, verdict};
use crate::support;

use support::{assert_exit, assert_success, stderr, stdout, Env};

const STATE_FILES: [&str; 3] = ["state.toml", "private-key.pem", "access-token.toml"];

#[test]
fn unlink_removes_everything_and_a_second_run_finds_nothing_left() {
    let env = Env::new();
    env.setup();
    for file in STATE_FILES {
        assert!(env.state_dir().join(file).exists(), "{file} after setup");
    }
    let first = env.run(&["unlink", "--yes"]);
    assert_success(&first);
    let shown = stdout(&first);
    assert!(shown.contains("Deactivate the connector"), "{shown}");
    assert!(env.jira.links().is_empty(), "the link is gone from Jira");
    assert!(
        env.jira.access_tokens().is_empty(),
        "and the tokens with its consumer"
    );
    for file in STATE_FILES {
        assert!(!env.state_dir().join(file).exists(), "{file} is removed");
    }

    let second = env.run(&["unlink", "--yes"]);
    assert_success(&second);
    assert!(
        stdout(&second).contains("Nothing left to remove"),
        "{}",
        stdout(&second)
    );
}

#[test]
fn unlink_refuses_a_link_this_profile_did_not_make_without_consent() {
    let env = Env::new();
    env.setup();
    let writes = env.jira.write_count();
    let other = env.dir.path().join("other-profile");

    let refused = env.cmd_in(&other, &["unlink", "--yes"]).output().unwrap();
    assert_exit(&refused, 1);
    let err = stderr(&refused);
    assert!(err.contains("without consent"), "{err}");
    assert!(err.contains("--replace-existing"), "{err}");
    assert!(err.contains("Nothing was removed"), "{err}");
    assert_eq!(env.jira.links().len(), 1, "the link stays");
    assert!(env.jira.links()[0].consumer.is_some(), "and its consumer");
    assert_eq!(env.jira.write_count(), writes, "nothing written");
    assert!(env.state_dir().join("private-key.pem").exists());

    let consented = env
        .cmd_in(&other, &["unlink", "--yes", "--replace-existing"])
        .output()
        .unwrap();
    assert_success(&consented);
    assert!(env.jira.links().is_empty());
}

/// A signed `GET /rest/api/2/myself`: its HTTP status.
fn signed_myself(env: &Env, consumer_key: &str, private_pem: &str, token: &str) -> u16 {
    let signer = Signer::new(
        consumer_key.to_string(),
        Arc::new(private_key_from_pem(private_pem).unwrap()),
    );
    let url = url::Url::parse(&format!("{}/rest/api/2/myself", env.jira.url())).unwrap();
    let signed = signer.sign(
        "GET",
        &url,
        &[],
        &OAuthExtras {
            token: Some(token.to_string()),
            ..OAuthExtras::default()
        },
    );
    reqwest::blocking::Client::new()
        .get(url)
        .header("Authorization", signed.authorization)
        .header("Accept", "application/json")
        .send()
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn renew_then_doctor_passes_with_a_new_key_and_the_old_token_is_dead() {
    let env = Env::new();
    env.setup();
    let before = env.state();
    let key = before["consumer"]["key"].as_str().unwrap().to_string();
    let old_fingerprint = before["consumer"]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let old_private = std::fs::read_to_string(env.state_dir().join("private-key.pem")).unwrap();
    let old_token: toml::Value = toml::from_str(
        &std::fs::read_to_string(env.state_dir().join("access-token.toml")).unwrap(),
    )
    .unwrap();
    let old_token = old_token["token"].as_str().unwrap().to_string();
    assert_eq!(signed_myself(&env, &key, &old_private, &old_token), 200);
    let sync_step = env.step_status(24);

    let renewed = env.run(&["renew", "--yes"]);
    assert_success(&renewed);
    let after = env.state();
    assert_eq!(
        after["consumer"]["key"].as_str().unwrap(),
        key,
        "same consumer key"
    );
    let new_fingerprint = after["consumer"]["fingerprint"].as_str().unwrap();
    assert_ne!(new_fingerprint, old_fingerprint);
    assert!(
        stdout(&renewed).contains(new_fingerprint),
        "{}",
        stdout(&renewed)
    );
    assert_eq!(env.step_status(20), "done");
    assert_eq!(
        env.step_status(24),
        sync_step,
        "the sync step keeps its record"
    );

    let (output, json) = doctor_json(&env, &env.state_dir());
    assert_success(&output);
    assert_eq!(verdict(&json, "link.public-key"), "pass");
    assert_eq!(verdict(&json, "token.signed-call"), "pass");

    // The old token is gone in Jira: neither with the old key nor the new one.
    let new_private = std::fs::read_to_string(env.state_dir().join("private-key.pem")).unwrap();
    assert_eq!(signed_myself(&env, &key, &old_private, &old_token), 401);
    assert_eq!(signed_myself(&env, &key, &new_private, &old_token), 401);
}

#[test]
fn renew_with_jira_align_key_installs_its_new_key_and_refuses_the_same_one() {
    use support::align::{align_keys, shown_key_der, AlignEnv};
    const KEY: &str = "RenewAlignConsumer01";
    let env = AlignEnv::new();
    let (id, shown) = env.oauth_connector(KEY);
    env.write_answers(&align_keys(KEY, &shown));
    env.setup();

    // The answers still give the key the link holds: nothing to renew with.
    let same = env.run(&["renew", "--yes"]);
    assert_exit(&same, 2);
    assert!(
        stderr(&same).contains("Generate New Key"),
        "{}",
        stderr(&same)
    );

    let renewed_key = env.align.generate_key(id);
    env.write_answers(&align_keys(KEY, &renewed_key));
    let renewed = env.run(&["renew", "--yes"]);
    assert_success(&renewed);
    assert!(
        stdout(&renewed).contains("Reauthorize"),
        "{}",
        stdout(&renewed)
    );
    let links = env.jira.links();
    let consumer = links[0].consumer.as_ref().unwrap();
    assert_eq!(consumer.key, KEY);
    assert_eq!(consumer.public_key_der, shown_key_der(&renewed_key));
    let output = env.run(&["doctor", "--yes", "--json"]);
    assert_success(&output);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(verdict(&json, "link.public-key"), "pass");
    assert_eq!(verdict(&json, "align.token"), "pass");
    // Jira Align holds the token: align-link has nothing to sign with.
    assert_eq!(verdict(&json, "token.signed-call"), "skip");
}

#[test]
fn renew_without_a_link_changes_nothing() {
    let env = Env::new();
    env.setup();
    let private = std::fs::read(env.state_dir().join("private-key.pem")).unwrap();
    let token = std::fs::read(env.state_dir().join("access-token.toml")).unwrap();
    let unlinked = env
        .cmd_in(
            &env.dir.path().join("elsewhere"),
            &["unlink", "--yes", "--replace-existing"],
        )
        .output()
        .unwrap();
    assert_success(&unlinked);

    let refused = env.run(&["renew", "--yes"]);
    assert_exit(&refused, 1);
    assert!(
        stderr(&refused).contains("nothing to renew"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read(env.state_dir().join("private-key.pem")).unwrap(),
        private
    );
    assert_eq!(
        std::fs::read(env.state_dir().join("access-token.toml")).unwrap(),
        token
    );
}

/// `unlink` in a pseudo-terminal, from a profile that did not make the link.
fn unlink_in_terminal(env: &Env, state_dir: &std::path::Path) -> rexpect::session::PtySession {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("align-link"));
    cmd.arg("unlink")
        .arg("--answers")
        .arg(env.answers_path())
        .arg("--state-dir")
        .arg(state_dir)
        .env("XDG_CONFIG_HOME", env.config_home())
        .env("TEST_JIRA_PAT", &env.jira.demo().admin_token)
        .env("TEST_SERVICE_PASSWORD", &env.jira.demo().service_password)
        .env("TERM", "xterm");
    rexpect::session::spawn_with_options(
        cmd,
        rexpect::reader::Options {
            timeout_ms: Some(30_000),
            strip_ansi_escape_codes: true,
        },
    )
    .unwrap()
}

#[test]
fn a_terminal_asks_before_unlinking_what_another_profile_made_and_defaults_to_no() {
    let env = Env::new();
    env.setup();
    let other = env.dir.path().join("other-profile");

    // Declining the whole removal changes nothing.
    let mut session = unlink_in_terminal(&env, &other);
    session.exp_string("Remove them? [y/N]").unwrap();
    session.send("\r").unwrap();
    session.flush().unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(rest.contains("Nothing was removed"), "{rest}");
    assert_eq!(env.jira.links().len(), 1);

    // Yes to the whole, then Enter at the consent for another profile's consumer.
    let mut session = unlink_in_terminal(&env, &other);
    session.exp_string("Remove them? [y/N]").unwrap();
    session.send("y\r").unwrap();
    session.flush().unwrap();
    session.exp_string("DESTRUCTIVE, needs consent").unwrap();
    session
        .exp_string("Make this change in Jira? [y/N]")
        .unwrap();
    session.send("\r").unwrap();
    session.flush().unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(rest.contains("Nothing was removed"), "{rest}");
    assert_eq!(env.jira.links().len(), 1, "No is the default");

    let mut session = unlink_in_terminal(&env, &other);
    session.exp_string("Remove them? [y/N]").unwrap();
    session.send("y\r").unwrap();
    session.flush().unwrap();
    for _ in 0..2 {
        session
            .exp_string("Make this change in Jira? [y/N]")
            .unwrap();
        session.send("y\r").unwrap();
        session.flush().unwrap();
    }
    let rest = session.exp_eof().unwrap();
    assert!(rest.contains("Deactivate the connector"), "{rest}");
    assert!(env.jira.links().is_empty());
}
