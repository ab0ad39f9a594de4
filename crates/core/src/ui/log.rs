//! The sinks of the HTTP client's report of each request: `-v`, the notice of a long
//! wait and `--log FILE`, the run's record for a later review (requests redacted,
//! the operator's answers without secret values).

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use crate::error::{AppError, Result};
use crate::http::{Event, Exchange, Http, RequestObserver};
use crate::platform;
use crate::ui::wait::WaitNotice;

/// Step headings are noted there too, so each answer sits under the step that asked it.
static ACTIVE: OnceLock<Arc<OperatorLog>> = OnceLock::new();

pub fn activate(log: Arc<OperatorLog>) {
    let _ = ACTIVE.set(log);
}

pub fn note(line: &str) {
    if let Some(log) = ACTIVE.get() {
        log.write(line);
    }
}

pub struct OperatorLog {
    file: Mutex<File>,
}

impl OperatorLog {
    /// Refuses a symlink, a FIFO or device, a file that others can read, and one that
    /// belongs to another user (root could otherwise append to anyone's file).
    pub fn open(path: &Path) -> Result<OperatorLog> {
        let shown = path.display();
        // A stat never blocks: a FIFO is named as such before any open.
        if let Some(what) = std::fs::symlink_metadata(path)
            .ok()
            .and_then(|meta| platform::special_kind(&meta))
        {
            return Err(
                AppError::usage(format!("--log {shown}: is {what}, not a regular file"))
                    .hint("Give the path of a regular file; align-link appends to it."),
            );
        }
        let file = platform::open_private_append(path).map_err(|err| {
            AppError::usage(format!(
                "--log {shown}: cannot open it for appending: {err}"
            ))
            .hint("Give a path to a regular file in a directory you can write (not a symlink).")
        })?;
        let meta = file
            .metadata()
            .map_err(|err| AppError::usage(format!("--log {shown}: {err}")))?;
        if !meta.is_file() {
            return Err(
                AppError::usage(format!("--log {shown}: not a regular file"))
                    .hint("Give the path of a file."),
            );
        }
        if let platform::Checked::Found(Some(other)) = platform::other_owner(path, &meta) {
            return Err(AppError::usage(format!(
                "--log {shown}: belongs to another user ({}, you are {})",
                other.owner, other.me
            ))
            .hint("Give the path of a log file of your own."));
        }
        if let Some(mode) = platform::mode_bits(&meta)
            .found()
            .filter(|mode| mode & 0o077 != 0)
        {
            return Err(AppError::usage(format!(
                "--log {shown}: group or others can read it (mode {mode:03o})"
            ))
            .hint(format!("chmod 600 {shown}, or give a new file name")));
        }
        let log = OperatorLog {
            file: Mutex::new(file),
        };
        log.write(&format!("align-link {} started", env!("CARGO_PKG_VERSION")));
        Ok(log)
    }

    /// Escaped, so a log viewed in a terminal cannot be made to do anything.
    pub fn write(&self, line: &str) {
        let clean = crate::util::text::clean(line, usize::MAX);
        if let Ok(mut file) = self.file.lock() {
            let _ = writeln!(file, "{} {clean}", crate::util::time::now_rfc3339());
        }
    }
}

pub fn attach(http: &mut Http, log: Option<Arc<OperatorLog>>) {
    http.observe(Arc::new(WaitNotice::default()));
    if http.verbose() {
        http.observe(Arc::new(Verbose));
    }
    if let Some(log) = log {
        http.observe(log);
    }
}

struct Verbose;

impl RequestObserver for Verbose {
    fn report(&self, exchange: &Exchange, event: &Event) {
        eprintln!("{}", exchange.line(event));
    }
}

impl RequestObserver for OperatorLog {
    fn report(&self, exchange: &Exchange, event: &Event) {
        self.write(&exchange.line(event));
    }
}

impl RequestObserver for WaitNotice {
    fn report(&self, exchange: &Exchange, event: &Event) {
        match event {
            Event::Sent => self.sent(&exchange.request),
            Event::Answered(_) => self.answered(&exchange.request),
            Event::Retrying(_) => {}
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_fifo_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        // No reader ever comes: a blocking open would hang here.
        let err = OperatorLog::open(&path).err().unwrap();
        assert!(
            err.message.contains("a named pipe (FIFO)"),
            "{}",
            err.message
        );
    }

    #[test]
    fn root_refuses_another_users_file() {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return; // Only root can give a file away; CI runs as root.
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("theirs.log");
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::chown(&path, Some(4242), None).unwrap();
        let err = OperatorLog::open(&path).err().unwrap();
        assert!(
            err.message.contains("belongs to another user (uid 4242"),
            "{}",
            err.message
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"", "nothing appended");
    }

    #[test]
    fn created_private_and_appended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.log");
        OperatorLog::open(&path).unwrap().write("one\x1b[2J");
        OperatorLog::open(&path).unwrap().write("two");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("one\\u{1b}[2J"), "{text}");
        assert!(text.contains(" two\n"), "{text}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(OperatorLog::open(&path).is_err());
    }
}
