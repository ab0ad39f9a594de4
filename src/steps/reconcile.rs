//! Before any step: an answer that changed what the state was built from (a site,
//! the connector's method, a key input) sends the steps built on it back to
//! pending, and the facts of the old value are forgotten.

use url::Url;

use super::keys::DEPENDENT_STEPS;
use crate::context::inputs;
use crate::context::Ctx;
use crate::domain::KeySource;
use crate::error::Result;
use crate::keys;
use crate::state::{State, StepStatus};
use crate::ui;

/// One input that changed, and the steps that must run again because of it.
struct Change {
    what: String,
    steps: Vec<u8>,
}

pub fn reconcile_with_answers(ctx: &mut Ctx) -> Result<()> {
    let mut changes = Vec::new();
    connector_method(ctx, &mut changes);
    key_inputs(ctx, &mut changes);
    let mut state = ctx.state().clone();
    jira_site(&mut state, ctx.given_url(&inputs::JIRA_URL), &mut changes);
    align_site(&mut state, ctx.given_url(&inputs::ALIGN_URL), &mut changes);
    if changes.is_empty() {
        return Ok(());
    }
    for change in &changes {
        for &step in &change.steps {
            let why = format!("{} changed", change.what);
            state.record(step, StepStatus::Pending, Some(why));
        }
    }
    // A token belongs to the consumer, key and sites it was made with.
    state.token = None;
    ctx.update_state(|saved| *saved = state)
}

fn connector_method(ctx: &Ctx, changes: &mut Vec<Change>) {
    let saved = ctx.state().align.as_ref().and_then(|a| a.connector_auth);
    if let (Some(given), Some(saved)) = (ctx.given_connector_auth(), saved) {
        if given != saved {
            ui::warn(&format!(
                "the connector's method changes from {} to {}. In Jira Align, as Atlassian's guide says: Deactivate the connector, change its authentication (step 4), Save, then Activate it again (step 23).",
                saved.as_str(),
                given.as_str()
            ));
            changes.push(key_change(4, "the connector's authentication method"));
        }
    }
}

fn key_inputs(ctx: &Ctx, changes: &mut Vec<Change>) {
    let Some(saved) = ctx.state().consumer.as_ref() else {
        return;
    };
    if let Some(key) = &ctx.given(&inputs::CONSUMER_KEY) {
        if !saved.key.is_empty() && *key != saved.key {
            changes.push(key_change(4, "the consumer key"));
        }
    }
    if let Some(source) = ctx.given_key_source() {
        if saved.key_source.is_some_and(|saved| saved != source) {
            changes.push(key_change(5, "who makes the key pair (keys.source)"));
        }
    }
    if let Some((text, _)) = ctx.given_public_key() {
        let given = keys::parse_public_key(text)
            .map(|key| keys::fingerprint(&key))
            .ok();
        if given.is_some() && saved.fingerprint.is_some() && given != saved.fingerprint {
            changes.push(key_change(5, "Jira Align's public key"));
        }
    }
}

/// A changed key input: its own step, step 5 and everything signed with the key.
fn key_change(first: u8, what: &str) -> Change {
    ui::warn(&format!(
        "the answers file changes {what}: step {first} and the steps built on it run again"
    ));
    let mut steps: Vec<u8> = [first, 5].into_iter().chain(DEPENDENT_STEPS).collect();
    steps.dedup();
    Change {
        what: what.to_string(),
        steps,
    }
}

/// Another Jira: the link, its consumer and the token were made on the old one.
/// Step 4 shows the Jira URL for the connector form, step 7 checks the new Jira.
fn jira_site(state: &mut State, given: Option<Url>, changes: &mut Vec<Change>) {
    let (Some(given), Some(saved)) = (&given, &state.jira) else {
        return;
    };
    if same_site(&saved.url, given) {
        return;
    }
    let steps: Vec<u8> = std::iter::once(4).chain(7..=24).collect();
    ui::warn(&format!(
        "jira.url changes from {} to {given}: the application link, its consumer and the \
         OAuth token were made on the old Jira, so steps {} run again against the new one. \
         The old Jira keeps its link as it is.",
        saved.url,
        step_list(&steps)
    ));
    state.jira = None;
    state.link = None;
    if let Some(consumer) = state.consumer.as_mut() {
        consumer.installed_at = None;
    }
    changes.push(Change {
        what: "jira.url".into(),
        steps,
    });
}

/// Another Jira Align site: a new connector and a new link; Jira Align's public
/// key must be taken again (a key pair of align-link's is kept).
fn align_site(state: &mut State, given: Option<Url>, changes: &mut Vec<Change>) {
    let (Some(given), Some(align)) = (given, state.align.as_mut()) else {
        return;
    };
    if same_site(&align.url, &given) {
        return;
    }
    let steps: Vec<u8> = (1..=24).collect();
    ui::warn(&format!(
        "align.url changes from {} to {given}: the connector, Jira's link to it and the \
         OAuth token belong to the old site, so steps {} run again for the new one. Jira's \
         link to the old site stays as it is (Jira link names are unique: give the new one \
         another align.application_name, or delete the old link in Jira first).",
        align.url,
        step_list(&steps)
    ));
    // Recorded now, so that a run that stops early does not reset again.
    align.url = given.to_string();
    align.connector_id = None;
    state.link = None;
    if let Some(installed) = state.installed.as_mut() {
        installed.link_name = None;
    }
    if let Some(consumer) = state.consumer.as_mut() {
        consumer.installed_at = None;
        if consumer.key_source == Some(KeySource::Align) {
            consumer.public_key_pem = None;
            consumer.fingerprint = None;
            consumer.bits = None;
        }
    }
    changes.push(Change {
        what: "align.url".into(),
        steps,
    });
}

/// Same scheme, host, port and path (a trailing slash aside).
pub(crate) fn same_site(saved: &str, given: &Url) -> bool {
    let Ok(saved) = Url::parse(saved.trim()) else {
        return false;
    };
    let parts = |url: &Url| {
        (
            url.scheme().to_string(),
            url.host_str().map(str::to_ascii_lowercase),
            url.port_or_known_default(),
            url.path().trim_end_matches('/').to_string(),
        )
    };
    parts(&saved) == parts(given)
}

/// `[4, 7, 8, 9]` as "4 and 7-9".
fn step_list(steps: &[u8]) -> String {
    let words: Vec<String> = steps
        .chunk_by(|step, next| step + 1 == *next)
        .map(|run| match run {
            [first, .., last] => format!("{first}-{last}"),
            [only] => only.to_string(),
            [] => String::new(),
        })
        .collect();
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => words.join(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_compare_without_a_trailing_slash_or_default_port() {
        let url = |text: &str| Url::parse(text).unwrap();
        assert!(same_site(
            "https://jira.example.com",
            &url("https://jira.example.com/")
        ));
        assert!(same_site(
            "https://jira.example.com:443/jira/",
            &url("https://JIRA.example.com/jira")
        ));
        assert!(!same_site(
            "https://jira.example.com",
            &url("https://jira2.example.com")
        ));
        assert!(!same_site(
            "http://jira.example.com",
            &url("https://jira.example.com")
        ));
        assert!(!same_site(
            "https://jira.example.com/a",
            &url("https://jira.example.com/b")
        ));
        assert!(!same_site("not a url", &url("https://jira.example.com")));
    }

    #[test]
    fn step_lists_read_as_ranges() {
        assert_eq!(step_list(&[4, 7, 8, 9, 10]), "4 and 7-10");
        assert_eq!(step_list(&[1, 2, 3]), "1-3");
        assert_eq!(step_list(&[5]), "5");
        assert_eq!(step_list(&[1, 3, 5, 6]), "1, 3 and 5-6");
    }
}
