//! The completion scripts, driven in each shell as a person's TAB would: a
//! subcommand's options complete (`align-link status --<TAB>`).

use std::process::Command;

use rexpect::reader::Options;
use rexpect::session::spawn_with_options;

fn script(shell: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let output = assert_cmd::Command::cargo_bin("align-link")
        .unwrap()
        .args(["completions", shell])
        .output()
        .unwrap();
    crate::support::assert_success(&output);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("align-link.{shell}"));
    std::fs::write(&path, &output.stdout).unwrap();
    (dir, path)
}

/// The options a completion offers must be those of `status`, not of another command.
fn assert_status_options(offered: &str) {
    for option in ["--profile", "--state-dir", "--json"] {
        assert!(offered.contains(option), "{option} not offered:\n{offered}");
    }
    assert!(
        !offered.contains("--answers"),
        "status takes no --answers:\n{offered}"
    );
}

fn output_of(cmd: &mut Command) -> String {
    let output = cmd.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn bash_completes_a_subcommands_options() {
    let (_dir, path) = script("bash");
    // The function clap registers, called as bash calls it on TAB.
    let driver = format!(
        "source '{}'\n\
         COMP_WORDS=(align-link status --); COMP_CWORD=2\n\
         COMP_LINE='align-link status --'; COMP_POINT=${{#COMP_LINE}}\n\
         _align__link align-link -- status\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        path.display()
    );
    assert_status_options(&output_of(
        Command::new("bash").args(["--norc", "-c", &driver]),
    ));
}

#[test]
fn fish_completes_a_subcommands_options() {
    let (_dir, path) = script("fish");
    let driver = format!(
        "source '{}'; complete -C 'align-link status --'",
        path.display()
    );
    assert_status_options(&output_of(Command::new("fish").args([
        "--no-config",
        "-c",
        &driver,
    ])));
}

#[test]
fn zsh_completes_a_subcommands_options() {
    let (dir, path) = script("zsh");
    // zsh completes only in its line editor: an interactive zsh on a pty, TAB typed.
    let functions = dir.path().join("functions");
    std::fs::create_dir(&functions).unwrap();
    std::fs::copy(&path, functions.join("_align-link")).unwrap();
    let mut cmd = Command::new("zsh");
    cmd.args(["-f", "-i"])
        .env("TERM", "dumb")
        .env("PS1", "READY> ")
        .env("HOME", dir.path());
    let options = Options {
        timeout_ms: Some(20_000),
        strip_ansi_escape_codes: true,
    };
    let mut zsh = spawn_with_options(cmd, options).unwrap();
    zsh.send_line(&format!(
        "fpath=('{}' $fpath); autoload -Uz compinit; compinit -u -D; zstyle ':completion:*' list-prompt ''; PS1='READY> '",
        functions.display()
    ))
    .unwrap();
    zsh.exp_string("READY> ").unwrap();
    zsh.send("align-link status --\t").unwrap();
    zsh.flush().unwrap();
    let offered = zsh.exp_string("--state-dir").unwrap();
    let offered = format!("{offered}--state-dir");
    for option in ["--profile", "--json"] {
        assert!(offered.contains(option), "{option} not offered:\n{offered}");
    }
    assert!(!offered.contains("--answers"), "{offered}");
}
