//! Times RSA key generation at the sizes align-link offers, so the default
//! (3072 bits) can be judged against how long a user waits.
//!
//! `cargo run --release --example bench_keygen [-- RUNS]` (default 5 runs per size).

use std::time::{Duration, Instant};

use align_link::keys::{generate_private_key, ACCEPTED_KEY_BITS};

fn main() {
    let runs: usize = match std::env::args().nth(1) {
        None => 5,
        Some(arg) => match arg.parse() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!("usage: bench_keygen [RUNS]  (RUNS: a positive number, default 5)");
                std::process::exit(2);
            }
        },
    };
    println!("RSA key generation, {runs} runs per size (prime search makes times vary a lot)");
    println!(
        "{:>6}  {:>10}  {:>10}  {:>10}",
        "bits", "min", "median", "max"
    );
    for &bits in ACCEPTED_KEY_BITS {
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let start = Instant::now();
                generate_private_key(bits).expect("key generation succeeds");
                start.elapsed()
            })
            .collect();
        times.sort();
        let median = if runs % 2 == 1 {
            times[runs / 2]
        } else {
            (times[runs / 2 - 1] + times[runs / 2]) / 2
        };
        println!(
            "{bits:>6}  {:>10}  {:>10}  {:>10}",
            ms(times[0]),
            ms(median),
            ms(times[runs - 1])
        );
    }
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}
