//! Reading a file someone else may have chosen: a FIFO would block and `/dev/zero`
//! never ends, so it is opened non-blocking and checked through the descriptor (not
//! the path, which may change in between) for a regular file within a size cap.

use std::fs::Metadata;
use std::io::{self, Read};
use std::path::Path;

/// A public key is a few KiB at most, even at 16384 bits.
pub const KEY_FILE_MAX: u64 = 64 * 1024;
/// A whole system bundle is ~250 KiB.
pub const CA_BUNDLE_MAX: u64 = 1024 * 1024;
/// An answers file is a few dozen lines.
pub const ANSWERS_MAX: u64 = 256 * 1024;
/// Also the secret files align-link writes itself.
pub const STATE_FILE_MAX: u64 = 256 * 1024;

/// Worded for the user, who knows which file was meant.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.problem("the file"))]
pub enum FileError {
    Missing,
    /// A FIFO, device, directory or socket: what it is, in words.
    NotRegular(&'static str),
    TooLarge {
        size: u64,
        max: u64,
    },
    Io(io::Error),
}

impl FileError {
    pub fn problem(&self, shown: &str) -> String {
        format!("{shown} {}", self.reason())
    }

    pub fn reason(&self) -> String {
        match self {
            FileError::Missing => "does not exist".to_string(),
            FileError::NotRegular(what) => format!("is {what}, not a regular file"),
            FileError::TooLarge { size, max } => format!(
                "is {}, more than the {} such a file can be",
                human_size(*size),
                human_size(*max)
            ),
            FileError::Io(err) => format!("cannot be read: {err}"),
        }
    }

    pub fn fix(&self, shown: &str) -> String {
        match self {
            FileError::Missing => "check the path".to_string(),
            FileError::NotRegular(_) => format!(
                "align-link reads only regular files: save the contents to a file and give \
                 its path instead of {shown}"
            ),
            FileError::TooLarge { .. } => {
                format!("check that {shown} is the file you meant")
            }
            FileError::Io(_) => format!("make {shown} readable by you"),
        }
    }
}

impl From<io::Error> for FileError {
    fn from(err: io::Error) -> Self {
        if err.kind() == io::ErrorKind::NotFound {
            FileError::Missing
        } else {
            FileError::Io(err)
        }
    }
}

/// The bytes and the metadata of the file that was read.
pub fn read_regular(path: &Path, max: u64) -> Result<(Vec<u8>, Metadata), FileError> {
    let file = crate::platform::open_read_nonblocking(path)?;
    let meta = file.metadata()?;
    check_metadata(&meta, max)?;
    // The size was checked, but a file can grow while it is read: read one byte
    // past the cap at most.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(FileError::TooLarge {
            size: bytes.len() as u64,
            max,
        });
    }
    Ok((bytes, meta))
}

/// For an early, clear error: a stat never blocks.
pub fn check_regular(path: &Path, max: u64) -> Result<(), FileError> {
    check_metadata(&std::fs::metadata(path)?, max)
}

fn check_metadata(meta: &Metadata, max: u64) -> Result<(), FileError> {
    let kind = meta.file_type();
    if !kind.is_file() {
        let what = if kind.is_dir() {
            "a directory"
        } else {
            crate::platform::special_kind(meta).unwrap_or("not a file")
        };
        return Err(FileError::NotRegular(what));
    }
    if meta.len() > max {
        return Err(FileError::TooLarge {
            size: meta.len(),
            max,
        });
    }
    Ok(())
}

fn human_size(bytes: u64) -> String {
    for (unit, size) in [("MiB", 1024 * 1024), ("KiB", 1024)] {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{} {unit}", bytes / size);
        } else if bytes >= size {
            return format!("{:.1} {unit}", bytes as f64 / size as f64);
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn fifo(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        path
    }

    #[test]
    fn reads_a_small_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.pem");
        std::fs::write(&path, "hello").unwrap();
        let (bytes, meta) = read_regular(&path, 5).unwrap();
        assert_eq!(bytes, b"hello");
        assert_eq!(meta.len(), 5);
        check_regular(&path, 5).unwrap();
    }

    #[test]
    fn refuses_a_file_over_the_cap_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let file = std::fs::File::create(&path).unwrap();
        // Sparse: 100 MiB on paper, nothing on disk.
        file.set_len(100 * 1024 * 1024).unwrap();
        let err = read_regular(&path, KEY_FILE_MAX).unwrap_err();
        assert!(matches!(err, FileError::TooLarge { .. }));
        assert_eq!(
            err.problem("big"),
            "big is 100 MiB, more than the 64 KiB such a file can be"
        );
        assert!(check_regular(&path, KEY_FILE_MAX).is_err());
    }

    #[test]
    fn refuses_devices_directories_and_missing_files() {
        let err = read_regular(Path::new("/dev/zero"), KEY_FILE_MAX).unwrap_err();
        assert_eq!(
            err.problem("/dev/zero"),
            "/dev/zero is a character device, not a regular file"
        );
        let dir = tempfile::tempdir().unwrap();
        let err = read_regular(dir.path(), KEY_FILE_MAX).unwrap_err();
        assert!(matches!(err, FileError::NotRegular("a directory")));
        let err = read_regular(&dir.path().join("nope"), KEY_FILE_MAX).unwrap_err();
        assert!(matches!(err, FileError::Missing));
    }

    #[test]
    fn refuses_a_fifo_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = fifo(dir.path());
        // No writer ever comes: a blocking open would never return, so the read
        // runs in a thread and the test fails instead of hanging.
        let (sender, receiver) = std::sync::mpsc::channel();
        let reading = path.clone();
        std::thread::spawn(move || {
            let _ = sender.send(read_regular(&reading, KEY_FILE_MAX).map(|_| ()));
        });
        let err = receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("reading a FIFO returns at once")
            .unwrap_err();
        assert!(matches!(err, FileError::NotRegular("a named pipe (FIFO)")));
        assert!(err.fix("pipe").contains("regular files"));
        assert!(check_regular(&path, KEY_FILE_MAX).is_err());
    }
}
