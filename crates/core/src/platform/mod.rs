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

use std::path::PathBuf;

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

// What each function of `imp` promises, on every system:
// - `create_private_dir_all`: `dir` and missing parents, `dir` closed to all but
//   the user from its creation (unix 0700; Windows a protected ACL admitting only
//   the user, inherited by files made in it); an existing one is left as it is.
// - `create_new_private_file`: a new file for writing, readable by the user only
//   from its creation (unix 0600; Windows that ACL).
// - `open_private_append`, `open_lock_file`: opened (created private), never
//   through a symlink, never blocking on a FIFO, never taking a terminal.
// - `open_read_nonblocking`: for reading without ever blocking (a FIFO would
//   wait for a writer, a terminal would become the controlling one).
// - `special_kind`: a non-regular, non-directory file in words ("a named pipe (FIFO)").
// - `sync_dir`: makes a rename durable (unix fsyncs the directory; NTFS journals it).
// - `file_id`, `path_file_id`: which file an open file or a path (not followed) is.
// - `mode_bits`: `0o644`, where files have them; `other_owner`: `Found(None)` when
//   the file is the user's, `Found(Some(..))` someone else's.
// - `save_terminal`, `restore_terminal`: the settings at start-up, put back on
//   Ctrl-C (an interrupted password prompt would leave echo off).
// - `enable_ansi_on_stderr`: escape sequences work on stderr (Windows consoles
//   need telling); false when they cannot be shown.
pub use imp::{
    create_new_private_file, create_private_dir_all, enable_ansi_on_stderr, file_id, mode_bits,
    open_lock_file, open_private_append, open_read_nonblocking, other_owner, path_file_id,
    restore_terminal, save_terminal, special_kind, sync_dir,
};

/// Which file an open file is, to tell whether a path still names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId(u64, u64);

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

/// True when process `pid` is known not to run; false when it runs or this
/// system cannot tell (then callers assume nothing).
pub fn process_is_gone(pid: u32) -> bool {
    pid != std::process::id() && imp::process_is_gone(pid)
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
mod tests;
