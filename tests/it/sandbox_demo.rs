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
    session.exp_string("Done in Jira Align?").unwrap();
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
