//! The real binary against the Jira stand-in: whole scripted setups, reruns, single
//! steps, a kill in the middle, and the modes of every secret file.

use crate::support;

use std::fs;
use std::os::unix::fs::PermissionsExt;

use support::{assert_exit, assert_success, stderr, stdout, Env};

#[test]
fn scripted_setup_links_jira_end_to_end() {
    let env = Env::new();
    let output = env.setup();
    let out = stdout(&output);

    let links = env.jira.links();
    assert_eq!(links.len(), 1, "exactly one application link");
    let link = &links[0];
    assert_eq!(link.rpc_url, "https://acme.jiraalign.com");
    assert_eq!(link.name, "Jira Align");
    let state = env.state();
    assert_eq!(state["link"]["id"].as_str(), Some(link.id.as_str()));
    let consumer_key = state["consumer"]["key"].as_str().unwrap();
    assert_eq!(consumer_key.len(), 32);
    assert!(consumer_key.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(link.consumer.as_ref().unwrap().key, consumer_key);

    let tokens = env.jira.access_tokens();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].username, env.jira.demo().service_username);
    assert_eq!(state["token"]["account"].as_str(), Some("svc-jira-align"));
    assert!(state["token"]["expires_at"].as_str().is_some());

    assert_eq!(env.step_status(22), "skipped", "Test Now is for Basic only");
    for automated in [5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20] {
        assert_eq!(
            env.step_status(automated),
            "done",
            "step {automated}\n{out}"
        );
    }
    for guided in [1, 2, 3, 4, 6, 16, 23] {
        assert_eq!(env.step_status(guided), "needs-operator", "step {guided}");
    }
    assert!(out.contains("wait for the operator"), "{out}");
    let fingerprint = state["consumer"]["fingerprint"].as_str().unwrap();
    assert!(fingerprint.starts_with("SHA256:"));
    assert!(
        out.contains(fingerprint),
        "the fingerprint is shown with the key"
    );
    // Jira calls every generic link "not working" (GENERIC_LINK): that is normal.
    let err = stderr(&output);
    assert!(!err.contains("not working"), "{err}");
}

#[test]
fn rerun_changes_nothing_and_creates_no_second_link() {
    let env = Env::new();
    env.setup();
    let key_before = fs::read(env.state_dir().join("private-key.pem")).unwrap();
    let token_before = fs::read(env.state_dir().join("access-token.toml")).unwrap();
    let state_before = env.state();

    let output = env.setup();
    let out = stdout(&output);
    // Each step converges: what it makes is found in place, nothing is made again.
    assert!(out.contains("nothing to create"), "{out}");
    assert!(out.contains("the link already trusts consumer"), "{out}");
    assert!(out.contains("the stored access token works"), "{out}");
    assert_eq!(env.jira.links().len(), 1);
    assert_eq!(env.jira.access_tokens().len(), 1, "no second handshake");
    assert_eq!(
        fs::read(env.state_dir().join("private-key.pem")).unwrap(),
        key_before
    );
    assert_eq!(
        fs::read(env.state_dir().join("access-token.toml")).unwrap(),
        token_before
    );
    let state_after = env.state();
    for table in ["link", "consumer", "token"] {
        assert_eq!(
            state_after[table], state_before[table],
            "[{table}] unchanged"
        );
    }

    // Even a state that forgot the link (another machine, say) finds it by URL;
    // its consumer is not this (new) state's, so replacing it takes consent.
    fs::remove_dir_all(env.state_dir()).unwrap();
    let refused = env.run(&["setup", "--yes"]);
    assert_exit(&refused, 1);
    assert!(
        stderr(&refused).contains("--replace-existing"),
        "{}",
        stderr(&refused)
    );
    assert_success(&env.run(&["setup", "--yes", "--replace-existing"]));
    assert_eq!(env.jira.links().len(), 1, "found by URL, not created again");
}

#[test]
fn step_13_alone_repairs_a_consumer_changed_in_jira() {
    let env = Env::new();
    let early = env.run(&["step", "13", "--yes"]);
    assert_exit(&early, 1);
    insta::assert_snapshot!(
        "step_13_before_step_9",
        support::stable(&env, &stderr(&early))
    );

    env.setup();
    let link = env.jira.links()[0].clone();
    let pem = env.state()["consumer"]["public_key_pem"]
        .as_str()
        .unwrap()
        .to_string();
    // Our consumer key with another public key (put there behind the profile's
    // back): not what this profile installed, so step 13 replaces it only with
    // consent.
    let other_pem = other_public_key_pem();
    let consumer_key = env.state()["consumer"]["key"].as_str().unwrap().to_string();
    support::put_consumer(&env, &link.id, &consumer_key, &other_pem);
    let refused = env.run(&["step", "13", "--yes"]);
    assert_exit(&refused, 1);
    insta::assert_snapshot!(
        "another_public_key_refused",
        support::stable(&env, &stderr(&refused))
    );
    let output = env.run(&["step", "13", "--yes", "--replace-existing"]);
    assert_success(&output);
    assert!(
        stdout(&output).contains("to change: replace the link's incoming consumer: public key"),
        "{}",
        stdout(&output)
    );
    let held = env.jira.links()[0].consumer.clone().unwrap();
    assert_eq!(held.key, consumer_key);
    assert_eq!(
        held.public_key_der,
        align_link::keys::parse_public_key(&pem)
            .map(|k| align_link::keys::public_key_der(&k))
            .unwrap()
    );

    // Someone else's consumer on the link: replaced only with consent.
    support::put_consumer(&env, &link.id, "SomeoneElsesKey", &pem);
    let refused = env.run(&["step", "13", "--yes"]);
    assert_exit(&refused, 1);
    insta::assert_snapshot!(
        "another_consumer_refused",
        support::stable(&env, &stderr(&refused))
    );
    assert_eq!(
        env.jira.links()[0].consumer.as_ref().unwrap().key,
        "SomeoneElsesKey",
        "refused: the link is unchanged"
    );
    let output = env.run(&["step", "13", "--yes", "--replace-existing"]);
    assert_success(&output);
    assert!(
        stdout(&output).contains("key SomeoneElsesKey -> "),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        env.jira.links()[0].consumer.as_ref().unwrap().key,
        consumer_key
    );

    // Run again: nothing to change.
    let again = env.run(&["step", "13", "--yes"]);
    assert_success(&again);
    assert!(
        stdout(&again).contains("already trusts"),
        "{}",
        stdout(&again)
    );
}

/// A public key that is not the profile's: the fixed test key's.
fn other_public_key_pem() -> String {
    let pem = fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/test-key-2048.pem"),
    )
    .unwrap();
    let private = align_link::keys::private_key_from_pem(&pem).unwrap();
    align_link::keys::public_key_to_pem(&rsa::RsaPublicKey::from(&private))
}

#[test]
fn step_17_alone_reauthorizes_and_replaces_the_token() {
    let env = Env::new();
    env.setup();
    let before = fs::read_to_string(env.state_dir().join("access-token.toml")).unwrap();
    let output = env.run(&["step", "17", "--yes"]);
    assert_success(&output);
    let out = stdout(&output);
    for leg in ["Step 18", "Step 19", "Step 20"] {
        assert!(out.contains(leg), "the handshake runs through {leg}: {out}");
    }
    let after = fs::read_to_string(env.state_dir().join("access-token.toml")).unwrap();
    assert_ne!(before, after, "a fresh token replaces the stored one");
    assert_eq!(env.jira.access_tokens().len(), 2);
    assert_eq!(env.jira.links().len(), 1);
}

#[test]
fn secret_files_are_private() {
    let env = Env::new();
    env.setup();
    let mode = |path: std::path::PathBuf| fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(env.state_dir()), 0o700);
    assert_eq!(mode(env.state_dir().join("private-key.pem")), 0o600);
    assert_eq!(mode(env.state_dir().join("access-token.toml")), 0o600);
    let key = fs::read_to_string(env.state_dir().join("private-key.pem")).unwrap();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"));
    // No secret reaches the terminal or the state file.
    let output = env.run(&["step", "20", "--yes", "-v"]);
    assert_success(&output);
    let token: toml::Value =
        toml::from_str(&fs::read_to_string(env.state_dir().join("access-token.toml")).unwrap())
            .unwrap();
    let printed = format!("{}{}{}", stdout(&output), stderr(&output), env.state_text());
    for secret in [
        token["token"].as_str().unwrap(),
        token["secret"].as_str().unwrap(),
        env.jira.demo().admin_token.as_str(),
        env.jira.demo().service_password.as_str(),
    ] {
        assert!(
            !printed.contains(secret),
            "a secret was printed or saved in state.toml"
        );
    }
    let body = key.lines().nth(1).unwrap();
    assert!(!printed.contains(body), "private key material was printed");
}

#[test]
fn status_reports_steps_and_facts_as_text_and_json() {
    let env = Env::new();
    env.setup();
    let output = env.run(&["status", "--json"]);
    assert_success(&output);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["steps"].as_array().unwrap().len(), 24);
    assert_eq!(json["steps"][12]["status"], "done");
    assert_eq!(json["steps"][0]["status"], "needs the operator");
    assert_eq!(json["facts"]["link_id"], env.jira.links()[0].id.as_str());
    assert!(json["facts"]["public_key_fingerprint"]
        .as_str()
        .unwrap()
        .starts_with("SHA256:"));
    assert_eq!(json["facts"]["token_account"], "svc-jira-align");
    let text = stdout(&env.run(&["status"]));
    assert!(
        text.contains("Link id") && text.contains(&env.jira.links()[0].id),
        "{text}"
    );
}

#[test]
fn sandbox_setup_needs_no_answers_file() {
    let dir = tempfile::tempdir().unwrap();
    let output = assert_cmd::Command::cargo_bin("align-link")
        .unwrap()
        .args(["setup", "--sandbox", "--yes"])
        .env("COLUMNS", support::WIDE)
        .env("XDG_STATE_HOME", dir.path().join("xdg"))
        .env("TMPDIR", dir.path())
        .env_remove("BROWSER")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .timeout(std::time::Duration::from_secs(180))
        .output()
        .unwrap();
    assert_success(&output);
    let out = stdout(&output);
    let notes = stderr(&output);
    assert!(
        notes.contains("Sandbox: Jira stand-in at http://127.0.0.1:"),
        "the stand-ins' addresses are noted on stderr: {notes}"
    );
    assert!(out.contains("acts as svc-jira-align"), "{out}");
    assert!(
        out.contains("the API token belongs to Ada Admin <ada@example.com>"),
        "step 1 checks the Jira Align stand-in's token: {out}"
    );
    assert!(
        out.contains("(Jira 13, Jira Align 1)"),
        "both stand-ins served the run: {out}"
    );
    assert!(
        !dir.path().join("xdg").exists(),
        "--sandbox never touches a real profile"
    );
    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("align-link-sandbox-")
        })
        .collect();
    assert!(
        left.is_empty(),
        "the temporary state is removed on exit: {left:?}"
    );
}

#[test]
fn steps_lists_all_twenty_four() {
    let output = assert_cmd::Command::cargo_bin("align-link")
        .unwrap()
        .arg("steps")
        .output()
        .unwrap();
    assert_success(&output);
    let out = stdout(&output);
    let rows = out
        .lines()
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()));
    assert_eq!(rows.count(), 24, "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("13  Jira") && l.contains("automated")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with(" 1  Jira Align") && l.contains("guided")),
        "{out}"
    );
}

#[test]
fn step_number_out_of_range_is_usage() {
    let env = Env::new();
    let output = env.run(&["step", "25"]);
    assert_exit(&output, 2);
}

#[test]
fn changing_the_connector_method_follows_the_guides_closing_note() {
    let env = Env::new();
    env.write_answers("[connector]\nauth = \"oauth\"\n");
    env.setup();
    assert_eq!(env.step_status(20), "done");
    env.write_answers("[connector]\nauth = \"pat\"\n");
    let text = fs::read_to_string(env.answers_path()).unwrap().replace(
        "[service_account]\n",
        "[service_account]\ntoken = \"demo-svc-pat-0123456789\"\n",
    );
    support::write_private(&env.answers_path(), &text);
    let output = env.run(&["setup", "--yes"]);
    assert_success(&output);
    let err = stderr(&output);
    assert!(err.contains("Deactivate the connector"), "{err}");
    assert!(err.contains("Activate it again"), "{err}");
    for step in [13, 17, 20] {
        assert_eq!(env.step_status(step), "skipped", "step {step}");
    }
    assert!(
        stdout(&output).contains("personal access token as svc-jira-align"),
        "step 21 checks the PAT: {}",
        stdout(&output)
    );
}

#[test]
fn an_expired_service_token_says_how_to_renew_it_in_jira_align() {
    let env = Env::new();
    env.write_answers("[connector]\nauth = \"pat\"\n");
    let text = fs::read_to_string(env.answers_path()).unwrap().replace(
        "[service_account]\n",
        "[service_account]\ntoken = \"an-expired-token\"\n",
    );
    support::write_private(&env.answers_path(), &text);
    let output = env.run(&["setup", "--yes"]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    insta::assert_snapshot!(support::stable(&env, &err));
    assert!(
        !err.contains("an-expired-token"),
        "the token is never printed"
    );
}

/// The sandbox process, killed when the test ends, passed or not.
struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `align-link sandbox ARGS` until it says it is serving; its process and lines.
fn start_sandbox(args: &[&str]) -> (Served, Vec<String>) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("align-link"))
        .arg("sandbox")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("Serving until interrupted");
        printed.push(line);
        if done {
            break;
        }
    }
    (Served(child), printed)
}

/// The rest of the first printed line that starts with `label`.
fn printed_after(printed: &[String], label: &str) -> String {
    printed
        .iter()
        .find_map(|l| l.strip_prefix(label))
        .map(|rest| rest.trim().to_string())
        .unwrap_or_else(|| panic!("no {label} line in {printed:?}"))
}

#[test]
fn sandbox_serves_both_stand_ins_until_stopped() {
    let (_served, printed) = start_sandbox(&[]);
    let jira = printed_after(&printed, "Jira stand-in:");
    let align = printed_after(&printed, "Jira Align stand-in:");
    let text = printed.join("\n");
    assert!(text.contains("svc-jira-align / svc-pass"), "{text}");
    assert!(text.contains("demo-admin-pat-0123456789"), "{text}");
    assert!(!text.contains("latency"), "{text}");
    let info: serde_json::Value = reqwest::blocking::get(format!("{jira}/rest/api/2/serverInfo"))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(info["version"], "9.12.2");
    let me = reqwest::blocking::Client::new()
        .get(format!("{align}/rest/align/api/2/users/current"))
        .bearer_auth(align_link_standins::align::DEMO_API_TOKEN)
        .send()
        .unwrap();
    assert_eq!(me.status().as_u16(), 200);
}

#[test]
fn sandbox_latency_flag_delays_each_jira_answer() {
    let (_served, printed) = start_sandbox(&["--latency-ms", "150"]);
    let jira = printed_after(&printed, "Jira stand-in:");
    assert_eq!(
        printed_after(&printed, "  latency:"),
        "150 ms before each answer"
    );
    let info = reqwest::blocking::get(format!("{jira}/rest/api/2/serverInfo")).unwrap();
    assert_eq!(info.status().as_u16(), 200);
    // The stand-in says it waited (a behaviour), rather than a clock measuring it.
    assert_eq!(
        info.headers()["x-standin-latency-ms"].to_str().unwrap(),
        "150"
    );
    let refused = assert_cmd::Command::cargo_bin("align-link")
        .unwrap()
        .args(["sandbox", "--latency-ms", "600000"])
        .output()
        .unwrap();
    assert_exit(&refused, 2);
}

/// Review of issue 15's merges: a profile that used Jira Align's key pair and
/// then has align-link make its own ends with step 5 done, not pending.
#[test]
fn switching_from_jira_aligns_key_to_a_made_one_leaves_step_5_done() {
    let env = Env::new();
    let pem = other_public_key_pem();
    let align_key =
        format!("source = \"align\"\npublic_key = \"\"\"{pem}\"\"\"\npreflight = false\n");
    env.write_answers(&align_key);
    let first = env.run(&["setup", "--yes"]);
    assert_eq!(env.step_status(5), "done", "{}", stderr(&first));
    env.write_answers("source = \"generate\"\npreflight = false\n");
    let second = env.run(&["setup", "--yes", "--replace-existing"]);
    assert_success(&second);
    assert_eq!(env.step_status(5), "done", "{}", stdout(&second));
    assert!(env.state_dir().join("private-key.pem").exists());
}
