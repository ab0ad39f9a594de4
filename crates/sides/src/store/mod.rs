//! One profile's state and secret files, in a directory the user owns and others
//! cannot write. Writes are atomic (0600 temp file, fsync, rename, directory fsync),
//! so a killed run leaves the old file or the new one; a later save removes its temps.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::answers::line_col;
use crate::error::{AppError, Result};
use crate::platform::{self, Checked};
use crate::util::file::{self, FileError};

/// No write takes this long: an older temp file's run died.
const STALE_AFTER: Duration = Duration::from_secs(60);

/// Temp files are `.NAME.PID-RANDOM.tmp`, RANDOM this many letters and digits.
const TEMP_RANDOM: usize = 8;
const TEMP_SUFFIX: &str = ".tmp";

pub const LOCK_FILE: &str = "run.lock";

#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    run_lock: Option<Arc<File>>,
    /// Set for a throwaway directory (`--sandbox`): removed with the last clone.
    temporary: Option<Arc<RemoveOnDrop>>,
    /// `plan`, `doctor`: state saves are skipped, secret writes refused.
    read_only: bool,
    vault: secrets::Vault,
}

impl Store {
    pub fn open(dir: &Path) -> Result<Store> {
        Store::open_with_warnings(dir).map(|(store, _)| store)
    }

    /// Refuses a directory others can change or own; warns when others can read it.
    pub fn open_with_warnings(dir: &Path) -> Result<(Store, Vec<String>)> {
        let shown = dir.display();
        // 0700 from the start, so there is no moment when others could enter.
        platform::create_private_dir_all(dir).map_err(|err| {
            AppError::failed(format!("cannot create the state directory {shown}: {err}")).hint(
                format!("check that {shown} can be created, or pick another directory"),
            )
        })?;
        let meta = fs::metadata(dir).map_err(|err| {
            AppError::failed(format!("cannot open the state directory {shown}: {err}"))
        })?;
        if !meta.is_dir() {
            return Err(AppError::failed(format!(
                "the state directory {shown} is not a directory"
            ))
            .hint(format!("move {shown} away or pick another directory")));
        }
        check_owner_and_mode(dir, &meta)?;
        let warnings = open_to_others(&meta, 0o077).map(|mode| {
            format!(
                "the state directory {shown} can be entered by group or others (mode {mode:03o}); \
                 it holds private keys: run `chmod 700 {shown}`"
            )
        });
        let store = Store {
            dir: dir.to_path_buf(),
            run_lock: None,
            temporary: None,
            read_only: false,
            vault: secrets::Vault::default(),
        };
        Ok((store, warnings.into_iter().collect()))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn make_read_only(&mut self) {
        self.read_only = true;
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn refuse_when_read_only(&self, name: &str) -> Result<()> {
        if !self.read_only {
            return Ok(());
        }
        Err(AppError::failed(format!(
            "a read-only command may not change {}",
            self.dir.join(name).display()
        ))
        .hint(
            "Run `align-link setup` (or the step) to make changes; `plan` and `doctor` only read.",
        ))
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Reads a TOML state file; a missing file is `T::default()`.
    pub fn load<T: DeserializeOwned + Default>(&self, name: &str) -> Result<T> {
        let Some((bytes, _)) = self.read_file(name)? else {
            return Ok(T::default());
        };
        let shown = self.dir.join(name).display().to_string();
        let fix = format!(
            "repair or delete the file ({shown}); deleting it makes align-link forget what \
             it recorded there"
        );
        let Ok(text) = String::from_utf8(bytes) else {
            return Err(AppError::usage(format!("{shown}: not valid UTF-8")).hint(fix));
        };
        toml::from_str(&text).map_err(|err| {
            let message = err.message().trim().replace('\n', ": ");
            let at = match err.span() {
                Some(span) => {
                    let (line, column) = line_col(&text, span.start);
                    format!("{shown}:{line}:{column}")
                }
                None => shown,
            };
            AppError::usage(format!("{at}: {message}")).hint(fix)
        })
    }

    /// In a read-only store the save is skipped: the caller's value stays in memory.
    pub fn save<T: Serialize>(&self, name: &str, value: &T) -> Result<()> {
        if self.read_only {
            check_name(name)?;
            return Ok(());
        }
        let text = toml::to_string(value).map_err(|err| {
            AppError::failed(format!(
                "cannot write {}: {err}",
                self.dir.join(name).display()
            ))
        })?;
        self.write_atomic(name, text.as_bytes())
    }

    /// A secret others can read is an error: one that may have leaked is not used.
    fn read_secret_file(&self, name: &str) -> Result<Option<String>> {
        // The mode of the file actually read, not of whatever the path names now.
        let Some((bytes, meta)) = self.read_file(name)? else {
            return Ok(None);
        };
        let shown = self.dir.join(name).display().to_string();
        if let Some(mode) = open_to_others(&meta, 0o077) {
            return Err(AppError::failed(format!(
                "{shown} can be read by group or others (mode {mode:03o}); align-link does not \
                 use a secret that may have leaked"
            ))
            .hint(format!(
                "chmod 600 {shown}, and if anyone else could have read it, replace the secret"
            )));
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            AppError::failed(format!("cannot read {shown}: not text")).hint(format!(
                "{shown} should hold text; delete it to have it made again"
            ))
        })?;
        Ok(Some(text))
    }

    /// A small regular file's bytes and metadata; `None` when absent.
    fn read_file(&self, name: &str) -> Result<Option<(Vec<u8>, fs::Metadata)>> {
        check_name(name)?;
        let shown = self.dir.join(name).display().to_string();
        let err = match file::read_regular(&self.dir.join(name), file::STATE_FILE_MAX) {
            Ok(read) => return Ok(Some(read)),
            Err(FileError::Missing) => return Ok(None),
            Err(err) => err,
        };
        let hint = match err {
            FileError::NotRegular(_) | FileError::TooLarge { .. } => format!(
                "align-link writes only small regular files there: move {shown} away (deleting it \
                 makes align-link forget what it recorded there)"
            ),
            _ => format!("make {shown} readable by you"),
        };
        Err(AppError::failed(err.problem(&shown)).hint(hint))
    }

    /// Deletes a file and its credential store entry; a missing one is fine.
    pub fn remove(&self, name: &str) -> Result<()> {
        check_name(name)?;
        self.refuse_when_read_only(name)?;
        self.remove_file(name)?;
        self.remove_from_vault(name)
    }

    fn remove_file(&self, name: &str) -> Result<()> {
        let path = self.dir.join(name);
        let removed = match fs::remove_file(&path) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
            removed => removed.and_then(|()| platform::sync_dir(&self.dir)),
        };
        removed.map_err(|err| AppError::failed(format!("cannot remove {}: {err}", path.display())))
    }

    /// Whether the file exists, or the secret is in the credential store.
    pub fn exists(&self, name: &str) -> bool {
        check_name(name).is_ok() && (self.file_exists(name) || self.in_vault(name))
    }

    fn file_exists(&self, name: &str) -> bool {
        fs::symlink_metadata(self.dir.join(name)).is_ok()
    }

    fn write_atomic(&self, name: &str, contents: &[u8]) -> Result<()> {
        check_name(name)?;
        self.clean_stale();
        let target = self.dir.join(name);
        let fail =
            |err: io::Error| AppError::failed(format!("cannot write {}: {err}", target.display()));
        let mut temp = tempfile::Builder::new()
            .prefix(&temp_prefix(name, std::process::id()))
            .suffix(TEMP_SUFFIX)
            .rand_bytes(TEMP_RANDOM)
            .make_in(&self.dir, platform::create_new_private_file)
            .map_err(fail)?;
        temp.write_all(contents)
            .and_then(|()| temp.as_file().sync_all())
            .map_err(fail)?;
        // Closed before the rename (Windows needs that); removed if the rename fails.
        // std's rename, unlike tempfile's persist, replaces a file that a reader
        // (`status`, `plan`) holds open on Windows too.
        let mut temp = temp.into_temp_path();
        fs::rename(&temp, &target).map_err(fail)?;
        // Renamed away; `keep` would touch the old name (Windows) and fail.
        temp.disable_cleanup(true);
        platform::sync_dir(&self.dir).map_err(fail)
    }

    /// Best effort: nothing reads temp files.
    fn clean_stale(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let Some(pid) = temp_writer_pid(&entry.file_name()) else {
                continue;
            };
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|modified| modified.elapsed().ok())
                .is_some_and(|age| age > STALE_AFTER);
            if old || platform::process_is_gone(pid) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// Others who can change the directory could swap the private key under us.
fn check_owner_and_mode(dir: &Path, meta: &fs::Metadata) -> Result<()> {
    let shown = dir.display();
    if let Checked::Found(Some(other)) = platform::other_owner(dir, meta) {
        return Err(AppError::failed(format!(
            "the state directory {shown} belongs to another user ({}, you are {}); \
             whoever owns it can change the keys align-link keeps there",
            other.owner, other.me
        ))
        .hint(format!(
            "If it should be yours: `{}`. Otherwise give another --state-dir.",
            other.fix
        )));
    }
    if let Some(mode) = open_to_others(meta, 0o022) {
        return Err(AppError::failed(format!(
            "the state directory {shown} can be changed by group or others (mode {mode:03o}); \
             they could replace the keys align-link keeps there"
        ))
        .hint(format!(
            "Run `chmod 700 {shown}`, and if anyone else could have written there, delete the \
             directory and run setup again."
        )));
    }
    Ok(())
}

fn open_to_others(meta: &fs::Metadata, bits: u32) -> Option<u32> {
    platform::mode_bits(meta)
        .found()
        .filter(|mode| mode & bits != 0)
}

fn temp_prefix(name: &str, pid: u32) -> String {
    format!(".{name}.{pid}-")
}

/// The writer's PID, when `file_name` is one of our temp files.
fn temp_writer_pid(file_name: &OsStr) -> Option<u32> {
    let middle = file_name
        .to_str()?
        .strip_prefix('.')?
        .strip_suffix(TEMP_SUFFIX)?;
    let (name, writer) = middle.rsplit_once('.')?;
    let (pid, random) = writer.split_once('-')?;
    let valid = !name.is_empty()
        && random.len() == TEMP_RANDOM
        && random.bytes().all(|b| b.is_ascii_alphanumeric());
    valid.then(|| pid.parse().ok()).flatten()
}

/// No paths, no dot files (those are the temp files).
fn check_name(name: &str) -> Result<()> {
    if is_plain(name, b"._-") && !name.starts_with('.') {
        return Ok(());
    }
    let name = name.escape_debug();
    Err(AppError::failed(format!(
        "`{name}` is not a valid state file name"
    )))
}

/// `[A-Za-z0-9_-]+`, so a profile is one directory.
pub fn check_profile(profile: &str) -> Result<()> {
    if is_plain(profile, b"_-") {
        return Ok(());
    }
    Err(AppError::usage(format!(
        "`{}` is not a valid profile name: use letters, digits, _ and -",
        profile.escape_debug()
    ))
    .hint("pick a name such as `prod` or `jira-test`"))
}

fn is_plain(name: &str, extra: &[u8]) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
}

/// `$XDG_STATE_HOME/align-link/PROFILE`; see [`platform::state_base_dir`].
pub fn default_state_dir(profile: &str) -> Result<PathBuf> {
    state_dir_with(profile, &|name| std::env::var_os(name))
}

fn state_dir_with(profile: &str, var: platform::EnvLookup) -> Result<PathBuf> {
    check_profile(profile)?;
    let base = platform::state_base_dir(var).map_err(|problem| {
        AppError::usage(format!(
            "cannot tell where to keep align-link's state: {problem}"
        ))
        .hint("or give --state-dir")
    })?;
    Ok(base.join("align-link").join(profile))
}

mod lock;
mod secrets;
mod temporary;

pub use secrets::SecretLocation;

pub use temporary::fresh_sandbox_dir;
use temporary::RemoveOnDrop;

#[cfg(test)]
mod tests;
