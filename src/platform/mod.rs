//! Every difference between the operating systems, in one place: how a file only
//! the user may read is made, how a path that someone else may have chosen is
//! opened, who owns what, whether a process still runs, the terminal, and where
//! config and state live by default. The rest of the crate calls these functions
//! and never `std::os::*`, `libc` or `windows_sys` itself.
//!
//! Two branches: `unix` (Linux and macOS; POSIX calls only, nothing Linux-only, so
//! that macOS builds the same code) and `windows`. Where Windows has no equivalent
//! that align-link implements, the function says so ([`Checked::NotHere`]) rather
//! than pretending a check passed.

use std::fs::{File, Metadata};
use std::io;
use std::path::{Path, PathBuf};

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as imp;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as imp;

/// The outcome of a check that only some systems can make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked<T> {
    /// The check was made: its finding.
    Found(T),
    /// This system has no such check here (e.g. unix mode bits on Windows).
    NotHere,
}

impl<T> Checked<T> {
    /// The finding, when the check was made.
    pub fn found(self) -> Option<T> {
        match self {
            Checked::Found(value) => Some(value),
            Checked::NotHere => None,
        }
    }
}

/// Creates `dir` and any missing parents, `dir` itself closed to everyone but the
/// user from its creation (unix: mode 0700; Windows: a protected ACL that admits
/// only the current user, inherited by the files made in it). An existing
/// directory is left as it is.
pub fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    imp::create_private_dir_all(dir)
}

/// Creates `path`, which must not exist, for writing; only the user can read it
/// from its creation (unix: 0600; Windows: an ACL that admits only the user).
pub fn create_new_private_file(path: &Path) -> io::Result<File> {
    imp::create_new_private_file(path)
}

/// Opens `path` for appending, creating it private as [`create_new_private_file`]
/// does. A symlink is not followed, and a FIFO fails at once instead of waiting
/// for a reader.
pub fn open_private_append(path: &Path) -> io::Result<File> {
    imp::open_private_append(path)
}

/// Opens (creating it private) a lock file for reading and writing: not through a
/// symlink, never blocking on a FIFO, and without taking a terminal.
pub fn open_lock_file(path: &Path) -> io::Result<File> {
    imp::open_lock_file(path)
}

/// Opens `path` for reading without ever blocking: a FIFO opened for reading would
/// wait for a writer forever, and a terminal would become the controlling one.
pub fn open_read_nonblocking(path: &Path) -> io::Result<File> {
    imp::open_read_nonblocking(path)
}

/// What a non-regular, non-directory file is, in words ("a named pipe (FIFO)"),
/// when this system has such kinds.
pub fn special_kind(meta: &Metadata) -> Option<&'static str> {
    imp::special_kind(meta)
}

/// Makes a rename in `dir` durable: unix fsyncs the directory (some file systems
/// cannot, and there the rename is as durable as it gets); Windows cannot open a
/// directory for that, and NTFS journals the rename itself.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    imp::sync_dir(dir)
}

/// Which file an open file is, to tell whether a path still names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId(u64, u64);

/// The identity of an open file.
pub fn file_id(file: &File) -> io::Result<FileId> {
    imp::file_id(file)
}

/// The identity of what `path` names, without following a symlink.
pub fn path_file_id(path: &Path) -> io::Result<FileId> {
    imp::path_file_id(path)
}

/// The unix permission bits (`0o644`), where files have them.
pub fn mode_bits(meta: &Metadata) -> Checked<u32> {
    imp::mode_bits(meta)
}

/// A file's owner, when someone other than the user running align-link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherOwner {
    /// The owner, as the system names it (`uid 1001`).
    pub owner: String,
    /// The user running align-link, named the same way.
    pub me: String,
    /// How the user takes ownership of `path` when it should be theirs.
    pub fix: String,
}

/// Whether `meta` (of `path`) belongs to the user running align-link.
/// `Found(None)`: theirs; `Found(Some(..))`: someone else's.
pub fn other_owner(path: &Path, meta: &Metadata) -> Checked<Option<OtherOwner>> {
    imp::other_owner(path, meta)
}

/// True when process `pid` is known not to run; false when it runs or this
/// system cannot tell (then callers assume nothing).
pub fn process_is_gone(pid: u32) -> bool {
    pid != std::process::id() && imp::process_is_gone(pid)
}

/// The terminal's settings at start-up, restored on Ctrl-C (a password prompt
/// turns echo off, and an interrupted one would leave it off).
pub fn save_terminal() {
    imp::save_terminal()
}

/// Puts back what [`save_terminal`] saved.
pub fn restore_terminal() {
    imp::restore_terminal()
}

/// Makes escape sequences work on stderr where the console needs telling
/// (Windows consoles); false when they cannot be shown.
pub fn enable_ansi_on_stderr() -> bool {
    imp::enable_ansi_on_stderr()
}

/// Looks up an environment variable (the process's, or a test's map).
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<std::ffi::OsString>;

/// The directory under which `align-link/PROFILE.toml` (the profiles' config
/// files) goes. Linux and macOS: `$XDG_CONFIG_HOME`, else `~/.config`, as gh does.
/// Windows: `$XDG_CONFIG_HOME` when set, else `%APPDATA%` (it roams with the
/// user). `Err` says which variable to set.
pub fn config_base_dir(var: EnvLookup) -> Result<PathBuf, String> {
    absolute(var, "XDG_CONFIG_HOME")
        .map(Ok)
        .unwrap_or_else(|| imp::default_config_base(&|name| absolute(var, name)))
}

/// The directory under which `align-link/PROFILE/` (the profiles' state and
/// secret files) goes. Linux and macOS: `$XDG_STATE_HOME`, else `~/.local/state`.
/// Windows: `$XDG_STATE_HOME` when set, else `%LOCALAPPDATA%` (keys stay on this
/// machine).
pub fn state_base_dir(var: EnvLookup) -> Result<PathBuf, String> {
    absolute(var, "XDG_STATE_HOME")
        .map(Ok)
        .unwrap_or_else(|| imp::default_state_base(&|name| absolute(var, name)))
}

/// The variable's value when it is an absolute path: the XDG spec says to ignore
/// relative (and empty) values.
fn absolute(var: EnvLookup, name: &str) -> Option<PathBuf> {
    var(name)
        .map(PathBuf::from)
        .filter(|path| path.is_absolute())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::ffi::OsString;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn xdg_on_unix_with_home_as_the_fallback() {
        let home = env(&[("HOME", "/home/ann")]);
        assert_eq!(
            config_base_dir(&home).unwrap(),
            Path::new("/home/ann/.config")
        );
        assert_eq!(
            state_base_dir(&home).unwrap(),
            Path::new("/home/ann/.local/state")
        );
        let xdg = env(&[
            ("HOME", "/home/ann"),
            ("XDG_CONFIG_HOME", "/cfg"),
            ("XDG_STATE_HOME", "relative/ignored"),
        ]);
        assert_eq!(config_base_dir(&xdg).unwrap(), Path::new("/cfg"));
        assert_eq!(
            state_base_dir(&xdg).unwrap(),
            Path::new("/home/ann/.local/state")
        );
        let only_xdg = env(&[("XDG_STATE_HOME", "/st")]);
        assert_eq!(state_base_dir(&only_xdg).unwrap(), Path::new("/st"));
        let err = config_base_dir(&only_xdg).unwrap_err();
        assert!(err.contains("HOME"), "{err}");
    }

    #[test]
    fn private_files_and_dirs_are_made_closed() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("a/b");
        create_private_dir_all(&dir).unwrap();
        let meta = std::fs::metadata(&dir).unwrap();
        assert_eq!(mode_bits(&meta), Checked::Found(0o700));
        assert_eq!(other_owner(&dir, &meta), Checked::Found(None));
        let file = dir.join("secret");
        drop(create_new_private_file(&file).unwrap());
        let meta = std::fs::metadata(&file).unwrap();
        assert_eq!(mode_bits(&meta), Checked::Found(0o600));
        assert!(create_new_private_file(&file).is_err(), "never replaced");
        let log = dir.join("log");
        drop(open_private_append(&log).unwrap());
        let meta = std::fs::metadata(&log).unwrap();
        assert_eq!(mode_bits(&meta), Checked::Found(0o600));
    }

    #[test]
    fn a_symlink_is_not_followed_and_a_fifo_does_not_block() {
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("target");
        std::fs::write(&target, "x").unwrap();
        let link = temp.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(open_private_append(&link).is_err());
        assert!(open_lock_file(&link).is_err());
        let fifo = temp.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // No reader ever comes: a blocking open would hang the test.
        let err = open_private_append(&fifo).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ENXIO), "{err}");
        let file = open_read_nonblocking(&fifo).unwrap();
        assert_eq!(
            special_kind(&file.metadata().unwrap()),
            Some("a named pipe (FIFO)")
        );
    }

    #[test]
    fn a_file_keeps_its_identity_until_replaced() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("lock");
        let file = open_lock_file(&path).unwrap();
        assert_eq!(file_id(&file).unwrap(), path_file_id(&path).unwrap());
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, "").unwrap();
        assert_ne!(file_id(&file).unwrap(), path_file_id(&path).unwrap());
    }

    #[test]
    fn this_process_runs_and_an_impossible_pid_does_not() {
        assert!(!process_is_gone(std::process::id()));
        assert!(process_is_gone(99_999_999));
    }
}
