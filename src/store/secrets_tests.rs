//! The credential store path of `Store`'s secrets, over the in-memory store.

use std::os::unix::fs::PermissionsExt;

use super::memory_keyring::{MemoryKeyring, WINDOWS_SECRET_MAX};
use super::*;
use crate::domain::SecretStore;
use crate::state::{ACCESS_TOKEN_FILE, PRIVATE_KEY_FILE};

const TOKEN: &str = "token = \"t0k\"\nsecret = \"s3cret\"\n";

fn key_pem() -> String {
    // 3072 bits: the size whose PEM would not fit Windows' credential limit.
    let key = crate::keys::generate_private_key(3072).unwrap();
    crate::keys::private_key_to_pem(&key).to_string()
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
