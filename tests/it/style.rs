//! Colour for pass/warn/fail only where a terminal wants it, and ASCII in place
//! of ✓ → … under LANG=C or TERM=dumb.

use rexpect::reader::Options;
use rexpect::session::spawn_with_options;

use crate::support::{self, stdout, Env};

const GREEN_PASS: &str = "\u{1b}[32mpass\u{1b}[0m";

/// doctor's output on a pseudo-terminal, escape codes kept; `vars` set on top.
fn doctor_in_a_terminal(env: &Env, vars: &[(&str, &str)]) -> String {
    let binary = assert_cmd::cargo::cargo_bin("align-link");
    let mut cmd = env.command_of(&binary, &env.state_dir(), &["doctor"]);
    cmd.env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR");
    for (name, value) in vars {
        cmd.env(name, value);
    }
    let options = Options {
        timeout_ms: Some(30_000),
        strip_ansi_escape_codes: false,
    };
    let mut session = spawn_with_options(cmd, options).unwrap();
    session.exp_eof().unwrap()
}

#[test]
fn verdicts_are_coloured_on_a_terminal_unless_told_not_to() {
    let env = Env::new();
    env.setup();
    assert!(doctor_in_a_terminal(&env, &[]).contains(GREEN_PASS));
    for vars in [[("NO_COLOR", "1")], [("TERM", "dumb")], [("CLICOLOR", "0")]] {
        let shown = doctor_in_a_terminal(&env, &vars);
        assert!(shown.contains("pass  "), "{vars:?}: {shown}");
        assert!(!shown.contains("\u{1b}[3"), "{vars:?}: {shown:?}");
    }
    // Not a terminal: no escape codes at all.
    let piped = stdout(&env.run(&["doctor"]));
    assert!(
        piped.contains("pass  ") && !piped.contains('\u{1b}'),
        "{piped:?}"
    );
}

#[test]
fn symbols_are_ascii_under_lang_c_and_on_a_dumb_terminal() {
    let env = Env::new();
    let utf8 = env
        .cmd(&["step", "7", "--yes"])
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env("TERM", "xterm")
        .output()
        .unwrap();
    support::assert_success(&utf8);
    assert!(stdout(&utf8).contains("  ✓ "), "{}", stdout(&utf8));
    for (lang, term) in [("C", "xterm"), ("C.UTF-8", "dumb")] {
        let output = env
            .cmd(&["step", "7", "--yes"])
            .env("LANG", lang)
            .env_remove("LC_ALL")
            .env_remove("LC_CTYPE")
            .env("TERM", term)
            .output()
            .unwrap();
        support::assert_success(&output);
        let shown = stdout(&output);
        assert!(shown.contains("  + "), "{lang} {term}: {shown}");
        assert!(shown.is_ascii(), "{lang} {term}: {shown}");
    }
}
