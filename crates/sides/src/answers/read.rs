//! Checks each key of [`RULES`] the file gives into a table `Answers` is derived from.
//! Messages come from the key, its toml_edit span and the value's kind, never from
//! serde (which names no dotted key and echoes values, secrets too).

use std::path::Path;

use serde::Deserialize;
use toml::{Table, Value};
use toml_edit::ImDocument;

use super::checks::{self, Problem, Rule, RULES};
use super::place::{self, Place};
use super::*;

/// What an unset `{ env = "NAME" }` secret is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UnsetEnv {
    Error,
    /// Listed in `Answers::unset_env` (a command that only reads).
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
    if let Some(unknown) = place.unknown() {
        return Err(unknown);
    }
    let raw = Table::deserialize(toml_edit::de::Deserializer::from(place.doc.clone()))
        .map_err(|err| AppError::internal(format!("the parsed answers file is no table: {err}")))?;
    let mut cx = Cx {
        place,
        env,
        raw,
        checked: Table::new(),
        literal_secrets: Vec::new(),
        unset: Vec::new(),
        warnings: Vec::new(),
    };
    // In the file's order, so that the first problem reported is the file's first.
    let mut in_file_order: Vec<_> = RULES.iter().collect();
    in_file_order.sort_by_key(|(key, _)| match get(&cx.raw, key) {
        Some(_) => cx.place.span(key, false).start,
        None => usize::MAX,
    });
    for (key, rule) in in_file_order {
        // One public key, not two: checked at keys.public_key's turn.
        if *key == "keys.public_key" {
            cx.one_public_key()?;
        }
        cx.check(key, *rule)?;
    }
    // Needs keys.source checked, wherever the file puts it.
    cx.key_source()?;
    cx.finish(mode, unset_env)
}

fn get<'t>(tables: &'t Table, key: &str) -> Option<&'t Value> {
    let (table, leaf) = key.split_once('.')?;
    tables.get(table)?.get(leaf)
}

struct Cx<'a> {
    place: Place<'a>,
    env: &'a dyn Fn(&str) -> Option<String>,
    raw: Table,
    checked: Table,
    /// "KEY (FILE:LINE:COLUMN)" of each secret written in the file, for the mode warning.
    literal_secrets: Vec<String>,
    /// (key, variable) of each unset `{ env = "NAME" }`.
    unset: Vec<(String, String)>,
    warnings: Vec<String>,
}

impl Cx<'_> {
    fn set(&mut self, key: &str, value: impl Into<Value>) {
        let (table, leaf) = key.split_once('.').unwrap_or_default();
        let table = (self.checked.entry(table)).or_insert_with(|| Table::new().into());
        if let Value::Table(table) = table {
            table.insert(leaf.to_string(), value.into());
        }
    }

    fn check(&mut self, key: &str, rule: Rule) -> Result<()> {
        let Some(value) = get(&self.raw, key).cloned() else {
            return Ok(());
        };
        let target = match rule {
            Rule::KeyFile => "keys.public_key",
            _ => key,
        };
        let checked = match (rule, &value) {
            (Rule::Secret, _) => return self.secret(key, value),
            (Rule::Flag, Value::Boolean(_)) => Ok(value.clone()),
            (Rule::Number(check), Value::Integer(n)) => check(*n).map(|n| i64::from(n).into()),
            (Rule::Range(max, _), Value::Integer(n)) if (1..=i64::from(max)).contains(n) => {
                Ok(value.clone())
            }
            (Rule::Range(_, expected), Value::Integer(n)) => Err(Problem::new(
                format!("{n} is out of range"),
                format!("use {expected}"),
            )),
            (Rule::Text(check), Value::String(text)) => check(text).map(Value::String),
            (Rule::KeyFile, Value::String(file)) => checks::public_key_file(self.place.path, file)
                .map(|(text, origin)| {
                    self.set("keys.public_key_origin", origin);
                    Value::String(text)
                }),
            (rule, found) => Err(place::type_problem(key, rule.expected(), found)),
        };
        let checked = checked.map_err(|problem| self.place.reject(key, problem))?;
        self.set(target, checked);
        Ok(())
    }

    fn one_public_key(&self) -> Result<()> {
        let both = ["keys.public_key", "keys.public_key_file"];
        if !both.iter().all(|key| get(&self.raw, key).is_some()) {
            return Ok(());
        }
        let later = (both.into_iter())
            .max_by_key(|key| self.place.span(key, false).start)
            .unwrap_or_default();
        let problem = "keys.public_key and keys.public_key_file are both set";
        let hint = "keep one of them: the key itself, or the file that holds it";
        Err(self.place.error(later, false, problem).hint(hint))
    }

    /// A given public key means Jira Align made the pair, and `keys.bits` goes unused.
    fn key_source(&mut self) -> Result<()> {
        let given = ["keys.public_key", "keys.public_key_file"]
            .into_iter()
            .find(|key| get(&self.raw, key).is_some());
        let source = get(&self.checked, "keys.source").and_then(Value::as_str);
        match (source, given) {
            (Some("generate"), Some(given)) => {
                let source_at = self.place.at("keys.source", true);
                let problem = format!(
                    "a public key is given, but keys.source = \"generate\" (at {source_at}) \
                     says align-link makes the key pair itself"
                );
                let hint = "set source = \"align\" if Jira Align generated the key at step 5, \
                            or remove the public key";
                return Err(self.place.error(given, false, problem).hint(hint));
            }
            (None, Some(_)) => self.set("keys.source", KeySource::Align.as_str()),
            _ => {}
        }
        if given == Some("keys.public_key") {
            self.set("keys.public_key_origin", "keys.public_key");
        }
        let source = get(&self.checked, "keys.source").and_then(Value::as_str);
        if source == Some("align") && get(&self.raw, "keys.bits").is_some() {
            self.warnings.push(format!(
                "{}: keys.bits is ignored: with keys.source = \"align\", Jira Align made the \
                 key pair",
                self.place.at("keys.bits", false)
            ));
        }
        Ok(())
    }

    /// Messages never show the value; unset variables are collected for one error.
    fn secret(&mut self, key: &str, value: Value) -> Result<()> {
        let env_hint = format!("write {key} = {{ env = \"NAME\" }} and export NAME");
        let problem = match value {
            Value::String(text) if text.is_empty() => Problem::new(
                "is empty",
                format!("put the value in the file, or {env_hint}"),
            ),
            Value::String(text) if !checks::header_safe(&text) => Problem::new(
                checks::NOT_HEADER_SAFE,
                "copy the value again, without the line break",
            ),
            Value::String(text) => {
                let at = self.place.at(key, true);
                self.literal_secrets.push(format!("{key} ({at})"));
                self.set(key, text);
                return Ok(());
            }
            Value::Table(table) => match (table.keys().find(|k| *k != "env"), table.get("env")) {
                (Some(extra), _) => Problem::new(
                    format!(
                        "unknown key `{}` in {{ env = \"NAME\" }}",
                        place::shown_key(extra)
                    ),
                    env_hint,
                ),
                (None, Some(Value::String(name))) => return self.env_secret(key, name, env_hint),
                (None, Some(other)) => Problem::new(
                    format!("env: expected a string, found {}", place::describe(other)),
                    env_hint,
                ),
                (None, None) => Problem::new("the table has no `env` key", env_hint),
            },
            other => Problem::new(
                format!(
                    "expected a string or {{ env = \"NAME\" }}, found {}",
                    place::describe(&other)
                ),
                format!("quote the value, or {env_hint}"),
            ),
        };
        Err(self.place.reject(key, problem))
    }

    fn env_secret(&mut self, key: &str, name: &str, env_hint: String) -> Result<()> {
        if !checks::env_name(name) {
            let problem = format!(
                "`{}` is not an environment variable name (letters, digits and _, not \
                 starting with a digit)",
                name.escape_debug()
            );
            return Err(self.place.reject(key, Problem::new(problem, env_hint)));
        }
        let fix = format!("export {name}=... or put the value in the file");
        let problem = match (self.env)(name) {
            Some(value) if value.is_empty() => {
                Problem::new(format!("environment variable {name} is set but empty"), fix)
            }
            Some(value) if !checks::header_safe(&value) => Problem::new(
                format!("environment variable {name} {}", checks::NOT_HEADER_SAFE),
                format!("export {name} again, without the line break"),
            ),
            Some(value) => {
                self.set(key, value);
                return Ok(());
            }
            None => {
                self.unset.push((key.to_string(), name.to_string()));
                return Ok(());
            }
        };
        Err(self.place.reject(key, problem))
    }

    fn finish(self, mode: Option<u32>, unset_env: UnsetEnv) -> Result<Answers> {
        // Never seen (a test holds each rule to its field); serde's message may echo a value.
        let mut answers = Answers::deserialize(Value::Table(self.checked))
            .map_err(|_| AppError::internal("the checked answers do not fit their tables"))?;
        answers.path = Some(self.place.path.to_path_buf());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_has_its_field_in_the_tables() {
        // `keys.public_key_file` is read into `keys.public_key`.
        for (key, _) in RULES
            .iter()
            .filter(|(_, rule)| !matches!(rule, Rule::KeyFile))
        {
            let mut checked = Table::new();
            let (table, leaf) = key.split_once('.').unwrap();
            let inner = Table::from_iter([(leaf.to_string(), Value::Boolean(true))]);
            checked.insert(table.to_string(), inner.into());
            // A flag fits; any other field refuses the type, but knows the key.
            let refused = Answers::deserialize(Value::Table(checked)).err();
            let message = refused.map(|err| err.to_string()).unwrap_or_default();
            assert!(!message.contains("unknown field"), "{key}: {message}");
        }
    }
}
