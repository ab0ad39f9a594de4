//! A change as `plan`, the consent question and `plan --json` (README) show it.

use serde_json::{json, Value};

use super::diff::Change;

/// A marker (`+` adds, `~` replaces, `-` removes), the description, the values.
pub fn text(change: &Change) -> String {
    let marker = match (change.old.is_some(), change.new.is_some()) {
        (false, _) => '+',
        (true, true) => '~',
        (true, false) => '-',
    };
    let mut lines = vec![format!("  {marker} {}", change.description)];
    for (label, old, new) in fields(change) {
        let line = match (old, new) {
            (Some(old), Some(new)) if old != new => format!("{label}: {old} -> {new}"),
            (Some(old), Some(_)) => format!("{label}: {old} (kept)"),
            (Some(old), None) => format!("{label}: {old} -> (removed)"),
            (None, Some(new)) => format!("{label}: {new}"),
            (None, None) => continue,
        };
        lines.push(format!("      {line}"));
    }
    if change.destructive {
        lines.push(if change.ours {
            "      destructive: this profile put it there".to_string()
        } else {
            "      DESTRUCTIVE, needs consent: this profile did not put it there".to_string()
        });
    }
    lines.join("\n")
}

/// A consumer's key and public key not made yet show the step that makes them.
fn fields(change: &Change) -> [(&'static str, Option<String>, Option<String>); 4] {
    let old = change.old.clone().unwrap_or_default();
    let new = change.new.clone().unwrap_or_default();
    let sets_consumer = matches!(change.action, super::diff::Action::SetConsumer { .. });
    let or_later =
        |value: Option<String>, later: &str| value.or_else(|| sets_consumer.then(|| later.into()));
    [
        ("link name", old.name, new.name),
        ("link URL", old.url, new.url),
        (
            "consumer key",
            old.consumer_key,
            or_later(new.consumer_key, "(chosen at step 4)"),
        ),
        (
            "public key",
            old.fingerprint,
            or_later(new.fingerprint, "(made at step 5)"),
        ),
    ]
}

pub fn json(change: &Change) -> Value {
    json!({
        "kind": change.kind.as_str(),
        "description": change.description,
        "old": change.old,
        "new": change.new,
        "destructive": change.destructive,
        "ours": change.ours,
        "needs_consent": change.needs_consent(),
    })
}
