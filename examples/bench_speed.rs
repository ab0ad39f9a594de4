//! A fresh scripted `setup --yes` (3072-bit key) beside the yardstick
//! (`bench/yardstick.py`: the same link made by a short Python script), run
//! alternately in pairs against stand-ins started here, for each latency given
//! (the Jira stand-in waits that long before every answer, as across a WAN).
//!
//! ```text
//! cargo build --release
//! cargo run --release --example bench_speed -- [--pairs 7] [--latency-ms 0,100] [--binary PATH]
//! ```
//! Needs `python3` with oauthlib, cryptography (and PyJWT) for the yardstick.
//! Reports per side: wall time (median, min-max), requests, round trips on the
//! critical path, peak resident memory (the child's own, from wait4) and key
//! generation time. Round trips on the critical path: align-link's time with a
//! request in flight (`-v` says it) over the latency; a binary that does not say
//! it, and the yardstick, send one request at a time: their Jira requests.
//! Each run gets fresh stand-ins and a fresh state directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use align_link_standins::align::{AlignConfig, AlignStandIn, DEMO_API_TOKEN};
use align_link_standins::jira::{JiraConfig, JiraStandIn};

struct Options {
    pairs: usize,
    latencies_ms: Vec<u64>,
    binary: PathBuf,
}

/// One run of one side.
struct Run {
    wall: Duration,
    requests: u64,
    peak_kib: u64,
    keygen_ms: Option<f64>,
    critical_round_trips: f64,
}

fn main() {
    let options = parse_options();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let yardstick = root.join("bench/yardstick.py");
    if !options.binary.exists() {
        eprintln!(
            "{} is missing: build it first (cargo build --release)",
            options.binary.display()
        );
        std::process::exit(2);
    }
    println!(
        "{} vs bench/yardstick.py, {} alternating pairs per latency, fresh stand-ins each run",
        options.binary.display(),
        options.pairs
    );
    for &latency_ms in &options.latencies_ms {
        let latency = Duration::from_millis(latency_ms);
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..options.pairs {
            ours.push(run_align_link(&options.binary, latency));
            theirs.push(run_yardstick(&yardstick, latency));
        }
        println!("\nJira latency {latency_ms} ms:");
        report("align-link", &ours);
        report("yardstick", &theirs);
        let ratios: Vec<f64> = ours
            .iter()
            .zip(&theirs)
            .map(|(a, b)| a.wall.as_secs_f64() / b.wall.as_secs_f64())
            .collect();
        println!(
            "  ratio align-link / yardstick: median of pairs {:.2} (min {:.2}, max {:.2})",
            median_f64(&ratios),
            ratios.iter().cloned().fold(f64::INFINITY, f64::min),
            ratios.iter().cloned().fold(0.0, f64::max)
        );
    }
}

fn parse_options() -> Options {
    let mut options = Options {
        pairs: 7,
        latencies_ms: vec![0, 100],
        binary: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/align-link"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_else(|| usage(&arg));
        match arg.as_str() {
            "--pairs" => {
                options.pairs = value
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .unwrap_or_else(|| usage(&arg))
            }
            "--latency-ms" => {
                options.latencies_ms = value
                    .split(',')
                    .map(|ms| ms.trim().parse().unwrap_or_else(|_| usage(&arg)))
                    .collect()
            }
            "--binary" => options.binary = PathBuf::from(value),
            _ => usage(&arg),
        }
    }
    options
}

fn usage(arg: &str) -> ! {
    eprintln!("bench_speed: bad or incomplete option {arg:?}");
    eprintln!("usage: bench_speed [--pairs N] [--latency-ms 0,100] [--binary PATH]");
    std::process::exit(2);
}

fn standins(latency: Duration) -> (JiraStandIn, AlignStandIn) {
    let jira = JiraStandIn::start(JiraConfig {
        latency,
        ..JiraConfig::default()
    })
    .expect("the Jira stand-in starts");
    let align =
        AlignStandIn::start(AlignConfig::default()).expect("the Jira Align stand-in starts");
    (jira, align)
}

fn run_align_link(binary: &Path, latency: Duration) -> Run {
    let (jira, align) = standins(latency);
    let demo = jira.demo().clone();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let answers = dir.path().join("answers.toml");
    std::fs::write(
        &answers,
        format!(
            "[jira]\nurl = \"{}\"\nadmin_token = \"{}\"\ntest_project = \"{}\"\n\
             [service_account]\nusername = \"{}\"\npassword = \"{}\"\n\
             [align]\nurl = \"{}\"\napi_token = \"{}\"\n",
            jira.url(),
            demo.admin_token,
            demo.test_project_key,
            demo.service_username,
            demo.service_password,
            align.url(),
            DEMO_API_TOKEN
        ),
    )
    .expect("the answers file is written");
    let state = dir.path().join("state");
    let mut command = Command::new(binary);
    command.args(["setup", "--yes", "--answers"]).arg(&answers);
    command.arg("--state-dir").arg(&state).arg("-v");
    let (wall, peak_kib, stdout, stderr) = run_child(command, dir.path());
    let busy_ms = stderr.lines().find_map(|line| {
        let rest = line.split("in flight for ").nth(1)?;
        rest.split(' ').next()?.parse::<f64>().ok()
    });
    let critical_round_trips = match busy_ms {
        // Without latency the in-flight time says nothing about round trips.
        Some(_) if latency.is_zero() => f64::NAN,
        Some(ms) => ms / (latency.as_secs_f64() * 1000.0),
        None => jira.request_count() as f64,
    };
    // The key generation's own time, as the binary reports it.
    let keygen_ms = stdout.lines().find_map(|line| {
        let rest = line.split("RSA key pair in ").nth(1)?;
        let secs: f64 = rest.split(' ').next()?.parse().ok()?;
        Some(secs * 1000.0)
    });
    Run {
        wall,
        requests: jira.request_count() + align.request_count(),
        peak_kib,
        keygen_ms,
        critical_round_trips,
    }
}

fn run_yardstick(script: &Path, latency: Duration) -> Run {
    let (jira, align) = standins(latency);
    let demo = jira.demo().clone();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut command = Command::new("python3");
    command.arg(script).args([
        jira.url(),
        align.url(),
        demo.admin_token.clone(),
        demo.service_username.clone(),
        demo.service_password.clone(),
        demo.test_project_key.clone(),
    ]);
    let (wall, peak_kib, stdout, _) = run_child(command, dir.path());
    let reported: serde_json::Value = stdout
        .lines()
        .last()
        .and_then(|line| serde_json::from_str(line).ok())
        .unwrap_or_else(|| panic!("the yardstick printed no JSON line: {stdout}"));
    Run {
        wall,
        requests: jira.request_count() + align.request_count(),
        peak_kib,
        keygen_ms: reported["keygen_ms"].as_f64(),
        critical_round_trips: jira.request_count() as f64,
    }
}

/// Runs the child to its end: wall time, its own peak resident memory (KiB,
/// from wait4's rusage) and its stdout. A failed run stops the benchmark.
// The child is reaped by wait4 (for its rusage), not by std's `wait`.
#[allow(clippy::zombie_processes)]
fn run_child(mut command: Command, dir: &Path) -> (Duration, u64, String, String) {
    let out_path = dir.join("stdout.txt");
    let err_path = dir.join("stderr.txt");
    let out = std::fs::File::create(&out_path).expect("stdout file");
    let err = std::fs::File::create(&err_path).expect("stderr file");
    let started = Instant::now();
    let child = command
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("the command starts");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child by its pid; std's Child is not waited on.
    let waited = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert!(waited > 0, "wait4 failed");
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        panic!("{command:?} failed:\n{stdout}\n{stderr}");
    }
    (wall, usage.ru_maxrss as u64, stdout, stderr)
}

/// Prints one side's figures.
fn report(name: &str, runs: &[Run]) {
    let mut walls: Vec<f64> = runs.iter().map(|r| r.wall.as_secs_f64() * 1000.0).collect();
    walls.sort_by(f64::total_cmp);
    let median = median_f64(&walls);
    let requests: Vec<u64> = runs.iter().map(|r| r.requests).collect();
    let peak = runs.iter().map(|r| r.peak_kib).max().unwrap_or(0);
    let keygen: Vec<f64> = runs.iter().filter_map(|r| r.keygen_ms).collect();
    let round_trips: Vec<f64> = runs.iter().map(|r| r.critical_round_trips).collect();
    println!(
        "  {name:<10} wall median {median:.0} ms (min {:.0}, max {:.0}); requests {}; critical-path round trips {}; peak RSS {} KiB; key generation median {} ms (min {}, max {})",
        walls[0],
        walls[walls.len() - 1],
        if requests.iter().all(|r| *r == requests[0]) {
            requests[0].to_string()
        } else {
            format!("{requests:?}")
        },
        fmt_opt1(median_f64(&round_trips)),
        peak,
        fmt_opt(median_f64(&keygen)),
        fmt_opt(keygen.iter().cloned().fold(f64::NAN, f64::min)),
        fmt_opt(keygen.iter().cloned().fold(f64::NAN, f64::max)),
    );
}

fn fmt_opt(value: f64) -> String {
    if value.is_nan() {
        "-".into()
    } else {
        format!("{value:.0}")
    }
}

fn fmt_opt1(value: f64) -> String {
    if value.is_nan() {
        "-".into()
    } else {
        format!("{value:.1}")
    }
}

fn median_f64(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}
