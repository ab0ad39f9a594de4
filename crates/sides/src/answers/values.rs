//! Typed readers of single answer values and the error texts, for `super::build`.
//! Every error reads `FILE:LINE:COLUMN: KEY: problem` with a hint, and never holds
//! a secret's value.

use std::fmt::Display;
use std::ops::Range;
use std::path::{Path, PathBuf};

use url::Url;

use super::build::{Cx, Table};
use super::checks::{self, Checked, Problem};
use super::raw::{self, Entry};
use super::Secret;
use crate::error::{AppError, Result};
use crate::util::file::{self, FileError};

impl Cx<'_> {
    /// Runs `check` on the entry for `key`, if the table has one.
    pub(super) fn opt<T>(
        &mut self,
        t: &Table,
        key: &str,
        check: impl FnOnce(&mut Self, &Entry, &str) -> Result<T>,
    ) -> Result<Option<T>> {
        match t.get(key) {
            Some(entry) => check(self, entry, &format!("{}.{key}", t.name)).map(Some),
            None => Ok(None),
        }
    }

    pub(super) fn string<'e>(&self, e: &'e Entry, key: &str) -> Result<&'e str> {
        match &e.value {
            toml::Value::String(s) => Ok(s),
            _ => Err(self.type_error(e, key, "a string")),
        }
    }

    /// A name or user name: a non-blank line of at most [`checks::NAME_MAX`]
    /// characters (Jira's link and user names, Jira Align's connector name).
    pub(super) fn name(&mut self, e: &Entry, key: &str) -> Result<String> {
        let value = self.string(e, key)?;
        checks::name(value).map_err(|p| self.problem(e, key, p))?;
        Ok(value.to_string())
    }

    pub(super) fn url(&mut self, e: &Entry, key: &str) -> Result<Url> {
        let value = self.string(e, key)?;
        checks::base_url(value).map_err(|p| self.problem(e, key, p))
    }

    /// One of a fixed set of spellings.
    pub(super) fn choice<T: Copy>(
        &mut self,
        e: &Entry,
        key: &str,
        all: &[T],
        spell: impl Fn(T) -> &'static str,
    ) -> Result<T> {
        let value = self.string(e, key)?;
        if let Some(found) = all.iter().find(|v| spell(**v) == value) {
            return Ok(*found);
        }
        let names: Vec<&str> = all.iter().map(|v| spell(*v)).collect();
        let listed = names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let near = value.replace('_', "-").to_ascii_lowercase();
        let hint = match checks::suggest(&near, &names) {
            Some(name) => format!("did you mean \"{name}\"?"),
            None => format!("use one of {listed}"),
        };
        Err(self.reject(
            e,
            key,
            format!("\"{}\" is not one of {listed}", value.escape_debug()),
            hint,
        ))
    }

    /// A literal string or `{ env = "NAME" }`. Messages never show the value.
    /// An integer within `range`; `expected` says what is allowed, for the hint.
    pub(super) fn integer_in(
        &mut self,
        e: &Entry,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
        expected: &str,
    ) -> Result<u32> {
        let toml::Value::Integer(value) = e.value else {
            return Err(self.type_error(e, key, "an integer"));
        };
        if !range.contains(&value) {
            return Err(self.reject(
                e,
                key,
                format!("{value} is out of range"),
                format!("use {expected}"),
            ));
        }
        Ok(value as u32)
    }

    pub(super) fn secret(&mut self, e: &Entry, key: &str) -> Result<Secret> {
        let env_hint = format!("write {key} = {{ env = \"NAME\" }} and export NAME");
        let rejected = match &e.value {
            toml::Value::String(s) if s.is_empty() => Problem::new(
                "is empty",
                format!("put the value in the file, or {env_hint}"),
            ),
            toml::Value::String(s) if !checks::header_safe(s) => Problem::new(
                checks::NOT_HEADER_SAFE,
                "copy the value again, without the line break",
            ),
            toml::Value::String(s) => {
                self.literal_secrets
                    .push((key.to_string(), e.value_span.clone()));
                return Ok(Secret::new(s.clone()));
            }
            toml::Value::Table(table) => match self.env_secret(table, &env_hint) {
                Ok(secret) => return Ok(secret),
                Err(rejected) => rejected,
            },
            other => Problem::new(
                format!(
                    "expected a string or {{ env = \"NAME\" }}, found {}",
                    raw::describe(other)
                ),
                format!("quote the value, or {env_hint}"),
            ),
        };
        Err(self.problem(e, key, rejected))
    }

    /// `{ env = "NAME" }`: the variable's value, or what is wrong and the fix.
    fn env_secret(&mut self, table: &toml::Table, env_hint: &str) -> Checked<Secret> {
        let rejected = |problem: String| Err(Problem::new(problem, env_hint));
        if let Some(extra) = table.keys().find(|k| *k != "env") {
            let extra = crate::util::text::clean(extra, 80);
            return rejected(format!("unknown key `{extra}` in {{ env = \"NAME\" }}"));
        }
        let name = match table.get("env") {
            Some(toml::Value::String(name)) => name,
            Some(other) => {
                return rejected(format!(
                    "env: expected a string, found {}",
                    raw::describe(other)
                ))
            }
            None => return rejected("the table has no `env` key".to_string()),
        };
        if !checks::env_name(name) {
            return rejected(format!(
                "`{}` is not an environment variable name (letters, digits and _, \
                 not starting with a digit)",
                name.escape_debug()
            ));
        }
        let fix = format!("export {name}=... or put the value in the file");
        match (self.env)(name) {
            None => {
                self.unset_now = Some(name.to_string());
                Err(Problem::new(
                    format!("environment variable {name} is not set"),
                    fix,
                ))
            }
            Some(value) if value.is_empty() => Err(Problem::new(
                format!("environment variable {name} is set but empty"),
                fix,
            )),
            Some(value) if !checks::header_safe(&value) => Err(Problem::new(
                format!("environment variable {name} {}", checks::NOT_HEADER_SAFE),
                format!("export {name} again, without the line break"),
            )),
            Some(value) => Ok(Secret::new(value)),
        }
    }

    /// Reads `keys.public_key_file`, relative to the answers file's directory.
    pub(super) fn read_public_key_file(&self, e: &Entry) -> Result<(String, PathBuf)> {
        let key = "keys.public_key_file";
        let value = self.string(e, key)?;
        if value.trim().is_empty() {
            return Err(self.reject(
                e,
                key,
                "is empty",
                "give the path of the file that holds Jira Align's public key",
            ));
        }
        let dir = self.path.parent().unwrap_or(Path::new(""));
        let resolved = dir.join(value);
        let shown = resolved.display();
        let relative_note = if Path::new(value).is_relative() {
            format!(
                "; a relative path is taken from the answers file's directory ({})",
                if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                }
                .display()
            )
        } else {
            String::new()
        };
        let not_text = || {
            self.reject(
                e,
                key,
                format!("{shown} is not text (a PEM file is)"),
                format!("check the path{relative_note}"),
            )
        };
        let (bytes, _) = file::read_regular(&resolved, file::KEY_FILE_MAX).map_err(|err| {
            let shown = shown.to_string();
            let hint = match &err {
                FileError::Missing | FileError::Io(_) => format!("check the path{relative_note}"),
                other => other.fix(&shown),
            };
            self.reject(e, key, err.problem(&shown), hint)
        })?;
        let text = String::from_utf8(bytes).map_err(|_| not_text())?;
        checks::public_key(&text)
            .map_err(|p| self.reject(e, key, format!("{shown}: {}", p.problem), p.hint))?;
        Ok((text, resolved))
    }

    pub(super) fn type_error(&self, e: &Entry, key: &str, expected: &str) -> AppError {
        let found = raw::describe(&e.value);
        let hint = match (&e.value, expected) {
            (toml::Value::String(s), "an integer") if s.trim().parse::<i64>().is_ok() => {
                format!("drop the quotes: {} = {}", e.key, s.trim())
            }
            (toml::Value::Table(_), _) => {
                format!("{key} takes a single value, not a table")
            }
            (_, "a string") => format!("quote the value: {} = \"...\"", e.key),
            _ => format!("give {key} {expected}"),
        };
        self.reject(e, key, format!("expected {expected}, found {found}"), hint)
    }

    pub(super) fn problem(&self, e: &Entry, key: &str, p: Problem) -> AppError {
        self.reject(e, key, p.problem, p.hint)
    }

    /// `FILE:LINE:COLUMN: KEY: problem` at the entry's value, with the fix.
    pub(super) fn reject(
        &self,
        e: &Entry,
        key: &str,
        problem: impl Display,
        hint: impl Into<String>,
    ) -> AppError {
        self.error(&e.value_span, key, problem).hint(hint)
    }

    pub(super) fn error(&self, span: &Range<usize>, key: &str, problem: impl Display) -> AppError {
        AppError::usage(format!("{}: {key}: {problem}", self.at(span)))
    }

    /// `FILE:LINE:COLUMN` of a span's start.
    pub(super) fn at(&self, span: &Range<usize>) -> String {
        let (line, column) = raw::line_col(self.text, span.start);
        format!("{}:{line}:{column}", self.path.display())
    }
}
