//! How long at least one request was in flight: the round trips on the critical
//! path, whatever ran concurrently (`-v` prints it; the speed benchmark reads it).

use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct Busy {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    in_flight: usize,
    since: Option<Instant>,
    total: Duration,
}

/// Dropped on every way out of a send.
pub struct InFlight<'a>(&'a Busy);

impl Busy {
    pub fn enter(&self) -> InFlight<'_> {
        let mut state = self.lock();
        if state.in_flight == 0 {
            state.since = Some(Instant::now());
        }
        state.in_flight += 1;
        InFlight(self)
    }

    pub fn total(&self) -> Duration {
        let state = self.lock();
        state.total + state.since.map_or(Duration::ZERO, |since| since.elapsed())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The counters stay consistent even if a holder panicked.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.in_flight -= 1;
        if state.in_flight == 0 {
            if let Some(since) = state.since.take() {
                state.total += since.elapsed();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_requests_count_once() {
        let busy = Busy::default();
        let first = busy.enter();
        std::thread::sleep(Duration::from_millis(30));
        let second = busy.enter();
        std::thread::sleep(Duration::from_millis(30));
        drop(first);
        drop(second);
        let after_overlap = busy.total();
        assert!(after_overlap >= Duration::from_millis(60));
        assert!(
            after_overlap < Duration::from_millis(110),
            "{after_overlap:?}"
        );
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(busy.total(), after_overlap, "idle time is not counted");
    }
}
