//! The terminal left as it was found: Ctrl-C at a prompt (pseudo-terminal through
//! rexpect), and step 5's menu drawn and redrawn at 60 and 80 columns (tmux, which
//! renders the screen as a person sees it, so a garbled redraw shows as
//! duplicated or broken lines).

use crate::support;

use std::process::Command;

use rexpect::reader::Options;
use rexpect::session::spawn_with_options;
use support::tmux::Tmux;
use support::Env;

fn binary() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("align-link")
}

#[test]
fn ctrl_c_at_a_prompt_restores_the_cursor_and_exits_130() {
    let env = Env::new();
    let mut cmd = Command::new(binary());
    cmd.args(["setup", "--answers"])
        .arg(env.answers_path())
        .arg("--state-dir")
        .arg(env.state_dir())
        .env("XDG_CONFIG_HOME", env.config_home())
        .env("TEST_JIRA_PAT", &env.jira.demo().admin_token)
        .env("TEST_SERVICE_PASSWORD", &env.jira.demo().service_password)
        .env("TERM", "xterm")
        .env_remove("BROWSER");
    let mut session = support::at_first_confirmation(cmd, false);
    session.send_control('c').unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(
        rest.contains("\u{1b}[?25h"),
        "the cursor is shown: {rest:?}"
    );
    assert!(rest.contains("Interrupted."), "{rest:?}");
    assert!(
        rest.contains(&format!("saved in {}", env.state_dir().display())),
        "says what was saved: {rest:?}"
    );
    let status = format!("{:?}", session.process.wait().unwrap());
    assert!(status.contains(", 130)"), "{status}");
}

fn count(screen: &[String], line: &str) -> usize {
    screen.iter().filter(|l| l.as_str() == line).count()
}

const EXPLANATION: &str = "Jira Align can make the key pair (Generate New Key on the connector form); align-link then installs its public key on the Jira link.";

fn step_5_menu_at(columns: u16) {
    let env = Env::new();
    support::assert_success(&env.run(&["step", "4", "--yes"]));
    let log = env.dir.path().join("run.log");
    let command = format!(
        "{} step 5 --answers {} --state-dir {} --log {}",
        binary().display(),
        env.answers_path().display(),
        env.state_dir().display(),
        log.display()
    );
    let config = format!("XDG_CONFIG_HOME={}", env.config_home().display());
    let password = format!("TEST_SERVICE_PASSWORD={}", env.jira.demo().service_password);
    let tmux = Tmux::running(
        &format!("{columns}"),
        columns,
        &env,
        &[&password, &config],
        &command,
    );

    let screen = tmux.wait_for("  align-link (its own key pair)");
    let shown = screen.join("\n");
    let flat = screen
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains(EXPLANATION),
        "wrapped at word boundaries:\n{shown}"
    );
    assert!(screen.iter().all(|l| l.chars().count() <= columns as usize));
    assert_eq!(
        count(&screen, "> Jira Align (Generate New Key)"),
        1,
        "{shown}"
    );
    assert_eq!(
        count(&screen, "  align-link (its own key pair)"),
        1,
        "{shown}"
    );

    tmux.send_key("Down");
    let screen = tmux.wait_for("> align-link (its own key pair)");
    let shown = screen.join("\n");
    assert_eq!(
        count(&screen, "> align-link (its own key pair)"),
        1,
        "{shown}"
    );
    assert_eq!(
        count(&screen, "  Jira Align (Generate New Key)"),
        1,
        "{shown}"
    );
    assert_eq!(
        screen
            .iter()
            .filter(|l| l.contains("Who makes the RSA key pair?"))
            .count(),
        1,
        "the menu is redrawn in place:\n{shown}"
    );

    tmux.send_key("Enter");
    // The choice is an answer: keeping it as the profile's config is offered.
    tmux.wait_for("nothing already answered? [Y/n]");
    tmux.type_line("n");
    tmux.wait_for("Done: every step requested is complete.");
    assert_eq!(
        env.state()["consumer"]["key_source"].as_str(),
        Some("generate")
    );
    let logged = std::fs::read_to_string(&log).unwrap();
    let heading = logged
        .find("Step  5 [both, automated] Make the RSA key pair")
        .expect("the step is noted");
    let answer = logged
        .find("select \"Who makes the RSA key pair?\" = \"align-link (its own key pair)\"")
        .expect("the answer is recorded");
    // Asked before the steps run (issue 15: every question before the first request).
    assert!(answer < heading, "{logged}");
}

#[test]
fn step_5_menu_at_60_columns() {
    step_5_menu_at(60);
}

#[test]
fn step_5_menu_at_80_columns() {
    step_5_menu_at(80);
}

#[test]
fn the_sandbox_offers_align_links_own_key_first() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let scripted = bin_with(&["step", "4", "--sandbox", "--yes"], &state)
        .output()
        .unwrap();
    support::assert_success(&scripted);
    let options = Options {
        timeout_ms: Some(60_000),
        strip_ansi_escape_codes: true,
    };
    let mut cmd = bin_with(&["step", "5", "--sandbox"], &state);
    cmd.env("TERM", "xterm");
    let mut session = spawn_with_options(cmd, options).unwrap();
    session
        .exp_string("In the sandbox, align-link's own key pair is the default.")
        .unwrap();
    session
        .exp_string("> align-link (its own key pair)")
        .unwrap();
    session.send("\r").unwrap(); // Enter takes the default
    session.flush().unwrap();
    session.exp_string("RSA key pair").unwrap();
    session.exp_eof().unwrap();
    let text = std::fs::read_to_string(state.join("state.toml")).unwrap();
    assert!(text.contains("key_source = \"generate\""), "{text}");
}

fn bin_with(args: &[&str], state: &std::path::Path) -> Command {
    let mut cmd = Command::new(binary());
    cmd.args(args)
        .arg("--state-dir")
        .arg(state)
        .env("XDG_CONFIG_HOME", state.join("no-config"))
        .env_remove("BROWSER");
    cmd
}

/// Issue 17: on a terminal, errors and hints on stderr are wrapped at word
/// boundaries as stdout is, each line after the first indented under the text.
#[test]
fn errors_and_hints_wrap_at_word_boundaries_at_60_columns() {
    let env = Env::new();
    // A typo'd service password: step 7 refuses it with a long message and hint.
    let command = format!(
        "{} step 7 --yes --answers {} --state-dir {}",
        binary().display(),
        env.answers_path().display(),
        env.state_dir().display(),
    );
    let tmux = Tmux::running(
        "wrap",
        60,
        &env,
        &["TEST_SERVICE_PASSWORD=a-wrong-password"],
        &command,
    );
    let screen = tmux.wait_for("Hint:");
    let error_at = screen
        .iter()
        .position(|line| line.starts_with("Error:"))
        .unwrap_or_else(|| panic!("no error shown:\n{}", screen.join("\n")));
    let report: Vec<&String> = screen[error_at..]
        .iter()
        .take_while(|line| !line.is_empty())
        .collect();
    assert!(report.len() > 2, "the report wraps:\n{}", screen.join("\n"));
    for line in &report {
        assert!(line.chars().count() <= 60, "{line:?}");
        let continued = !line.starts_with("Error:") && !line.starts_with("Hint:");
        assert!(
            !continued || line.starts_with("      "),
            "a continued line is indented under the text: {line:?}"
        );
    }
    // No word is cut in two: every word of the report is one the text has.
    let text = report
        .iter()
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("service account"), "{text}");
}
