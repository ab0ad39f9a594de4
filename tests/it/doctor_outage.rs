//! doctor with Jira stopped: an outage, said as one ("Jira unreachable", the
//! network fix, never `renew`), within a bound the default timeouts keep, with a
//! spinner that says what it waits for.

use std::time::{Duration, Instant};

use align_link_standins::jira::{JiraConfig, JiraStandIn};

use crate::read_only_pty::in_a_terminal;
use crate::support::{self, Env};

/// A set-up profile whose Jira has stopped (its port refuses connections).
fn set_up_then_stopped() -> Env {
    let mut env = Env::new();
    env.setup();
    let replacement = JiraStandIn::start(JiraConfig::default()).unwrap();
    drop(std::mem::replace(&mut env.jira, replacement));
    env
}

#[test]
fn doctor_with_jira_stopped_says_unreachable_and_never_renew() {
    let env = set_up_then_stopped();
    let started = Instant::now();
    let output = env.run(&["doctor"]);
    let took = started.elapsed();
    support::assert_exit(&output, 1);
    let said = format!("{}{}", support::stdout(&output), support::stderr(&output));
    assert!(took < Duration::from_secs(15), "took {took:?}:\n{said}");
    assert!(
        said.contains("FAIL  Jira reachable: Jira unreachable"),
        "{said}"
    );
    assert!(said.contains("An outage or a network problem"), "{said}");
    assert!(!said.contains("renew"), "{said}");
    assert!(!said.contains("step 17"), "{said}");
}

#[test]
fn doctor_waiting_on_a_stopped_jira_says_so_in_a_terminal() {
    let env = set_up_then_stopped();
    let shown = in_a_terminal(&env, &["doctor"]);
    assert!(shown.contains("reaching http://127.0.0.1:"), "{shown}");
    assert!(shown.contains("as the administrator"), "{shown}");
}

#[test]
fn ctrl_c_while_doctor_waits_clears_its_spinner_and_removes_its_throwaway_state() {
    let env = Env::with_config(JiraConfig {
        latency: Duration::from_secs(3),
        ..JiraConfig::default()
    });
    let tmp = tempfile::tempdir().unwrap();
    let binary = assert_cmd::cargo::cargo_bin("align-link");
    // No state here: doctor works in a throwaway directory under TMPDIR.
    let mut cmd = env.command_of(&binary, &env.dir.path().join("none"), &["doctor"]);
    cmd.env("TERM", "xterm").env("TMPDIR", tmp.path());
    let options = rexpect::reader::Options {
        timeout_ms: Some(30_000),
        strip_ansi_escape_codes: false,
    };
    let mut session = rexpect::session::spawn_with_options(cmd, options).unwrap();
    session.exp_string("as the administrator").unwrap();
    assert_eq!(support::sandbox_dirs(tmp.path()).len(), 1);
    session.send_control('c').unwrap();
    let rest = session.exp_eof().unwrap();
    // The spinner's last frame is erased before the interruption is said.
    let after_spinner = rest.rsplit("as the administrator").next().unwrap();
    let (before_note, _) = after_spinner
        .split_once("Interrupted.")
        .unwrap_or_else(|| panic!("{rest:?}"));
    assert!(before_note.contains("\r\u{1b}[2K"), "{rest:?}");
    assert_eq!(support::sandbox_dirs(tmp.path()), Vec::<String>::new());
}
