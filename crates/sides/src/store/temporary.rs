//! `--sandbox` state directories, `align-link-sandbox-PID-RANDOM` in the temp
//! directory: removed when the run ends, or by the next sandbox run if it was killed.

use std::fs;
use std::path::{Path, PathBuf};

use super::Store;
use crate::platform;

const PREFIX: &str = "align-link-sandbox-";

#[derive(Debug)]
pub(super) struct RemoveOnDrop(pub(super) PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

impl Store {
    /// Removed, with everything in it, when the last clone of this store is dropped.
    pub fn remove_when_dropped(&mut self) {
        self.temporary = Some(std::sync::Arc::new(RemoveOnDrop(self.dir.clone())));
    }
}

/// A fresh name in `temp_dir`, after removing those of runs that are gone.
pub fn fresh_sandbox_dir(temp_dir: &Path) -> PathBuf {
    remove_abandoned(temp_dir);
    let name = format!(
        "{PREFIX}{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    );
    temp_dir.join(name)
}

/// Only names of this exact form, owned by this user (where owners are not
/// checked, the temp directory is the user's own), whose PID surely no longer
/// runs (where that cannot be told, nothing is removed).
fn remove_abandoned(temp_dir: &Path) {
    let Ok(entries) = fs::read_dir(temp_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(sandbox_pid) else {
            continue;
        };
        let ours = entry.metadata().is_ok_and(|meta| {
            let owner = platform::other_owner(&entry.path(), &meta);
            meta.is_dir() && !matches!(owner, platform::Checked::Found(Some(_)))
        });
        if ours && platform::process_is_gone(pid) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

fn sandbox_pid(name: &str) -> Option<u32> {
    let (pid, random) = name.strip_prefix(PREFIX)?.split_once('-')?;
    let valid = random.len() == 8 && random.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| pid.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_pid() {
        let temp = tempfile::tempdir().unwrap();
        let dir = fresh_sandbox_dir(temp.path());
        let name = dir.file_name().unwrap().to_str().unwrap();
        assert_eq!(sandbox_pid(name), Some(std::process::id()));
        assert_eq!(sandbox_pid("align-link-sandbox-12-0000000g"), None);
        assert_eq!(sandbox_pid("align-link-sandbox-x-00000000"), None);
        assert_eq!(sandbox_pid("other-12-00000000"), None);
    }

    #[test]
    fn a_dead_runs_directory_is_removed_and_a_live_ones_kept() {
        let temp = tempfile::tempdir().unwrap();
        // A PID above the kernel's maximum (4194304) never runs.
        let dead = temp.path().join("align-link-sandbox-99999999-0123abcd");
        let live = temp.path().join(format!(
            "align-link-sandbox-{}-0123abcd",
            std::process::id()
        ));
        let unrelated = temp.path().join("align-link-sandbox-notes");
        for dir in [&dead, &live, &unrelated] {
            fs::create_dir(dir).unwrap();
            fs::write(dir.join("state.toml"), "").unwrap();
        }
        fresh_sandbox_dir(temp.path());
        assert!(!dead.exists());
        assert!(live.exists());
        assert!(unrelated.exists());
    }
}
