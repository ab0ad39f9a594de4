use super::*;
use crate::error::ErrorKind;
use serde::Deserialize;
use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
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
    assert!(err
        .hint_text()
        .unwrap()
        .starts_with("repair or delete the file"));

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
    assert!(err
        .hint_text()
        .unwrap()
        .starts_with(&format!("chmod 600 {shown}")));
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

/// A temp file's name as `write_atomic` makes it.
fn temp_name(name: &str, pid: u32, random: &str) -> String {
    format!("{}{random}{TEMP_SUFFIX}", temp_prefix(name, pid))
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
    let stale = root.path().join(temp_name("state.toml", 4242, "aaaaaaa1"));
    let fresh = root
        .path()
        .join(temp_name("state.toml", std::process::id(), "aaaaaaa2"));
    let other = root.path().join(temp_name("state", 4242, "aaaaaaa3"));
    // PIDs wrap far below u32::MAX on Linux, so this writer is certainly gone.
    let dead_writer = root
        .path()
        .join(temp_name("private.pem", u32::MAX - 1, "Zz09Zz09"));
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
    let name = temp_name("state.toml", 12, "aB3dE6gH");
    assert_eq!(temp_writer_pid(OsStr::new(&name)), Some(12));
    for other in [
        ".state.toml.12-xyz.tmp",
        ".state.toml.12-aB3d-6gH.tmp",
        "state.toml",
        ".12-aB3dE6gH.tmp",
    ] {
        assert_eq!(temp_writer_pid(OsStr::new(other)), None, "{other}");
    }
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

/// [`default_state_dir`] with the XDG variable and HOME passed in, for tests.
fn state_dir_from(
    profile: &str,
    xdg_state_home: Option<OsString>,
    home: Option<OsString>,
) -> Result<PathBuf> {
    state_dir_with(profile, &|name| match name {
        "XDG_STATE_HOME" => xdg_state_home.clone(),
        "HOME" => home.clone(),
        _ => None,
    })
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

#[test]
fn open_refuses_a_directory_others_can_change() {
    let root = tempfile::tempdir().unwrap();
    for open_mode in [0o770, 0o707, 0o777] {
        fs::set_permissions(root.path(), fs::Permissions::from_mode(open_mode)).unwrap();
        let err = Store::open(root.path()).unwrap_err();
        let shown = root.path().display();
        assert_eq!(err.kind, ErrorKind::Failed);
        assert!(
            err.message.contains(&format!(
                "can be changed by group or others (mode {open_mode:03o})"
            )),
            "{}",
            err.message
        );
        assert!(
            err.hint_text()
                .as_deref()
                .unwrap()
                .contains(&format!("`chmod 700 {shown}`")),
            "{:?}",
            err.hint_text()
        );
        // Refusing never changes the directory.
        assert_eq!(mode(root.path()), open_mode);
    }
}

#[test]
fn open_refuses_a_directory_of_another_user() {
    let root = tempfile::tempdir().unwrap();
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    let foreign = if me == 0 {
        let dir = root.path().join("theirs");
        fs::create_dir(&dir).unwrap();
        std::os::unix::fs::chown(&dir, Some(4242), None).unwrap();
        dir
    } else {
        // Owned by root, and not by us.
        PathBuf::from("/")
    };
    let err = Store::open(&foreign).unwrap_err();
    assert!(
        err.message.contains("belongs to another user"),
        "{}",
        err.message
    );
    let hint = err.hint_text().unwrap();
    assert!(
        hint.contains(&format!("chown \"$(id -u)\" {}", foreign.display())),
        "{hint}"
    );
}

#[test]
fn a_fifo_or_a_huge_file_in_the_directory_is_refused_without_blocking() {
    let root = tempfile::tempdir().unwrap();
    let store = Store::open(root.path()).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(store.path("state.toml"))
        .arg(store.path("token"))
        .status()
        .unwrap();
    assert!(status.success());
    // Nobody ever writes to these FIFOs: a blocking open would hang the test.
    let err = store.load::<State>("state.toml").unwrap_err();
    assert!(
        err.message
            .ends_with("is a named pipe (FIFO), not a regular file"),
        "{}",
        err.message
    );
    assert!(err.hint_text().unwrap().contains("move"));
    let err = store.read_secret("token").unwrap_err();
    assert!(err.message.contains("named pipe"), "{}", err.message);

    fs::remove_file(store.path("state.toml")).unwrap();
    let big = File::create(store.path("state.toml")).unwrap();
    big.set_len(50 * 1024 * 1024).unwrap();
    let err = store.load::<State>("state.toml").unwrap_err();
    assert!(err.message.contains("50 MiB"), "{}", err.message);
}

#[test]
fn one_run_lock_per_profile_naming_the_holder() {
    let root = tempfile::tempdir().unwrap();
    let mut first = Store::open(root.path()).unwrap();
    first.lock_for_run().unwrap();
    assert_eq!(mode(&first.path(LOCK_FILE)), 0o600);
    assert_eq!(
        fs::read_to_string(first.path(LOCK_FILE)).unwrap(),
        format!("{}\n", std::process::id())
    );
    // A flock belongs to the open file, so a second open conflicts even in-process.
    let mut second = Store::open(root.path()).unwrap();
    let err = second.lock_for_run().unwrap_err();
    assert_eq!(err.kind, ErrorKind::Failed);
    assert!(
        err.message.starts_with(&format!(
            "another align-link run (PID {}) is working on the profile in {}",
            std::process::id(),
            root.path().display()
        )),
        "{}",
        err.message
    );
    // Clones share the lock; it goes with the last of them.
    let clone = first.clone();
    drop(first);
    assert!(second.lock_for_run().is_err());
    drop(clone);
    second.lock_for_run().unwrap();
}

#[test]
fn a_temporary_directory_goes_with_the_last_clone() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("sandbox");
    let mut store = Store::open(&dir).unwrap();
    store.remove_when_dropped();
    store.lock_for_run().unwrap();
    store.write_secret("private-key.pem", b"k").unwrap();
    let clone = store.clone();
    drop(store);
    assert!(dir.join("private-key.pem").exists());
    drop(clone);
    assert!(!dir.exists());
}

#[test]
fn a_read_only_store_skips_saves_and_refuses_secret_writes_and_removals() {
    let temp = tempfile::tempdir().unwrap();
    let mut store = Store::open(temp.path()).unwrap();
    store.save("state.toml", &toml::Table::new()).unwrap();
    let before = fs::read(temp.path().join("state.toml")).unwrap();
    store.make_read_only();
    let mut changed = toml::Table::new();
    changed.insert("x".into(), toml::Value::Integer(1));
    store.save("state.toml", &changed).unwrap();
    assert_eq!(fs::read(temp.path().join("state.toml")).unwrap(), before);
    assert!(store.write_secret("private-key.pem", b"secret").is_err());
    assert!(!temp.path().join("private-key.pem").exists());
    assert!(store.remove("state.toml").is_err());
    assert!(temp.path().join("state.toml").exists());
}
