//! Work a step starts for a later step of the same run (issue 10): in an
//! unattended setup, step 7's reads go out at step 1 beside its Jira Align
//! check, step 13's consumer at step 9 beside the new link's read-back, and step
//! 17's request token at step 13 beside the consumer's read-back. Each step still makes its own checks; a step run alone does only
//! its own work. The run's log (`--log`) puts each request under its step.

use std::collections::BTreeMap;

use crate::support::align::AlignEnv;
use crate::support::{self, assert_success, Env};

/// Each step's request lines ("> METHOD URL ..."), from the log.
fn requests_by_step(env: &Env, log: &std::path::Path) -> BTreeMap<u8, Vec<String>> {
    let text = std::fs::read_to_string(log).unwrap();
    let mut steps: BTreeMap<u8, Vec<String>> = BTreeMap::new();
    let mut current = 0;
    for line in text.lines() {
        // "2026-11-29T17:09:13Z Step  9 [Jira, ...": the timestamp, then the line.
        let Some((_, line)) = line.split_once(' ') else {
            continue;
        };
        if let Some(rest) = line.strip_prefix("Step ") {
            current = rest.split_whitespace().next().unwrap().parse().unwrap();
        } else if line.starts_with("> ") {
            steps.entry(current).or_default().push(line.to_string());
        }
    }
    assert!(
        !steps.is_empty(),
        "{env:?} logged no request: {text}",
        env = env.dir.path()
    );
    steps
}

fn sent(steps: &BTreeMap<u8, Vec<String>>, step: u8, method: &str, path: &str) -> usize {
    let prefix = format!("> {method} ");
    steps
        .get(&step)
        .map(|lines| {
            lines
                .iter()
                .filter(|l| l.starts_with(&prefix) && l.contains(path))
                .count()
        })
        .unwrap_or(0)
}

const LINK: &str = "/rest/applinks/3.0/applicationlink";
const CONSUMER: &str = "/authentication/consumer";
const REQUEST_TOKEN: &str = "/plugins/servlet/oauth/request-token";

#[test]
fn an_unattended_setup_sends_later_steps_work_beside_earlier_reads() {
    // With Jira Align's API token, so that step 1 has a check to send.
    let env = AlignEnv::new();
    let log = env.dir.path().join("run.log");
    let output = env.run(&["setup", "--yes", "--log", log.to_str().unwrap()]);
    assert_success(&output);
    let steps = requests_by_step(&env, &log);
    // Step 1: its Jira Align check, with step 7's reads beside it.
    for path in [
        "/rest/align/api/2/users/current",
        "/rest/api/2/serverInfo",
        "/rest/api/2/mypermissions",
        "/rest/applinks/3.0/applinks",
        "/rest/api/2/project/ALIGN",
    ] {
        assert_eq!(sent(&steps, 1, "GET", path), 1, "{path}: {steps:#?}");
    }
    assert!(
        !steps.contains_key(&7),
        "step 7 judges what step 1 read: {steps:#?}"
    );
    // Step 9: the link, its read-back, and step 13's consumer beside it.
    assert_eq!(sent(&steps, 9, "PUT", LINK), 1, "{steps:#?}");
    assert_eq!(sent(&steps, 9, "GET", LINK), 1, "{steps:#?}");
    assert_eq!(sent(&steps, 9, "PUT", CONSUMER), 1, "{steps:#?}");
    assert_eq!(
        sent(&steps, 9, "GET", CONSUMER),
        0,
        "a new link has no consumer to read"
    );
    // Step 13: the consumer's read-back, with step 17's request token beside it.
    assert_eq!(sent(&steps, 13, "PUT", CONSUMER), 0, "{steps:#?}");
    assert_eq!(sent(&steps, 13, "GET", CONSUMER), 1, "{steps:#?}");
    assert_eq!(sent(&steps, 13, "POST", REQUEST_TOKEN), 1, "{steps:#?}");
    let tokens: usize = (1..=24)
        .map(|step| sent(&steps, step, "POST", REQUEST_TOKEN))
        .sum();
    assert_eq!(
        tokens, 1,
        "step 17 takes up the leg started at 13: {steps:#?}"
    );
    // The approval carries on in the session step 7's Basic read opened, whose
    // XSRF token posts Allow: no login of its own, no authorize page.
    let everywhere = |method: &str, path: &str| -> usize {
        (1..=24).map(|step| sent(&steps, step, method, path)).sum()
    };
    assert_eq!(everywhere("POST", "/rest/auth/1/session"), 0, "{steps:#?}");
    assert_eq!(
        everywhere("GET", "/plugins/servlet/oauth/authorize"),
        0,
        "{steps:#?}"
    );
    assert_eq!(
        everywhere("POST", "/plugins/servlet/oauth/authorize"),
        1,
        "{steps:#?}"
    );
    // Every Jira step between made its own check and is done.
    for step in (9..=15).chain(17..=20) {
        assert_eq!(env.step_status(step), "done", "step {step}");
    }
    // The last steps send nothing (they judge what this run read): their
    // outcomes reach the disk with the run's closing save.
    for step in 21..=24 {
        assert_ne!(env.step_status(step), "pending", "step {step} was recorded");
    }
    let out = support::stdout(&output);
    assert!(
        out.contains("sent beside the read-back; step 13 reads it back"),
        "{out}"
    );
    assert!(out.contains("the link holds our public key"), "{out}");
    let held = env.jira.links()[0]
        .consumer
        .clone()
        .expect("the consumer is on the link");
    assert_eq!(held.key, env.state()["consumer"]["key"].as_str().unwrap());
}

#[test]
fn step_9_alone_creates_the_link_only_and_setup_sets_the_consumer_at_step_13() {
    let env = Env::new();
    assert_success(&env.run(&["step", "9", "--yes"]));
    let links = env.jira.links();
    assert_eq!(links.len(), 1);
    assert!(
        links[0].consumer.is_none(),
        "step 9 alone leaves step 13's work to it"
    );

    let log = env.dir.path().join("run.log");
    assert_success(&env.run(&["setup", "--yes", "--log", log.to_str().unwrap()]));
    let steps = requests_by_step(&env, &log);
    assert_eq!(sent(&steps, 13, "PUT", CONSUMER), 1, "{steps:#?}");
    assert_eq!(sent(&steps, 13, "GET", CONSUMER), 1, "{steps:#?}");
    assert!(env.jira.links()[0].consumer.is_some());
    assert_eq!(env.step_status(20), "done");
}

#[test]
fn jira_aligns_key_waits_for_step_13_and_its_preflight() {
    // The preflight (a temporary key of align-link's own, proven before Jira
    // Align's key goes on the link) is step 13's: nothing of it runs ahead.
    let env = AlignEnv::new();
    let (_, shown) = env.oauth_connector("AheadAlignKey01");
    env.write_answers(&crate::support::align::align_keys(
        "AheadAlignKey01",
        &shown,
    ));
    let log = env.dir.path().join("run.log");
    assert_success(&env.run(&["setup", "--yes", "--log", log.to_str().unwrap()]));
    let steps = requests_by_step(&env, &log);
    assert_eq!(sent(&steps, 9, "PUT", CONSUMER), 0, "{steps:#?}");
    assert!(
        sent(&steps, 13, "PUT", CONSUMER) >= 2,
        "the preflight's key, then Jira Align's: {steps:#?}"
    );
    let tokens: usize = (1..=24)
        .map(|step| sent(&steps, step, "POST", REQUEST_TOKEN))
        .sum();
    assert_eq!(tokens, 1, "only the preflight's handshake: {steps:#?}");
    assert_eq!(env.step_status(13), "done");
}
