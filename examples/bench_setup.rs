//! Times a whole scripted `setup --sandbox --yes` with the built binary, and
//! reports the HTTP requests it took and its peak memory (from /proc, Linux).
//!
//! `cargo build --release && cargo run --release --example bench_setup [-- RUNS]`
//! (default 10 runs). Key generation (3072 bits) dominates and varies a lot.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(10);
    let binary = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/align-link");
    if !binary.exists() {
        eprintln!("build the release binary first: cargo build --release");
        std::process::exit(2);
    }
    let mut times = Vec::new();
    let mut peak_kib = 0u64;
    let mut requests = String::new();
    for _ in 0..runs {
        let started = Instant::now();
        let child = Command::new(&binary)
            .args(["setup", "--sandbox", "--yes"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let pid = child.id();
        // Sample the high-water mark while it runs; it is gone once reaped.
        let sampler = std::thread::spawn(move || {
            let mut high = 0;
            while let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
                if let Some(kib) = status.lines().find_map(|l| l.strip_prefix("VmHWM:")) {
                    high = high.max(
                        kib.trim()
                            .trim_end_matches(" kB")
                            .trim()
                            .parse()
                            .unwrap_or(0),
                    );
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            high
        });
        let output = child.wait_with_output().expect("the binary runs");
        times.push(started.elapsed());
        peak_kib = peak_kib.max(sampler.join().unwrap_or(0));
        assert!(output.status.success(), "setup failed");
        let text = String::from_utf8_lossy(&output.stdout);
        if let Some(line) = text.lines().find(|l| l.contains("stand-ins served")) {
            requests = line.trim().to_string();
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("setup --sandbox --yes, {runs} runs (release):");
    println!(
        "  wall: min {:.0} ms, median {:.0} ms, max {:.0} ms",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
    println!("  peak resident memory (sampled): {peak_kib} KiB");
    println!("  {requests}");
}
