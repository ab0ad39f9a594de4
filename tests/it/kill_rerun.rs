//! Killing align-link at any moment leaves the old state or the new, never a torn
//! file, and a rerun carries on without a second link or key.

use crate::support;

use std::fs;
use std::process::Stdio;
use std::time::Duration;

use support::Env;

#[test]
fn killed_runs_leave_whole_state_and_a_rerun_finishes() {
    let env = Env::new();
    let binary = assert_cmd::cargo::cargo_bin("align-link");
    let mut keys_seen = std::collections::BTreeSet::new();
    // Kill ever later, so the kills land in different steps and writes.
    for delay_ms in [30u64, 80, 150, 250, 400, 600, 900] {
        let mut child = env
            .command_of(&binary, &env.state_dir(), &["setup", "--yes"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL: no chance to clean up
        let _ = child.wait();

        let state_file = env.state_dir().join("state.toml");
        if state_file.exists() {
            let text = fs::read_to_string(&state_file).unwrap();
            toml::from_str::<toml::Value>(&text)
                .unwrap_or_else(|err| panic!("torn state after {delay_ms} ms: {err}\n{text}"));
        }
        let key_file = env.state_dir().join("private-key.pem");
        if key_file.exists() {
            let pem = fs::read_to_string(&key_file).unwrap();
            assert!(
                pem.trim_end().ends_with("-----END PRIVATE KEY-----"),
                "torn key after {delay_ms} ms"
            );
            keys_seen.insert(pem);
        }
        assert!(
            env.jira.links().len() <= 1,
            "a second link after a kill at {delay_ms} ms"
        );
    }
    assert!(keys_seen.len() <= 1, "a rerun made a second key pair");

    env.setup();
    assert_eq!(env.jira.links().len(), 1);
    assert_eq!(env.step_status(20), "done");
    let leftovers: Vec<_> = fs::read_dir(env.state_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            ![
                "state.toml",
                "private-key.pem",
                "access-token.toml",
                "run.lock",
            ]
            .contains(&name.as_str())
        })
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
}

#[test]
fn a_private_key_saved_without_its_public_half_gets_it_back() {
    // What a kill between a new pair's two writes (the private key, then the
    // state with its public half) leaves behind.
    let env = Env::new();
    env.setup();
    let recorded = env.state()["consumer"]["public_key_pem"]
        .as_str()
        .unwrap()
        .to_string();
    let text = fs::read_to_string(env.state_dir().join("state.toml")).unwrap();
    let mut state: toml::Table = toml::from_str(&text).unwrap();
    let consumer = state["consumer"].as_table_mut().unwrap();
    consumer.remove("public_key_pem");
    consumer.remove("fingerprint");
    support::write_private(
        &env.state_dir().join("state.toml"),
        &toml::to_string(&state).unwrap(),
    );
    let output = env.run(&["step", "13", "--yes"]);
    support::assert_success(&output);
    assert!(
        support::stdout(&output).contains("public half was not recorded"),
        "{}",
        support::stdout(&output)
    );
    assert_eq!(
        env.state()["consumer"]["public_key_pem"].as_str(),
        Some(recorded.as_str()),
        "the half derived from the key on disk"
    );
}

/// A kill just after the token was stored leaves step 20 unrecorded: the rerun
/// finds the token working and records the handshake's legs done, as the token
/// proves them (a flag left pending would be drift).
#[test]
fn a_working_token_records_the_legs_a_kill_left_unrecorded() {
    let env = Env::new();
    env.setup();
    let mut state = env.state();
    let steps = state
        .get_mut("steps")
        .and_then(|s| s.as_table_mut())
        .unwrap();
    steps.remove("20");
    let path = env.state_dir().join("state.toml");
    support::write_private(&path, &toml::to_string(&state).unwrap());
    assert_eq!(env.step_status(20), "pending");
    env.setup();
    assert_eq!(env.step_status(20), "done");
}
