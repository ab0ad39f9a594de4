//! A network wait longer than [`NOTICE_AFTER`] says what it waits for: a spinner
//! naming the request in a terminal, one line on stderr otherwise (so a log shows
//! why a run paused). Quick requests show nothing.

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a request may take before the wait is shown.
pub const NOTICE_AFTER: Duration = Duration::from_secs(2);

struct InFlight {
    request: String,
    done: Sender<()>,
    watcher: JoinHandle<()>,
}

/// Watches requests in flight; `sent` and `answered` are called with the same
/// (redacted) description of the request.
#[derive(Default)]
pub struct WaitNotice {
    in_flight: Mutex<Vec<InFlight>>,
    after: Option<Duration>,
}

impl WaitNotice {
    pub fn new() -> WaitNotice {
        WaitNotice::default()
    }

    /// A notice after `after` instead of [`NOTICE_AFTER`] (for tests).
    pub fn after(after: Duration) -> WaitNotice {
        WaitNotice {
            after: Some(after),
            ..WaitNotice::default()
        }
    }

    pub fn sent(&self, request: &str) {
        let (done, finished) = mpsc::channel::<()>();
        let after = self.after.unwrap_or(NOTICE_AFTER);
        let shown = request.to_string();
        let watcher = std::thread::spawn(move || {
            if finished.recv_timeout(after) != Err(RecvTimeoutError::Timeout) {
                return;
            }
            if std::io::stderr().is_terminal() {
                let bar = indicatif::ProgressBar::new_spinner();
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{spinner} waiting {elapsed}: {msg}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner())
                        .tick_strings(super::style::spinner_frames()),
                );
                bar.set_message(shown);
                bar.enable_steady_tick(Duration::from_millis(120));
                let id = super::terminal::spinner_shown(&bar);
                let _ = finished.recv();
                bar.finish_and_clear();
                super::terminal::spinner_gone(id);
            } else {
                eprintln!(
                    "  {} waiting over {} s for an answer to {shown}",
                    super::style::symbol("…", "..."),
                    after.as_secs()
                );
            }
        });
        if let Ok(mut list) = self.in_flight.lock() {
            list.push(InFlight {
                request: request.to_string(),
                done,
                watcher,
            });
        }
    }

    pub fn answered(&self, request: &str) {
        if let Ok(mut list) = self.in_flight.lock() {
            if let Some(index) = list.iter().rposition(|f| f.request == request) {
                let flight = list.remove(index);
                let _ = flight.done.send(());
                // The spinner is cleared before the caller prints anything more.
                let _ = flight.watcher.join();
            }
        }
    }
}
