//! How the service account reaches Jira for steps 20 to 24: align-link's OAuth
//! token, or the connector's PAT or password (nothing when Jira Align holds it).

use super::{inputs, needs_step, Ctx};
use crate::domain::{ConnectorAuth, KeySource, Secret};
use crate::error::{AppError, Result};
use crate::http::Credential;
use crate::jira::service::ServiceJira;
use crate::oauth::{ProblemContext, Signer};
use crate::prompt::missing_answer;
use crate::state::{AccessToken, ACCESS_TOKEN_FILE};
use url::Url;

pub enum ServiceAccess {
    /// align-link's OAuth token, or the connector's PAT (`Token`) or password.
    Ours(Credential),
    /// Jira Align made the key pair and holds the token.
    HeldByAlign,
}

impl Ctx {
    /// How the service account signs in: the connector's method, its stored
    /// OAuth token, or its PAT or password (asked when the run can ask).
    pub fn service_access(&mut self) -> Result<ServiceAccess> {
        match self.connector_auth() {
            ConnectorAuth::OAuth if self.key_source() == KeySource::Align => {
                Ok(ServiceAccess::HeldByAlign)
            }
            ConnectorAuth::OAuth => Ok(ServiceAccess::Ours(Credential::OAuth {
                signer: self.signer()?,
                token: self.stored_token()?.token,
            })),
            ConnectorAuth::Pat => Ok(ServiceAccess::Ours(Credential::Token(Secret::new(
                self.value(&inputs::SERVICE_TOKEN)?,
            )))),
            ConnectorAuth::Basic => {
                // Not asked: the name must be the one Jira Align's connector was given.
                let username = self
                    .known(&inputs::SERVICE_USERNAME)
                    .ok_or_else(|| missing_answer(inputs::SERVICE_USERNAME.key))?;
                let password = self.password(&inputs::SERVICE_PASSWORD, &username)?;
                Ok(ServiceAccess::Ours(Credential::Basic(username, password)))
            }
        }
    }

    /// The access token step 17 stored.
    pub fn stored_token(&self) -> Result<AccessToken> {
        let text = self
            .store
            .read_secret(ACCESS_TOKEN_FILE)?
            .ok_or_else(|| needs_step(17, "the OAuth access token"))?;
        toml::from_str(&text).map_err(|err| {
            AppError::failed(format!(
                "{}: unreadable ({})",
                self.store.dir().join(ACCESS_TOKEN_FILE).display(),
                err.message()
            ))
            .hint("Delete the file and rerun step 17 for a fresh token.")
        })
    }

    /// What Jira's OAuth problems are explained with.
    pub fn service_problem_context(&self) -> ProblemContext {
        ProblemContext {
            jira_url: self.state.jira.as_ref().map(|j| j.url.clone()),
            consumer_key_sent: self.state.consumer.as_ref().map(|c| c.key.clone()),
            consumer_key_on_link: None,
            clock_skew_secs: self.state.jira.as_ref().and_then(|j| j.clock_skew_secs),
            our_base_string: None,
        }
    }

    /// Jira as the service account with `access`, at `base`; None when Jira
    /// Align holds the credential.
    pub fn service_client(&self, base: &Url, access: &ServiceAccess) -> Option<ServiceJira> {
        let ServiceAccess::Ours(credential) = access else {
            return None;
        };
        Some(self.service_jira(base.clone(), credential.clone()))
    }

    /// Jira as the service account with a token just obtained (step 17, the
    /// preflight), before it is stored.
    pub fn jira_with_token(&mut self, signer: &Signer, token: &str) -> Result<ServiceJira> {
        let base = self.url(&inputs::JIRA_URL)?;
        let credential = Credential::OAuth {
            signer: signer.clone(),
            token: token.to_string(),
        };
        Ok(self.service_jira(base, credential))
    }

    fn service_jira(&self, base: Url, credential: Credential) -> ServiceJira {
        ServiceJira::new(
            self.http(),
            base,
            credential,
            self.service_problem_context(),
        )
    }
}
