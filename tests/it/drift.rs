//! `plan` and `setup` side by side after Jira drifted from a complete setup (issue
//! 14): the link deleted or renamed, the consumer removed or replaced by another
//! admin's, the token revoked, and the Jira URL corrected in the answers. Every
//! change plan lists is one setup then makes (its step runs, none says "already
//! done, skipping"), setup makes nothing plan did not list, exits 0, and then
//! `plan` says `No changes.` and doctor passes.

use align_link::keys::{generate_private_key, public_key_der, public_key_to_pem};
use serde_json::Value;

use crate::doctor::{doctor_json, verdict};
use crate::support::{self, assert_exit, assert_success, stderr, stdout, Env};

/// `plan` as JSON and as text, which must agree.
struct Plan {
    json: Value,
    text: String,
}

impl Plan {
    fn read(env: &Env, extra: &[&str]) -> Plan {
        let run = |json: bool| {
            let mut args = vec!["plan", "--yes"];
            args.extend_from_slice(extra);
            if json {
                args.push("--json");
            }
            let output = env.run(&args);
            assert_success(&output);
            stdout(&output)
        };
        let json: Value = serde_json::from_str(&run(true)).unwrap();
        let text = run(false);
        let plan = Plan { json, text };
        for change in plan.changes() {
            let description = change["description"].as_str().unwrap();
            assert!(
                plan.text.contains(description),
                "{description}\n{}",
                plan.text
            );
        }
        assert_eq!(
            plan.text.contains("No changes."),
            plan.changes().is_empty(),
            "{}",
            plan.text
        );
        plan
    }

    fn changes(&self) -> &[Value] {
        self.json["changes"].as_array().unwrap()
    }

    fn kinds(&self) -> Vec<&str> {
        self.changes()
            .iter()
            .map(|c| c["kind"].as_str().unwrap())
            .collect()
    }

    fn handshake_runs(&self) -> bool {
        self.json["handshake"]["runs"].as_bool().unwrap()
    }

    /// The steps that make what this plan lists, by the guide's numbering.
    fn steps(&self) -> Vec<u8> {
        let mut steps: Vec<u8> = self
            .kinds()
            .into_iter()
            .flat_map(|kind| match kind {
                "create-link" => vec![9],
                "rename-link" => vec![11],
                "set-consumer" | "replace-consumer" => vec![13, 14],
                other => panic!("setup plans no {other}"),
            })
            .collect();
        if self.handshake_runs() {
            steps.extend(17..=20);
        }
        steps
    }
}

/// A step's header in setup's output: `Step  9 [Jira, automated] ...`.
fn ran(output: &str, step: u8) -> bool {
    output
        .lines()
        .any(|l| l.starts_with(&format!("Step {step:>2} [")))
}

/// `Step  9 Create ...: already done, skipping`.
fn skipped(output: &str, step: u8) -> bool {
    output.lines().any(|l| {
        l.starts_with(&format!("Step {step:>2} "))
            && l.contains(": already ")
            && l.ends_with("skipping")
    })
}

/// Runs setup with `args` after `plan`, and holds the two side by side; then
/// the plan is empty and doctor passes. Setup's output.
fn setup_does_what_plan_showed(env: &Env, plan: &Plan, args: &[&str]) -> String {
    let writes = env.jira.write_count();
    let tokens = env.jira.access_tokens();
    let output = env.run(args);
    let shown = format!("{}\n{}", stdout(&output), stderr(&output));
    assert_success(&output);
    for step in plan.steps() {
        assert!(
            ran(&shown, step),
            "plan: {}\nstep {step} did not run:\n{shown}",
            plan.text
        );
        assert!(
            !skipped(&shown, step),
            "plan: {}\nstep {step} skipped:\n{shown}",
            plan.text
        );
    }
    if plan.changes().is_empty() {
        assert_eq!(
            env.jira.write_count(),
            writes,
            "a write plan did not show:\n{shown}"
        );
    }
    if !plan.handshake_runs() {
        assert_eq!(
            env.jira.access_tokens(),
            tokens,
            "a handshake plan did not show:\n{shown}"
        );
    }

    let after = Plan::read(env, &[]);
    assert!(after.text.contains("No changes."), "{}", after.text);
    assert!(!after.handshake_runs(), "{}", after.text);
    let (output, json) = doctor_json(env, &env.state_dir());
    assert_success(&output);
    for id in ["link.consumer-key", "link.public-key", "token.signed-call"] {
        assert_eq!(verdict(&json, id), "pass", "{id}: {json:#}");
    }
    assert_eq!(env.jira.links().len(), 1, "{:?}", env.jira.links());
    shown
}

fn link_id(env: &Env) -> String {
    env.jira.links()[0].id.clone()
}

#[test]
fn a_link_deleted_in_jira_is_planned_and_made_again() {
    let env = Env::new();
    env.setup();
    support::delete_link(&env, &link_id(&env));
    let plan = Plan::read(&env, &[]);
    assert!(plan.kinds().contains(&"create-link"), "{}", plan.text);
    assert!(plan.kinds().contains(&"set-consumer"), "{}", plan.text);
    setup_does_what_plan_showed(&env, &plan, &["setup", "--yes"]);
}

#[test]
fn a_link_renamed_in_jira_is_planned_and_renamed_back() {
    let env = Env::new();
    env.setup();
    support::rename_link(&env, &link_id(&env), "Renamed by another admin");
    let plan = Plan::read(&env, &[]);
    assert_eq!(plan.kinds(), ["rename-link"], "{}", plan.text);
    setup_does_what_plan_showed(&env, &plan, &["setup", "--yes"]);
    assert_eq!(env.jira.links()[0].name, "Jira Align");
}

#[test]
fn a_consumer_removed_in_jira_is_planned_and_set_again_with_a_new_token() {
    let env = Env::new();
    env.setup();
    support::remove_consumer(&env, &link_id(&env));
    let plan = Plan::read(&env, &[]);
    assert_eq!(plan.kinds(), ["set-consumer"], "{}", plan.text);
    assert!(
        plan.handshake_runs(),
        "its tokens went with it: {}",
        plan.text
    );
    setup_does_what_plan_showed(&env, &plan, &["setup", "--yes"]);
}

#[test]
fn a_consumer_replaced_by_another_admin_needs_consent_then_converges() {
    let env = Env::new();
    env.setup();
    let theirs = generate_private_key(2048).unwrap().to_public_key();
    support::put_consumer(
        &env,
        &link_id(&env),
        "AnotherAdminsKey",
        &public_key_to_pem(&theirs),
    );
    let plan = Plan::read(&env, &[]);
    assert_eq!(plan.kinds(), ["replace-consumer"], "{}", plan.text);
    assert_eq!(plan.changes()[0]["needs_consent"], true, "{}", plan.text);

    let writes = env.jira.write_count();
    let refused = env.run(&["setup", "--yes"]);
    assert_exit(&refused, 1);
    assert!(
        stderr(&refused).contains("--replace-existing"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        env.jira.write_count(),
        writes,
        "nothing written without consent"
    );
    let consumer = env.jira.links()[0].consumer.clone().unwrap();
    assert_eq!(
        (consumer.key.as_str(), consumer.public_key_der),
        ("AnotherAdminsKey", public_key_der(&theirs))
    );

    let plan = Plan::read(&env, &["--replace-existing"]);
    assert_eq!(plan.json["consent_given"], true);
    setup_does_what_plan_showed(&env, &plan, &["setup", "--yes", "--replace-existing"]);
}

#[test]
fn a_revoked_token_is_planned_as_a_new_handshake_and_made() {
    let env = Env::new();
    env.setup();
    env.jira.revoke_access_tokens();
    let plan = Plan::read(&env, &[]);
    assert!(plan.handshake_runs(), "the token is gone: {}", plan.text);
    setup_does_what_plan_showed(&env, &plan, &["setup", "--yes"]);
}

#[test]
fn a_jira_url_corrected_in_the_answers_is_planned_and_set_up_against_it() {
    let env = Env::new();
    // Jira believes in `localhost`; the first setup was given `127.0.0.1`.
    let corrected = env.jira.url().replace("127.0.0.1", "localhost");
    env.jira.set_base_url(Some(corrected.clone()));
    env.setup();
    env.rewrite_answers(
        &format!("url = \"{}\"", env.jira.url()),
        &format!("url = \"{corrected}\""),
    );
    let plan = Plan::read(&env, &[]);
    assert_eq!(
        plan.json["jira"]["url"]
            .as_str()
            .map(|u| u.trim_end_matches('/')),
        Some(corrected.as_str()),
        "{}",
        plan.json
    );
    let shown = setup_does_what_plan_showed(&env, &plan, &["setup", "--yes"]);
    // Step 4's values for Jira Align's form changed: they are shown again.
    assert!(
        shown
            .lines()
            .any(|l| l.contains("Jira API URL") && l.trim_end().ends_with(&corrected)),
        "{shown}"
    );
    let (_, json) = doctor_json(&env, &env.state_dir());
    assert_eq!(verdict(&json, "jira.base-url"), "pass");
}
