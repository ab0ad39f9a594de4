//! Reads the file through serde derive: the tables below, unknown keys collected by
//! serde_ignored. Each value is taken as [`Typed`], so a value of the wrong type is
//! kept rather than refused with serde's message (which names no dotted key and
//! echoes the value, a secret's too); every message here is built from the key, the
//! span toml_edit's document keeps for it, and the value's kind.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::Value;
use toml_edit::ImDocument;

use super::checks::{self, Checked, Problem};
use super::place::{self, Place};
use super::*;

type Field<T> = Option<Typed<T>>;

#[derive(Deserialize, Default)]
#[serde(default)] // A table left out is an empty one.
struct Tables {
    jira: JiraTable,
    service_account: ServiceAccountTable,
    align: AlignTable,
    connector: ConnectorTable,
    keys: KeysTable,
    oauth: OAuthTable,
    secrets: SecretsTable,
}

#[derive(Deserialize, Default)]
struct JiraTable {
    url: Field<String>,
    admin_token: Field<SecretValue>,
    admin_username: Field<String>,
    admin_password: Field<SecretValue>,
    test_project: Field<String>,
    replace_existing: Field<bool>,
}

#[derive(Deserialize, Default)]
struct ServiceAccountTable {
    username: Field<String>,
    password: Field<SecretValue>,
    token: Field<SecretValue>,
}

#[derive(Deserialize, Default)]
struct AlignTable {
    url: Field<String>,
    api_token: Field<SecretValue>,
    api_email: Field<String>,
    application_name: Field<String>,
    connector_name: Field<String>,
    sync_timeout_secs: Field<i64>,
}

#[derive(Deserialize, Default)]
struct ConnectorTable {
    auth: Field<String>,
    id: Field<i64>,
}

#[derive(Deserialize, Default)]
struct KeysTable {
    source: Field<String>,
    consumer_key: Field<String>,
    bits: Field<i64>,
    public_key: Field<String>,
    public_key_file: Field<String>,
    preflight: Field<bool>,
}

#[derive(Deserialize, Default)]
struct OAuthTable {
    approval: Field<String>,
}

#[derive(Deserialize, Default)]
struct SecretsTable {
    store: Field<String>,
}

/// A secret as the file may give it.
#[derive(Deserialize)]
#[serde(untagged, deny_unknown_fields)]
enum SecretValue {
    Literal(String),
    Env { env: String },
}

/// A value as written: `Ok` when it has the type its key takes, else the value found.
struct Typed<T>(std::result::Result<T, Value>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Typed<T> {
    fn deserialize<D: serde::Deserializer<'de>>(input: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(input)?;
        Ok(Typed(T::deserialize(value.clone()).map_err(|_| value)))
    }
}

/// What a key of type `T` takes, for "expected X, found Y".
trait Expected {
    const EXPECTED: &'static str;
}
impl Expected for String {
    const EXPECTED: &'static str = "a string";
}
impl Expected for i64 {
    const EXPECTED: &'static str = "an integer";
}
impl Expected for bool {
    const EXPECTED: &'static str = "true or false";
}

/// What a `{ env = "NAME" }` secret whose variable is unset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UnsetEnv {
    /// An error naming the key and variable (a run that would use it).
    Error,
    /// Absent, and listed in `Answers::unset_env` (a command that only reads).
    Absent,
}

pub(super) fn read(
    text: &str,
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
    mode: Option<u32>,
    unset_env: UnsetEnv,
) -> Result<Answers> {
    let doc = ImDocument::parse(text).map_err(|err| {
        let at = place::at(text, path, err.span().unwrap_or(0..0));
        // toml's message may span lines: keep the error on one line.
        let message = err.message().trim().replace('\n', ": ");
        AppError::usage(format!("{at}: not valid TOML: {message}")).hint(
            "fix the syntax at that position; `align-link answers-example` prints a valid file",
        )
    })?;
    let place = Place { text, path, doc };
    for (name, item) in place.doc.iter() {
        if !place::keys_of(name).is_empty() && !item.is_table_like() {
            let found = place::with_article(item.type_name());
            return Err(place
                .error(name, false, format!("expected a table, found {found}"))
                .hint(format!("write the keys of {name} under a [{name}] header")));
        }
    }
    let mut unknown: Vec<Vec<String>> = Vec::new();
    let input = toml_edit::de::Deserializer::from(place.doc.clone());
    let tables: Tables = serde_ignored::deserialize(input, |path| unknown.push(segments(&path)))
        // Not seen: every value is taken as `Typed`, and each table was checked above.
        .map_err(|err| {
            let at = place::at(text, path, err.span().unwrap_or(0..0));
            AppError::usage(format!("{at}: this does not fit the answers file's tables"))
                .hint("`align-link answers-example` prints a valid file")
        })?;
    if let Some(keys) = unknown.first() {
        return Err(place.unknown(keys));
    }
    let mut cx = Cx {
        place,
        env,
        literal_secrets: Vec::new(),
        unset: Vec::new(),
        warnings: Vec::new(),
    };
    let answers = cx.answers(&tables)?;
    cx.finish(answers, mode, unset_env)
}

/// The reading of one file.
struct Cx<'a> {
    place: Place<'a>,
    env: &'a dyn Fn(&str) -> Option<String>,
    /// "KEY (FILE:LINE:COLUMN)" of each secret written in the file, for the mode warning.
    literal_secrets: Vec<String>,
    /// (key, variable) of each `{ env = "NAME" }` whose variable is unset.
    unset: Vec<(String, String)>,
    warnings: Vec<String>,
}

impl Cx<'_> {
    fn answers(&mut self, t: &Tables) -> Result<Answers> {
        let (j, s, a) = (&t.jira, &t.service_account, &t.align);
        let name = |text: &String| checks::name(text);
        Ok(Answers {
            path: Some(self.place.path.to_path_buf()),
            jira: JiraAnswers {
                url: self.take(&j.url, "jira.url", |url| checks::base_url(url))?,
                admin_token: self.secret(&j.admin_token, "jira.admin_token")?,
                admin_username: self.take(&j.admin_username, "jira.admin_username", name)?,
                admin_password: self.secret(&j.admin_password, "jira.admin_password")?,
                test_project: self.take(&j.test_project, "jira.test_project", |key| {
                    checks::project_key(key)
                })?,
                replace_existing: self.take(&j.replace_existing, "jira.replace_existing", flag)?,
            },
            service_account: ServiceAccountAnswers {
                username: self.take(&s.username, "service_account.username", name)?,
                password: self.secret(&s.password, "service_account.password")?,
                token: self.secret(&s.token, "service_account.token")?,
            },
            align: AlignAnswers {
                url: self.take(&a.url, "align.url", |url| checks::base_url(url))?,
                api_token: self.secret(&a.api_token, "align.api_token")?,
                api_email: self.take(&a.api_email, "align.api_email", |email| {
                    let email = checks::name(email)?;
                    if !email.contains('@') {
                        return Err(Problem::new(
                            format!("`{email}` is not an email address"),
                            "give the email of the Atlassian account that owns the API token",
                        ));
                    }
                    Ok(email)
                })?,
                application_name: self.take(&a.application_name, "align.application_name", name)?,
                connector_name: self.take(&a.connector_name, "align.connector_name", name)?,
                sync_timeout_secs: self.take(
                    &a.sync_timeout_secs,
                    "align.sync_timeout_secs",
                    |n| checks::in_range(*n, 3600, "seconds from 1 to 3600 (300 when absent)"),
                )?,
            },
            connector: ConnectorAnswers {
                auth: self.take(&t.connector.auth, "connector.auth", |text| {
                    checks::choice(text, &ConnectorAuth::ALL, |auth| auth.as_str())
                })?,
                id: self.take(&t.connector.id, "connector.id", |n| {
                    let why = "the Connector ID Jira Align shows, a positive number";
                    checks::in_range(*n, u32::MAX, why)
                })?,
            },
            keys: self.keys(&t.keys)?,
            oauth: OAuthAnswers {
                approval: self.take(&t.oauth.approval, "oauth.approval", |text| {
                    checks::choice(text, &Approval::ALL, |approval| approval.as_str())
                })?,
            },
            secrets: SecretsAnswers {
                store: self.take(&t.secrets.store, "secrets.store", |text| {
                    checks::choice(text, &SecretStore::ALL, |store| store.as_str())
                })?,
            },
            ..Answers::default()
        })
    }

    fn keys(&mut self, t: &KeysTable) -> Result<KeyAnswers> {
        let mut source = self.take(&t.source, "keys.source", |text| {
            checks::choice(text, &KeySource::ALL, |source| source.as_str())
        })?;
        let consumer_key = self.take(&t.consumer_key, "keys.consumer_key", |key| {
            checks::consumer_key(key)
        })?;
        let bits = self.take(&t.bits, "keys.bits", |&bits| match u32::try_from(bits) {
            Ok(bits) if crate::keys::ACCEPTED_KEY_BITS.contains(&(bits as usize)) => Ok(bits),
            _ => Err(Problem::new(
                format!("{bits} is not an allowed key size"),
                format!(
                    "use {} ({} when absent)",
                    crate::keys::accepted_key_bits_text(),
                    crate::keys::DEFAULT_KEY_BITS
                ),
            )),
        })?;
        // The key of the public key as given, the later one when both are.
        let given = match (&t.public_key, &t.public_key_file) {
            (Some(_), None) => Some("keys.public_key"),
            (None, Some(_)) => Some("keys.public_key_file"),
            (None, None) => None,
            (Some(_), Some(_)) => {
                let later = ["keys.public_key", "keys.public_key_file"]
                    .into_iter()
                    .max_by_key(|key| self.place.span(key, false).start)
                    .unwrap_or_default();
                return Err(self
                    .place
                    .error(
                        later,
                        false,
                        "keys.public_key and keys.public_key_file are both set",
                    )
                    .hint("keep one of them: the key itself, or the file that holds it"));
            }
        };
        let inline = self.take(&t.public_key, "keys.public_key", |text| {
            checks::public_key(text).map(|()| (text.clone(), "keys.public_key".to_string()))
        })?;
        let from_file = self.take(&t.public_key_file, "keys.public_key_file", |file| {
            let (text, resolved) = checks::public_key_file(self.place.path, file)?;
            Ok((text, resolved.display().to_string()))
        })?;
        match (source, given) {
            (Some(KeySource::Generate), Some(given)) => {
                let source_at = self.place.at("keys.source", true);
                return Err(self
                    .place
                    .error(
                        given,
                        false,
                        format!(
                            "a public key is given, but keys.source = \"generate\" (at \
                             {source_at}) says align-link makes the key pair itself"
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
        if source == Some(KeySource::Align) && t.bits.is_some() {
            self.warnings.push(format!(
                "{}: keys.bits is ignored: with keys.source = \"align\", Jira Align made the \
                 key pair",
                self.place.at("keys.bits", false)
            ));
        }
        let (public_key, public_key_origin) = inline.or(from_file).unzip();
        Ok(KeyAnswers {
            source,
            consumer_key,
            bits,
            public_key,
            public_key_origin,
            preflight: self.take(&t.preflight, "keys.preflight", flag)?,
        })
    }

    /// The value of `key` through `check`, or the error at it.
    fn take<T: Expected, U>(
        &self,
        field: &Field<T>,
        key: &str,
        check: impl FnOnce(&T) -> Checked<U>,
    ) -> Result<Option<U>> {
        let Some(Typed(value)) = field else {
            return Ok(None);
        };
        let problem = match value {
            Ok(value) => match check(value) {
                Ok(value) => return Ok(Some(value)),
                Err(problem) => problem,
            },
            Err(found) => place::type_problem(key, T::EXPECTED, found),
        };
        Err(self.place.reject(key, problem))
    }

    /// A literal secret or `{ env = "NAME" }`. Messages never show the value; an
    /// unset variable is collected, so that one error names them all.
    fn secret(&mut self, field: &Field<SecretValue>, key: &str) -> Result<Option<Secret>> {
        let Some(Typed(value)) = field else {
            return Ok(None);
        };
        let env_hint = format!("write {key} = {{ env = \"NAME\" }} and export NAME");
        let problem = match value {
            Ok(SecretValue::Literal(text)) if text.is_empty() => Problem::new(
                "is empty",
                format!("put the value in the file, or {env_hint}"),
            ),
            Ok(SecretValue::Literal(text)) if !checks::header_safe(text) => Problem::new(
                checks::NOT_HEADER_SAFE,
                "copy the value again, without the line break",
            ),
            Ok(SecretValue::Literal(text)) => {
                let at = self.place.at(key, true);
                self.literal_secrets.push(format!("{key} ({at})"));
                return Ok(Some(Secret::new(text.clone())));
            }
            Ok(SecretValue::Env { env: name }) if !checks::env_name(name) => Problem::new(
                format!(
                    "`{}` is not an environment variable name (letters, digits and _, \
                     not starting with a digit)",
                    name.escape_debug()
                ),
                env_hint,
            ),
            Ok(SecretValue::Env { env: name }) => {
                let fix = format!("export {name}=... or put the value in the file");
                match (self.env)(name) {
                    Some(value) if value.is_empty() => {
                        Problem::new(format!("environment variable {name} is set but empty"), fix)
                    }
                    Some(value) if !checks::header_safe(&value) => Problem::new(
                        format!("environment variable {name} {}", checks::NOT_HEADER_SAFE),
                        format!("export {name} again, without the line break"),
                    ),
                    Some(value) => return Ok(Some(Secret::new(value))),
                    None => {
                        self.unset.push((key.to_string(), name.clone()));
                        return Ok(None);
                    }
                }
            }
            Err(Value::Table(table)) => {
                let problem = match (table.keys().find(|k| *k != "env"), table.get("env")) {
                    (Some(extra), _) => {
                        format!(
                            "unknown key `{}` in {{ env = \"NAME\" }}",
                            place::shown_key(extra)
                        )
                    }
                    (None, Some(other)) => {
                        format!("env: expected a string, found {}", place::describe(other))
                    }
                    (None, None) => "the table has no `env` key".to_string(),
                };
                Problem::new(problem, env_hint)
            }
            Err(other) => Problem::new(
                format!(
                    "expected a string or {{ env = \"NAME\" }}, found {}",
                    place::describe(other)
                ),
                format!("quote the value, or {env_hint}"),
            ),
        };
        Err(self.place.reject(key, problem))
    }

    /// The mode warning and the unset variables, once every key is read.
    fn finish(
        self,
        mut answers: Answers,
        mode: Option<u32>,
        unset_env: UnsetEnv,
    ) -> Result<Answers> {
        answers.warnings = self.warnings;
        if let Some(mode) = mode.filter(|m| m & 0o077 != 0 && !self.literal_secrets.is_empty()) {
            let file = self.place.path.display();
            answers.warnings.push(format!(
                "{file} can be read by group or others (mode {:03o}) and holds secrets \
                 written in it: {}. Run `chmod 600 {file}`, or write each as \
                 {{ env = \"NAME\" }} and export NAME",
                mode & 0o777,
                self.literal_secrets.join(", ")
            ));
        }
        let unset = |(key, name): &(String, String)| {
            let fix = format!("export {name}=... or put the value in the file");
            let problem = format!("environment variable {name} is not set");
            self.place.reject(key, Problem::new(problem, fix))
        };
        match self.unset.as_slice() {
            [] => {}
            _ if unset_env == UnsetEnv::Absent => answers.unset_env = self.unset,
            [one] => return Err(unset(one)),
            all => {
                let each: Vec<String> = all.iter().map(|one| unset(one).message).collect();
                return Err(AppError::usage(format!(
                    "{} environment variables the answers name are not set:\n  {}",
                    each.len(),
                    each.join("\n  ")
                ))
                .hint("export each of them (or put the values in the file), then run again"));
            }
        }
        Ok(answers)
    }
}

fn flag(value: &bool) -> Checked<bool> {
    Ok(*value)
}

/// The keys of an ignored entry's path, top table first.
fn segments(path: &serde_ignored::Path) -> Vec<String> {
    use serde_ignored::Path as P;
    match path {
        P::Root => Vec::new(),
        P::Map { parent, key } => {
            let mut keys = segments(parent);
            keys.push(key.clone());
            keys
        }
        P::Seq { parent, .. }
        | P::Some { parent }
        | P::NewtypeStruct { parent }
        | P::NewtypeVariant { parent } => segments(parent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listed_keys_are_the_tables_keys() {
        let text: String = place::TABLES
            .iter()
            .map(|line| {
                let mut words = line.split(' ');
                let table = words.next().unwrap();
                let keys: String = words.map(|key| format!("{key} = 0\n")).collect();
                format!("[{table}]\n{keys}")
            })
            .collect();
        let input = toml_edit::de::Deserializer::parse(text.as_str()).unwrap();
        let mut unknown = Vec::new();
        let tables: Tables =
            serde_ignored::deserialize(input, |path| unknown.push(path.to_string())).unwrap();
        assert!(unknown.is_empty(), "{unknown:?}");
        // And the tables take no key the list leaves out: each field was given.
        let (j, s, a, k) = (
            &tables.jira,
            &tables.service_account,
            &tables.align,
            &tables.keys,
        );
        assert!(j.url.is_some() && j.admin_token.is_some() && j.admin_username.is_some());
        assert!(j.admin_password.is_some() && j.test_project.is_some());
        assert!(j.replace_existing.is_some() && s.username.is_some() && s.password.is_some());
        assert!(s.token.is_some() && a.url.is_some() && a.api_token.is_some());
        assert!(a.api_email.is_some() && a.application_name.is_some());
        assert!(a.connector_name.is_some() && a.sync_timeout_secs.is_some());
        assert!(tables.connector.auth.is_some() && tables.connector.id.is_some());
        assert!(k.source.is_some() && k.consumer_key.is_some() && k.bits.is_some());
        assert!(k.public_key.is_some() && k.public_key_file.is_some() && k.preflight.is_some());
        assert!(tables.oauth.approval.is_some() && tables.secrets.store.is_some());
    }
}
