//! The conventions a command-line tool owes its users, through the real binary:
//! exit codes, `--json` with a schema number, `show` changing nothing, profiles,
//! completions and a manual page, help per command, a closed pipe, `--log`, and
//! long network waits said out loud.

use crate::support;

use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::{assert_exit, assert_success, stderr, stdout, Env};

fn bin() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("align-link").unwrap();
    // One width, so the help snapshots do not depend on the terminal running them.
    cmd.timeout(Duration::from_secs(60)).env("COLUMNS", "100");
    cmd
}

fn json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("not JSON ({err}): {}", stdout(output)))
}

/// The writing end of a pipe whose reading end is already closed.
fn closed_pipe() -> std::os::fd::OwnedFd {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: pipe(2) fills both descriptors, which this function then owns.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    unsafe {
        libc::close(fds[0]);
        std::os::fd::OwnedFd::from_raw_fd(fds[1])
    }
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    // The reading end is closed before align-link writes a byte: `steps | head -0`.
    let writer = closed_pipe();
    let output = Command::new(assert_cmd::cargo::cargo_bin("align-link"))
        .args(["man"])
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).is_empty(), "quietly: {}", stderr(&output));
    // And after the first line, as `steps | head -1` does.
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("align-link"))
        .args(["steps"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 8];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}

#[test]
fn status_exits_1_after_a_failed_step_and_says_so_in_json() {
    let env = Env::new();
    let failed = env
        .cmd(&["step", "7", "--yes"])
        .env("TEST_JIRA_PAT", "not-the-token")
        .output()
        .unwrap();
    assert_exit(&failed, 1);
    let status = env.run(&["status"]);
    assert_exit(&status, 1);
    assert!(
        stdout(&status).contains("A step failed"),
        "{}",
        stdout(&status)
    );
    let status = env.run(&["status", "--json"]);
    assert_exit(&status, 1);
    let value = json(&status);
    assert_eq!(value["schema"], 1);
    assert_eq!(value["any_failed"], true);
    assert_eq!(value["steps"][6]["status"], "failed");
    // Once the step passes, status is 0 again.
    assert_success(&env.run(&["step", "7", "--yes"]));
    assert_success(&env.run(&["status"]));
}

#[test]
fn steps_as_json() {
    let output = bin().args(["steps", "--json"]).output().unwrap();
    assert_success(&output);
    let value = json(&output);
    assert_eq!(value["schema"], 1);
    let steps = value["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 24);
    assert_eq!(steps[12]["number"], 13);
    assert_eq!(steps[12]["side"], "Jira");
    assert_eq!(steps[0]["how"], "guided");
}

#[test]
fn show_prints_the_connector_form_and_changes_nothing() {
    let env = Env::new();
    env.write_answers("[connector]\nid = 77\n");
    assert_success(&env.run(&["step", "4", "--yes"]));
    let before = env.state_text();
    let consumer_key = env.state()["consumer"]["key"].as_str().unwrap().to_string();

    let output = env.cmd(&["show"]).output().unwrap();
    assert_success(&output);
    let text = stdout(&output);
    let jira = env.jira.url().trim_end_matches('/').to_string();
    for expected in [
        format!("Jira Link      : {jira}/browse/"),
        format!("Jira API URL   : {jira}"),
        format!("Consumer key   : {consumer_key}"),
        "Connector name : Jira Data Center".to_string(),
        "Connector ID   : 77".to_string(),
        "Authentication : OAuth".to_string(),
    ] {
        assert!(text.contains(&expected), "{expected:?} in:\n{text}");
    }
    // show needs no secret: unset { env = ... } variables do not stop it.
    let without_secrets = env
        .cmd(&["show"])
        .env_remove("TEST_JIRA_PAT")
        .env_remove("TEST_SERVICE_PASSWORD")
        .output()
        .unwrap();
    assert_success(&without_secrets);
    let value = json(&env.run(&["show", "--json"]));
    assert_eq!(value["schema"], 1);
    assert_eq!(value["connector"]["jira_link"], format!("{jira}/browse/"));
    assert_eq!(value["connector"]["consumer_key"], consumer_key.as_str());
    assert_eq!(value["connector"]["connector_id"], 77);
    assert!(value["keys"]["fingerprint"].is_null(), "step 5 not run yet");
    assert_eq!(env.state_text(), before, "show changes no state");
    assert_eq!(env.step_status(4), "needs-operator");
}

#[test]
fn profiles_are_listed_and_a_mistyped_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let state_home = dir.path().join("state");
    let config_home = dir.path().join("config");
    fs::create_dir_all(state_home.join("align-link/default")).unwrap();
    fs::create_dir_all(config_home.join("align-link")).unwrap();
    support::write_private(&config_home.join("align-link/prod.toml"), "");
    let run = |args: &[&str]| {
        bin()
            .args(args)
            .env("XDG_STATE_HOME", &state_home)
            .env("XDG_CONFIG_HOME", &config_home)
            .output()
            .unwrap()
    };
    let listed = run(&["profiles", "--json"]);
    assert_success(&listed);
    let value = json(&listed);
    assert_eq!(value["schema"], 1);
    let names: Vec<&str> = value["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["default", "prod"]);
    assert!(value["profiles"][1]["state_dir"].is_null());
    assert!(stdout(&run(&["profiles"])).contains("prod"));

    for command in ["status", "show"] {
        let typo = run(&[command, "--profile", "prdo"]);
        assert_exit(&typo, 2);
        let err = stderr(&typo);
        assert!(err.contains("profile `prdo`"), "{err}");
        assert!(err.contains("default, prod"), "{err}");
    }
    let typo = run(&["step", "24", "--profile", "prdo", "--yes"]);
    assert_exit(&typo, 2);
    assert_success(&run(&["status", "--profile", "default"]));
    // A mistyped --state-dir is no profile with 24 pending steps.
    let missing = dir.path().join("typo");
    let typo = run(&["status", "--state-dir", missing.to_str().unwrap()]);
    assert_exit(&typo, 2);
    let err = stderr(&typo);
    assert!(err.contains("no such directory"), "{err}");
    assert!(err.contains("default, prod"), "{err}");
}

#[test]
fn the_profile_config_answers_when_no_file_is_given() {
    let env = Env::new();
    let config = env.config_home().join("align-link/default.toml");
    fs::create_dir_all(config.parent().unwrap()).unwrap();
    fs::copy(env.answers_path(), &config).unwrap();
    // No --answers: the profile's config file answers.
    let output = bin()
        .args(["step", "7", "--yes", "--state-dir"])
        .arg(env.state_dir())
        .env("XDG_CONFIG_HOME", env.config_home())
        .env("TEST_JIRA_PAT", &env.jira.demo().admin_token)
        .env("TEST_SERVICE_PASSWORD", &env.jira.demo().service_password)
        .env("COLUMNS", support::WIDE)
        .output()
        .unwrap();
    assert_success(&output);
    let out = stdout(&output);
    assert!(out.contains("Answers from the profile's config"), "{out}");
    assert!(out.contains(&config.display().to_string()), "{out}");
}

#[test]
fn completions_and_manual_page() {
    let bash = bin().args(["completions", "bash"]).output().unwrap();
    assert_success(&bash);
    let script = stdout(&bash);
    assert!(
        script.contains("setup") && script.contains("--state-dir"),
        "{script}"
    );
    for shell in ["zsh", "fish", "powershell"] {
        let output = bin().args(["completions", shell]).output().unwrap();
        assert_success(&output);
        assert!(stdout(&output).contains("show"), "{shell}");
    }
    assert_exit(&bin().args(["completions", "tcsh"]).output().unwrap(), 2);

    let man = bin().arg("man").output().unwrap();
    assert_success(&man);
    let page = stdout(&man);
    // The whole page, reviewed: a section per command, in --help's order, then
    // EXIT STATUS, ENVIRONMENT and FILES.
    insta::assert_snapshot!(
        "man_page",
        page.replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
    );
    // Subcommands are sections of this page, not pages of their own.
    assert!(
        !page.contains("(1)"),
        "a reference to a page that does not exist"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("align-link.1");
    fs::write(&file, &page).unwrap();
    // man(1) renders it without a warning when it is installed.
    if let Ok(rendered) = Command::new("man")
        .args(["-l", "-P", "cat"])
        .arg(&file)
        .env("MANWIDTH", "80")
        .output()
    {
        assert!(rendered.status.success(), "{}", stderr(&rendered));
        let text = stdout(&rendered);
        assert!(
            text.contains("SYNOPSIS") && text.contains("align-link"),
            "{text}"
        );
        assert!(
            !stderr(&rendered).contains("warning"),
            "{}",
            stderr(&rendered)
        );
    }
}

#[test]
fn help_stands_without_the_repository() {
    let commands = [
        "setup",
        "step",
        "steps",
        "status",
        "plan",
        "show",
        "doctor",
        "unlink",
        "renew",
        "profiles",
        "sandbox",
        "completions",
        "man",
        "answers-example",
    ];
    let mut helps = vec![("align-link", vec!["--help"])];
    helps.extend(commands.map(|command| (command, vec![command, "--help"])));
    for (command, args) in helps {
        let help = stdout(&bin().args(args).output().unwrap());
        // An installed binary has neither the README nor examples/.
        for absent in ["README", "examples/answers.toml"] {
            assert!(!help.contains(absent), "{absent} in:\n{help}");
        }
        // The whole text, reviewed: options, examples and wording.
        insta::assert_snapshot!(format!("help_{command}"), help);
    }
}

#[test]
fn each_command_offers_its_own_options_with_examples() {
    let help = |args: &[&str]| stdout(&bin().args(args).output().unwrap());
    let status = help(&["status", "--help"]);
    assert!(status.contains("--profile") && status.contains("--json"));
    for absent in ["--answers", "--timeout", "--no-browser", "--sandbox"] {
        assert!(
            !status.contains(absent),
            "status offers {absent}:\n{status}"
        );
    }
    assert!(!help(&["steps", "--help"]).contains("--profile"));
    let setup = help(&["setup", "--help"]);
    assert!(setup.contains("--no-browser") && setup.contains("--log <FILE>"));
    for command in [
        "setup", "step", "steps", "status", "show", "profiles", "man",
    ] {
        assert!(
            help(&[command, "--help"]).contains("Examples:"),
            "{command} --help has examples"
        );
    }
}

#[test]
fn the_log_records_requests_redacted_in_a_private_file() {
    let env = Env::new();
    let log = env.dir.path().join("run.log");
    let log_arg = format!("--log={}", log.display());
    let output = env.run(&["step", "7", "--yes", &log_arg]);
    assert_success(&output);
    let mode = fs::metadata(&log).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = fs::read_to_string(&log).unwrap();
    assert!(text.contains("> GET http://127.0.0.1:"), "{text}");
    assert!(text.contains("[Bearer <redacted>]"), "{text}");
    assert!(text.contains("< 200 ("), "{text}");
    assert!(!text.contains(&env.jira.demo().admin_token), "{text}");
    // A second run appends.
    assert_success(&env.run(&["step", "7", "--yes", &log_arg]));
    let again = fs::read_to_string(&log).unwrap();
    assert_eq!(again.matches("started").count(), 2, "{again}");
    // A log others could read is refused before anything runs.
    fs::set_permissions(&log, fs::Permissions::from_mode(0o644)).unwrap();
    let refused = env.run(&["step", "7", "--yes", &log_arg]);
    assert_exit(&refused, 2);
    assert!(
        stderr(&refused).contains("chmod 600"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn a_wait_over_two_seconds_names_the_request() {
    // A server that answers every request 2.5 s late.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let slow = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer);
                std::thread::sleep(Duration::from_millis(2500));
                let _ = stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            });
        }
    });
    let env = Env::new();
    env.rewrite_answers(&env.jira.url(), &slow);
    let output = env.run(&["step", "7", "--yes"]);
    let err = stderr(&output);
    assert!(
        err.contains(
            "waiting over 2 s for Jira's server info from 127.0.0.1 (GET /rest/api/2/serverInfo)"
        ) || err.contains("waiting over 2 s for the administrator's rights from 127.0.0.1")
            || err.contains("waiting over 2 s for the list of application links from 127.0.0.1"),
        "{err}"
    );
}

/// Step 18 run on its own starts the handshake, which announces the step it is
/// in: the heading is printed once all the same (issue 17).
#[test]
fn step_18_on_its_own_prints_its_heading_once() {
    let env = Env::new();
    support::assert_success(&env.setup());
    // The pair made early is reported as made once it was saved.
    let step_5 = env.state()["steps"]["5"]["detail"].to_string();
    assert!(step_5.contains("-bit key pair, SHA256:"), "{step_5}");
    let output = env.run(&["step", "18", "--yes"]);
    support::assert_success(&output);
    let said = support::stdout(&output);
    assert_eq!(said.matches("Step 18 [").count(), 1, "{said}");
    assert_eq!(said.matches("Step 19 [").count(), 1, "{said}");
}
