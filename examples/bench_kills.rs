//! SIGKILLs `align-link setup`, `renew` and `unlink` at uniformly random moments
//! of their unkilled run time, against a Jira stand-in answering after
//! `--latency-ms`, and checks that each plain rerun of the same command recovers
//! (issue 14). The harness is the tests' (`tests/it/support/kill_harness.rs`).
//!
//! `cargo build --release && cargo run --release --example bench_kills -- --kills 200 --latency-ms 50 [--seed N]`

use std::path::PathBuf;
use std::time::{Duration, Instant};

// The tests' support (the stand-in environment and the harness), where the
// tests have it: an inline module keeps `support`'s own submodules in its folder.
#[path = "../tests/it"]
mod it {
    pub mod support;
}

use it::support::kill_harness::{run_kills, KillOptions};

fn main() {
    let mut kills = 200usize;
    let mut latency_ms = 50u64;
    let mut seed: Option<u64> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or_else(|| usage(&arg))
        };
        match arg.as_str() {
            "--kills" => kills = value() as usize,
            "--latency-ms" => latency_ms = value(),
            "--seed" => seed = Some(value()),
            _ => usage(&arg),
        }
    }
    let binary = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/align-link");
    if !binary.exists() {
        eprintln!("build the release binary first: cargo build --release");
        std::process::exit(2);
    }
    let seed = seed.unwrap_or_else(rand::random);
    println!("bench_kills: {kills} kills, Jira latency {latency_ms} ms, seed {seed}");
    let started = Instant::now();
    let report = run_kills(&KillOptions {
        binary,
        kills,
        latency: Duration::from_millis(latency_ms),
        seed,
    });
    print!("{report}");
    println!("  took {:.0} s", started.elapsed().as_secs_f64());
    if !report.failures.is_empty() {
        std::process::exit(1);
    }
}

fn usage(arg: &str) -> ! {
    eprintln!("unexpected {arg:?}: use --kills N --latency-ms MS [--seed N]");
    std::process::exit(2);
}
