//! Turns the span-keeping entries of `raw` into [`Answers`], table by table, and
//! checks what involves several keys. Single values are read in `super::values`.

use std::ops::Range;
use std::path::Path;

use super::checks;
use super::raw::{self, Entry, Item};
use super::{
    AlignAnswers, Answers, Approval, ConnectorAnswers, ConnectorAuth, JiraAnswers, KeyAnswers,
    KeySource, OAuthAnswers, SecretStore, SecretsAnswers, ServiceAccountAnswers,
};
use crate::error::{AppError, Result};

/// The tables and their keys, in the order `examples/answers.toml` lists them.
const TABLES: &[(&str, &[&str])] = &[
    (
        "jira",
        &[
            "url",
            "admin_token",
            "admin_username",
            "admin_password",
            "test_project",
            "replace_existing",
        ],
    ),
    ("service_account", &["username", "password", "token"]),
    (
        "align",
        &[
            "url",
            "api_token",
            "api_email",
            "application_name",
            "connector_name",
            "sync_timeout_secs",
        ],
    ),
    ("connector", &["auth", "id"]),
    (
        "keys",
        &[
            "source",
            "consumer_key",
            "bits",
            "public_key",
            "public_key_file",
            "preflight",
        ],
    ),
    ("oauth", &["approval"]),
    ("secrets", &["store"]),
];

pub(super) fn build(
    text: &str,
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
    mode: Option<u32>,
    unset_env: UnsetEnv,
) -> Result<Answers> {
    let cx = Cx {
        text,
        path,
        env,
        literal_secrets: Vec::new(),
        warnings: Vec::new(),
        unset_env,
        unset_now: None,
        unset: Vec::new(),
        unset_at: Vec::new(),
    };
    cx.run(mode)
}

/// What a `{ env = "NAME" }` secret whose variable is unset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsetEnv {
    /// An error naming the key and variable (a run that would use it).
    Error,
    /// Absent, and listed in `Answers::unset_env` (a command that only reads
    /// and reports what it could not check).
    Absent,
}

/// The context every check reports through.
pub(super) struct Cx<'a> {
    pub text: &'a str,
    pub path: &'a Path,
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// Secrets written literally in the file: (key, span), for the mode warning.
    pub literal_secrets: Vec<(String, Range<usize>)>,
    pub warnings: Vec<String>,
    pub unset_env: UnsetEnv,
    /// The variable the secret just read named, when it was unset.
    pub unset_now: Option<String>,
    /// (key, variable) of the secrets left absent under [`UnsetEnv::Absent`].
    pub unset: Vec<(String, String)>,
    /// The error of each unset variable (its place, key and name), for the one
    /// error that names them all under [`UnsetEnv::Error`].
    pub unset_at: Vec<AppError>,
}

/// The entries of one table, found by key.
pub(super) struct Table<'e> {
    pub name: &'static str,
    pub entries: &'e [Entry],
}

impl<'e> Table<'e> {
    pub fn get(&self, key: &str) -> Option<&'e Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

impl Cx<'_> {
    fn run(mut self, mode: Option<u32>) -> Result<Answers> {
        let doc = raw::read(self.text).map_err(|err| {
            let at = self.at(&err.span().unwrap_or(0..0));
            // toml's message may span lines ("invalid table header\nexpected ..."):
            // keep the error on one line.
            let message = err.message().trim().replace('\n', ": ");
            AppError::usage(format!("{at}: not valid TOML: {message}")).hint(
                "fix the syntax at that position; `align-link answers-example` prints a valid file",
            )
        })?;

        let mut answers = Answers {
            path: Some(self.path.to_path_buf()),
            ..Answers::default()
        };
        for top in &doc {
            let Some((name, keys)) = TABLES.iter().find(|(name, _)| *name == top.key) else {
                return Err(self.unknown_top_level(top));
            };
            let entries = match &top.item {
                Item::Table(entries) => entries,
                Item::Other(what) => {
                    return Err(AppError::usage(format!(
                        "{}: {name}: expected a table, found {what}",
                        self.at(&top.key_span)
                    ))
                    .hint(format!("write the keys of {name} under a [{name}] header")))
                }
            };
            for entry in entries {
                if !keys.contains(&entry.key.as_str()) {
                    return Err(self.unknown_key(name, keys, entry));
                }
            }
            let table = Table { name, entries };
            match *name {
                "jira" => answers.jira = self.jira(&table)?,
                "service_account" => answers.service_account = self.service_account(&table)?,
                "align" => answers.align = self.align(&table)?,
                "connector" => answers.connector = self.connector(&table)?,
                "keys" => answers.keys = self.keys(&table)?,
                "oauth" => answers.oauth = self.oauth(&table)?,
                "secrets" => answers.secrets = self.secrets(&table)?,
                _ => unreachable!("TABLES and this match list the same tables"),
            }
        }

        if let Some(mode) = mode.filter(|m| m & 0o077 != 0) {
            // One warning for the file, naming each secret written in it.
            let written: Vec<String> = self
                .literal_secrets
                .iter()
                .map(|(key, span)| format!("{key} ({})", self.at(span)))
                .collect();
            if !written.is_empty() {
                let file = self.path.display();
                self.warnings.push(format!(
                    "{file} can be read by group or others (mode {:03o}) and holds secrets \
                     written in it: {}. Run `chmod 600 {file}`, or write each as \
                     {{ env = \"NAME\" }} and export NAME",
                    mode & 0o777,
                    written.join(", ")
                ));
            }
        }
        if self.unset_env == UnsetEnv::Error && !self.unset_at.is_empty() {
            let mut unset = std::mem::take(&mut self.unset_at);
            if unset.len() == 1 {
                return Err(unset.remove(0));
            }
            let each: Vec<String> = unset.iter().map(|err| err.message.clone()).collect();
            return Err(AppError::usage(format!(
                "{} environment variables the answers name are not set:\n  {}",
                each.len(),
                each.join("\n  ")
            ))
            .hint("export each of them (or put the values in the file), then run again"));
        }
        answers.warnings = self.warnings;
        answers.unset_env = self.unset;
        Ok(answers)
    }

    /// A secret, or under [`UnsetEnv::Absent`] none when its variable is unset.
    /// Under [`UnsetEnv::Error`], every unset variable is collected, so that one
    /// error names them all (see `build`).
    fn opt_secret(&mut self, t: &Table, key: &str) -> Result<Option<crate::domain::Secret>> {
        self.unset_now = None;
        match self.opt(t, key, Self::secret) {
            Err(err) if self.unset_now.is_some() => {
                let variable = self.unset_now.take().unwrap_or_default();
                self.unset_at.push(err);
                self.unset.push((format!("{}.{key}", t.name), variable));
                Ok(None)
            }
            other => other,
        }
    }

    fn jira(&mut self, t: &Table) -> Result<JiraAnswers> {
        Ok(JiraAnswers {
            url: self.opt(t, "url", Self::url)?,
            admin_token: self.opt_secret(t, "admin_token")?,
            admin_username: self.opt(t, "admin_username", Self::name)?,
            admin_password: self.opt_secret(t, "admin_password")?,
            test_project: self.opt(t, "test_project", |cx, e, key| {
                let value = cx.string(e, key)?;
                checks::project_key(value).map_err(|p| cx.problem(e, key, p))?;
                Ok(value.to_string())
            })?,
            replace_existing: self.opt(t, "replace_existing", |cx, e, key| match e.value {
                toml::Value::Boolean(value) => Ok(value),
                _ => Err(cx.type_error(e, key, "true or false")),
            })?,
        })
    }

    fn service_account(&mut self, t: &Table) -> Result<ServiceAccountAnswers> {
        Ok(ServiceAccountAnswers {
            username: self.opt(t, "username", Self::name)?,
            password: self.opt_secret(t, "password")?,
            token: self.opt_secret(t, "token")?,
        })
    }

    fn align(&mut self, t: &Table) -> Result<AlignAnswers> {
        Ok(AlignAnswers {
            url: self.opt(t, "url", Self::url)?,
            api_token: self.opt_secret(t, "api_token")?,
            api_email: self.opt(t, "api_email", |cx, e, key| {
                let value = cx.name(e, key)?;
                if !value.contains('@') {
                    return Err(cx.reject(
                        e,
                        key,
                        format!("`{value}` is not an email address"),
                        "give the email of the Atlassian account that owns the API token",
                    ));
                }
                Ok(value)
            })?,
            application_name: self.opt(t, "application_name", Self::name)?,
            connector_name: self.opt(t, "connector_name", Self::name)?,
            sync_timeout_secs: self.opt(t, "sync_timeout_secs", |cx, e, key| {
                cx.integer_in(e, key, 1..=3600, "seconds from 1 to 3600 (300 when absent)")
            })?,
        })
    }

    fn connector(&mut self, t: &Table) -> Result<ConnectorAnswers> {
        Ok(ConnectorAnswers {
            auth: self.opt(t, "auth", |cx, e, key| {
                cx.choice(e, key, &ConnectorAuth::ALL, |a| a.as_str())
            })?,
            id: self.opt(t, "id", |cx, e, key| {
                cx.integer_in(
                    e,
                    key,
                    1..=u32::MAX as i64,
                    "the Connector ID Jira Align shows, a positive number",
                )
            })?,
        })
    }

    fn keys(&mut self, t: &Table) -> Result<KeyAnswers> {
        let mut source = self.opt(t, "source", |cx, e, key| {
            cx.choice(e, key, &KeySource::ALL, |s| s.as_str())
        })?;
        let consumer_key = self.opt(t, "consumer_key", |cx, e, key| {
            let value = cx.string(e, key)?;
            checks::consumer_key(value).map_err(|p| cx.problem(e, key, p))?;
            Ok(value.to_string())
        })?;
        let bits = self.opt(t, "bits", |cx, e, key| {
            let toml::Value::Integer(bits) = e.value else {
                return Err(cx.type_error(e, key, "an integer"));
            };
            match u32::try_from(bits) {
                Ok(bits) if crate::keys::ACCEPTED_KEY_BITS.contains(&(bits as usize)) => Ok(bits),
                _ => Err(cx.reject(
                    e,
                    key,
                    format!("{bits} is not an allowed key size"),
                    format!(
                        "use {} ({} when absent)",
                        crate::keys::accepted_key_bits_text(),
                        crate::keys::DEFAULT_KEY_BITS
                    ),
                )),
            }
        })?;

        let inline = t.get("public_key");
        let file = t.get("public_key_file");
        if let (Some(inline), Some(file)) = (inline, file) {
            let later = if inline.key_span.start > file.key_span.start {
                inline
            } else {
                file
            };
            return Err(self
                .error(
                    &later.key_span,
                    &format!("keys.{}", later.key),
                    "keys.public_key and keys.public_key_file are both set",
                )
                .hint("keep one of them: the key itself, or the file that holds it"));
        }
        let mut public_key = None;
        let mut public_key_origin = None;
        if let Some(e) = inline {
            let key = "keys.public_key";
            let value = self.string(e, key)?;
            checks::public_key(value).map_err(|p| self.problem(e, key, p))?;
            public_key = Some(value.to_string());
            public_key_origin = Some(key.to_string());
        }
        if let Some(e) = file {
            let (text, resolved) = self.read_public_key_file(e)?;
            public_key = Some(text);
            public_key_origin = Some(resolved.display().to_string());
        }

        let given = inline.or(file);
        match (source, given) {
            (Some(KeySource::Generate), Some(e)) => {
                let source_at = t.get("source").map(|s| self.at(&s.value_span));
                return Err(self
                    .error(
                        &e.key_span,
                        &format!("keys.{}", e.key),
                        format!(
                            "a public key is given, but keys.source = \"generate\" (at {}) \
                             says align-link makes the key pair itself",
                            source_at.unwrap_or_default()
                        ),
                    )
                    .hint(
                        "set source = \"align\" if Jira Align generated the key at step 5, \
                         or remove the public key",
                    ));
            }
            // A public key only makes sense when Jira Align made the pair.
            (None, Some(_)) => source = Some(KeySource::Align),
            _ => {}
        }
        if let (Some(KeySource::Align), Some(e)) = (source, t.get("bits")) {
            self.warnings.push(format!(
                "{}: keys.bits is ignored: with keys.source = \"align\", Jira Align made the \
                 key pair",
                self.at(&e.key_span)
            ));
        }
        let preflight = self.opt(t, "preflight", |cx, e, key| match e.value {
            toml::Value::Boolean(value) => Ok(value),
            _ => Err(cx.type_error(e, key, "true or false")),
        })?;
        Ok(KeyAnswers {
            preflight,
            source,
            consumer_key,
            bits,
            public_key,
            public_key_origin,
        })
    }

    fn oauth(&mut self, t: &Table) -> Result<OAuthAnswers> {
        Ok(OAuthAnswers {
            approval: self.opt(t, "approval", |cx, e, key| {
                cx.choice(e, key, &Approval::ALL, |a| a.as_str())
            })?,
        })
    }

    fn secrets(&mut self, t: &Table) -> Result<SecretsAnswers> {
        Ok(SecretsAnswers {
            store: self.opt(t, "store", |cx, e, key| {
                cx.choice(e, key, &SecretStore::ALL, |s| s.as_str())
            })?,
        })
    }

    fn unknown_top_level(&self, top: &raw::TopEntry) -> AppError {
        let names: Vec<&str> = TABLES.iter().map(|(name, _)| *name).collect();
        let listed = names
            .iter()
            .map(|n| format!("[{n}]"))
            .collect::<Vec<_>>()
            .join(", ");
        let (what, hint) = match &top.item {
            Item::Table(_) => (
                format!("unknown table `[{}]`", shown_key(&top.key)),
                match checks::suggest(&top.key, &names) {
                    Some(name) => format!("did you mean [{name}]? The tables are {listed}"),
                    None => format!("the tables are {listed}"),
                },
            ),
            Item::Other(_) => {
                // A key written above the first header: say which tables have it.
                let homes: Vec<String> = TABLES
                    .iter()
                    .filter(|(_, keys)| keys.contains(&top.key.as_str()))
                    .map(|(name, _)| format!("[{name}]"))
                    .collect();
                let hint = if homes.is_empty() {
                    format!("keys go under a table header; the tables are {listed}")
                } else {
                    format!("put it under {}", homes.join(" or "))
                };
                (format!("unknown key `{}`", shown_key(&top.key)), hint)
            }
        };
        AppError::usage(format!("{}: {what}", self.at(&top.key_span))).hint(hint)
    }

    fn unknown_key(&self, table: &str, keys: &[&str], entry: &Entry) -> AppError {
        let listed = keys.join(", ");
        let hint = match checks::suggest(&entry.key, keys) {
            Some(near) => format!("did you mean `{near}`? The keys of [{table}] are {listed}"),
            None => format!("the keys of [{table}] are {listed}"),
        };
        AppError::usage(format!(
            "{}: unknown key `{table}.{}`",
            self.at(&entry.key_span),
            shown_key(&entry.key)
        ))
        .hint(hint)
    }
}

/// A key name from the file as an error shows it: control characters (a quoted
/// TOML key may hold any) escaped, a long one cut.
fn shown_key(key: &str) -> String {
    crate::util::text::clean(key, 80)
}
