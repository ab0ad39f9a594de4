//! An OS credential store kept in this process's memory, for tests: the keyring
//! crate's own mock keeps each secret inside one `Entry` only, so a secret written
//! by one step could not be read by the next. This one keeps them by service and
//! account as the real stores do, refuses secrets over Windows' 2,560-byte limit
//! as Credential Manager does, and can play a store that does not answer.

use std::any::Any;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use keyring::credential::{Credential, CredentialApi, CredentialBuilderApi};

/// Windows Credential Manager's limit on one credential's secret, in bytes.
pub const WINDOWS_SECRET_MAX: usize = 2560;

#[derive(Debug, Default)]
struct Shelves {
    /// (service, account) to secret.
    entries: BTreeMap<(String, String), Vec<u8>>,
    /// Accounts under these prefixes get "no storage access", as from a Linux
    /// machine without a Secret Service.
    unavailable_under: Vec<String>,
}

/// The store; clones share it.
#[derive(Debug, Clone, Default)]
pub struct MemoryKeyring(Arc<Mutex<Shelves>>);

impl MemoryKeyring {
    /// The process's one memory store, made the keyring crate's default on first
    /// use: every `keyring::Entry` made afterwards lives in it.
    pub fn install() -> MemoryKeyring {
        static INSTALLED: OnceLock<MemoryKeyring> = OnceLock::new();
        INSTALLED
            .get_or_init(|| {
                let store = MemoryKeyring::default();
                keyring::set_default_credential_builder(Box::new(store.clone()));
                store
            })
            .clone()
    }

    /// The (account, secret) pairs whose account lies under `dir`.
    pub fn entries_under(&self, dir: &Path) -> Vec<(String, Vec<u8>)> {
        let prefix = absolute(dir);
        self.shelves()
            .entries
            .iter()
            .filter(|((_, account), _)| account.starts_with(&prefix))
            .map(|((_, account), secret)| (account.clone(), secret.clone()))
            .collect()
    }

    /// From now on, accounts under `dir` get "no storage access".
    pub fn refuse_under(&self, dir: &Path) {
        self.shelves().unavailable_under.push(absolute(dir));
    }

    fn shelves(&self) -> std::sync::MutexGuard<'_, Shelves> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn absolute(dir: &Path) -> String {
    std::path::absolute(dir)
        .unwrap_or_else(|_| dir.to_path_buf())
        .display()
        .to_string()
}

impl CredentialBuilderApi for MemoryKeyring {
    fn build(
        &self,
        _target: Option<&str>,
        service: &str,
        user: &str,
    ) -> keyring::Result<Box<Credential>> {
        Ok(Box::new(MemoryCredential {
            store: self.clone(),
            key: (service.to_string(), user.to_string()),
        }))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[derive(Debug)]
struct MemoryCredential {
    store: MemoryKeyring,
    key: (String, String),
}

impl MemoryCredential {
    fn check_access(&self, shelves: &Shelves) -> keyring::Result<()> {
        if shelves
            .unavailable_under
            .iter()
            .any(|prefix| self.key.1.starts_with(prefix))
        {
            return Err(keyring::Error::NoStorageAccess(
                "the memory store plays one that does not answer".into(),
            ));
        }
        Ok(())
    }
}

impl CredentialApi for MemoryCredential {
    fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
        let mut shelves = self.store.shelves();
        self.check_access(&shelves)?;
        if secret.len() > WINDOWS_SECRET_MAX {
            return Err(keyring::Error::TooLong(
                "secret".into(),
                WINDOWS_SECRET_MAX as u32,
            ));
        }
        shelves.entries.insert(self.key.clone(), secret.to_vec());
        Ok(())
    }

    fn get_secret(&self) -> keyring::Result<Vec<u8>> {
        let shelves = self.store.shelves();
        self.check_access(&shelves)?;
        shelves
            .entries
            .get(&self.key)
            .cloned()
            .ok_or(keyring::Error::NoEntry)
    }

    fn delete_credential(&self) -> keyring::Result<()> {
        let mut shelves = self.store.shelves();
        self.check_access(&shelves)?;
        shelves
            .entries
            .remove(&self.key)
            .map(drop)
            .ok_or(keyring::Error::NoEntry)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
