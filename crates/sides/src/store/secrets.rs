//! The private key and access token: in the OS credential store (keyring crate) or
//! owner-only files. `auto` tries the store, else a file, and keeps files for a
//! profile that has them; a secret file is always read first, so old profiles work.
//! The key is stored as PKCS#8 DER: a 4096-bit PEM exceeds Windows' 2,560 bytes per
//! credential. Accounts are `STATE_DIR/ENTRY`, so profiles never share one.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::RsaPrivateKey;

use super::Store;
use crate::domain::SecretStore;
use crate::error::{AppError, Result};
use crate::keys;
use crate::state::{ACCESS_TOKEN_FILE, PRIVATE_KEY_FILE};

pub const SERVICE: &str = "align-link";

/// The state files the credential store may hold: file, entry, what it is in words.
const KEPT: [(&str, &str, &str); 2] = [
    (PRIVATE_KEY_FILE, "private-key", "the private key"),
    (ACCESS_TOKEN_FILE, "access-token", "the access token"),
];

fn kept(name: &str) -> Option<(&'static str, &'static str)> {
    KEPT.iter()
        .find(|(file, ..)| *file == name)
        .map(|&(_, entry, what)| (entry, what))
}

fn what(name: &str) -> &'static str {
    kept(name).map_or("the secret", |(_, what)| what)
}

fn account(dir: &Path, entry: &str) -> String {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.join(entry).display().to_string()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretLocation {
    /// Service [`SERVICE`], this account.
    CredentialStore { account: String },
    /// `fallback`: why the credential store, tried, was not used.
    File {
        path: PathBuf,
        fallback: Option<String>,
    },
    /// Not stored.
    Nowhere,
}

impl SecretLocation {
    /// `"keyring"`, `"file"` or `"none"`, for `--json`.
    pub fn kind(&self) -> &'static str {
        match self {
            SecretLocation::CredentialStore { .. } => "keyring",
            SecretLocation::File { .. } => "file",
            SecretLocation::Nowhere => "none",
        }
    }
}

impl fmt::Display for SecretLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretLocation::CredentialStore { account } => write!(
                f,
                "the OS credential store (service `{SERVICE}`, account `{account}`)"
            ),
            SecretLocation::File { path, fallback } => {
                write!(f, "{} (readable by you only", path.display())?;
                if let Some(why) = fallback {
                    write!(f, "; no credential store answered: {why}")?;
                }
                f.write_str(")")
            }
            SecretLocation::Nowhere => f.write_str("nowhere (not stored)"),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct Vault {
    choice: SecretStore,
    /// Why the store did not answer: not asked again (a missing D-Bus fails alike).
    unavailable: Arc<Mutex<Option<String>>>,
}

impl Store {
    pub fn set_secret_store(&mut self, choice: SecretStore) {
        self.vault = Vault {
            choice,
            ..Vault::default()
        };
    }

    pub fn secret_store(&self) -> SecretStore {
        self.vault.choice
    }

    fn vault_in_use(&self, name: &str) -> bool {
        self.vault.choice != SecretStore::File && kept(name).is_some()
    }

    fn vault_unavailable(&self) -> Option<String> {
        self.vault.unavailable.lock().ok()?.clone()
    }

    fn vault_entry(&self, entry: &str) -> Result<keyring::Entry, String> {
        if let Some(why) = self.vault_unavailable() {
            return Err(why);
        }
        keyring::Entry::new(SERVICE, &account(&self.dir, entry))
            .map_err(|err| self.vault_failed(err))
    }

    fn secret_entry(&self, name: &str) -> Result<keyring::Entry, String> {
        let (entry, _) = kept(name).ok_or("not a secret of align-link's")?;
        self.vault_entry(entry)
    }

    /// Remembered when the store did not answer at all (other errors concern one entry).
    fn vault_failed(&self, err: keyring::Error) -> String {
        let why = err.to_string().replace('\n', " ");
        let no_answer = matches!(
            err,
            keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_)
        );
        if let (true, Ok(mut slot)) = (no_answer, self.vault.unavailable.lock()) {
            slot.get_or_insert_with(|| why.clone());
        }
        why
    }

    /// The secret as the file would hold it.
    fn vault_get(&self, name: &str) -> Result<Option<Vec<u8>>, String> {
        let stored = match self.secret_entry(name)?.get_secret() {
            Ok(bytes) => bytes,
            Err(keyring::Error::NoEntry) => return Ok(None),
            Err(err) => return Err(self.vault_failed(err)),
        };
        if name != PRIVATE_KEY_FILE {
            return Ok(Some(stored));
        }
        let key = RsaPrivateKey::from_pkcs8_der(&stored)
            .map_err(|err| format!("its private key entry is not PKCS#8 DER: {err}"))?;
        Ok(Some(keys::private_key_to_pem(&key).as_bytes().to_vec()))
    }

    fn vault_set(&self, name: &str, contents: &[u8]) -> Result<(), String> {
        let entry = self.secret_entry(name)?;
        let result = if name == PRIVATE_KEY_FILE {
            let pem = std::str::from_utf8(contents).map_err(|_| "the key is not PEM text")?;
            let der = keys::private_key_from_pem(pem)?
                .to_pkcs8_der()
                .map_err(|err| format!("cannot encode the key as PKCS#8: {err}"))?;
            entry.set_secret(der.as_bytes())
        } else {
            entry.set_secret(contents)
        };
        result.map_err(|err| self.vault_failed(err))
    }

    pub fn write_secret(&self, name: &str, contents: &[u8]) -> Result<()> {
        self.refuse_when_read_only(name)?;
        let profile_keeps_files = KEPT.iter().any(|(file, ..)| self.file_exists(file));
        let to_vault = self.vault_in_use(name)
            && !(self.vault.choice == SecretStore::Auto && profile_keeps_files);
        if !to_vault {
            return self.write_atomic(name, contents);
        }
        match self.vault_set(name, contents) {
            // A file of an earlier run would be read first: the entry replaces it.
            Ok(()) => self.remove_file(name),
            Err(_) if self.vault.choice == SecretStore::Auto => self.write_atomic(name, contents),
            Err(why) => Err(self.no_credential_store(name, &why)),
        }
    }

    pub fn read_secret(&self, name: &str) -> Result<Option<String>> {
        if let Some(text) = self.read_secret_file(name)? {
            return Ok(Some(text));
        }
        if !self.vault_in_use(name) {
            return Ok(None);
        }
        match self.vault_get(name) {
            Ok(Some(bytes)) => String::from_utf8(bytes).map(Some).map_err(|_| {
                let what = what(name);
                AppError::failed(format!("{what} in the credential store is not text"))
                    .hint("Run `align-link renew` to replace it.")
            }),
            Ok(None) => Ok(None),
            Err(_) if self.vault.choice == SecretStore::Auto => Ok(None),
            Err(why) => Err(self.no_credential_store(name, &why)),
        }
    }

    pub fn secret_location(&self, name: &str) -> SecretLocation {
        if self.file_exists(name) {
            return SecretLocation::File {
                path: self.path(name),
                fallback: self.vault_unavailable(),
            };
        }
        match kept(name) {
            Some((entry, _)) if self.in_vault(name) => SecretLocation::CredentialStore {
                account: account(&self.dir, entry),
            },
            _ => SecretLocation::Nowhere,
        }
    }

    /// For messages: its credential store entry, else its file.
    pub fn place_of(&self, name: &str) -> String {
        match self.secret_location(name) {
            place @ SecretLocation::CredentialStore { .. } => place.to_string(),
            _ => self.path(name).display().to_string(),
        }
    }

    /// Each secret file written to the credential store, read back, only then removed.
    pub fn move_secrets_to_credential_store(&self) -> Result<Vec<&'static str>> {
        let mut moved = Vec::new();
        for (name, ..) in KEPT {
            let Some(text) = self.read_secret_file(name)? else {
                continue;
            };
            let back = self
                .vault_set(name, text.as_bytes())
                .and_then(|()| self.vault_get(name))
                .map_err(|why| self.no_credential_store(name, &why))?;
            // The key goes in as DER and comes back as PEM: compare the keys.
            let key = |pem: &[u8]| {
                let pem = std::str::from_utf8(pem).ok()?;
                keys::private_key_from_pem(pem).ok()
            };
            let same = back.is_some_and(|back| match name {
                PRIVATE_KEY_FILE => key(&back).is_some() && key(&back) == key(text.as_bytes()),
                _ => back == text.as_bytes(),
            });
            if !same {
                return Err(AppError::failed(format!(
                    "{} read back from the credential store differs from {}; the file is kept",
                    what(name),
                    self.path(name).display()
                ))
                .hint("Run again with --secret-store file, and report this."));
            }
            self.remove_file(name)?;
            moved.push(what(name));
        }
        Ok(moved)
    }

    pub(super) fn in_vault(&self, name: &str) -> bool {
        self.vault_in_use(name) && matches!(self.vault_get(name), Ok(Some(_)))
    }

    pub(super) fn remove_from_vault(&self, name: &str) -> Result<()> {
        if !self.vault_in_use(name) {
            return Ok(());
        }
        let deleted = self.secret_entry(name).and_then(|entry| {
            entry.delete_credential().or_else(|err| match err {
                keyring::Error::NoEntry => Ok(()),
                err => Err(self.vault_failed(err)),
            })
        });
        match deleted {
            Ok(()) => Ok(()),
            // Nothing can be there when no store answers.
            Err(_) if self.vault.choice == SecretStore::Auto => Ok(()),
            Err(why) => Err(self.no_credential_store(name, &why)),
        }
    }

    fn no_credential_store(&self, name: &str, why: &str) -> AppError {
        AppError::failed(format!(
            "--secret-store keyring: the OS credential store did not take {}: {why}",
            what(name)
        ))
        .hint(
            "Unlock or start the credential store (on Linux, a Secret Service such as \
             gnome-keyring in a desktop session), or run with --secret-store file to keep \
             the secret in an owner-only file.",
        )
    }
}

/// Secrets the operator typed (`jira.admin_token`...), kept for later runs in the
/// credential store only, never in a file (the config then names a variable).
impl Store {
    fn typed_entry(&self, key: &str) -> Result<keyring::Entry, String> {
        if self.vault.choice == SecretStore::File {
            return Err("--secret-store file".into());
        }
        self.vault_entry(&format!("typed.{key}"))
    }

    /// Read back to be sure; `Err` says why it could not be kept.
    pub fn keep_typed_secret(&self, key: &str, value: &str) -> Result<(), String> {
        let entry = self.typed_entry(key)?;
        entry
            .set_password(value)
            .map_err(|err| self.vault_failed(err))?;
        match entry.get_password() {
            Ok(back) if back == value => Ok(()),
            Ok(_) => Err("the value read back differs".into()),
            Err(err) => Err(self.vault_failed(err)),
        }
    }

    pub fn typed_secret(&self, key: &str) -> Option<String> {
        self.typed_entry(key).ok()?.get_password().ok()
    }

    /// Asked whatever `--secret-store` says now (an earlier run may have kept it);
    /// an error when no store answers, so the profile naming it is not forgotten first.
    pub fn forget_typed_secret(&self, key: &str) -> Result<()> {
        let account = account(&self.dir, &format!("typed.{key}"));
        let removed =
            keyring::Entry::new(SERVICE, &account).and_then(|entry| entry.delete_credential());
        match removed {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(AppError::failed(format!(
                "cannot remove {key} from the OS credential store: {}",
                self.vault_failed(err)
            ))
            .hint("Unlock or start the credential store and run again, or remove the entry by hand (service `align-link`) in your credential manager.")),
        }
    }
}
