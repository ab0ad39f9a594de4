//! Reads an answers file into entries that keep their byte spans.
//!
//! The answers are validated by hand rather than by `#[derive(Deserialize)]` on the
//! final structs: a derived reader's errors name neither the dotted key (so
//! `keys.bits: expected an integer` could not be said) nor an unknown key's table,
//! offer no "did you mean", stop at the first problem, and echo the value (a
//! secret's too). toml_edit's parsed document keeps every key's and value's span
//! in file order; `super::build` checks the entries one by one with full context.

use std::ops::Range;

use serde::de::{Deserialize, IntoDeserializer};
use toml_edit::{ImDocument, Item as TomlItem, TableLike};

/// One `key = value` inside a table.
pub(super) struct Entry {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: toml::Value,
    pub value_span: Range<usize>,
}

/// What a top-level key holds: a table (the normal case) or something else.
pub(super) enum Item {
    Table(Vec<Entry>),
    /// Not a table; the text names what it is ("a string", "an array", ...).
    Other(&'static str),
}

pub(super) struct TopEntry {
    pub key: String,
    pub key_span: Range<usize>,
    pub item: Item,
}

/// Parses the document; the only errors left are TOML syntax errors.
pub(super) fn read(text: &str) -> Result<Vec<TopEntry>, toml_edit::TomlError> {
    let doc = ImDocument::parse(text)?;
    let root = doc.as_table();
    Ok(root
        .iter()
        .map(|(key, item)| TopEntry {
            key: key.to_string(),
            key_span: key_span(root, key),
            item: match item.as_table_like() {
                Some(table) => Item::Table(entries(table)),
                None => Item::Other(describe(&value(item))),
            },
        })
        .collect())
}

fn entries(table: &dyn TableLike) -> Vec<Entry> {
    table
        .iter()
        .map(|(key, item)| {
            let key_span = key_span(table, key);
            Entry {
                key: key.to_string(),
                // A sub-table made only by dotted keys (`bits.x = 1`) has no span
                // of its own: the key's stands for it.
                value_span: item.span().unwrap_or_else(|| key_span.clone()),
                key_span,
                value: value(item),
            }
        })
        .collect()
}

fn key_span(table: &dyn TableLike, key: &str) -> Range<usize> {
    table.key(key).and_then(|k| k.span()).unwrap_or(0..0)
}

/// The item as a plain TOML value (a sub-table as a table, `[[x]]` as an array).
fn value(item: &TomlItem) -> toml::Value {
    item.clone()
        .into_value()
        .ok()
        .and_then(|v| toml::Value::deserialize(v.into_deserializer()).ok())
        .unwrap_or_else(|| toml::Value::Table(toml::Table::new()))
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    // Spans fall on char boundaries; step back if one ever does not.
    let mut end = offset;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// "a string", "an integer", ...: for "expected X, found Y".
pub(super) fn describe(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a float",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a datetime",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table<'a>(doc: &'a [TopEntry], name: &str) -> &'a [Entry] {
        match &doc.iter().find(|e| e.key == name).unwrap().item {
            Item::Table(entries) => entries,
            Item::Other(what) => panic!("{name} is {what}"),
        }
    }

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let text = "[jira]\nurl = \"https://x\"\n";
        let doc = read(text).unwrap();
        let entry = &table(&doc, "jira")[0];
        assert_eq!(entry.key, "url");
        assert_eq!(line_col(text, entry.key_span.start), (2, 1));
        assert_eq!(line_col(text, entry.value_span.start), (2, 7));
    }

    #[test]
    fn dotted_keys_and_sub_tables_keep_spans() {
        let text = "jira.url = \"u\"\n[keys]\nbits.x = 1\nsource = \"align\"\n[oauth.approval]\nenv = \"A\"\n";
        let doc = read(text).unwrap();
        assert_eq!(table(&doc, "jira")[0].key, "url");
        let keys = table(&doc, "keys");
        assert!(matches!(keys[0].value, toml::Value::Table(_)));
        assert_eq!(line_col(text, keys[0].value_span.start), (3, 1));
        // The entry after the dotted sub-table is still read.
        assert_eq!(keys[1].key, "source");
        let approval = &table(&doc, "oauth")[0];
        assert!(matches!(approval.value, toml::Value::Table(_)));
    }

    #[test]
    fn non_tables_at_top_level_are_described() {
        let text = "a = 1\nb = \"s\"\nc = 1979-05-27\nd = [1]\ne = true\nf = 1.5\n[[g]]\nx = 1\n";
        let doc = read(text).unwrap();
        let kinds: Vec<_> = doc
            .iter()
            .map(|e| match e.item {
                Item::Other(what) => what,
                Item::Table(_) => "a table",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "an integer",
                "a string",
                "a datetime",
                "an array",
                "a boolean",
                "a float",
                "an array"
            ]
        );
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("é = 1", 3), (1, 3));
        assert_eq!(line_col("a\nbc", 3), (2, 2));
        assert_eq!(line_col("a", 99), (1, 2));
    }
}
