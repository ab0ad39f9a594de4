//! Times RSA key generation at the sizes align-link offers, so the default
//! (3072 bits) can be judged against how long a user waits. Prime search makes
//! single times vary widely, so it reports the spread, not just the middle.
//!
//! `cargo run --release --example bench_keygen [-- RUNS [BITS...]]`
//! (default 5 runs of each of 2048, 3072 and 4096 bits).

use std::time::{Duration, Instant};

use align_link::keys::{generate_private_key, ACCEPTED_KEY_BITS};

fn main() {
    let args: Vec<usize> = match std::env::args().skip(1).map(|a| a.parse()).collect() {
        Ok(args) => args,
        Err(_) => usage(),
    };
    let (runs, sizes) = match args.split_first() {
        None => (5, ACCEPTED_KEY_BITS.to_vec()),
        Some((&runs, [])) => (runs, ACCEPTED_KEY_BITS.to_vec()),
        Some((&runs, sizes)) => (runs, sizes.to_vec()),
    };
    if runs == 0 {
        usage();
    }
    println!("RSA key generation, {runs} runs per size");
    println!(
        "{:>6}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}",
        "bits", "min", "p25", "median", "p75", "max"
    );
    for bits in sizes {
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let start = Instant::now();
                generate_private_key(bits).expect("key generation succeeds");
                start.elapsed()
            })
            .collect();
        times.sort();
        // Nearest-rank quantiles: each one a time that was measured.
        let at = |q: f64| ms(times[((runs - 1) as f64 * q).round() as usize]);
        println!(
            "{bits:>6}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}",
            at(0.0),
            at(0.25),
            at(0.5),
            at(0.75),
            at(1.0)
        );
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: bench_keygen [RUNS [BITS...]]  (RUNS > 0, default 5; BITS: 2048, 3072, 4096)"
    );
    std::process::exit(2);
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}
