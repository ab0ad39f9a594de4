//! The ordered changes from what Jira holds to what the profile wants. Pure, so
//! `plan`, setup and the consent check see the same list.

use url::Url;

use super::desired::{Desired, WantedConsumer, WantedLink};
use super::observe::{ObservedConsumer, ObservedLink};
use crate::jira::admin::AppLink;
use crate::state::InstalledFacts;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    CreateLink,
    RenameLink,
    SetConsumer,
    ReplaceConsumer,
    DeleteConsumer,
    DeleteLink,
}

impl ChangeKind {
    /// For `plan --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::CreateLink => "create-link",
            ChangeKind::RenameLink => "rename-link",
            ChangeKind::SetConsumer => "set-consumer",
            ChangeKind::ReplaceConsumer => "replace-consumer",
            ChangeKind::DeleteConsumer => "delete-consumer",
            ChangeKind::DeleteLink => "delete-link",
        }
    }
}

/// None: not part of this change, or (new side) made by a later step.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Values {
    pub name: Option<String>,
    pub url: Option<String>,
    pub consumer_key: Option<String>,
    pub fingerprint: Option<String>,
}

impl Values {
    fn link(name: &str, url: Option<&str>) -> Values {
        Values {
            name: Some(name.to_string()),
            url: url.map(str::to_string),
            ..Values::default()
        }
    }

    fn consumer(key: Option<&str>, fingerprint: Option<&str>) -> Values {
        Values {
            consumer_key: key.map(str::to_string),
            fingerprint: fingerprint.map(str::to_string),
            ..Values::default()
        }
    }
}

#[derive(Debug, Clone)]
pub enum Action {
    CreateLink {
        name: String,
        url: Url,
    },
    RenameLink {
        link: AppLink,
        name: String,
    },
    /// On the link `link_id` (None: the link created by an earlier change).
    SetConsumer {
        link_id: Option<String>,
        consumer: WantedConsumer,
        name: String,
    },
    RestoreConsumer {
        link_id: String,
        previous: ObservedConsumer,
    },
    DeleteConsumer {
        link_id: String,
    },
    DeleteLink {
        link_id: String,
    },
}

#[derive(Debug, Clone)]
pub struct Change {
    pub kind: ChangeKind,
    pub action: Action,
    pub description: String,
    pub old: Option<Values>,
    pub new: Option<Values>,
    pub destructive: bool,
    /// This profile put the replaced or removed thing there.
    pub ours: bool,
}

impl Change {
    pub fn needs_consent(&self) -> bool {
        self.destructive && !self.ours
    }
}

/// In the order they must run.
pub fn diff(
    observed: Option<&ObservedLink>,
    desired: &Desired,
    owned: &InstalledFacts,
) -> Vec<Change> {
    match desired {
        Desired::Present(wanted) => present(observed, wanted, owned),
        Desired::Absent => absent(observed, owned),
    }
}

fn present(
    observed: Option<&ObservedLink>,
    wanted: &WantedLink,
    owned: &InstalledFacts,
) -> Vec<Change> {
    let url = wanted.align_url.as_str().trim_end_matches('/').to_string();
    let mut changes = Vec::new();
    let Some(link) = observed else {
        changes.push(Change {
            kind: ChangeKind::CreateLink,
            action: Action::CreateLink {
                name: wanted.name.clone(),
                url: wanted.align_url.clone(),
            },
            description: format!("create the application link \"{}\" to {url}", wanted.name),
            old: None,
            new: Some(Values::link(&wanted.name, Some(&url))),
            destructive: false,
            ours: true,
        });
        if let Some(consumer) = &wanted.consumer {
            changes.push(set_consumer(None, None, consumer, &wanted.name, owned));
        }
        return changes;
    };
    if link.link.name != wanted.name {
        changes.push(Change {
            kind: ChangeKind::RenameLink,
            action: Action::RenameLink {
                link: link.link.clone(),
                name: wanted.name.clone(),
            },
            description: format!(
                "rename the application link to {url} from \"{}\" to \"{}\"",
                link.link.name, wanted.name
            ),
            old: Some(Values::link(&link.link.name, None)),
            new: Some(Values::link(&wanted.name, None)),
            destructive: true,
            ours: owned.owns_link(link.id()),
        });
    }
    if let Some(consumer) = &wanted.consumer {
        let held = link.consumer.as_ref();
        if !held.is_some_and(|held| holds(held, consumer)) {
            let change = set_consumer(Some(link.id()), held, consumer, &wanted.name, owned);
            changes.push(change);
        }
    }
    changes
}

fn holds(held: &ObservedConsumer, wanted: &WantedConsumer) -> bool {
    wanted.key.as_deref() == Some(held.key.as_str())
        && wanted.fingerprint.is_some()
        && held.fingerprint == wanted.fingerprint
}

fn set_consumer(
    link_id: Option<&str>,
    held: Option<&ObservedConsumer>,
    wanted: &WantedConsumer,
    name: &str,
    owned: &InstalledFacts,
) -> Change {
    let new = Values::consumer(wanted.key.as_deref(), wanted.fingerprint.as_deref());
    let shown_key = wanted.key.as_deref().unwrap_or("(chosen at step 4)");
    let shown_fingerprint = wanted.fingerprint.as_deref().unwrap_or("(made at step 5)");
    let action = Action::SetConsumer {
        link_id: link_id.map(str::to_string),
        consumer: wanted.clone(),
        name: name.to_string(),
    };
    let Some(held) = held else {
        return Change {
            kind: ChangeKind::SetConsumer,
            action,
            description: format!(
                "set the link's incoming consumer: key {shown_key}, public key {shown_fingerprint}"
            ),
            old: None,
            new: Some(new),
            destructive: false,
            ours: true,
        };
    };
    let held_fingerprint = held.fingerprint.as_ref().or(held.key_problem.as_ref());
    let mut differences = Vec::new();
    if wanted.key.as_deref() != Some(held.key.as_str()) {
        differences.push(format!("key {} -> {shown_key}", held.key));
    }
    if held.fingerprint != wanted.fingerprint || wanted.fingerprint.is_none() {
        let was = held_fingerprint.map_or("", String::as_str);
        differences.push(format!("public key {was} -> {shown_fingerprint}"));
    }
    Change {
        kind: ChangeKind::ReplaceConsumer,
        action,
        description: format!(
            "replace the link's incoming consumer: {}",
            differences.join(", ")
        ),
        old: Some(Values::consumer(
            Some(&held.key),
            held.fingerprint.as_deref(),
        )),
        new: Some(new),
        destructive: true,
        ours: owned.owns_consumer(&held.key, held.fingerprint.as_deref()),
    }
}

/// The preflight's way back: `previous` as Jira gave it, or no consumer.
pub fn restore_consumer(link_id: &str, previous: Option<&ObservedConsumer>) -> Change {
    let (kind, action, description) = match previous {
        Some(held) => (
            ChangeKind::SetConsumer,
            Action::RestoreConsumer {
                link_id: link_id.to_string(),
                previous: held.clone(),
            },
            format!("put the link's consumer {} back as it was", held.key),
        ),
        None => (
            ChangeKind::DeleteConsumer,
            Action::DeleteConsumer {
                link_id: link_id.to_string(),
            },
            "remove the temporary consumer from the link".to_string(),
        ),
    };
    Change {
        kind,
        action,
        description,
        old: None,
        new: None,
        destructive: false,
        ours: true,
    }
}

/// Jira then drops every token it issued to that consumer.
pub fn delete_consumer(link: &ObservedLink, owned: &InstalledFacts) -> Option<Change> {
    let held = link.consumer.as_ref()?;
    let fingerprint = held.fingerprint.as_deref();
    Some(Change {
        kind: ChangeKind::DeleteConsumer,
        action: Action::DeleteConsumer {
            link_id: link.id().to_string(),
        },
        description: format!(
            "remove the link's incoming consumer {} ({})",
            held.key,
            fingerprint.unwrap_or("no readable public key")
        ),
        old: Some(Values::consumer(Some(&held.key), fingerprint)),
        new: None,
        destructive: true,
        ours: owned.owns_consumer(&held.key, fingerprint),
    })
}

fn absent(observed: Option<&ObservedLink>, owned: &InstalledFacts) -> Vec<Change> {
    let Some(link) = observed else {
        return Vec::new();
    };
    let mut changes: Vec<Change> = delete_consumer(link, owned).into_iter().collect();
    changes.push(Change {
        kind: ChangeKind::DeleteLink,
        action: Action::DeleteLink {
            link_id: link.id().to_string(),
        },
        description: format!(
            "delete the application link \"{}\" to {}",
            link.link.name, link.link.rpc_url
        ),
        old: Some(Values::link(&link.link.name, Some(&link.link.rpc_url))),
        new: None,
        destructive: true,
        ours: owned.owns_link(link.id()),
    });
    changes
}

#[cfg(test)]
#[path = "diff_tests.rs"]
mod tests;
