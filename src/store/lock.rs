//! One run per profile: an advisory `flock` on [`LOCK_FILE`] in the state
//! directory, held for the whole run by every command that may change the profile.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::{writer_is_gone, Store, LOCK_FILE};
use crate::error::{AppError, Result};

impl Store {
    /// Takes the profile's run lock (an advisory `flock` on [`LOCK_FILE`]) for as
    /// long as this store lives, so that two runs never change one profile at once.
    /// Another run holding it is an error naming its PID; nothing waits.
    pub fn lock_for_run(&mut self) -> Result<()> {
        if self.run_lock.is_some() {
            return Ok(());
        }
        let path = self.dir.join(LOCK_FILE);
        let shown = path.display();
        let fail = |err: io::Error| {
            AppError::failed(format!("cannot lock {shown}: {err}")).hint(format!(
                "check that {} is yours and writable",
                self.dir.display()
            ))
        };
        // A lock on a file that `unlink` removed meanwhile would lock nothing that a
        // later run sees: lock, then check that the path still names that file.
        let mut attempts = 0;
        let file = loop {
            attempts += 1;
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .mode(0o600)
                // A FIFO must not block the open; a symlink must not point elsewhere.
                .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_NOCTTY)
                .open(&path)
                .map_err(fail)?;
            let meta = file.metadata().map_err(fail)?;
            if !meta.is_file() {
                return Err(AppError::failed(format!("{shown} is not a regular file"))
                    .hint(format!("remove {shown}; align-link makes it again")));
            }
            // flock(2) rather than `File::try_lock`, which needs Rust 1.89 (MSRV is 1.85).
            // SAFETY: the descriptor is open for as long as `file` lives.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
                let err = io::Error::last_os_error();
                if err.kind() == io::ErrorKind::WouldBlock {
                    return Err(held_by_another_run(&file, &self.dir));
                }
                return Err(fail(err));
            }
            let still_there = std::fs::symlink_metadata(&path)
                .is_ok_and(|now| now.dev() == meta.dev() && now.ino() == meta.ino());
            if still_there {
                break file;
            }
            if attempts >= 5 {
                return Err(fail(io::Error::other(
                    "the lock file keeps being replaced by another process",
                )));
            }
        };
        // For the message another run shows; the lock itself is the flock.
        let pid = format!("{}\n", std::process::id());
        file.set_len(0)
            .and_then(|()| file.write_all_at(pid.as_bytes(), 0))
            .map_err(fail)?;
        self.run_lock = Some(Arc::new(file));
        Ok(())
    }

    /// For the end of `unlink`, after the profile's last file is gone: the run
    /// lock released (this store must be its only holder), its file removed, then
    /// the directory itself when nothing else is left in it. True when the
    /// directory is gone.
    pub fn release_and_remove_empty_dir(&mut self) -> Result<bool> {
        // The file goes while the lock is still held: a run that opened it in
        // between finds, once it has the lock, that its file is no longer the
        // profile's, and opens the new one (see `lock_for_run`).
        self.remove(LOCK_FILE)?;
        self.run_lock = None;
        match std::fs::remove_dir(&self.dir) {
            Ok(()) => Ok(true),
            // Something else is still in it (a config, a file of the operator's): kept.
            Err(_) => Ok(false),
        }
    }
}

/// The error when another process holds the run lock, naming it when it has
/// written its PID. It does so right after locking, so until a running process's
/// PID is there (the file may still name an earlier run), wait a moment for it.
fn held_by_another_run(file: &File, dir: &Path) -> AppError {
    let mut holder = None;
    for _ in 0..20 {
        let mut text = [0u8; 32];
        let read = file.read_at(&mut text, 0).unwrap_or(0);
        holder = std::str::from_utf8(&text[..read])
            .ok()
            .and_then(|t| t.trim().parse::<u32>().ok())
            .filter(|&pid| !writer_is_gone(pid));
        if holder.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let shown = dir.display();
    let who = match holder {
        Some(pid) => format!("another align-link run (PID {pid})"),
        None => "another align-link run".to_string(),
    };
    let stop = match holder {
        Some(pid) => format!(" (or stop it with `kill {pid}`)"),
        None => String::new(),
    };
    AppError::failed(format!(
        "{who} is working on the profile in {shown}; one run per profile at a time"
    ))
    .hint(format!(
        "Wait for it to finish{stop}, then run this again. The lock goes with the process, \
         so a run that died never holds it."
    ))
}
