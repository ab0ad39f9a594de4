//! `align-link doctor` through the binary against the Jira stand-in: after a
//! complete setup, and after each way a working connector breaks behind
//! align-link's back (the key on the link replaced, the link deleted, the token
//! revoked or expired); and with no local state, from the answers alone.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::support;

use support::{assert_exit, assert_success, stderr, stdout, Env};

/// `doctor --yes --json` in `state_dir`: its output and parsed JSON.
pub fn doctor_json(env: &Env, state_dir: &Path) -> (Output, Value) {
    let output = env
        .cmd_in(state_dir, &["doctor", "--yes", "--json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "doctor --json printed no JSON ({err}):\n{}\n{}",
            stdout(&output),
            stderr(&output)
        )
    });
    (output, json)
}

/// The check with this id.
pub fn check<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {json:#}"))
}

pub fn verdict<'a>(json: &'a Value, id: &str) -> &'a str {
    check(json, id)["verdict"].as_str().unwrap()
}

fn text(json: &Value, id: &str) -> String {
    let c = check(json, id);
    format!(
        "{} / fix: {}",
        c["detail"].as_str().unwrap_or(""),
        c["fix"].as_str().unwrap_or("")
    )
}

#[test]
fn after_a_complete_setup_every_check_passes() {
    let env = Env::new();
    env.setup();
    let (output, json) = doctor_json(&env, &env.state_dir());
    assert_success(&output);
    assert_eq!(json["schema"], 1);
    assert_eq!(json["ok"], true);
    assert_eq!(json["counts"]["fail"], 0, "{json:#}");
    assert_eq!(json["counts"]["warn"], 0, "{json:#}");
    for id in [
        "jira.reachable",
        "jira.base-url",
        "jira.clock",
        "link.exists",
        "link.consumer-key",
        "link.public-key",
        "link.name",
        "token.signed-call",
        "token.expiry",
        "service.project",
        "service.search",
    ] {
        assert_eq!(verdict(&json, id), "pass", "{id}: {}", text(&json, id));
    }
    // Plain http on loopback: skipped with the reason, not failed.
    assert_eq!(verdict(&json, "jira.tls"), "skip");
    assert!(text(&json, "jira.tls").contains("plain http"));
    let fingerprint = env.state()["consumer"]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(text(&json, "link.public-key").contains(&fingerprint));

    let plain = env.run(&["doctor", "--yes"]);
    assert_success(&plain);
    let shown = stdout(&plain);
    assert!(shown.contains("pass  Link to Jira Align"), "{shown}");
    assert!(shown.contains("0 failed"), "{shown}");
}

#[test]
fn a_key_replaced_on_the_link_fails_with_both_fingerprints() {
    let env = Env::new();
    env.setup();
    let state = env.state();
    let ours = state["consumer"]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let key = state["consumer"]["key"].as_str().unwrap().to_string();
    let other = align_link::keys::private_key_from_pem(include_str!("../data/test-key-2048.pem"))
        .unwrap()
        .to_public_key();
    let other_fingerprint = align_link::keys::fingerprint(&other);
    support::put_consumer(
        &env,
        &env.jira.links()[0].id,
        &key,
        &align_link::keys::public_key_to_pem(&other),
    );

    let (output, json) = doctor_json(&env, &env.state_dir());
    assert_exit(&output, 1);
    assert_eq!(json["ok"], false);
    assert_eq!(verdict(&json, "link.consumer-key"), "pass");
    assert_eq!(verdict(&json, "link.public-key"), "fail");
    let shown = text(&json, "link.public-key");
    assert!(
        shown.contains(&ours) && shown.contains(&other_fingerprint),
        "both fingerprints, side by side: {shown}"
    );
    assert!(shown.contains("align-link step 13"), "{shown}");
    assert_eq!(verdict(&json, "token.signed-call"), "fail");
}

#[test]
fn a_deleted_link_fails_and_says_how_to_make_it_again() {
    let env = Env::new();
    env.setup();
    support::delete_link(&env, &env.jira.links()[0].id);

    let (output, json) = doctor_json(&env, &env.state_dir());
    assert_exit(&output, 1);
    assert_eq!(verdict(&json, "link.exists"), "fail");
    assert!(text(&json, "link.exists").contains("align-link setup"));
    assert_eq!(verdict(&json, "link.public-key"), "skip");
    assert_eq!(verdict(&json, "jira.reachable"), "pass");
}

#[test]
fn a_revoked_token_fails_with_the_renewal_command() {
    let env = Env::new();
    env.setup();
    env.jira.revoke_access_tokens();
    let (output, json) = doctor_json(&env, &env.state_dir());
    assert_exit(&output, 1);
    assert_eq!(verdict(&json, "token.signed-call"), "fail");
    let shown = text(&json, "token.signed-call");
    assert!(shown.contains("align-link renew"), "{shown}");
    assert!(shown.contains("align-link step 17"), "{shown}");
    // The link itself is fine: only the token is the problem.
    assert_eq!(verdict(&json, "link.public-key"), "pass");
    assert_eq!(verdict(&json, "service.project"), "pass");
}

#[test]
fn an_inactive_service_account_fails() {
    let env = Env::new();
    env.setup();
    env.jira
        .set_user_active(&env.jira.demo().service_username.clone(), false);
    let (output, json) = doctor_json(&env, &env.state_dir());
    assert_exit(&output, 1);
    assert_eq!(verdict(&json, "token.signed-call"), "fail");
    assert_eq!(verdict(&json, "service.project"), "fail");
    assert!(
        text(&json, "service.project").contains("inactive"),
        "{}",
        text(&json, "service.project")
    );
}

/// Sets the token's recorded expiry in the state file.
fn set_expiry(env: &Env, expires_at: &str) {
    let text = env.state_text();
    let mut state: toml::Value = toml::from_str(&text).unwrap();
    state["token"]["expires_at"] = toml::Value::String(expires_at.into());
    support::write_private(
        &env.state_dir().join("state.toml"),
        &toml::to_string(&state).unwrap(),
    );
}

#[test]
fn an_expired_token_fails_and_one_expiring_soon_warns_in_doctor_and_status() {
    let env = Env::new();
    env.setup();
    set_expiry(&env, "2020-01-01T00:00:00Z");
    let (output, json) = doctor_json(&env, &env.state_dir());
    assert_exit(&output, 1);
    assert_eq!(verdict(&json, "token.expiry"), "fail");
    assert!(text(&json, "token.expiry").contains("align-link renew"));

    let soon = align_link::util::time::rfc3339(align_link::util::time::unix_now() + 30 * 86_400);
    set_expiry(&env, &soon);
    let (output, json) = doctor_json(&env, &env.state_dir());
    assert_success(&output);
    assert_eq!(verdict(&json, "token.expiry"), "warn");
    assert!(
        text(&json, "token.expiry").contains("in 29 day(s)")
            || text(&json, "token.expiry").contains("in 30 day(s)")
    );

    let status = env.run(&["status"]);
    assert_success(&status);
    assert!(
        stderr(&status).contains("expires in") && stderr(&status).contains("align-link renew"),
        "{}",
        stderr(&status)
    );
}

#[test]
fn without_local_state_the_answers_are_enough() {
    let env = Env::new();
    env.setup();
    let key = env.state()["consumer"]["key"].as_str().unwrap().to_string();
    env.write_answers(&format!("consumer_key = \"{key}\"\n"));
    let elsewhere = env.dir.path().join("no-state-here");

    let (output, json) = doctor_json(&env, &elsewhere);
    assert_success(&output);
    assert_eq!(verdict(&json, "link.exists"), "pass");
    assert_eq!(verdict(&json, "link.consumer-key"), "pass");
    // No private key or saved public key here: shown, not compared.
    assert_eq!(verdict(&json, "link.public-key"), "skip");
    assert_eq!(verdict(&json, "token.signed-call"), "skip");
    assert!(text(&json, "token.signed-call").contains("no saved state"));
    // The service account's password still shows it active and seeing the project.
    assert_eq!(verdict(&json, "service.project"), "pass");
    assert!(text(&json, "service.project").contains("(active)"));
    assert!(!elsewhere.exists(), "doctor wrote no state");
}

#[test]
fn a_private_ca_that_this_machine_trusts_still_fails_the_cloud_trust_check() {
    let env = Env::new();
    crate::tls::make_certificates(env.dir.path());
    let (_relay, port) = crate::tls::start_relay(env.dir.path(), &env.jira.url());
    env.rewrite_answers(
        &format!("url = \"{}\"", env.jira.url()),
        &format!("url = \"https://127.0.0.1:{port}\""),
    );
    let ca = env.dir.path().join("ca.pem");
    let output = env
        .cmd(&[
            "doctor",
            "--yes",
            "--json",
            "--ca-cert",
            ca.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    // This machine reaches Jira with --ca-cert; Jira Align's cloud would not.
    assert_eq!(verdict(&json, "jira.reachable"), "pass", "{json:#}");
    assert_eq!(verdict(&json, "jira.tls"), "fail");
    let shown = text(&json, "jira.tls");
    assert!(
        shown.contains("private CA") && shown.contains("public CA"),
        "{shown}"
    );
}

/// The ids of doctor's checks, in order.
fn ids(json: &Value) -> Vec<String> {
    let checks = json["checks"].as_array().unwrap();
    checks
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

/// A group stopped early (the link unreadable, no `align.url` for a Jira Align
/// token, no `jira.url`, no `jira.url` for a connector that signs in with a
/// personal access token) still lists each of its checks once, in a complete
/// run's order, so `--json` readers find every id.
#[test]
fn a_group_stopped_early_still_lists_each_of_its_checks() {
    use crate::support::fault_proxy::{Answer, Fault, ProxiedEnv};
    let env = ProxiedEnv::new();
    env.setup();
    let (_, complete) = doctor_json(&env, &env.state_dir());
    let every_id = ids(&complete);

    let forbidden = Answer::new(403, "text/html", "<html><body>Forbidden</body></html>");
    env.proxy
        .add(Fault::on("GET", "/rest/applinks/3.0/applinks", forbidden));
    let (output, json) = doctor_json(&env, &env.state_dir());
    assert_exit(&output, 1);
    assert_eq!(ids(&json), every_id, "{json:#}");
    assert_eq!(verdict(&json, "link.exists"), "fail");
    for id in ["link.consumer-key", "link.public-key", "link.name"] {
        assert_eq!(verdict(&json, id), "skip", "{id}: {json:#}");
    }
    env.proxy.clear();

    // No saved state here, and the answers give a Jira Align token but no url.
    env.rewrite_answers(
        "[align]\nurl = \"https://acme.jiraalign.com\"\n",
        "[align]\napi_token = \"a-token\"\n",
    );
    let elsewhere = env.dir.path().join("no-state-here");
    let (_, json) = doctor_json(&env, &elsewhere);
    assert_eq!(ids(&json), every_id, "{json:#}");
    for id in ["link.exists", "link.name", "align.token", "align.sync"] {
        assert_eq!(verdict(&json, id), "skip", "{id}: {json:#}");
    }

    // Nor a Jira URL: Jira's own group is listed whole, in its order.
    env.rewrite_answers(&format!("url = \"{}\"\n", env.proxy.url()), "");
    let (_, json) = doctor_json(&env, &elsewhere);
    assert_eq!(ids(&json), every_id, "{json:#}");
    for id in ["jira.tls", "jira.reachable", "jira.base-url", "jira.clock"] {
        assert_eq!(verdict(&json, id), "skip", "{id}: {json:#}");
    }

    // A connector signing in with a personal access token: the signed call
    // stops at the missing jira.url, and the service account's checks follow.
    env.rewrite_answers(
        "[service_account]\n",
        "[connector]\nauth = \"pat\"\n\n[service_account]\ntoken = \"a-pat\"\n",
    );
    let (_, json) = doctor_json(&env, &elsewhere);
    assert_eq!(ids(&json), every_id, "{json:#}");
    for id in ["token.signed-call", "service.project", "service.search"] {
        assert_eq!(verdict(&json, id), "skip", "{id}: {json:#}");
    }
}
