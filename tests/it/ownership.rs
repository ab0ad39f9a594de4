//! Ownership is what this profile wrote, not a matching consumer key: two profiles
//! with the same `keys.consumer_key` against one Jira, the second taking the link
//! over with consent; the first may then neither replace nor remove the second's
//! consumer without consent, and `renew` refused changes nothing of its own.

use std::fs;

use crate::support::{self, assert_exit, assert_success, stderr, Env};

const SHARED_KEY: &str = "sharedkey01";

/// Profile A (the default state dir) set up, then profile B (another state dir,
/// the same answers) set up over it with `--replace-existing`. Returns B's dir
/// and the public key B put on the link (DER).
fn taken_over_by_b(env: &Env) -> (std::path::PathBuf, Vec<u8>) {
    env.write_answers(&format!("consumer_key = \"{SHARED_KEY}\"\n"));
    env.setup();
    let a_key = env.jira.links()[0].consumer.clone().unwrap().public_key_der;
    let b_dir = env.dir.path().join("profile-b");
    let b = env
        .cmd_in(&b_dir, &["setup", "--yes", "--replace-existing"])
        .output()
        .unwrap();
    assert_success(&b);
    let consumer = env.jira.links()[0].consumer.clone().unwrap();
    assert_eq!(consumer.key, SHARED_KEY);
    assert_ne!(
        consumer.public_key_der, a_key,
        "B put its own key pair there"
    );
    (b_dir, consumer.public_key_der)
}

#[test]
fn a_profile_does_not_replace_another_profiles_consumer_of_the_same_key_without_consent() {
    let env = Env::new();
    let (_, b_key) = taken_over_by_b(&env);
    let writes = env.jira.write_count();

    let step = env.run(&["step", "13", "--yes"]);
    assert_exit(&step, 1);
    assert!(
        stderr(&step).contains("without consent"),
        "{}",
        stderr(&step)
    );
    assert_eq!(env.jira.write_count(), writes, "nothing written");
    let consumer = env.jira.links()[0].consumer.clone().unwrap();
    assert_eq!(consumer.public_key_der, b_key, "B's consumer stays");

    let renew = env.run(&["renew", "--yes"]);
    assert_exit(&renew, 1);
    assert!(
        stderr(&renew).contains("without consent"),
        "{}",
        stderr(&renew)
    );
    let consumer = env.jira.links()[0].consumer.clone();
    assert!(consumer.is_some(), "renew did not remove B's consumer");
    assert_eq!(consumer.unwrap().public_key_der, b_key);
    assert_eq!(env.jira.write_count(), writes, "nothing written");
}

#[test]
fn a_refused_renew_leaves_the_private_key_and_token_as_they_were() {
    let env = Env::new();
    taken_over_by_b(&env);
    let private = fs::read(env.state_dir().join("private-key.pem")).unwrap();
    let token = fs::read(env.state_dir().join("access-token.toml")).unwrap();
    let state = env.state_text();

    let renew = env.run(&["renew", "--yes"]);
    assert_exit(&renew, 1);
    assert!(
        fs::read(env.state_dir().join("private-key.pem")).unwrap() == private,
        "the private key is unchanged"
    );
    assert!(
        fs::read(env.state_dir().join("access-token.toml")).unwrap() == token,
        "the token is unchanged"
    );
    assert_eq!(env.state_text(), state, "the state is unchanged");
}

#[test]
fn a_matching_consumer_found_on_the_link_is_not_recorded_as_this_profiles() {
    use align_link_standins::align::DEMO_API_TOKEN;
    use support::align::{align_keys, AlignEnv, ALIGN_TOKEN_ENV};
    let env = AlignEnv::new();
    let (_, shown) = env.oauth_connector(SHARED_KEY);
    env.write_answers(&align_keys(SHARED_KEY, &shown));
    env.setup();
    // B has the same answers, so Jira Align's same key: steps 13-15 find it set.
    let b_dir = env.dir.path().join("profile-b");
    let b = env
        .cmd_in(&b_dir, &["setup", "--yes"])
        .env(ALIGN_TOKEN_ENV, DEMO_API_TOKEN)
        .output()
        .unwrap();
    assert_success(&b);
    let b_state = fs::read_to_string(b_dir.join("state.toml")).unwrap();
    assert!(!b_state.contains("installed_at"), "{b_state}");
    let b_state: toml::Value = toml::from_str(&b_state).unwrap();
    let installed = b_state.get("installed");
    assert!(
        installed.and_then(|i| i.get("consumer_key")).is_none(),
        "B installed no consumer: {installed:?}"
    );
}
