//! Where setup keeps the private key and the access token: the OS credential
//! store (here the in-memory one, in this process), or, when none answers,
//! owner-only files, and `unlink` leaves neither behind. Then the store's own
//! rules for each secret, over the same memory store.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use align_link::config::{RawOptions, RunConfig};
use align_link::domain::SecretStore;
use align_link::ops;
use align_link::state::{ACCESS_TOKEN_FILE, PRIVATE_KEY_FILE};
use align_link::store::{SecretLocation, Store};

use crate::memory_keyring::{MemoryKeyring, WINDOWS_SECRET_MAX};

use crate::support::{assert_success, stdout, write_private, Env};

const SECRET_FILES: [&str; 2] = ["private-key.pem", "access-token.toml"];

/// The standard answers with the secrets written in (this process cannot set
/// the variables the binary's runs get).
fn literal_answers(env: &Env) -> std::path::PathBuf {
    let demo = env.jira.demo();
    let path = env.dir.path().join("literal.toml");
    write_private(
        &path,
        &format!(
            "[jira]\nurl = \"{}\"\nadmin_token = \"{}\"\ntest_project = \"{}\"\n\n\
             [service_account]\nusername = \"{}\"\npassword = \"{}\"\n\n\
             [align]\nurl = \"https://acme.jiraalign.com\"\n\n[keys]\nbits = 3072\n\n\
             [secrets]\nstore = \"keyring\"\n",
            env.jira.url(),
            demo.admin_token,
            demo.test_project_key,
            demo.service_username,
            demo.service_password,
        ),
    );
    path
}

#[test]
fn setup_keeps_the_secrets_in_the_credential_store_and_unlink_removes_them() {
    let memory = MemoryKeyring::install();
    let env = Env::new();
    let state = env.state_dir();
    let config = || {
        RunConfig::from_raw(RawOptions {
            answers: Some(literal_answers(&env)),
            yes: true,
            state_dir: Some(state.clone()),
            ..RawOptions::default()
        })
        .unwrap()
    };
    assert_eq!(ops::setup::setup(config()).unwrap(), 0);
    for file in SECRET_FILES {
        assert!(!state.join(file).exists(), "{file} was written");
    }
    let entries = memory.entries_under(&state);
    let accounts: Vec<&str> = entries.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(accounts.len(), 2, "{accounts:?}");
    assert!(accounts.iter().any(|a| a.ends_with("private-key")));
    assert!(accounts.iter().any(|a| a.ends_with("access-token")));
    // What status and show print, and unlink's list.
    let mut store = Store::open(&state).unwrap();
    store.set_secret_store(SecretStore::Keyring);
    assert!(store
        .place_of("private-key.pem")
        .starts_with("the OS credential store"));
    let (places, rows) =
        align_link::ops::secret_places(&state, Some(SecretStore::Keyring)).unwrap();
    for secret in ["private_key", "access_token"] {
        assert_eq!(places[secret]["store"], "keyring", "{places:#}");
    }
    assert!(
        rows.iter()
            .all(|(_, p)| p.starts_with("in the OS credential store")),
        "{rows:?}"
    );

    assert_eq!(ops::unlink::unlink(config(), false).unwrap(), 0);
    assert!(memory.entries_under(&state).is_empty());
    for file in SECRET_FILES {
        assert!(!state.join(file).exists());
    }
}

#[test]
fn with_no_credential_store_setup_uses_private_files_and_says_so() {
    let env = Env::new();
    let state = env.state_dir();
    // No D-Bus session: the Secret Service cannot answer.
    let run = |args: &[&str]| {
        env.cmd(args)
            .env("ALIGN_LINK_SECRET_STORE", "auto")
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .output()
            .unwrap()
    };
    let setup = run(&["setup", "--yes"]);
    assert_success(&setup);
    let text = stdout(&setup);
    assert!(text.contains("no credential store answered"), "{text}");
    for file in SECRET_FILES {
        let mode = std::fs::metadata(state.join(file))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{file}");
    }
    let status = run(&["status"]);
    let text = stdout(&status);
    assert!(
        text.contains("private-key.pem (readable by you only"),
        "{text}"
    );
    let json = run(&["status", "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["secrets"]["access_token"]["store"], "file");

    assert_success(&run(&["unlink", "--yes"]));
    for file in SECRET_FILES {
        assert!(!state.join(file).exists(), "{file} left behind");
    }
}

const TOKEN: &str = "token = \"t0k\"\nsecret = \"s3cret\"\n";

fn key_pem() -> String {
    // 3072 bits: the size whose PEM would not fit Windows' credential limit.
    let key = align_link::keys::generate_private_key(3072).unwrap();
    align_link::keys::private_key_to_pem(&key).to_string()
}

fn store(choice: SecretStore) -> (tempfile::TempDir, Store, MemoryKeyring) {
    let memory = MemoryKeyring::install();
    let temp = tempfile::tempdir().unwrap();
    let mut store = Store::open(&temp.path().join("profile")).unwrap();
    store.set_secret_store(choice);
    (temp, store, memory)
}

#[test]
fn with_a_credential_store_no_secret_file_is_written() {
    let (_temp, store, memory) = store(SecretStore::Auto);
    let pem = key_pem();
    store
        .write_secret(PRIVATE_KEY_FILE, pem.as_bytes())
        .unwrap();
    store
        .write_secret(ACCESS_TOKEN_FILE, TOKEN.as_bytes())
        .unwrap();
    assert!(!store.path(PRIVATE_KEY_FILE).exists());
    assert!(!store.path(ACCESS_TOKEN_FILE).exists());
    let entries = memory.entries_under(store.dir());
    assert_eq!(entries.len(), 2, "{entries:?}");
    let (_, der) = entries
        .iter()
        .find(|(account, _)| account.ends_with("private-key"))
        .unwrap();
    // PKCS#8 DER, under Windows' limit; PEM as a password (UTF-16 there) is not.
    assert_eq!(der[0], 0x30, "a DER SEQUENCE");
    assert!(der.len() < WINDOWS_SECRET_MAX && pem.len() * 2 > WINDOWS_SECRET_MAX);
    assert_eq!(store.read_secret(PRIVATE_KEY_FILE).unwrap().unwrap(), pem);
    assert_eq!(
        store.read_secret(ACCESS_TOKEN_FILE).unwrap().unwrap(),
        TOKEN
    );
    assert!(store.exists(ACCESS_TOKEN_FILE));
    let place = store.secret_location(ACCESS_TOKEN_FILE);
    assert_eq!(place.kind(), "keyring");
    assert!(place.to_string().contains("access-token"), "{place}");
    store.remove(PRIVATE_KEY_FILE).unwrap();
    store.remove(ACCESS_TOKEN_FILE).unwrap();
    assert!(memory.entries_under(store.dir()).is_empty());
    assert!(!store.exists(ACCESS_TOKEN_FILE));
    assert_eq!(
        store.secret_location(ACCESS_TOKEN_FILE),
        SecretLocation::Nowhere
    );
}

#[test]
fn without_an_answer_auto_falls_back_to_private_files_and_says_why() {
    let (_temp, store, memory) = store(SecretStore::Auto);
    memory.refuse_under(store.dir());
    store
        .write_secret(ACCESS_TOKEN_FILE, TOKEN.as_bytes())
        .unwrap();
    let path = store.path(ACCESS_TOKEN_FILE);
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        store.read_secret(ACCESS_TOKEN_FILE).unwrap().unwrap(),
        TOKEN
    );
    let place = store.secret_location(ACCESS_TOKEN_FILE).to_string();
    assert!(place.contains("no credential store answered"), "{place}");
    // Removing works without the store too.
    store.remove(ACCESS_TOKEN_FILE).unwrap();
    assert!(!path.exists());
}

#[test]
fn keyring_alone_is_an_error_naming_the_fix_when_no_store_answers() {
    let (_temp, store, memory) = store(SecretStore::Keyring);
    memory.refuse_under(store.dir());
    let err = store
        .write_secret(ACCESS_TOKEN_FILE, TOKEN.as_bytes())
        .unwrap_err();
    assert!(
        err.message.contains("did not take the access token"),
        "{}",
        err.message
    );
    assert!(
        err.render().contains("--secret-store file"),
        "{}",
        err.render()
    );
    assert!(!store.path(ACCESS_TOKEN_FILE).exists());
}

#[test]
fn a_profile_with_files_keeps_them_until_asked_to_move() {
    let (_temp, mut store, memory) = store(SecretStore::File);
    store
        .write_secret(ACCESS_TOKEN_FILE, TOKEN.as_bytes())
        .unwrap();
    store.set_secret_store(SecretStore::Auto);
    // A new secret of an existing file profile goes beside the old one.
    let pem = key_pem();
    store
        .write_secret(PRIVATE_KEY_FILE, pem.as_bytes())
        .unwrap();
    assert!(store.path(PRIVATE_KEY_FILE).exists());
    assert!(memory.entries_under(store.dir()).is_empty());
    store.set_secret_store(SecretStore::Keyring);
    let moved = store.move_secrets_to_credential_store().unwrap();
    assert_eq!(moved, ["the private key", "the access token"]);
    assert!(!store.path(PRIVATE_KEY_FILE).exists());
    assert!(!store.path(ACCESS_TOKEN_FILE).exists());
    assert_eq!(memory.entries_under(store.dir()).len(), 2);
    assert_eq!(store.read_secret(PRIVATE_KEY_FILE).unwrap().unwrap(), pem);
}

#[test]
fn file_never_asks_the_credential_store() {
    let (_temp, store, memory) = store(SecretStore::File);
    memory.refuse_under(store.dir());
    store
        .write_secret(ACCESS_TOKEN_FILE, TOKEN.as_bytes())
        .unwrap();
    assert_eq!(
        store.secret_location(ACCESS_TOKEN_FILE),
        SecretLocation::File {
            path: store.path(ACCESS_TOKEN_FILE),
            fallback: None
        }
    );
}
