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
mod tests;
