//! Every difference between the operating systems, in one place: the rest of the
//! crate never calls `std::os::*`, `libc` or `windows_sys` itself. A check this
//! system cannot make says so ([`Checked::NotHere`]) rather than pretending it passed.

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
    Found(T),
    /// This system has no such check (e.g. unix mode bits on Windows).
    NotHere,
}

impl<T> Checked<T> {
    pub fn found(self) -> Option<T> {
        match self {
            Checked::Found(value) => Some(value),
            Checked::NotHere => None,
        }
    }
}

// What `imp` promises on every system: private files and directories are private
// from their creation (unix 0600/0700; Windows a protected ACL admitting only the
// user); opens never follow a symlink, block on a FIFO or take a terminal;
// `save_terminal`/`restore_terminal` undo an interrupted password prompt's echo-off.
pub use imp::{
    create_new_private_file, create_private_dir_all, enable_ansi_on_stderr, file_id, mode_bits,
    open_lock_file, open_private_append, open_read_nonblocking, other_owner, path_file_id,
    restore_terminal, save_terminal, special_kind, sync_dir,
};

/// Which file an open file is, to tell whether a path still names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId(u64, u64);

/// A file's owner, when someone other than the user running align-link; each
/// as the system names it (`uid 1001`), and how the user takes the file over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherOwner {
    pub owner: String,
    pub me: String,
    pub fix: String,
}

/// True when process `pid` is known not to run; false when it runs or this
/// system cannot tell (then callers assume nothing).
pub fn process_is_gone(pid: u32) -> bool {
    pid != std::process::id() && imp::process_is_gone(pid)
}

/// Looks up an environment variable (the process's, or a test's map).
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<std::ffi::OsString>;

/// Where `align-link/PROFILE.toml` goes: `$XDG_CONFIG_HOME`, else `~/.config` (as
/// gh does) or `%APPDATA%` (it roams with the user). `Err` says what to set.
pub fn config_base_dir(var: EnvLookup) -> Result<PathBuf, String> {
    base_dir(var, "XDG_CONFIG_HOME", imp::CONFIG_BASE)
}

/// Where `align-link/PROFILE/` (state and secrets) goes: `$XDG_STATE_HOME`, else
/// `~/.local/state` or `%LOCALAPPDATA%` (keys stay on this machine).
pub fn state_base_dir(var: EnvLookup) -> Result<PathBuf, String> {
    base_dir(var, "XDG_STATE_HOME", imp::STATE_BASE)
}

/// `$xdg`, else the system's `default`; the XDG spec says to ignore relative (and
/// empty) values.
fn base_dir(var: EnvLookup, xdg: &str, default: &str) -> Result<PathBuf, String> {
    let absolute = |name: &str| var(name).map(PathBuf::from).filter(|dir| dir.is_absolute());
    absolute(xdg).map_or_else(|| imp::default_base(&absolute, xdg, default), Ok)
}

#[cfg(all(test, unix))]
mod tests;
