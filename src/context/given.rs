//! What the answers file says: an input's value as given, the consumer key's one
//! rule, and the options nothing asks for. Only `context` reads the answers.

use std::time::Duration;

use url::Url;

use super::inputs::{self, Input};
use super::Ctx;
use crate::domain::{Approval, ConnectorAuth, KeySource};

/// How long step 24 waits for synced features when `align.sync_timeout_secs` is absent.
pub const DEFAULT_SYNC_TIMEOUT_SECS: u32 = 300;

impl Ctx {
    /// An input's value as the answers file gives it.
    pub fn given(&self, input: &Input) -> Option<String> {
        (input.given)(&self.answers)
    }

    /// A URL input as the answers file gives it (checked when the file was read).
    pub fn given_url(&self, input: &Input) -> Option<Url> {
        self.given(input).and_then(|text| Url::parse(&text).ok())
    }

    /// The consumer key: the answers file's, else the one chosen before (step 4
    /// makes one when there is none).
    pub fn wanted_consumer_key(&self) -> Option<String> {
        self.known(&inputs::CONSUMER_KEY)
    }

    /// `connector.auth` as given (`Ctx::connector_auth` is the run's method).
    pub fn given_connector_auth(&self) -> Option<ConnectorAuth> {
        self.answers.connector.auth
    }

    /// `keys.source` as given (`Ctx::key_source` is the run's choice).
    pub fn given_key_source(&self) -> Option<KeySource> {
        self.answers.keys.source
    }

    /// Jira Align's public key as given, with where it came from.
    pub fn given_public_key(&self) -> Option<(&str, &str)> {
        let keys = &self.answers.keys;
        keys.public_key
            .as_deref()
            .zip(keys.public_key_origin.as_deref())
    }

    /// `keys.bits` as given; `keys::DEFAULT_KEY_BITS` applies when absent.
    pub fn given_key_bits(&self) -> Option<usize> {
        self.answers.keys.bits.map(|bits| bits as usize)
    }

    /// `keys.preflight` (true when absent).
    pub fn preflight_wanted(&self) -> bool {
        self.answers.keys.preflight.unwrap_or(true)
    }

    /// `oauth.approval` as given; `steps::handshake::approval_mode` decides otherwise.
    pub fn given_approval(&self) -> Option<Approval> {
        self.answers.oauth.approval
    }

    /// `connector.id`: the Connector ID Jira Align shows, as given.
    pub fn given_connector_id(&self) -> Option<u32> {
        self.answers.connector.id
    }

    /// Consent given in advance: `--replace-existing` or `jira.replace_existing`.
    pub fn replace_existing(&self) -> bool {
        self.config.replace_existing || self.answers.jira.replace_existing == Some(true)
    }

    /// How long step 24 waits for synced features.
    pub fn sync_timeout(&self) -> Duration {
        let secs = self.answers.align.sync_timeout_secs;
        Duration::from_secs(u64::from(secs.unwrap_or(DEFAULT_SYNC_TIMEOUT_SECS)))
    }
}
