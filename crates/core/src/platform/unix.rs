//! Linux and macOS: POSIX calls only (no /proc, no Linux-only flags), so the
//! same code serves both.

use std::fs::{DirBuilder, File, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::{Checked, FileId, OtherOwner};

pub fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    // 0700 from the start (missing parents too), so there is no moment when
    // others could enter; the umask can only take bits away.
    DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

pub fn create_new_private_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

pub fn open_private_append(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        // A FIFO with no reader fails with ENXIO instead of waiting for one.
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

pub fn open_lock_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_NOCTTY)
        .open(path)
}

pub fn open_read_nonblocking(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

pub fn sync_dir(dir: &Path) -> io::Result<()> {
    match File::open(dir).and_then(|d| d.sync_all()) {
        Err(err)
            if matches!(
                err.kind(),
                io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
            ) =>
        {
            Ok(())
        }
        other => other,
    }
}

pub fn special_kind(meta: &Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    let kinds = [
        (kind.is_fifo(), "a named pipe (FIFO)"),
        (kind.is_char_device(), "a character device"),
        (kind.is_block_device(), "a block device"),
        (kind.is_socket(), "a socket"),
    ];
    kinds.into_iter().find_map(|(is, what)| is.then_some(what))
}

pub fn file_id(file: &File) -> io::Result<FileId> {
    let meta = file.metadata()?;
    Ok(FileId(meta.dev(), meta.ino()))
}

pub fn path_file_id(path: &Path) -> io::Result<FileId> {
    let meta = std::fs::symlink_metadata(path)?;
    Ok(FileId(meta.dev(), meta.ino()))
}

pub fn mode_bits(meta: &Metadata) -> Checked<u32> {
    Checked::Found(meta.mode() & 0o777)
}

pub fn other_owner(path: &Path, meta: &Metadata) -> Checked<Option<OtherOwner>> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() == me {
        return Checked::Found(None);
    }
    Checked::Found(Some(OtherOwner {
        owner: format!("uid {}", meta.uid()),
        me: format!("uid {me}"),
        fix: format!("sudo chown \"$(id -u)\" {}", path.display()),
    }))
}

pub fn process_is_gone(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // Signal 0 checks that the process exists without sending anything; EPERM
    // means it exists but is someone else's.
    // SAFETY: kill with signal 0 has no effect beyond its result.
    let result = unsafe { libc::kill(pid, 0) };
    result != 0 && io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

static SAVED_TERMIOS: OnceLock<libc::termios> = OnceLock::new();

pub fn save_terminal() {
    // SAFETY: isatty and tcgetattr only read the descriptor's state and write into
    // the termios we hand over.
    if unsafe { libc::isatty(libc::STDIN_FILENO) } != 1 {
        return;
    }
    let mut termios = std::mem::MaybeUninit::<libc::termios>::uninit();
    if unsafe { libc::tcgetattr(libc::STDIN_FILENO, termios.as_mut_ptr()) } == 0 {
        let _ = SAVED_TERMIOS.set(unsafe { termios.assume_init() });
    }
}

pub fn restore_terminal() {
    if let Some(termios) = SAVED_TERMIOS.get() {
        // SAFETY: restores settings read from the same descriptor at start-up.
        unsafe {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, termios);
        }
    }
}

pub fn enable_ansi_on_stderr() -> bool {
    // Unix terminals take escape sequences as they are.
    true
}

/// Under the home directory.
pub const CONFIG_BASE: &str = ".config";
pub const STATE_BASE: &str = ".local/state";

pub fn default_base(
    absolute: &dyn Fn(&str) -> Option<PathBuf>,
    xdg: &str,
    base: &str,
) -> Result<PathBuf, String> {
    let home = absolute("HOME").ok_or_else(|| {
        format!(
            "neither {xdg} nor HOME is set to an absolute path: set HOME to your home directory"
        )
    })?;
    Ok(home.join(base))
}
