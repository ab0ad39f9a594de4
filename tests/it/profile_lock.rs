//! One run per profile: two `setup`s started together on one profile never leave
//! it broken; the one that comes second stops at once and names the first.

use crate::support;

use std::process::{Child, Command, Output, Stdio};

use align_link_standins::jira::JiraConfig;
use rsa::pkcs8::EncodePublicKey;
use support::{assert_success, stderr, stdout, Env};

fn spawn_setup(env: &Env) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("align-link"))
        .args(["setup", "--yes"])
        .arg("--answers")
        .arg(env.answers_path())
        .arg("--state-dir")
        .arg(env.state_dir())
        .env("TEST_JIRA_PAT", &env.jira.demo().admin_token)
        .env("TEST_SERVICE_PASSWORD", &env.jira.demo().service_password)
        .env_remove("BROWSER")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The private key on disk is the one whose public half the link holds.
fn key_on_disk_is_key_on_link(env: &Env) -> bool {
    let pem = std::fs::read_to_string(env.state_dir().join("private-key.pem")).unwrap();
    let private = align_link::keys::private_key_from_pem(&pem).unwrap();
    let der = rsa::RsaPublicKey::from(&private)
        .to_public_key_der()
        .unwrap()
        .into_vec();
    let links = env.jira.links();
    links.len() == 1 && links[0].consumer.as_ref().map(|c| &c.public_key_der) == Some(&der)
}

#[test]
fn twenty_concurrent_pairs_never_break_the_profile() {
    let mut conflicts = 0;
    for pair in 1..=20 {
        let env = Env::new();
        let children = [spawn_setup(&env), spawn_setup(&env)];
        let pids: Vec<u32> = children.iter().map(Child::id).collect();
        let outputs: Vec<Output> = children
            .into_iter()
            .map(|child| child.wait_with_output().unwrap())
            .collect();
        let winners = outputs.iter().filter(|o| o.status.success()).count();
        assert!(winners >= 1, "pair {pair}: neither run finished");
        for (index, output) in outputs.iter().enumerate() {
            if output.status.success() {
                continue;
            }
            conflicts += 1;
            let other = pids[1 - index];
            let err = stderr(output);
            assert_eq!(output.status.code(), Some(1), "pair {pair}:\n{err}");
            assert!(
                err.contains(&format!(
                    "Error: another align-link run (PID {other}) is working on the profile in {}",
                    env.state_dir().display()
                )),
                "pair {pair}: the second run names the first:\n{err}"
            );
            // It stopped before doing anything: not one step was run.
            assert!(
                !stdout(output).contains("Step "),
                "pair {pair}: {}",
                stdout(output)
            );
        }
        assert!(
            key_on_disk_is_key_on_link(&env),
            "pair {pair}: the link holds another key than the one on disk"
        );
        assert_eq!(env.step_status(20), "done", "pair {pair}");
        // A signed call with the key on disk and the stored token works.
        assert_success(&env.run(&["step", "20", "--yes"]));
    }
    // The runs overlapped: otherwise this test proved nothing about the lock.
    assert!(conflicts > 0, "no pair ever ran at the same time");
    eprintln!("{conflicts} of 20 pairs overlapped; every second run stopped at the lock");
}

/// Whether some process holds the profile's run lock: our own non-blocking
/// `flock` on the lock file would block.
fn lock_is_held(env: &Env) -> bool {
    use std::os::fd::AsRawFd;
    let Ok(file) = std::fs::File::open(env.state_dir().join("run.lock")) else {
        return false;
    };
    // SAFETY: the descriptor is open for as long as `file` lives; closing it
    // releases a lock we might have taken.
    let taken = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
    !taken
}

#[test]
fn a_run_that_died_leaves_no_lock_behind() {
    use std::os::unix::process::ExitStatusExt;
    // Slow answers keep the run inside its lock long enough to be killed there.
    let env = Env::with_config(JiraConfig {
        latency: std::time::Duration::from_millis(200),
        ..JiraConfig::default()
    });
    let mut child = spawn_setup(&env);
    let pid_file = env.state_dir().join("run.lock");
    let own_pid = format!("{}\n", child.id());
    // Until the run has taken the lock and written its PID (a guard, not a timing:
    // a run that never locks fails here instead of hanging the suite).
    let mut polls = 0;
    while !(std::fs::read_to_string(&pid_file).is_ok_and(|pid| pid == own_pid)
        && lock_is_held(&env))
    {
        polls += 1;
        assert!(polls < 6000, "the run never took the lock");
        assert!(child.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL: no clean-up
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGKILL), "killed while running");
    assert_eq!(
        std::fs::read_to_string(&pid_file).unwrap(),
        own_pid,
        "the dead run's PID is still in the lock file"
    );
    assert!(
        !lock_is_held(&env),
        "the kernel released the dead run's lock"
    );
    env.jira.set_latency(std::time::Duration::ZERO);
    let output = env.setup();
    assert_success(&output);
    assert!(
        !stderr(&output).contains("another align-link run"),
        "{}",
        stderr(&output)
    );
}
