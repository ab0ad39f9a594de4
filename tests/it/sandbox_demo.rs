//! The sandbox demo: the demo login shown where the approval is asked for, and
//! Ctrl-C removing the temporary profile as it says.

use std::process::Command;

use rexpect::reader::Options;
use rexpect::session::spawn_with_options;

use crate::support::{self, sandbox_dirs, stderr, stdout};

#[test]
fn sandbox_setup_shows_the_demo_login_where_it_asks_for_the_approval() {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("answers.toml");
    support::write_private(&answers, "[oauth]\napproval = \"manual\"\n");
    let output = assert_cmd::Command::cargo_bin("align-link")
        .unwrap()
        .args(["setup", "--sandbox", "--yes", "--answers"])
        .arg(&answers)
        .env("COLUMNS", support::WIDE)
        .env("XDG_STATE_HOME", dir.path().join("xdg"))
        .env("TMPDIR", dir.path())
        .timeout(std::time::Duration::from_secs(180))
        .output()
        .unwrap();
    // A scripted run cannot type the code; what matters is what it showed first.
    assert_ne!(output.status.code(), Some(0));
    let said = format!("{}{}", stdout(&output), stderr(&output));
    let (_, after_address) = said
        .split_once("Open this address in a browser logged in to Jira as the service account")
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        after_address.contains("log in to Jira as svc-jira-align with the demo password svc-pass"),
        "{said}"
    );
}

#[test]
fn ctrl_c_in_a_sandbox_setup_removes_its_temporary_profile() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("align-link"));
    cmd.args(["setup", "--sandbox"])
        .env("XDG_STATE_HOME", dir.path().join("xdg"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("TMPDIR", dir.path())
        .env("TERM", "xterm")
        .env_remove("BROWSER")
        .env_remove("DISPLAY");
    let options = Options {
        timeout_ms: Some(60_000),
        strip_ansi_escape_codes: true,
    };
    let mut session = spawn_with_options(cmd, options).unwrap();
    // The first question, asked before the steps run.
    session.exp_string("Name for the connector").unwrap();
    assert_eq!(
        sandbox_dirs(dir.path()).len(),
        1,
        "the run's temporary profile"
    );
    session.send_control('c').unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(rest.contains("nothing is kept"), "{rest}");
    assert_eq!(sandbox_dirs(dir.path()), Vec::<String>::new());
}

#[test]
fn the_sandbox_syncs_the_test_project_once_the_token_works() {
    let sandbox = align_link::sandbox::Sandbox::start().unwrap();
    let demo = sandbox.jira.demo();
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("answers.toml");
    support::write_private(
        &answers,
        &format!(
            "[jira]\nurl = \"{}\"\nadmin_token = \"{}\"\ntest_project = \"{}\"\n\n\
             [service_account]\nusername = \"{}\"\npassword = \"{}\"\n\n\
             [align]\nurl = \"{}\"\napi_token = \"{}\"\nsync_timeout_secs = 30\n\n[keys]\nbits = 2048\n",
            sandbox.jira.url(),
            demo.admin_token,
            demo.test_project_key,
            demo.service_username,
            demo.service_password,
            sandbox.align.url(),
            align_link_standins::align::DEMO_API_TOKEN,
        ),
    );
    let state = dir.path().join("state");
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("align-link")
            .unwrap()
            .args(args)
            .arg("--answers")
            .arg(&answers)
            .arg("--state-dir")
            .arg(&state)
            .env("COLUMNS", support::WIDE)
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap()
    };
    let from_test_project = || {
        sandbox
            .align
            .features()
            .into_iter()
            .filter(|f| f.jira_project_key.as_deref() == Some("ALIGN"))
            .count()
    };
    assert_eq!(from_test_project(), 0, "no sync before the token");
    support::assert_success(&run(&["setup", "--yes"]));
    // The connector's token is issued: the stand-in's sync follows within seconds.
    let synced = run(&["step", "24", "--yes"]);
    support::assert_success(&synced);
    let said = stdout(&synced);
    assert!(
        said.contains("Jira Align shows 3 feature(s) from ALIGN"),
        "{said}"
    );
    let doctor = run(&["doctor"]);
    let said = stdout(&doctor);
    assert!(
        said.contains("pass  Features synced from the test project"),
        "{said}"
    );
}
