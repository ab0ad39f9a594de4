//! Consent before replacing what this profile did not put in Jira: another
//! profile's consumer on the link, a link of another name. A scripted run refuses
//! (exit 1, Jira unchanged) unless given `--replace-existing` or
//! `[jira] replace_existing = true`.

use crate::support;

use support::{assert_exit, assert_success, stderr, stdout, Env};

#[test]
fn a_second_profile_on_the_same_link_needs_consent_and_the_first_keeps_working() {
    let env = Env::new();
    env.setup();
    let first_key = env.state()["consumer"]["key"].as_str().unwrap().to_string();
    let writes = env.jira.write_count();

    let second = env.dir.path().join("second-profile");
    let refused = env.cmd_in(&second, &["setup", "--yes"]).output().unwrap();
    assert_exit(&refused, 1);
    let err = stderr(&refused);
    assert!(err.contains("step 13"), "{err}");
    assert!(err.contains("without consent"), "{err}");
    assert!(err.contains("--replace-existing"), "{err}");
    assert!(
        err.contains("replace_existing = true"),
        "names the answers key too: {err}"
    );
    assert!(
        stdout(&refused).contains("needs consent"),
        "the change is shown as plan shows it: {}",
        stdout(&refused)
    );
    let links = env.jira.links();
    assert_eq!(links.len(), 1, "no second link");
    assert_eq!(links[0].consumer.as_ref().unwrap().key, first_key);
    assert_eq!(
        env.jira.write_count(),
        writes,
        "the refused run wrote nothing"
    );

    // The first profile's signed call still succeeds.
    let first = env.run(&["step", "20", "--yes"]);
    assert_success(&first);
    assert!(
        stdout(&first).contains("svc-jira-align"),
        "{}",
        stdout(&first)
    );

    // With consent, the second profile takes the link over.
    let taken = env
        .cmd_in(&second, &["setup", "--yes", "--replace-existing"])
        .output()
        .unwrap();
    assert_success(&taken);
    let second_state: toml::Value =
        toml::from_str(&std::fs::read_to_string(second.join("state.toml")).unwrap()).unwrap();
    let second_key = second_state["consumer"]["key"].as_str().unwrap();
    assert_ne!(second_key, first_key);
    let links = env.jira.links();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].consumer.as_ref().unwrap().key, second_key);
}

#[test]
fn a_link_of_another_name_is_renamed_only_with_consent_from_the_answers() {
    let env = Env::new();
    let body = serde_json::json!({"id": null, "name": "Their Align", "rpcUrl": "https://acme.jiraalign.com",
        "displayUrl": "https://acme.jiraalign.com", "typeId": "generic"});
    let created = reqwest::blocking::Client::new()
        .put(format!(
            "{}/rest/applinks/3.0/applicationlink",
            env.jira.url()
        ))
        .bearer_auth(&env.jira.demo().admin_token)
        .header("Accept", "application/json")
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let writes = env.jira.write_count();
    // Without a name in the answers, setup keeps the link's name; this one asks for another.
    env.rewrite_answers(
        "url = \"https://acme.jiraalign.com\"",
        "url = \"https://acme.jiraalign.com\"\napplication_name = \"Jira Align\"",
    );

    let refused = env.run(&["setup", "--yes"]);
    assert_exit(&refused, 1);
    let err = stderr(&refused);
    assert!(err.contains("step 11"), "{err}");
    assert!(
        err.contains("rename the application link to https://acme.jiraalign.com from \"Their Align\" to \"Jira Align\""),
        "{err}"
    );
    assert_eq!(env.jira.links()[0].name, "Their Align");
    assert_eq!(env.jira.write_count(), writes, "nothing written");

    let project_line = format!("test_project = \"{}\"", env.jira.demo().test_project_key);
    env.rewrite_answers(
        &project_line,
        &format!("{project_line}\nreplace_existing = true"),
    );
    let output = env.setup();
    assert!(
        stdout(&output).contains("renamed the link from \"Their Align\" to \"Jira Align\""),
        "{}",
        stdout(&output)
    );
    let links = env.jira.links();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].name, "Jira Align");
}
