//! `--log FILE`: a record of the run for whoever reviews it later: each HTTP
//! request (redacted as with `-v`) and each answer the operator gave. Secrets are
//! never written: callers hand over redacted request lines, and secret answers are
//! recorded as such without their value.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::error::{AppError, Result};

/// The run's log, once `--log` opened it: step headings are noted there too, so
/// each recorded answer sits under the step that asked it.
static ACTIVE: OnceLock<Arc<OperatorLog>> = OnceLock::new();

/// Makes `log` the run's log for [`note`].
pub fn activate(log: Arc<OperatorLog>) {
    let _ = ACTIVE.set(log);
}

/// Appends `line` to the run's log, when there is one.
pub fn note(line: &str) {
    if let Some(log) = ACTIVE.get() {
        log.write(line);
    }
}

pub struct OperatorLog {
    path: PathBuf,
    file: Mutex<File>,
}

impl OperatorLog {
    /// Opens `path` for appending, creating it 0600; refuses a symlink and a file
    /// that group or others can read.
    pub fn open(path: &Path) -> Result<OperatorLog> {
        let shown = path.display();
        let file = OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
            .map_err(|err| {
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
        let mode = meta.mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(AppError::usage(format!(
                "--log {shown}: group or others can read it (mode {mode:03o})"
            ))
            .hint(format!("chmod 600 {shown}, or give a new file name")));
        }
        let log = OperatorLog {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        };
        log.write(&format!("align-link {} started", env!("CARGO_PKG_VERSION")));
        Ok(log)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one timestamped line; control characters from servers are escaped
    /// so a log viewed in a terminal cannot be made to do anything.
    pub fn write(&self, line: &str) {
        let clean: String = line
            .chars()
            .flat_map(|c| {
                if c.is_control() {
                    c.escape_default().collect::<Vec<_>>()
                } else {
                    vec![c]
                }
            })
            .collect();
        if let Ok(mut file) = self.file.lock() {
            let _ = writeln!(file, "{} {clean}", crate::util::time::now_rfc3339());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

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
