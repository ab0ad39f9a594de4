//! SIGKILLs align-link at random moments of `setup`, `renew` and `unlink` against
//! a slow Jira stand-in, and checks that a plain rerun of the same command
//! recovers: it exits 0, doctor passes after setup and renew (with one link in
//! Jira), and no link is left after unlink; a plain unlink closes the series.
//! Shared by `tests/it/kill_recovery.rs`
//! (a few kills) and `examples/bench_kills.rs` (hundreds).

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use align_link_standins::jira::JiraConfig;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::Env;

/// Longest any one run may take before the harness kills it and counts a failure.
const RUN_DEADLINE: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(2);

pub const COMMANDS: [&str; 3] = ["setup", "renew", "unlink"];
/// How the unkilled time of a setup on an already complete profile is named.
const SETUP_AGAIN: &str = "setup again";

#[derive(Debug, Clone)]
pub struct KillOptions {
    /// The `align-link` binary to run (a debug build in tests, release in the bench).
    pub binary: PathBuf,
    pub kills: usize,
    /// The Jira stand-in waits this long before each answer.
    pub latency: Duration,
    pub seed: u64,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub kills: usize,
    /// The process was still running when killed (the rest had already finished).
    pub landed: usize,
    pub recovered: usize,
}

#[derive(Debug, Clone)]
pub struct Failure {
    pub command: &'static str,
    /// `None`: the unkilled unlink that closes the series.
    pub kill_at: Option<Duration>,
    /// The kill before it in the series, whose rerun had passed its checks: a
    /// profile may carry what a kill did into the next command.
    pub before: Option<(&'static str, Duration)>,
    /// What failed, and the first lines of the output of the run that failed.
    pub what: String,
}

#[derive(Debug, Default)]
pub struct KillReport {
    pub seed: u64,
    /// An unkilled run of each command (and of setup again on a complete
    /// profile), which the kill moments are drawn within.
    pub typical: BTreeMap<&'static str, Duration>,
    pub counts: BTreeMap<&'static str, Counts>,
    pub failures: Vec<Failure>,
}

/// A finished (or timed-out) run: its exit status and what it printed.
struct Run {
    status: Option<ExitStatus>,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Run {
    fn ok(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// The exit code and the first lines that say what went wrong.
    fn summary(&self) -> String {
        let code = match self.status {
            None => format!("no exit within {} s", RUN_DEADLINE.as_secs()),
            Some(status) => format!("exit {:?}", status.code()),
        };
        let said: Vec<&str> = self
            .stderr
            .lines()
            .chain(self.stdout.lines())
            .map(str::trim)
            .filter(|l| l.starts_with("Error") || l.starts_with("Hint"))
            .take(3)
            .collect();
        let said = if said.is_empty() {
            let tail: Vec<&str> = self.stdout.lines().rev().take(3).collect();
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        } else {
            said.join(" | ")
        };
        format!("{code}: {said}")
    }
}

/// The stand-in, the profile and the binary one series of kills works on.
struct Bench<'a> {
    options: &'a KillOptions,
    env: Env,
}

impl Bench<'_> {
    fn fresh(options: &KillOptions) -> Bench<'_> {
        let env = Env::with_config(JiraConfig {
            latency: options.latency,
            ..JiraConfig::default()
        });
        Bench { options, env }
    }

    fn command(&self, args: &[&str]) -> Command {
        self.env
            .command_of(&self.options.binary, &self.env.state_dir(), args)
    }

    /// Runs to the end (bounded), its output kept in files so no pipe fills up.
    fn run(&self, args: &[&str]) -> Run {
        let out = self.env.dir.path().join("run.out");
        let err = self.env.dir.path().join("run.err");
        let started = Instant::now();
        let mut child = self
            .command(args)
            .stdin(Stdio::null())
            .stdout(File::create(&out).unwrap())
            .stderr(File::create(&err).unwrap())
            .spawn()
            .expect("the binary starts");
        let status = wait_until(&mut child, started + RUN_DEADLINE);
        if status.is_none() {
            let _ = child.kill();
            let _ = child.wait();
        }
        Run {
            status,
            stdout: read_text(&out),
            stderr: read_text(&err),
            took: started.elapsed(),
        }
    }

    /// Starts the command and SIGKILLs it after `kill_at`; whether it was still
    /// running then.
    fn run_killed(&self, args: &[&str], kill_at: Duration) -> bool {
        let mut child = self
            .command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let finished = wait_until(&mut child, Instant::now() + kill_at).is_some();
        let _ = child.kill(); // SIGKILL: no chance to clean up
        let _ = child.wait();
        !finished
    }

    /// What must hold after a plain rerun of `command` that exited 0.
    fn check_after(&self, command: &str) -> Result<(), String> {
        let links = self.env.jira.links();
        if command == "unlink" {
            return match links.is_empty() {
                true => Ok(()),
                false => Err(format!("{} link(s) left in Jira", links.len())),
            };
        }
        if links.len() != 1 {
            return Err(format!("{} links in Jira, not one", links.len()));
        }
        let doctor = self.run(&["doctor", "--yes"]);
        match doctor.ok() {
            true => Ok(()),
            false => Err(format!("doctor failed: {}", failed_checks(&doctor))),
        }
    }
}

/// doctor's failed checks, or its summary when it names none.
fn failed_checks(doctor: &Run) -> String {
    let failed: Vec<&str> = doctor
        .stdout
        .lines()
        .filter(|l| l.starts_with("FAIL"))
        .collect();
    match failed.is_empty() {
        true => doctor.summary(),
        false => failed.join(" | "),
    }
}

fn wait_until(child: &mut std::process::Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(POLL);
    }
}

fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// An unkilled run of `args` that must succeed: how long it took.
fn measured(bench: &Bench, args: &[&str]) -> Duration {
    let run = bench.run(args);
    assert!(run.ok(), "{args:?} without a kill: {}", run.summary());
    run.took
}

/// Runs the series: measures each command once, then `options.kills` kills, each
/// followed by a plain rerun of the same command and its checks. A failed check
/// is recorded, and the series goes on with a fresh stand-in and profile.
pub fn run_kills(options: &KillOptions) -> KillReport {
    let mut report = KillReport {
        seed: options.seed,
        ..KillReport::default()
    };
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut bench = Bench::fresh(options);
    // Setup on a complete profile is a shorter run than a fresh one: timed apart.
    for (command, timed_as) in [
        ("setup", "setup"),
        ("setup", SETUP_AGAIN),
        ("renew", "renew"),
        ("unlink", "unlink"),
    ] {
        let took = measured(&bench, &[command, "--yes"]);
        report.typical.insert(timed_as, took);
    }
    let mut set_up = false;
    let mut before = None;
    for _ in 0..options.kills {
        let command = match set_up {
            false => "setup",
            true => COMMANDS[rng.gen_range(0..COMMANDS.len())],
        };
        let typical = match (command, set_up) {
            ("setup", true) => report.typical[SETUP_AGAIN],
            _ => report.typical[command],
        };
        let kill_at = typical.mul_f64(rng.gen::<f64>());
        let args = [command, "--yes"];
        let landed = bench.run_killed(&args, kill_at);
        let rerun = bench.run(&args);
        let checked = match rerun.ok() {
            true => bench.check_after(command),
            false => Err(format!("the plain rerun failed: {}", rerun.summary())),
        };
        let counts = report.counts.entry(command).or_default();
        counts.kills += 1;
        counts.landed += usize::from(landed);
        match checked {
            Ok(()) => {
                counts.recovered += 1;
                set_up = command != "unlink";
                before = Some((command, kill_at));
            }
            Err(what) => {
                report.failures.push(Failure {
                    command,
                    kill_at: Some(kill_at),
                    before: before.take(),
                    what,
                });
                bench = Bench::fresh(options);
                set_up = false;
            }
        }
    }
    if set_up {
        // Issue 14: after a kill at any moment and a plain rerun, `unlink`
        // removes everything, so what a kill left is found before the series ends.
        let unlink = bench.run(&["unlink", "--yes"]);
        let checked = match unlink.ok() {
            true => bench.check_after("unlink"),
            false => Err(format!("it failed: {}", unlink.summary())),
        };
        if let Err(what) = checked {
            report.failures.push(Failure {
                command: "unlink",
                kill_at: None,
                before,
                what,
            });
        }
    }
    report
}

impl fmt::Display for KillReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "seed {} (replay with --seed {})", self.seed, self.seed)?;
        for (command, took) in &self.typical {
            writeln!(f, "  unkilled {command}: {} ms", took.as_millis())?;
        }
        let (mut kills, mut recovered) = (0, 0);
        for (command, c) in &self.counts {
            kills += c.kills;
            recovered += c.recovered;
            writeln!(
                f,
                "  {command:<6}: {} kills ({} while running), {} recovered, {} failed",
                c.kills,
                c.landed,
                c.recovered,
                c.kills - c.recovered
            )?;
        }
        writeln!(
            f,
            "  total : {kills} kills, {recovered} recovered, {} failure(s):",
            self.failures.len()
        )?;
        for failure in &self.failures {
            let before = match failure.before {
                Some((command, at)) => format!("{command} at {} ms", at.as_millis()),
                None => "none".into(),
            };
            let run = match failure.kill_at {
                Some(at) => format!("a kill of {} at {} ms", failure.command, at.as_millis()),
                None => format!("the series, an unkilled {}", failure.command),
            };
            writeln!(
                f,
                "  FAILED after {run} (the kill before: {before}): {}",
                failure.what
            )?;
        }
        Ok(())
    }
}
