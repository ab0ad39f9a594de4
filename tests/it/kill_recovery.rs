//! A dozen SIGKILLs at random moments of setup, renew and unlink against a Jira
//! answering after 50 ms: each plain rerun of the same command recovers (issue
//! 14). `examples/bench_kills.rs` runs the same harness with hundreds of kills.
//! The seed is printed; `ALIGN_LINK_KILL_SEED` replays one.

use std::time::Duration;

use crate::support::kill_harness::{run_kills, KillOptions};

const KILLS: usize = 12;

#[test]
fn a_plain_rerun_recovers_from_a_sigkill_at_any_moment() {
    let seed = match std::env::var("ALIGN_LINK_KILL_SEED") {
        Ok(seed) => seed.parse().expect("ALIGN_LINK_KILL_SEED is a number"),
        Err(_) => rand::random::<u64>(),
    };
    let report = run_kills(&KillOptions {
        binary: assert_cmd::cargo::cargo_bin("align-link"),
        kills: KILLS,
        latency: Duration::from_millis(50),
        seed,
    });
    println!("{report}");
    let kills: usize = report.counts.values().map(|c| c.kills).sum();
    assert_eq!(kills, KILLS);
    let landed: usize = report.counts.values().map(|c| c.landed).sum();
    assert!(
        landed > 0,
        "no kill landed while a run was going:\n{report}"
    );
    assert!(report.failures.is_empty(), "\n{report}");
}
