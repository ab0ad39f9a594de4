//! What a step needs, gathered once per run: the configuration, the answers, the
//! saved state, the prompter and the one HTTP client.

pub mod given;
pub mod inputs;
pub mod run;
pub mod service;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rsa::RsaPrivateKey;
use url::Url;

use crate::align::AlignApi;
use crate::answers::Answers;
use crate::config::RunConfig;
use crate::domain::{ConnectorAuth, KeySource, Secret};
use crate::error::{AppError, Result};
use crate::http::{Credential, Http};
use crate::jira::admin::JiraAdmin;
use crate::model::Observation;
use crate::oauth::Signer;
use crate::prompt::{Prompter, Question};
use crate::sandbox::Sandbox;
use crate::state::{State, StepStatus, PRIVATE_KEY_FILE, STATE_FILE};
use crate::store::Store;

pub use inputs::{Input, DEFAULT_APPLICATION_NAME, DEFAULT_CONNECTOR_NAME};

/// One run. Steps read through the getters and inputs' rules, and write only
/// through the named operations below.
pub struct Ctx {
    config: RunConfig,
    answers: Answers,
    store: Store,
    state: State,
    prompter: Box<dyn Prompter>,
    http: Http,
    /// Keeps the in-process stand-ins alive for the run (`--sandbox`).
    sandbox: Option<Sandbox>,
    /// The administrator's, once resolved: a personal access token or Basic.
    admin_auth: Option<Credential>,
    /// Values asked for in this run, by answers-file key; the answers stay as read.
    resolved: HashMap<&'static str, String>,
    /// Secrets an earlier run kept in the OS credential store.
    kept_secrets: HashMap<String, String>,
    /// Keys whose saved value was refused in this run: asked, not taken again.
    refused: HashSet<&'static str>,
    /// What was read from Jira in this run; refreshed only after a write.
    observed: Observation,
    /// What the executor converges in this run, and what it applied.
    run: run::RunRecord,
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
        let kept_secrets = state
            .typed_secrets
            .iter()
            .filter_map(|key| Some((key.clone(), store.typed_secret(key)?)))
            .collect();
        Ok(Ctx {
            config,
            answers,
            store,
            state,
            prompter,
            http,
            sandbox,
            admin_auth: None,
            resolved: HashMap::new(),
            kept_secrets,
            refused: HashSet::new(),
            observed: Default::default(),
            run: Default::default(),
        })
    }

    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    /// The profile's files; a step keeps its secrets through it.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The saved facts, as of the last change ([`Ctx::update_state`]).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Changes the saved facts and saves them at once, so a kill loses nothing.
    pub fn update_state<T>(&mut self, change: impl FnOnce(&mut State) -> T) -> Result<T> {
        let out = change(&mut self.state);
        self.save()?;
        Ok(out)
    }

    /// Releases the run lock and removes the profile's directory when empty
    /// (`unlink`); whether it went.
    pub fn release_profile(&mut self) -> Result<bool> {
        self.store.release_and_remove_empty_dir()
    }

    /// What was read from Jira in this run.
    pub fn observed(&self) -> &Observation {
        &self.observed
    }

    /// The observation, for a read of Jira to go into (after a write, or once per run).
    pub fn observed_mut(&mut self) -> &mut Observation {
        &mut self.observed
    }

    /// What the executor converges in this run, and what it applied.
    pub fn run(&self) -> &run::RunRecord {
        &self.run
    }

    pub fn run_mut(&mut self) -> &mut run::RunRecord {
        &mut self.run
    }

    pub fn prompter(&mut self) -> &mut dyn Prompter {
        self.prompter.as_mut()
    }

    pub fn interactive(&self) -> bool {
        self.prompter.interactive()
    }

    /// The run's one HTTP client; the Jira and Jira Align clients below share it.
    pub fn http(&self) -> &Http {
        &self.http
    }

    /// For attaching observers before the first request.
    pub fn http_mut(&mut self) -> &mut Http {
        &mut self.http
    }

    pub fn sandbox(&self) -> Option<&Sandbox> {
        self.sandbox.as_ref()
    }

    /// Saves the state atomically; called after every change so a kill loses nothing.
    fn save(&self) -> Result<()> {
        self.store.save(STATE_FILE, &self.state)
    }

    /// A step's outcome, saved at once.
    pub fn record(&mut self, step: u8, status: StepStatus, detail: Option<String>) -> Result<()> {
        self.prompter_and_recorder().1.record(step, status, detail)
    }

    /// The prompter beside a recorder, for the handshake, which does both.
    pub fn prompter_and_recorder(&mut self) -> (&mut dyn Prompter, Recorder<'_>) {
        let recorder = Recorder {
            state: &mut self.state,
            store: &self.store,
        };
        (self.prompter.as_mut(), recorder)
    }

    /// An input's value without asking: the answers file, else what this run
    /// resolved, else the saved state.
    pub fn known(&self, input: &Input) -> Option<String> {
        if let Some(value) = self.resolved.get(input.key) {
            return Some(value.clone());
        }
        if self.refused.contains(&input.key) {
            return None;
        }
        (input.given)(&self.answers)
            .or_else(|| self.kept_secrets.get(input.key).cloned())
            .or_else(|| (input.saved)(&self.state))
    }

    /// The values typed (or picked) in this run, by key: what the profile may keep.
    pub fn typed(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.resolved
            .iter()
            .map(|(key, value)| (*key, value.as_str()))
    }

    /// Whether `key`'s value was typed (now or kept from earlier), so may be
    /// asked again when refused.
    pub fn was_typed(&self, key: &str) -> bool {
        (self.resolved.contains_key(key) || self.kept_secrets.contains_key(key))
            && !inputs::ALL
                .iter()
                .any(|input| input.key == key && (input.given)(&self.answers).is_some())
    }

    /// Whether this run refused `key`'s value (and will ask for it again).
    pub fn was_refused(&self, key: &str) -> bool {
        self.refused.contains(key)
    }

    /// Drops a refused value, so the next use asks for it again.
    pub fn forget(&mut self, key: &'static str) {
        self.resolved.remove(key);
        let kept_now = self.run.keeping.kept.iter().any(|(kept, _)| *kept == key);
        self.run.keeping.kept.retain(|(kept, _)| *kept != key);
        let in_store = kept_now && self.state.typed_secrets.iter().any(|kept| kept == key);
        // A refused kept secret leaves the credential store too.
        if self.kept_secrets.remove(key).is_some() || in_store {
            if let Err(err) = self.store.forget_typed_secret(key) {
                crate::ui::warn(&err.message);
            }
            self.state.typed_secrets.retain(|kept| kept != key);
            if let Err(err) = self.save() {
                crate::ui::warn(&err.message);
            }
        }
        self.refused.insert(key);
        if key.starts_with("jira.admin_") {
            self.admin_auth = None;
        }
    }

    /// An input's value: [`Ctx::known`], else a question (its default offered);
    /// under `--yes` a missing answer names the key to add.
    pub fn value(&mut self, input: &Input) -> Result<String> {
        self.value_asked(input, input.prompt, None)
    }

    /// [`Ctx::value`] with this question and `default` (else the input's own).
    pub fn value_asked(
        &mut self,
        input: &Input,
        prompt: &str,
        default: Option<String>,
    ) -> Result<String> {
        if let Some(value) = self.known(input) {
            return Ok(value);
        }
        let check = |value: &str| (input.check)(value).map(|_| ());
        let question = Question {
            default: default.or_else(|| (input.default)(&self.state)),
            secret: input.secret,
            ..Question::new(input.key, prompt).validate(&check)
        };
        let answer = self.prompter.ask(&question)?;
        let value = (input.check)(&answer)
            .map_err(|reason| AppError::usage(format!("{}: {reason}", input.key)))?;
        self.resolved.insert(input.key, value.clone());
        Ok(value)
    }

    /// Keeps a choice made in this run (a value picked from a list).
    pub fn remember(&mut self, input: &'static Input, value: &str) {
        self.resolved.insert(input.key, value.to_string());
    }

    /// A URL input ([`Ctx::value`]): a base URL by the answers file's rule (http or
    /// https, no credentials: what the HTTP client's scheme check also asks).
    pub fn url(&mut self, input: &'static Input) -> Result<Url> {
        let text = self.value(input)?;
        crate::answers::check_base_url(text.trim()).map_err(|reason| {
            AppError::usage(format!("{}: {reason}", input.key))
                .hint("Write it in full, for example https://jira.example.com")
        })
    }

    /// Never asks: the name given, chosen or saved, else the default.
    pub fn connector_name(&self) -> String {
        self.known(&inputs::CONNECTOR_NAME)
            .unwrap_or_else(|| DEFAULT_CONNECTOR_NAME.to_string())
    }

    /// The administrator's credentials: a personal access token, or Basic (never OAuth).
    pub fn admin_auth(&mut self) -> Result<Credential> {
        if let Some(auth) = &self.admin_auth {
            return Ok(auth.clone());
        }
        // A sign-in method the answers give wins over a token kept from typing.
        let basic_given = self.given(&inputs::ADMIN_USERNAME).is_some()
            && self.given(&inputs::ADMIN_TOKEN).is_none();
        let token = self.known(&inputs::ADMIN_TOKEN).filter(|_| !basic_given);
        let auth = match (token, self.known(&inputs::ADMIN_USERNAME)) {
            (Some(token), _) => Credential::Token(Secret::new(token)),
            (None, Some(username)) => {
                let password = self.password(&inputs::ADMIN_PASSWORD, &username)?;
                Credential::Basic(username, password)
            }
            (None, None) if !self.prompter.interactive() => {
                return Err(crate::prompt::missing_answer("jira.admin_token")
                    .hint_instead("Add `admin_token = { env = \"JIRA_ADMIN_TOKEN\" }` (a personal access token) or `admin_username` and `admin_password` under `[jira]` in the answers file."));
            }
            (None, None) => {
                let choice = self.prompter.pick(
                    "How should align-link sign in to Jira as an administrator?",
                    &[
                        "Personal access token (recommended)",
                        "Username and password (Basic)",
                    ],
                    0,
                )?;
                // The choice names the input to ask for; then it is known as if given.
                let chosen = match choice {
                    0 => &inputs::ADMIN_TOKEN,
                    _ => &inputs::ADMIN_USERNAME,
                };
                self.value(chosen)?;
                return self.admin_auth();
            }
        };
        self.admin_auth = Some(auth.clone());
        Ok(auth)
    }

    /// A password input, asked as "Jira password for USER".
    pub fn password(&mut self, input: &'static Input, username: &str) -> Result<Secret> {
        let prompt = format!("Jira password for {username}");
        self.value_asked(input, &prompt, None).map(Secret::new)
    }

    /// Jira's REST API as the administrator, at the Jira URL.
    pub fn jira_admin(&mut self) -> Result<JiraAdmin> {
        let base = self.url(&inputs::JIRA_URL)?;
        self.http.check_url(&base, "jira.url")?;
        let auth = self.admin_auth()?;
        Ok(JiraAdmin::new(&self.http, base, auth))
    }

    /// How the connector signs in: as given or chosen at step 4, else OAuth.
    pub fn connector_auth(&self) -> ConnectorAuth {
        self.known(&inputs::CONNECTOR_AUTH)
            .and_then(|word| ConnectorAuth::parse(&word))
            .unwrap_or(ConnectorAuth::OAuth)
    }

    /// Who makes the key pair: as given or chosen at step 5, else align-link.
    pub fn key_source(&self) -> KeySource {
        self.known(&inputs::KEY_SOURCE)
            .and_then(|word| KeySource::parse(&word))
            .unwrap_or(KeySource::Generate)
    }

    /// Jira Align's API credentials: the token given, else asked once in a
    /// terminal; none is fine.
    pub fn align_api_auth(&mut self) -> Result<Option<Credential>> {
        let input = &inputs::ALIGN_API_TOKEN;
        if self.known(input).is_none() && self.prompter.interactive() {
            // An empty answer is remembered too: asked at most once per run.
            self.value(input)?;
        }
        let token = self.known(input).filter(|t| !t.is_empty()).map(Secret::new);
        Ok(token.map(|token| match &self.answers.align.api_email {
            Some(email) => Credential::Basic(email.clone(), token),
            None => Credential::Token(token),
        }))
    }

    /// Jira Align's REST API at `align.url`; `None` without a token.
    pub fn align_api(&mut self) -> Result<Option<AlignApi>> {
        let site = self.url(&inputs::ALIGN_URL)?;
        self.http.check_url(&site, "align.url")?;
        Ok(self
            .align_api_auth()?
            .map(|auth| AlignApi::new(&self.http, site, auth)))
    }

    /// [`Ctx::align_api`] without asking: `None` unless a token is already known.
    pub fn align_api_if_given(&mut self) -> Result<Option<AlignApi>> {
        if self.known(&inputs::ALIGN_API_TOKEN).is_none() {
            return Ok(None);
        }
        self.align_api()
    }

    /// The consumer key step 4 chose (the answers' may be newer until it reruns).
    pub fn consumer_key(&self) -> Result<String> {
        (inputs::CONSUMER_KEY.saved)(&self.state).ok_or_else(|| needs_step(4, "the consumer key"))
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

/// Records steps' outcomes, each saved at once ([`Ctx::prompter_and_recorder`]).
pub struct Recorder<'a> {
    state: &'a mut State,
    store: &'a Store,
}

impl Recorder<'_> {
    pub fn record(&mut self, step: u8, status: StepStatus, detail: Option<String>) -> Result<()> {
        self.state.record(step, status, detail);
        self.store.save(STATE_FILE, self.state)
    }
}

/// A step needs what another step provides (its hint is in `error::hints`).
pub fn needs_step(step: u8, what: &str) -> AppError {
    crate::error::NeedsStep {
        step,
        what: what.to_string(),
    }
    .into()
}
