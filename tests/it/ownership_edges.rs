//! Where ownership is decided at the edges (issue 14, after an adversarial
//! review): a link made by another admin after a failed create is not adopted;
//! a kill after a consumer *replacement* still leaves the consumer this
//! profile's; a link found under another name keeps it, in plan and setup alike;
//! a held-back plan says why at the first step it stops; a guided step recorded
//! without the values it showed is asked again.

use crate::support::fault_proxy::{Answer, Fault, ProxiedEnv};
use crate::support::{self, assert_exit, assert_success, stderr, stdout, Env};

/// A link made by an administrator by hand, as the guide's steps 7-11 do.
fn link_by_hand(env: &Env, name: &str) -> String {
    let url = "https://acme.jiraalign.com";
    let response = reqwest::blocking::Client::new()
        .put(format!("{}/rest/applinks/3.0/applicationlink", env.jira.url()))
        .bearer_auth(&env.jira.demo().admin_token)
        .header("Accept", "application/json")
        .json(&serde_json::json!({"id": null, "name": name, "rpcUrl": url, "displayUrl": url, "typeId": "generic"}))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let body: serde_json::Value = response.json().unwrap();
    let href = body["resources-created"][0]["href"].as_str().unwrap();
    href.rsplit('/').next().unwrap().to_string()
}

fn other_public_key() -> String {
    let key = align_link::keys::generate_private_key(2048).unwrap();
    align_link::keys::public_key_to_pem(&rsa::RsaPublicKey::from(&key))
}

#[test]
fn a_link_another_admin_makes_after_a_refused_create_is_not_adopted() {
    let env = ProxiedEnv::new();
    env.proxy.add(
        Fault::on(
            "PUT",
            "/rest/applinks/3.0/applicationlink",
            Answer::json(500, "{\"errors\":[]}"),
        )
        .once(),
    );
    assert_exit(&env.run(&["setup", "--yes"]), 1);
    assert!(
        env.state().get("intended").is_none(),
        "Jira refused the create: nothing is left intended"
    );
    let theirs = link_by_hand(&env, "Jira Align");
    assert_success(&env.run(&["setup", "--yes"]));
    let installed = env.state()["installed"].clone();
    assert_ne!(
        installed.get("link_id").and_then(|v| v.as_str()),
        Some(theirs.as_str())
    );
    // So unlink asks before removing it, and a scripted unlink refuses.
    let unlink = env.run(&["unlink", "--yes"]);
    assert_exit(&unlink, 1);
    assert!(
        stderr(&unlink).contains("without consent"),
        "{}",
        stderr(&unlink)
    );
    assert_eq!(env.jira.links().len(), 1);
}

#[test]
fn a_kill_after_a_consumer_replacement_leaves_it_this_profiles() {
    let env = Env::new();
    let id = link_by_hand(&env, "Jira Align");
    support::put_consumer(&env, &id, "someone-else", &other_public_key());
    assert_success(&env.run(&["setup", "--yes", "--replace-existing"]));
    // What a kill after the replacing PUT, before its record, leaves.
    let mut state: toml::Value = toml::from_str(&env.state_text()).unwrap();
    let installed = state["installed"].as_table_mut().unwrap();
    let key = installed.remove("consumer_key").unwrap();
    let fingerprint = installed.remove("fingerprint").unwrap();
    let mut intended = toml::map::Map::new();
    intended.insert("change".into(), "replace-consumer".into());
    intended.insert("link_id".into(), id.clone().into());
    intended.insert("consumer_key".into(), key);
    intended.insert("fingerprint".into(), fingerprint);
    intended.insert("at".into(), "2026-01-01T00:00:00Z".into());
    state
        .as_table_mut()
        .unwrap()
        .insert("intended".into(), toml::Value::Table(intended));
    std::fs::write(
        env.state_dir().join("state.toml"),
        toml::to_string(&state).unwrap(),
    )
    .unwrap();
    assert_success(&env.run(&["setup", "--yes"]));
    assert!(env.state()["installed"].get("consumer_key").is_some());
    assert_success(&env.run(&["renew", "--yes"]));
}

#[test]
fn a_link_found_under_another_name_keeps_it_in_plan_and_setup() {
    let env = Env::new();
    link_by_hand(&env, "Align Prod (manual)");
    let plan = env.run(&["plan", "--json"]);
    assert_success(&plan);
    let plan: serde_json::Value = serde_json::from_str(&stdout(&plan)).unwrap();
    let kinds: Vec<&str> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["set-consumer"], "{plan}");
    assert_success(&env.run(&["setup", "--yes"]));
    assert_eq!(env.jira.links()[0].name, "Align Prod (manual)");
    assert!(stdout(&env.run(&["plan"])).contains("No changes."));
}

#[test]
fn a_held_back_plan_says_why_at_the_first_step_it_stops() {
    let env = Env::new();
    env.setup();
    let id = env.jira.links()[0].id.clone();
    support::rename_link(&env, &id, "Renamed by someone");
    support::put_consumer(&env, &id, "someone-else", &other_public_key());
    let writes = env.jira.write_count();
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("step 11"), "{err}");
    assert!(err.contains("held back"), "{err}");
    assert!(err.contains("without consent"), "{err}");
    assert!(!err.contains("Jira kept the name"), "{err}");
    assert_eq!(env.jira.write_count(), writes, "nothing written");
}

#[test]
fn a_guided_step_recorded_without_its_values_is_asked_again() {
    let env = Env::new();
    env.setup();
    let mut state: toml::Value = toml::from_str(&env.state_text()).unwrap();
    let four = state["steps"]["4"].as_table_mut().unwrap();
    four.insert("status".into(), "done".into());
    four.remove("shown");
    std::fs::write(
        env.state_dir().join("state.toml"),
        toml::to_string(&state).unwrap(),
    )
    .unwrap();
    let output = env.setup();
    assert_eq!(env.step_status(4), "needs-operator", "{}", stdout(&output));
}
