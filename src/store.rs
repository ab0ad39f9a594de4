//! The on-disk state of one profile: TOML state files and secret files (private
//! keys, tokens) in a directory only the user can enter.
//!
//! Every write is atomic: the bytes go to a uniquely named temp file in the same
//! directory (created 0600 with `create_new`), which is fsynced and renamed over the
//! target, and then the directory is fsynced. Killing the process at any moment
//! leaves the old file or the new one, never a torn one. Temp files a killed run
//! leaves behind are never read, and the next save of the same name removes them.

use std::ffi::OsString;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::answers::line_col;
use crate::error::{AppError, Result};

/// A temp file older than this belongs to a run that died: no write takes this long,
/// so a younger one may be another writer's in-flight file and is left alone.
const STALE_AFTER: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// Opens (creating it 0700 if needed) the state directory. Warnings about an
    /// existing directory's permissions are dropped: use
    /// [`Store::open_with_warnings`] to show them.
    pub fn open(dir: &Path) -> Result<Store> {
        Store::open_with_warnings(dir).map(|(store, _)| store)
    }

    /// Like [`Store::open`], and also returns warnings, e.g. that an existing
    /// directory lets group or others in.
    pub fn open_with_warnings(dir: &Path) -> Result<(Store, Vec<String>)> {
        let shown = dir.display();
        // Created 0700 from the start (missing parents too), so there is no moment
        // when others could enter; an existing directory is left as it is.
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|err| {
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
        let mut warnings = Vec::new();
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            warnings.push(format!(
                "the state directory {shown} can be entered by group or others (mode {mode:03o}); \
                 it holds private keys: run `chmod 700 {shown}`"
            ));
        }
        Ok((
            Store {
                dir: dir.to_path_buf(),
            },
            warnings,
        ))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where `name` lives, for messages ("the private key is in ...").
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Reads a TOML state file; a missing file is `T::default()`.
    pub fn load<T: DeserializeOwned + Default>(&self, name: &str) -> Result<T> {
        check_name(name)?;
        let path = self.dir.join(name);
        let shown = path.display();
        let fix = format!(
            "repair or delete the file ({shown}); deleting it makes align-link forget what \
             it recorded there"
        );
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(T::default()),
            Err(err) if err.kind() == io::ErrorKind::InvalidData => {
                return Err(AppError::usage(format!("{shown}: not valid UTF-8")).hint(fix))
            }
            Err(err) => return Err(AppError::failed(format!("cannot read {shown}: {err}"))),
        };
        toml::from_str(&text).map_err(|err| {
            let message = err.message().trim().replace('\n', ": ");
            let at = match err.span() {
                Some(span) => {
                    let (line, column) = line_col(&text, span.start);
                    format!("{shown}:{line}:{column}")
                }
                None => shown.to_string(),
            };
            AppError::usage(format!("{at}: {message}")).hint(fix)
        })
    }

    /// Writes a TOML state file atomically (mode 0600).
    pub fn save<T: Serialize>(&self, name: &str, value: &T) -> Result<()> {
        let text = toml::to_string(value).map_err(|err| {
            AppError::failed(format!(
                "cannot write {}: {err}",
                self.dir.join(name).display()
            ))
        })?;
        self.write_atomic(name, text.as_bytes())
    }

    /// Writes a secret atomically; the file is 0600 from its creation.
    pub fn write_secret(&self, name: &str, contents: &[u8]) -> Result<()> {
        self.write_atomic(name, contents)
    }

    /// Reads a secret; `None` when absent. A secret that group or others can read
    /// is an error: a key that may have leaked must not be used silently.
    pub fn read_secret(&self, name: &str) -> Result<Option<String>> {
        check_name(name)?;
        let path = self.dir.join(name);
        let shown = path.display();
        let mut file = match File::open(&path) {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(AppError::failed(format!("cannot read {shown}: {err}"))),
        };
        // The mode of the file actually opened, not of whatever the path names now.
        let meta = file
            .metadata()
            .map_err(|err| AppError::failed(format!("cannot read {shown}: {err}")))?;
        if !meta.is_file() {
            return Err(AppError::failed(format!("{shown} is not a file"))
                .hint(format!("move {shown} away; align-link writes it again")));
        }
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(AppError::failed(format!(
                "{shown} can be read by group or others (mode {mode:03o}); align-link does not \
                 use a secret that may have leaked"
            ))
            .hint(format!(
                "chmod 600 {shown}, and if anyone else could have read it, replace the secret"
            )));
        }
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(|err| {
            AppError::failed(format!("cannot read {shown}: {err}")).hint(format!(
                "{shown} should hold text; delete it to have it made again"
            ))
        })?;
        Ok(Some(text))
    }

    /// Deletes a file; a missing one is fine.
    pub fn remove(&self, name: &str) -> Result<()> {
        check_name(name)?;
        let path = self.dir.join(name);
        match fs::remove_file(&path) {
            Ok(()) => sync_dir(&self.dir).map_err(|err| {
                AppError::failed(format!("cannot remove {}: {err}", path.display()))
            }),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(AppError::failed(format!(
                "cannot remove {}: {err}",
                path.display()
            ))),
        }
    }

    pub fn exists(&self, name: &str) -> bool {
        check_name(name).is_ok() && fs::symlink_metadata(self.dir.join(name)).is_ok()
    }

    fn write_atomic(&self, name: &str, contents: &[u8]) -> Result<()> {
        check_name(name)?;
        self.clean_stale();
        let target = self.dir.join(name);
        let fail =
            |err: io::Error| AppError::failed(format!("cannot write {}: {err}", target.display()));
        let (temp, mut file) = self.create_temp(name).map_err(fail)?;
        let written = file
            .write_all(contents)
            .and_then(|()| file.sync_all())
            .and_then(|()| {
                drop(file);
                fs::rename(&temp, &target)
            })
            .and_then(|()| sync_dir(&self.dir));
        if let Err(err) = written {
            // Gone already when the rename succeeded and only the dir fsync failed.
            let _ = fs::remove_file(&temp);
            return Err(fail(err));
        }
        Ok(())
    }

    /// A fresh `.NAME.PID-RANDOM.tmp`, 0600, that did not exist before.
    fn create_temp(&self, name: &str) -> io::Result<(PathBuf, File)> {
        let mut last = None;
        for _ in 0..8 {
            let temp = self
                .dir
                .join(temp_name(name, std::process::id(), rand::random()));
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&temp)
            {
                Ok(file) => return Ok((temp, file)),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => last = Some(err),
                Err(err) => return Err(err),
            }
        }
        Err(last.unwrap_or_else(|| io::Error::other("no free temp file name")))
    }

    /// Removes temp files (of any name) left by a run that died: their writer is
    /// no longer running, or they are older than any write takes. Best effort: a
    /// leftover is harmless, since nothing reads temp files.
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
            if old || writer_is_gone(pid) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// True when process `pid` is known not to run (Linux's /proc tells; elsewhere
/// nothing is assumed and only age counts).
fn writer_is_gone(pid: u32) -> bool {
    pid != std::process::id()
        && Path::new("/proc/self").exists()
        && !Path::new("/proc").join(pid.to_string()).exists()
}

/// The writer's PID, when `file_name` is one of our temp files (`.NAME.PID-RANDOM.tmp`).
fn temp_writer_pid(file_name: &OsString) -> Option<u32> {
    let middle = file_name
        .to_str()?
        .strip_prefix('.')?
        .strip_suffix(".tmp")?;
    let (name, writer) = middle.rsplit_once('.')?;
    let (pid, random) = writer.split_once('-')?;
    let valid =
        !name.is_empty() && random.len() == 16 && random.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| pid.parse().ok()).flatten()
}

fn temp_name(name: &str, pid: u32, random: u64) -> String {
    format!(".{name}.{pid}-{random:016x}.tmp")
}

/// Makes a rename durable. Some file systems cannot fsync a directory; there the
/// rename is as durable as it gets.
fn sync_dir(dir: &Path) -> io::Result<()> {
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

/// State file names are plain names chosen by the program: no paths, no dot
/// files (those are the temp files).
fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(AppError::failed(format!(
            "`{}` is not a valid state file name",
            name.escape_debug()
        )))
    }
}

/// Profile names: `[A-Za-z0-9_-]+`, so a profile is one directory.
pub fn check_profile(profile: &str) -> Result<()> {
    let ok = !profile.is_empty()
        && profile
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(AppError::usage(format!(
            "`{}` is not a valid profile name: use letters, digits, _ and -",
            profile.escape_debug()
        ))
        .hint("pick a name such as `prod` or `jira-test`"))
    }
}

/// `$XDG_STATE_HOME/align-link/PROFILE`, else `$HOME/.local/state/align-link/PROFILE`.
pub fn default_state_dir(profile: &str) -> Result<PathBuf> {
    state_dir_from(
        profile,
        std::env::var_os("XDG_STATE_HOME"),
        std::env::var_os("HOME"),
    )
}

/// [`default_state_dir`] with the environment passed in, for tests.
fn state_dir_from(
    profile: &str,
    xdg_state_home: Option<OsString>,
    home: Option<OsString>,
) -> Result<PathBuf> {
    check_profile(profile)?;
    // The XDG spec says to ignore relative (and empty) values.
    let absolute = |v: Option<OsString>| v.map(PathBuf::from).filter(|p| p.is_absolute());
    let base =
        match (absolute(xdg_state_home), absolute(home)) {
            (Some(xdg), _) => xdg,
            (None, Some(home)) => home.join(".local").join("state"),
            (None, None) => return Err(AppError::usage(
                "cannot tell where to keep align-link's state: neither XDG_STATE_HOME nor HOME \
                 is set to an absolute path",
            )
            .hint("set HOME (or XDG_STATE_HOME) to your home directory")),
        };
    Ok(base.join("align-link").join(profile))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use serde::Deserialize;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::SystemTime;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct State {
        step: u32,
        link_id: Option<String>,
    }

    #[test]
    fn open_creates_the_directory_and_parents_0700() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("state/align-link/prod");
        let (store, warnings) = Store::open_with_warnings(&dir).unwrap();
        assert_eq!(store.dir(), dir);
        assert!(warnings.is_empty());
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&root.path().join("state")), 0o700);
    }

    #[test]
    fn open_warns_about_an_open_existing_directory() {
        let root = tempfile::tempdir().unwrap();
        fs::set_permissions(root.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let (_, warnings) = Store::open_with_warnings(root.path()).unwrap();
        let shown = root.path().display();
        assert_eq!(
            warnings,
            [format!(
                "the state directory {shown} can be entered by group or others (mode 755); \
                 it holds private keys: run `chmod 700 {shown}`"
            )]
        );
        // Opening never changes an existing directory's mode.
        assert_eq!(mode(root.path()), 0o755);
    }

    #[test]
    fn open_refuses_a_file() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("f");
        fs::write(&file, "x").unwrap();
        let err = Store::open(&file).unwrap_err();
        assert!(
            err.message.contains(&file.display().to_string()),
            "{}",
            err.message
        );
        let err = Store::open(&file.join("sub")).unwrap_err();
        assert!(err.message.starts_with("cannot create the state directory"));
    }

    #[test]
    fn save_and_load_round_trip() {
        let root = tempfile::tempdir().unwrap();
        let store = Store::open(root.path()).unwrap();
        assert_eq!(store.load::<State>("state.toml").unwrap(), State::default());
        assert!(!store.exists("state.toml"));
        let state = State {
            step: 14,
            link_id: Some("3b1f".into()),
        };
        store.save("state.toml", &state).unwrap();
        assert!(store.exists("state.toml"));
        assert_eq!(store.load::<State>("state.toml").unwrap(), state);
        assert_eq!(mode(&store.path("state.toml")), 0o600);
        // Only the target is left: no temp files.
        let names: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["state.toml"]);
    }

    #[test]
    fn corrupt_state_names_path_line_and_column() {
        let root = tempfile::tempdir().unwrap();
        let store = Store::open(root.path()).unwrap();
        fs::write(store.path("state.toml"), "step = 3\nlink_id = 7\n").unwrap();
        let err = store.load::<State>("state.toml").unwrap_err();
        let shown = store.path("state.toml").display().to_string();
        assert_eq!(err.kind, ErrorKind::Usage);
        assert!(
            err.message
                .starts_with(&format!("{shown}:2:11: invalid type")),
            "{}",
            err.message
        );
        assert!(err.hint.unwrap().starts_with("repair or delete the file"));

        fs::write(store.path("state.toml"), "step = = 3\n").unwrap();
        let err = store.load::<State>("state.toml").unwrap_err();
        assert!(
            err.message.starts_with(&format!("{shown}:1:8: ")),
            "{}",
            err.message
        );
    }

    #[test]
    fn secrets_are_0600_and_read_back() {
        let root = tempfile::tempdir().unwrap();
        let store = Store::open(root.path()).unwrap();
        assert_eq!(store.read_secret("consumer.pem").unwrap(), None);
        // An earlier, too open file is replaced by a 0600 one.
        fs::write(store.path("consumer.pem"), "old").unwrap();
        fs::set_permissions(
            store.path("consumer.pem"),
            fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        store
            .write_secret("consumer.pem", b"-----BEGIN PRIVATE KEY-----\n")
            .unwrap();
        assert_eq!(mode(&store.path("consumer.pem")), 0o600);
        assert_eq!(
            store.read_secret("consumer.pem").unwrap().as_deref(),
            Some("-----BEGIN PRIVATE KEY-----\n")
        );
    }

    #[test]
    fn a_readable_secret_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let store = Store::open(root.path()).unwrap();
        store.write_secret("token", b"t").unwrap();
        fs::set_permissions(store.path("token"), fs::Permissions::from_mode(0o640)).unwrap();
        let err = store.read_secret("token").unwrap_err();
        let shown = store.path("token").display().to_string();
        assert_eq!(err.kind, ErrorKind::Failed);
        assert!(err.message.contains("mode 640"), "{}", err.message);
        assert!(err.hint.unwrap().starts_with(&format!("chmod 600 {shown}")));
    }

    #[test]
    fn remove_and_exists() {
        let root = tempfile::tempdir().unwrap();
        let store = Store::open(root.path()).unwrap();
        store.remove("token").unwrap();
        store.write_secret("token", b"t").unwrap();
        assert!(store.exists("token"));
        store.remove("token").unwrap();
        assert!(!store.exists("token"));
    }

    #[test]
    fn names_are_plain() {
        let root = tempfile::tempdir().unwrap();
        let store = Store::open(root.path()).unwrap();
        for bad in ["", "../x", "a/b", ".hidden", "sp ace"] {
            assert!(store.save(bad, &State::default()).is_err(), "{bad}");
            assert!(store.write_secret(bad, b"x").is_err(), "{bad}");
            assert!(!store.exists(bad));
        }
    }

    #[test]
    fn stale_temp_files_are_ignored_then_cleaned() {
        let root = tempfile::tempdir().unwrap();
        let store = Store::open(root.path()).unwrap();
        store
            .save(
                "state.toml",
                &State {
                    step: 1,
                    link_id: None,
                },
            )
            .unwrap();
        // A killed run's half-written temp file, old, and another writer's fresh one.
        let stale = root.path().join(temp_name("state.toml", 4242, 1));
        let fresh = root
            .path()
            .join(temp_name("state.toml", std::process::id(), 2));
        let other = root.path().join(temp_name("state", 4242, 3));
        // PIDs wrap far below u32::MAX on Linux, so this writer is certainly gone.
        let dead_writer = root.path().join(temp_name("private.pem", u32::MAX - 1, 4));
        fs::write(&dead_writer, "half").unwrap();
        for path in [&stale, &fresh, &other] {
            fs::write(path, "step = ").unwrap();
            let old = SystemTime::now() - 2 * STALE_AFTER;
            if path != &fresh {
                File::options()
                    .write(true)
                    .open(path)
                    .unwrap()
                    .set_modified(old)
                    .unwrap();
            }
        }
        assert_eq!(store.load::<State>("state.toml").unwrap().step, 1);
        store
            .save(
                "state.toml",
                &State {
                    step: 2,
                    link_id: None,
                },
            )
            .unwrap();
        assert!(!stale.exists());
        assert!(fresh.exists(), "a young temp file may be in use");
        assert!(!other.exists(), "old temp files of any name go");
        assert!(
            !dead_writer.exists(),
            "a temp file whose writer died goes at once"
        );
        assert_eq!(store.load::<State>("state.toml").unwrap().step, 2);
    }

    #[test]
    fn temp_names_are_recognised_with_their_writer() {
        let name = OsString::from(temp_name("state.toml", 12, 0xab));
        assert_eq!(temp_writer_pid(&name), Some(12));
        assert_eq!(
            temp_writer_pid(&OsString::from(".state.toml.12-xyz.tmp")),
            None
        );
        assert_eq!(temp_writer_pid(&OsString::from("state.toml")), None);
        assert_eq!(
            temp_writer_pid(&OsString::from(".12-00000000000000ab.tmp")),
            None
        );
    }

    #[derive(Debug, Default, Serialize, Deserialize)]
    struct Big {
        generation: u64,
        items: Vec<String>,
    }

    #[test]
    fn readers_never_see_a_torn_file() {
        let root = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(root.path()).unwrap());
        let done = Arc::new(AtomicBool::new(false));
        let reader = {
            let (store, done) = (Arc::clone(&store), Arc::clone(&done));
            std::thread::spawn(move || {
                let mut reads = 0;
                let mut last = 0;
                while !done.load(Ordering::Acquire) {
                    let big: Big = store.load("big.toml").expect("every read parses");
                    // Every item was written with the same generation: no mixing.
                    let tag = format!("g{}-", big.generation);
                    assert!(big.items.iter().all(|item| item.starts_with(&tag)));
                    assert!(big.generation >= last, "went back in time");
                    last = big.generation;
                    reads += 1;
                }
                reads
            })
        };
        for generation in 1..=60u64 {
            let items = (0..2000)
                .map(|i| format!("g{generation}-{i:0>80}"))
                .collect();
            store.save("big.toml", &Big { generation, items }).unwrap();
        }
        done.store(true, Ordering::Release);
        let reads = reader.join().unwrap();
        assert!(reads > 0);
        let big: Big = store.load("big.toml").unwrap();
        assert_eq!((big.generation, big.items.len()), (60, 2000));
    }

    #[test]
    fn profile_names() {
        for good in ["default", "prod-2", "jira_test", "A"] {
            check_profile(good).unwrap();
        }
        for bad in ["", "a b", "../x", "x/y", "é", ".hidden"] {
            let err = check_profile(bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Usage);
            assert!(err.message.contains("is not a valid profile name"));
        }
        assert!(default_state_dir("no/slash").is_err());
    }

    #[test]
    fn state_dir_prefers_xdg_then_home() {
        let os = |s: &str| Some(OsString::from(s));
        assert_eq!(
            state_dir_from("prod", os("/x/state"), os("/home/u")).unwrap(),
            Path::new("/x/state/align-link/prod")
        );
        assert_eq!(
            state_dir_from("prod", None, os("/home/u")).unwrap(),
            Path::new("/home/u/.local/state/align-link/prod")
        );
        // Empty or relative XDG_STATE_HOME is ignored, as the XDG spec says.
        for xdg in ["", "rel/state"] {
            assert_eq!(
                state_dir_from("p", os(xdg), os("/home/u")).unwrap(),
                Path::new("/home/u/.local/state/align-link/p")
            );
        }
        let err = state_dir_from("p", None, None).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Usage);
        assert!(state_dir_from("p", os(""), os("")).is_err());
    }
}
