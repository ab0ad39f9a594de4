//! One run per profile: `File::try_lock` on [`LOCK_FILE`], held for the whole run.

use std::fs::{File, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::{Store, LOCK_FILE};
use crate::error::{AppError, Result};
use crate::platform;

impl Store {
    /// Held as long as this store lives; another run holding it is an error, nothing waits.
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
        let file = 'locked: {
            for _ in 0..5 {
                // A FIFO must not block the open; a symlink must not point elsewhere.
                let file = platform::open_lock_file(&path).map_err(fail)?;
                if !file.metadata().map_err(fail)?.is_file() {
                    return Err(AppError::failed(format!("{shown} is not a regular file"))
                        .hint(format!("remove {shown}; align-link makes it again")));
                }
                match file.try_lock() {
                    Ok(()) => {}
                    Err(TryLockError::WouldBlock) => {
                        return Err(held_by_another_run(&file, &self.dir))
                    }
                    Err(TryLockError::Error(err)) => return Err(fail(err)),
                }
                let held = platform::file_id(&file).map_err(fail)?;
                if platform::path_file_id(&path).is_ok_and(|now| now == held) {
                    break 'locked file;
                }
            }
            return Err(fail(io::Error::other(
                "the lock file keeps being replaced by another process",
            )));
        };
        // For the message another run shows; the lock itself is the file lock.
        let pid = format!("{}\n", std::process::id());
        file.set_len(0)
            .and_then(|()| (&file).seek(SeekFrom::Start(0)))
            .and_then(|_| (&file).write_all(pid.as_bytes()))
            .map_err(fail)?;
        self.run_lock = Some(Arc::new(file));
        Ok(())
    }

    /// The end of `unlink`: the lock (held by this store only) and its file go, then the
    /// directory when empty. True when the directory is gone.
    pub fn release_and_remove_empty_dir(&mut self) -> Result<bool> {
        // Removed while still held: a run that opened it meanwhile sees that (`lock_for_run`).
        self.remove(LOCK_FILE)?;
        self.run_lock = None;
        Ok(std::fs::remove_dir(&self.dir).is_ok())
    }
}

/// Names the holder once it has written its PID (right after locking: wait for it).
fn held_by_another_run(file: &File, dir: &Path) -> AppError {
    let mut holder = None;
    for _ in 0..20 {
        // Windows refuses reads of a range another handle locked: then no PID is named.
        let mut text = String::new();
        let _ = (&*file)
            .seek(SeekFrom::Start(0))
            .and_then(|_| (&*file).take(32).read_to_string(&mut text));
        holder = text
            .trim()
            .parse()
            .ok()
            .filter(|&pid| !platform::process_is_gone(pid));
        if holder.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let (who, stop) = holder.map_or_else(Default::default, |pid| {
        (
            format!(" (PID {pid})"),
            format!(" (or stop it with `kill {pid}`)"),
        )
    });
    AppError::failed(format!(
        "another align-link run{who} is working on the profile in {}; one run per profile \
         at a time",
        dir.display()
    ))
    .hint(format!(
        "Wait for it to finish{stop}, then run this again. The lock goes with the process, \
         so a run that died never holds it."
    ))
}
