//! Every command the tool suggests is runnable as printed: it carries the run's
//! `--profile`, `--state-dir` and `--answers` (issue 17).

use crate::support::{self, Env};

/// Each `` `align-link ...` `` the text suggests.
fn suggestions(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|quoted| quoted.starts_with("align-link "))
        .map(str::to_string)
        .collect()
}

/// Runs `args` with `--profile p` and returns what it printed, both streams.
fn outputs_of(env: &Env, args: &[&str]) -> String {
    let output = env.cmd(args).args(["--profile", "p"]).output().unwrap();
    format!("{}\n{}", support::stdout(&output), support::stderr(&output))
}

#[test]
fn suggested_commands_carry_the_runs_profile_state_dir_and_answers() {
    let env = Env::new();
    let mut printed = String::new();
    // A step whose input another step provides: the hint suggests both.
    printed += &outputs_of(&env, &["step", "13", "--yes"]);
    // A failing setup: Jira refuses the service account's password.
    let failing = env
        .cmd(&["setup", "--yes", "--profile", "p"])
        .env("TEST_SERVICE_PASSWORD", "wrong")
        .output()
        .unwrap();
    assert_ne!(failing.status.code(), Some(0));
    printed += &support::stdout(&failing);
    printed += &support::stderr(&failing);
    printed += &outputs_of(&env, &["setup", "--yes"]);
    printed += &outputs_of(&env, &["plan"]);
    printed += &outputs_of(&env, &["status"]);
    // A broken link: doctor's fixes name commands.
    let link_id = env.state()["link"]["id"].as_str().unwrap().to_string();
    support::remove_consumer(&env, &link_id);
    printed += &outputs_of(&env, &["doctor"]);

    let found = suggestions(&printed);
    assert!(found.len() >= 5, "too few suggestions to judge:\n{printed}");
    let state_dir = env.state_dir().display().to_string();
    let answers = env.answers_path().display().to_string();
    for command in &found {
        assert!(
            command.contains("--profile p"),
            "{command:?} in:\n{printed}"
        );
        assert!(command.contains(&state_dir), "{command:?}");
        if !command.starts_with("align-link status") {
            assert!(command.contains(&answers), "{command:?}");
        }
    }
}

#[test]
fn the_ctrl_c_note_suggests_the_runs_profile() {
    let env = Env::new();
    let binary = assert_cmd::cargo::cargo_bin("align-link");
    let mut cmd = env.command_of(&binary, &env.state_dir(), &["setup", "--profile", "p"]);
    cmd.env("TERM", "xterm");
    let mut session = support::at_first_confirmation(cmd, true);
    session.send_control('c').unwrap();
    let rest = session.exp_eof().unwrap();
    let note = rest
        .split("Interrupted.")
        .nth(1)
        .unwrap_or_else(|| panic!("{rest}"));
    let found = suggestions(&note.replace(['\r', '\n'], " "));
    assert_eq!(found.len(), 1, "{note}");
    assert!(
        found[0].starts_with("align-link setup --profile p"),
        "{note}"
    );
}
