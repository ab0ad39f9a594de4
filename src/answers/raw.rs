//! Reads an answers file into entries that keep their byte spans.
//!
//! The answers are validated by hand rather than by `#[derive(Deserialize)]` on the
//! final structs: toml's own errors carry a span but not the dotted key (so
//! `keys.bits: expected an integer` could not be said), and an unknown key's table
//! is not named either. Here every top-level table and every value keeps its span,
//! and `super::build` checks them one by one with full context.

use std::fmt;
use std::ops::Range;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

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
pub(super) fn read(text: &str) -> Result<Vec<TopEntry>, toml::de::Error> {
    let doc: Doc = toml::from_str(text)?;
    Ok(doc.0)
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

struct Doc(Vec<TopEntry>);

impl<'de> Deserialize<'de> for Doc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DocVisitor;
        impl<'de> Visitor<'de> for DocVisitor {
            type Value = Doc;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a TOML document")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let item: Item = map.next_value()?;
                    entries.push(TopEntry {
                        key_span: key.span(),
                        key: key.into_inner(),
                        item,
                    });
                }
                Ok(Doc(entries))
            }
        }
        deserializer.deserialize_map(DocVisitor)
    }
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ItemVisitor)
    }
}

struct ItemVisitor;

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = Item;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a table")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
        let mut entries = Vec::new();
        loop {
            // Keys of a parsed table always carry a span. The one map whose key
            // cannot be spanned is toml's encoding of a datetime, so a failure here
            // means the value was a datetime, not a table.
            let key = match map.next_key::<Spanned<String>>() {
                Ok(Some(key)) => key,
                Ok(None) => break,
                Err(_) => return Ok(Item::Other("a datetime")),
            };
            // A sub-table made only by dotted keys (`bits.x = 1`) has no span of
            // its own, so it cannot be read as `Spanned`. No answer takes a
            // sub-table anyway: record an empty table at the key's position and let
            // the checks report "found a table" there.
            let (value, value_span) = match map.next_value::<Spanned<toml::Value>>() {
                Ok(value) => {
                    let span = value.span();
                    (value.into_inner(), span)
                }
                Err(_) => (toml::Value::Table(toml::Table::new()), key.span()),
            };
            entries.push(Entry {
                key_span: key.span(),
                key: key.into_inner(),
                value,
                value_span,
            });
        }
        Ok(Item::Table(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Item, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Item::Other("an array"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Item, E> {
        Ok(Item::Other("a string"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Item, E> {
        Ok(Item::Other("an integer"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Item, E> {
        Ok(Item::Other("an integer"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Item, E> {
        Ok(Item::Other("a float"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Item, E> {
        Ok(Item::Other("a boolean"))
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
