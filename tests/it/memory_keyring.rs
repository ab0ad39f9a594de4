//! An OS credential store in this process's memory: keyring's own mock keeps each
//! secret inside one `Entry`, so a secret written by one step could not be read by
//! the next. This one keeps them by account as the real stores do, refuses secrets
//! over Windows' 2,560-byte limit as Credential Manager does, and can play a store
//! that does not answer.

use std::any::Any;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use keyring::credential::{Credential, CredentialApi, CredentialBuilderApi};

/// Windows Credential Manager's limit on one credential's secret, in bytes.
pub const WINDOWS_SECRET_MAX: usize = 2560;

#[derive(Debug, Default)]
struct Shelves {
    /// Account to secret (the service is always align-link's).
    secrets: BTreeMap<String, Vec<u8>>,
    /// Accounts under these prefixes get "no storage access", as from a Linux
    /// machine without a Secret Service.
    refused_under: Vec<String>,
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
        let shelves = self.shelves();
        let under = shelves
            .secrets
            .iter()
            .filter(|(a, _)| a.starts_with(&prefix));
        under.map(|(a, s)| (a.clone(), s.clone())).collect()
    }

    /// From now on, accounts under `dir` get "no storage access".
    pub fn refuse_under(&self, dir: &Path) {
        self.shelves().refused_under.push(absolute(dir));
    }

    /// Undoes [`MemoryKeyring::refuse_under`]: the store answers again there.
    pub fn answer_under(&self, dir: &Path) {
        let dir = absolute(dir);
        self.shelves()
            .refused_under
            .retain(|refused| *refused != dir);
    }

    fn shelves(&self) -> MutexGuard<'_, Shelves> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// As align-link names accounts: the absolute state directory, then the secret.
fn absolute(dir: &Path) -> String {
    std::path::absolute(dir).unwrap().display().to_string()
}

impl CredentialBuilderApi for MemoryKeyring {
    fn build(&self, _: Option<&str>, _: &str, user: &str) -> keyring::Result<Box<Credential>> {
        Ok(Box::new(Account {
            store: self.clone(),
            name: user.to_string(),
        }))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[derive(Debug)]
struct Account {
    store: MemoryKeyring,
    name: String,
}

impl Account {
    /// The shelves, unless this account is where the store plays one that does
    /// not answer.
    fn shelves(&self) -> keyring::Result<MutexGuard<'_, Shelves>> {
        let shelves = self.store.shelves();
        if shelves
            .refused_under
            .iter()
            .any(|p| self.name.starts_with(p))
        {
            let why = "the memory store plays one that does not answer";
            return Err(keyring::Error::NoStorageAccess(why.into()));
        }
        Ok(shelves)
    }
}

impl CredentialApi for Account {
    fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
        let mut shelves = self.shelves()?;
        if secret.len() > WINDOWS_SECRET_MAX {
            let max = WINDOWS_SECRET_MAX as u32;
            return Err(keyring::Error::TooLong("secret".into(), max));
        }
        shelves.secrets.insert(self.name.clone(), secret.to_vec());
        Ok(())
    }

    fn get_secret(&self) -> keyring::Result<Vec<u8>> {
        let secret = self.shelves()?.secrets.get(&self.name).cloned();
        secret.ok_or(keyring::Error::NoEntry)
    }

    fn delete_credential(&self) -> keyring::Result<()> {
        let removed = self.shelves()?.secrets.remove(&self.name);
        removed.map(drop).ok_or(keyring::Error::NoEntry)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
