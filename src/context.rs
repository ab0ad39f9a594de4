//! Everything a step needs, gathered once per run: the validated configuration,
//! the answers file, the saved state, the prompter and the one HTTP client.
//! Inputs come from the answers file first, then the saved state, then a question.

use std::sync::Arc;

use rsa::RsaPrivateKey;
use url::Url;

use crate::align::AlignAuth;
use crate::answers::{Answers, ConnectorAuth, Secret};
use crate::config::RunConfig;
use crate::error::{AppError, Result};
use crate::http::Http;
use crate::jira::admin::AdminAuth;
use crate::oauth::Signer;
use crate::prompt::{Prompter, Question};
use crate::sandbox::Sandbox;
use crate::state::{State, StepStatus, PRIVATE_KEY_FILE, STATE_FILE};
use crate::store::Store;

pub use crate::answers::DEFAULT_APPLICATION_NAME;
pub const DEFAULT_CONNECTOR_NAME: &str = "Jira Data Center";

pub struct Ctx {
    pub config: RunConfig,
    pub answers: Answers,
    pub store: Store,
    pub state: State,
    pub prompter: Box<dyn Prompter>,
    pub http: Http,
    /// Keeps the in-process stand-ins alive for the run (`--sandbox`).
    pub sandbox: Option<Sandbox>,
    admin_auth: Option<AdminAuth>,
    /// The Jira Align token question is asked at most once per run.
    align_token_asked: bool,
    /// `align-link step N`: the operator asked for this one step.
    pub single_step: bool,
    /// What was read from Jira in this run; refreshed only after a write.
    pub observed: crate::model::Observation,
}

impl Ctx {
    pub fn new(
        config: RunConfig,
        answers: Answers,
        store: Store,
        prompter: Box<dyn Prompter>,
        sandbox: Option<Sandbox>,
    ) -> Result<Ctx> {
        let state: State = store.load(STATE_FILE)?;
        let http = Http::new(config.http.clone())?;
        Ok(Ctx {
            config,
            answers,
            store,
            state,
            prompter,
            http,
            sandbox,
            admin_auth: None,
            single_step: false,
            align_token_asked: false,
            observed: Default::default(),
        })
    }

    /// Saves the state atomically; called after every change so a kill loses nothing.
    pub fn save(&self) -> Result<()> {
        self.store.save(STATE_FILE, &self.state)
    }

    pub fn record(&mut self, step: u8, status: StepStatus, detail: Option<String>) -> Result<()> {
        self.state.record(step, status, detail);
        self.save()
    }

    pub fn jira_url(&mut self) -> Result<Url> {
        let saved = self.state.jira.as_ref().map(|j| j.url.clone());
        let given = self.answers.jira.url.clone();
        let url = self.url_answer(
            given,
            saved,
            "jira.url",
            "Jira base URL (for example https://jira.example.com)",
        )?;
        self.answers.jira.url = Some(url.clone());
        Ok(url)
    }

    pub fn align_url(&mut self) -> Result<Url> {
        let saved = self.state.align.as_ref().map(|a| a.url.clone());
        let given = self.answers.align.url.clone();
        let url = self.url_answer(
            given,
            saved,
            "align.url",
            "Jira Align URL (for example https://example.jiraalign.com)",
        )?;
        self.answers.align.url = Some(url.clone());
        Ok(url)
    }

    /// A URL from the answers file, else the saved state, else a question.
    fn url_answer(
        &mut self,
        given: Option<Url>,
        saved: Option<String>,
        key: &str,
        prompt: &str,
    ) -> Result<Url> {
        if let Some(url) = given {
            return Ok(url);
        }
        if let Some(text) = saved {
            return parse_url(&text, &format!("state {key}"));
        }
        let check = |value: &str| parse_url(value, key).map(|_| ()).map_err(|e| e.message);
        let answer = self
            .prompter
            .ask(&Question::new(key, prompt).validate(&check))?;
        parse_url(&answer, key)
    }

    pub fn application_name(&mut self) -> Result<String> {
        if let Some(name) = &self.answers.align.application_name {
            return Ok(name.clone());
        }
        let default = self
            .state
            .link
            .as_ref()
            .map(|link| link.name.clone())
            .unwrap_or_else(|| DEFAULT_APPLICATION_NAME.to_string());
        let check = |value: &str| {
            if value.trim().is_empty() {
                Err("the name cannot be empty".to_string())
            } else {
                Ok(())
            }
        };
        let name = self.prompter.ask(
            &Question::new("align.application_name", "Application link name in Jira")
                .default(default)
                .validate(&check),
        )?;
        self.answers.align.application_name = Some(name.clone());
        Ok(name)
    }

    pub fn connector_name(&self) -> String {
        self.answers
            .align
            .connector_name
            .clone()
            .or_else(|| self.state.align.as_ref().map(|a| a.connector_name.clone()))
            .unwrap_or_else(|| DEFAULT_CONNECTOR_NAME.to_string())
    }

    pub fn test_project(&mut self) -> Result<String> {
        if let Some(key) = &self.answers.jira.test_project {
            return Ok(key.clone());
        }
        let check = |value: &str| crate::answers::check_project_key(value);
        let key = self.prompter.ask(
            &Question::new(
                "jira.test_project",
                "Key of a Jira project to test the link with (for example ALIGN)",
            )
            .validate(&check),
        )?;
        let key = key.trim().to_ascii_uppercase();
        self.answers.jira.test_project = Some(key.clone());
        Ok(key)
    }

    /// The administrator's credentials: a personal access token, or Basic.
    pub fn admin_auth(&mut self) -> Result<AdminAuth> {
        if let Some(auth) = &self.admin_auth {
            return Ok(auth.clone());
        }
        let jira = &self.answers.jira;
        let auth = if let Some(token) = &jira.admin_token {
            AdminAuth::Token(token.clone())
        } else if let (Some(username), Some(password)) =
            (&jira.admin_username, &jira.admin_password)
        {
            AdminAuth::Basic {
                username: username.clone(),
                password: password.clone(),
            }
        } else if let Some(username) = jira.admin_username.clone() {
            let password = self.ask_secret(
                "jira.admin_password",
                &format!("Jira password for {username}"),
            )?;
            AdminAuth::Basic { username, password }
        } else if !self.prompter.interactive() {
            return Err(crate::prompt::missing_answer("jira.admin_token")
                .hint("Add `admin_token = { env = \"JIRA_ADMIN_TOKEN\" }` (a personal access token) or `admin_username` and `admin_password` under `[jira]` in the answers file."));
        } else {
            let choice = self.prompter.select(
                "How should align-link sign in to Jira as an administrator?",
                &[
                    "Personal access token (recommended)",
                    "Username and password (Basic)",
                ],
                0,
            )?;
            if choice == 0 {
                AdminAuth::Token(self.ask_secret("jira.admin_token", "Jira personal access token")?)
            } else {
                let username = self.prompter.ask(&Question::new(
                    "jira.admin_username",
                    "Jira administrator username",
                ))?;
                let password = self.ask_secret(
                    "jira.admin_password",
                    &format!("Jira password for {username}"),
                )?;
                AdminAuth::Basic { username, password }
            }
        };
        self.admin_auth = Some(auth.clone());
        Ok(auth)
    }

    pub fn ask_secret(&mut self, key: &str, prompt: &str) -> Result<Secret> {
        let check = |value: &str| {
            if value.is_empty() {
                Err("cannot be empty".to_string())
            } else {
                Ok(())
            }
        };
        let value = self
            .prompter
            .ask(&Question::new(key, prompt).secret().validate(&check))?;
        Ok(Secret::new(value))
    }

    /// The Jira URL and admin credentials, for `JiraAdmin::new(&ctx.http, ..)`.
    pub fn admin_parts(&mut self) -> Result<(Url, AdminAuth)> {
        Ok((self.jira_url()?, self.admin_auth()?))
    }

    /// How Jira Align's connector signs in to Jira: the answers file, else what
    /// step 4 recorded, else OAuth.
    pub fn connector_auth(&self) -> ConnectorAuth {
        let saved = self.state.align.as_ref().and_then(|a| a.connector_auth);
        self.answers
            .connector
            .auth
            .or(saved)
            .unwrap_or(ConnectorAuth::OAuth)
    }

    /// Credentials for Jira Align's REST API: the answers file's token, else (in a
    /// terminal, asked once per run) a token the operator pastes; none is fine.
    pub fn align_api_auth(&mut self) -> Result<Option<AlignAuth>> {
        if self.answers.align.api_token.is_none()
            && self.prompter.interactive()
            && !self.align_token_asked
        {
            self.align_token_asked = true;
            let token = self.prompter.ask(
                &Question::new(
                    "align.api_token",
                    "Jira Align API 2.0 token, from your Jira Align profile (Enter to skip the checks)",
                )
                .default("")
                .secret(),
            )?;
            if !token.trim().is_empty() {
                self.answers.align.api_token = Some(Secret::new(token.trim().to_string()));
            }
        }
        Ok(self.align_api_auth_given())
    }

    fn align_api_auth_given(&self) -> Option<AlignAuth> {
        let token = self.answers.align.api_token.clone()?;
        Some(match &self.answers.align.api_email {
            Some(email) => AlignAuth::Basic {
                email: email.clone(),
                token,
            },
            None => AlignAuth::Bearer(token),
        })
    }

    /// The consumer key chosen at step 4.
    pub fn consumer_key(&self) -> Result<String> {
        self.state
            .consumer
            .as_ref()
            .map(|c| c.key.clone())
            .ok_or_else(|| needs_step(4, "the consumer key"))
    }

    pub fn private_key(&self) -> Result<Arc<RsaPrivateKey>> {
        let pem = self
            .store
            .read_secret(PRIVATE_KEY_FILE)?
            .ok_or_else(|| needs_step(5, "the RSA private key"))?;
        crate::keys::private_key_from_pem(&pem).map(Arc::new).map_err(|reason| {
            AppError::failed(format!(
                "{}: {reason}",
                self.store.dir().join(PRIVATE_KEY_FILE).display()
            ))
            .hint("Restore the file from a backup, or delete it and rerun step 5 (then steps 13-20 for the new key).")
        })
    }

    pub fn signer(&self) -> Result<Signer> {
        Ok(Signer::new(self.consumer_key()?, self.private_key()?))
    }

    pub fn link_id(&self) -> Result<String> {
        self.state
            .link
            .as_ref()
            .map(|link| link.id.clone())
            .ok_or_else(|| needs_step(9, "the application link"))
    }
}

/// The error for a step whose input another step provides.
pub fn needs_step(step: u8, what: &str) -> AppError {
    AppError::failed(format!("{what} is not there yet: step {step} provides it")).hint(format!(
        "Run `align-link step {step}` first, or `align-link setup` to run every step in order."
    ))
}

pub fn parse_url(text: &str, field: &str) -> Result<Url> {
    // Shown only with any password masked: the text may not even parse.
    let shown = crate::util::text::mask_userinfo(text.trim());
    let url = Url::parse(text.trim()).map_err(|err| {
        AppError::usage(format!("{field} {shown:?} is not a URL ({err})"))
            .hint("Write it in full, for example https://jira.example.com")
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(AppError::usage(format!(
            "{field} {shown:?} must be an http(s) URL with a host"
        ))
        .hint("Write it in full, for example https://jira.example.com"));
    }
    crate::http::check_scheme(&url, field, true)?;
    Ok(url)
}
