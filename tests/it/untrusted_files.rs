//! Files from outside, through the binary: a device, a FIFO or a huge file given
//! as public key, CA certificate or answers file fails at once with a message that
//! names the file and the problem; so does a FIFO in the state directory, and a
//! state directory others can change.

use crate::support;

use std::fs::{self, File};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use support::{assert_exit, assert_success, stderr, Env};

/// Without the checks a FIFO would hang the run: this fails the test instead.
const NO_HANG: Duration = Duration::from_secs(30);

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// `/dev/zero`, a FIFO and a 1 GiB (sparse) file, each with what the error says.
fn bad_files(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let fifo = dir.join("pipe.pem");
    mkfifo(&fifo);
    let huge = dir.join("huge.pem");
    File::create(&huge)
        .unwrap()
        .set_len(1024 * 1024 * 1024)
        .unwrap();
    vec![
        (
            PathBuf::from("/dev/zero"),
            "is a character device, not a regular file",
        ),
        (fifo, "is a named pipe (FIFO), not a regular file"),
        (huge, "is 1024 MiB, more than the"),
    ]
}

fn run(env: &Env, args: &[&str]) -> Output {
    env.cmd(args).timeout(NO_HANG).output().unwrap()
}

#[test]
fn a_device_fifo_or_huge_public_key_file_is_refused() {
    let env = Env::new();
    for (path, reason) in bad_files(env.dir.path()) {
        env.write_answers(&format!(
            "source = \"align\"\npublic_key_file = \"{}\"\n",
            path.display()
        ));
        let output = run(&env, &["setup", "--yes"]);
        assert_exit(&output, 2);
        let err = stderr(&output);
        assert!(
            err.contains(&format!(
                "keys.public_key_file: {} {reason}",
                path.display()
            )),
            "{err}"
        );
        assert!(err.contains("Hint: "), "{err}");
        assert!(
            !env.state_dir().exists(),
            "nothing was written before the answers were read"
        );
    }
}

#[test]
fn a_device_fifo_or_huge_ca_certificate_is_refused() {
    let env = Env::new();
    for (path, reason) in bad_files(env.dir.path()) {
        let shown = path.display().to_string();
        let output = run(&env, &["setup", "--yes", "--ca-cert", &shown]);
        assert_exit(&output, 2);
        let err = stderr(&output);
        assert!(
            err.contains(&format!("Error: --ca-cert {shown} {reason}")),
            "{err}"
        );
    }
}

#[test]
fn a_device_fifo_or_huge_answers_file_is_refused() {
    let env = Env::new();
    for (path, reason) in bad_files(env.dir.path()) {
        let shown = path.display().to_string();
        let output = assert_cmd::Command::cargo_bin("align-link")
            .unwrap()
            .args(["setup", "--yes"])
            .args(["--answers", &shown, "--state-dir"])
            .arg(env.state_dir())
            .timeout(NO_HANG)
            .output()
            .unwrap();
        assert_exit(&output, 2);
        let err = stderr(&output);
        assert!(
            err.contains(&format!("Error: --answers {shown} {reason}")),
            "{err}"
        );
        if reason.contains("regular") {
            assert!(
                err.contains("Hint: align-link reads only regular files"),
                "{err}"
            );
        }
    }
}

#[test]
fn a_fifo_in_the_state_directory_is_refused() {
    for name in ["state.toml", "private-key.pem", "run.lock"] {
        let env = Env::new();
        fs::create_dir(env.state_dir()).unwrap();
        fs::set_permissions(env.state_dir(), fs::Permissions::from_mode(0o700)).unwrap();
        let fifo = env.state_dir().join(name);
        mkfifo(&fifo);
        // private-key.pem is read at step 5, once the steps before it have run.
        let output = run(&env, &["setup", "--yes"]);
        assert_exit(&output, 1);
        let err = stderr(&output);
        assert!(
            err.contains(&format!("{} is", fifo.display())) && err.contains("not a regular file"),
            "{name}: {err}"
        );
    }
}

#[test]
fn a_state_directory_others_can_change_is_refused() {
    let env = Env::new();
    env.setup();
    let dir = env.state_dir();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
    let output = run(&env, &["setup", "--yes"]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "Error: the state directory {} can be changed by group or others (mode 777)",
            dir.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("Hint: Run `chmod 700 {}`", dir.display())),
        "{err}"
    );

    // Readable by others: a warning, and the run goes on.
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o750)).unwrap();
    let output = run(&env, &["setup", "--yes"]);
    assert_success(&output);
    assert!(
        stderr(&output).contains(&format!(
            "can be entered by group or others (mode 750); it holds private keys: run `chmod 700 {}`",
            dir.display()
        )),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_state_directory_of_another_user_is_refused() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: only root can give a directory to another user");
        return;
    }
    let env = Env::new();
    fs::create_dir(env.state_dir()).unwrap();
    fs::set_permissions(env.state_dir(), fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::chown(env.state_dir(), Some(4242), Some(4242)).unwrap();
    let output = run(&env, &["setup", "--yes"]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("belongs to another user (uid 4242"), "{err}");
    assert!(
        err.contains(&format!(
            "Hint: If it should be yours: `sudo chown \"$(id -u)\" {}`",
            env.state_dir().display()
        )),
        "{err}"
    );
}

use crate::support::sandbox_dirs;

#[test]
fn sandbox_state_is_removed_on_exit_after_a_failure_and_after_a_kill() {
    let tmp = tempfile::tempdir().unwrap();
    let sandbox = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("align-link")
            .unwrap()
            .args(args)
            .args(["--sandbox", "--yes"])
            .env("TMPDIR", tmp.path())
            .env_remove("BROWSER")
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap()
    };
    // Step 7 succeeds (and writes state); step 13 fails: no consumer key yet.
    let output = sandbox(&["step", "7"]);
    assert_success(&output);
    // The sandbox's notes go to stderr (stdout may be one JSON document).
    assert!(
        stderr(&output).contains("(removed on exit)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(sandbox_dirs(tmp.path()), Vec::<String>::new());
    let output = sandbox(&["step", "13"]);
    assert_exit(&output, 1);
    assert_eq!(sandbox_dirs(tmp.path()), Vec::<String>::new());

    // A run killed outright cannot clean up: the next sandbox run does.
    let mut killed = std::process::Command::new(assert_cmd::cargo::cargo_bin("align-link"))
        .args(["setup", "--sandbox", "--yes"])
        .env("TMPDIR", tmp.path())
        .env_remove("BROWSER")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while sandbox_dirs(tmp.path()).is_empty() && started.elapsed() < NO_HANG {
        std::thread::sleep(Duration::from_millis(20));
    }
    killed.kill().unwrap(); // SIGKILL
    killed.wait().unwrap();
    assert_eq!(
        sandbox_dirs(tmp.path()).len(),
        1,
        "the killed run's state stays"
    );
    assert_success(&sandbox(&["step", "7"]));
    assert_eq!(sandbox_dirs(tmp.path()), Vec::<String>::new());
}

/// Issue 18: `--log` on a FIFO (or a device) is refused at once, before any
/// request, rather than hanging in its open.
#[test]
fn log_on_a_fifo_or_a_device_exits_at_once() {
    let env = Env::new();
    let fifo = env.dir.path().join("log.fifo");
    mkfifo(&fifo);
    for (path, said) in [
        (fifo, "is a named pipe (FIFO), not a regular file"),
        (PathBuf::from("/dev/null"), "is a character device"),
    ] {
        let started = std::time::Instant::now();
        let output = run(&env, &["setup", "--yes", "--log", path.to_str().unwrap()]);
        assert_exit(&output, 2);
        assert!(stderr(&output).contains(said), "{}", stderr(&output));
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(env.jira.request_count(), 0, "no request before the check");
    }
}
