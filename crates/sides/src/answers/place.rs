//! Messages that point into the file: `FILE:LINE:COLUMN: KEY: problem`, the fix as
//! the hint, spans from toml_edit's document; none shows a value's text.

use std::ops::Range;
use std::path::Path;

use toml::Value;
use toml_edit::{ImDocument, TableLike};

use super::checks::{self, Problem, RULES};
use crate::error::AppError;

fn tables() -> Vec<&'static str> {
    let mut names: Vec<&str> = RULES
        .iter()
        .filter_map(|(key, _)| key.split_once('.'))
        .map(|(table, _)| table)
        .collect();
    names.dedup();
    names
}

pub(super) struct Place<'a> {
    pub text: &'a str,
    pub path: &'a Path,
    pub doc: ImDocument<&'a str>,
}

impl Place<'_> {
    pub fn reject(&self, key: &str, problem: Problem) -> AppError {
        self.error(key, true, problem.problem).hint(problem.hint)
    }

    pub fn error(&self, key: &str, at_value: bool, problem: impl std::fmt::Display) -> AppError {
        AppError::usage(format!("{}: {key}: {problem}", self.at(key, at_value)))
    }

    pub fn at(&self, key: &str, at_value: bool) -> String {
        at(self.text, self.path, self.span(key, at_value))
    }

    pub fn span(&self, key: &str, at_value: bool) -> Range<usize> {
        self.span_of(key.split('.'), at_value)
    }

    /// A sub-table made only of dotted keys (`bits.x = 1`) has no span: the key's stands for it.
    fn span_of<'k>(&self, path: impl IntoIterator<Item = &'k str>, at_value: bool) -> Range<usize> {
        let mut table: &dyn TableLike = self.doc.as_table();
        let mut span = 0..0;
        for name in path {
            let Some((key, item)) = table.get_key_value(name) else {
                break;
            };
            let value = item.span().filter(|_| at_value);
            span = value.or_else(|| key.span()).unwrap_or(0..0);
            match item.as_table_like() {
                Some(inner) => table = inner,
                None => break,
            }
        }
        span
    }

    /// The file's first table or key that no rule names, with those it might have meant.
    pub fn unknown(&self) -> Option<AppError> {
        let path = self
            .doc
            .iter()
            .find_map(|(name, item)| match item.as_table_like() {
                Some(table) if !keys_of(name).is_empty() => (table.iter())
                    .find(|(key, _)| !keys_of(name).contains(key))
                    .map(|(key, _)| vec![name, key]),
                _ if keys_of(name).is_empty() => Some(vec![name]),
                _ => None,
            })?;
        let names = tables();
        let tables: Vec<String> = names.iter().map(|name| format!("[{name}]")).collect();
        let tables = tables.join(", ");
        let (what, near, listed) = match path[..] {
            [table, key, ..] => {
                let keys = keys_of(table);
                (
                    format!("unknown key `{table}.{}`", shown_key(key)),
                    checks::suggest(key, &keys).map(|near| format!("`{near}`")),
                    format!("the keys of [{table}] are {}", keys.join(", ")),
                )
            }
            [name] if self.doc.get(name).is_some_and(|item| item.is_table_like()) => (
                format!("unknown table `[{}]`", shown_key(name)),
                checks::suggest(name, &names).map(|near| format!("[{near}]")),
                format!("the tables are {tables}"),
            ),
            _ => {
                // A key written above the first header: say which tables have it.
                let key = path[0];
                let homes: Vec<String> = (names.iter())
                    .filter(|name| keys_of(name).contains(&key))
                    .map(|name| format!("[{name}]"))
                    .collect();
                let hint = match homes.is_empty() {
                    true => format!("keys go under a table header; the tables are {tables}"),
                    false => format!("put it under {}", homes.join(" or ")),
                };
                (format!("unknown key `{}`", shown_key(key)), None, hint)
            }
        };
        let hint = match near {
            Some(near) => format!("did you mean {near}? T{}", &listed[1..]),
            None => listed,
        };
        let span = self.span_of(path, false);
        Some(AppError::usage(format!("{}: {what}", at(self.text, self.path, span))).hint(hint))
    }
}

pub(super) fn keys_of(table: &str) -> Vec<&'static str> {
    (RULES.iter())
        .filter_map(|(key, _)| key.strip_prefix(table)?.strip_prefix('.'))
        .collect()
}

/// "expected X, found Y" with the likely fix.
pub(super) fn type_problem(key: &str, expected: &str, found: &Value) -> Problem {
    let leaf = key.rsplit('.').next().unwrap_or(key);
    let hint = match (found, expected) {
        (Value::String(s), "an integer") if s.trim().parse::<i64>().is_ok() => {
            format!("drop the quotes: {leaf} = {}", s.trim())
        }
        (Value::Table(_), _) => format!("{key} takes a single value, not a table"),
        (_, "a string") => format!("quote the value: {leaf} = \"...\""),
        _ => format!("give {key} {expected}"),
    };
    let found = describe(found);
    Problem::new(format!("expected {expected}, found {found}"), hint)
}

pub(super) fn describe(value: &Value) -> String {
    with_article(value.type_str())
}

pub(super) fn with_article(kind: &str) -> String {
    match kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        true => format!("an {kind}"),
        false => format!("a {kind}"),
    }
}

/// Escaped (a quoted TOML key may hold control characters) and cut.
pub(super) fn shown_key(key: &str) -> String {
    crate::util::text::clean(key, 80)
}

pub(super) fn at(text: &str, path: &Path, span: Range<usize>) -> String {
    let (line, column) = line_col(text, span.start);
    format!("{}:{line}:{column}", path.display())
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (before.matches('\n').count() + 1, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("é = 1", 3), (1, 3));
        assert_eq!(line_col("a\nbc", 3), (2, 2));
        assert_eq!(line_col("a", 99), (1, 2));
    }

    #[test]
    fn kinds_have_their_article() {
        let kinds: Vec<String> = ["1", "\"s\"", "1979-05-27", "[1]", "true", "1.5", "{}"]
            .iter()
            .map(|v| describe(&format!("v = {v}").parse::<toml::Table>().unwrap()["v"]))
            .collect();
        let expected = [
            "an integer",
            "a string",
            "a datetime",
            "an array",
            "a boolean",
            "a float",
            "a table",
        ];
        assert_eq!(kinds, expected);
    }
}
