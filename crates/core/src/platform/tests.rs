use super::*;
use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;

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
