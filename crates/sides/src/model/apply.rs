//! Runs one change against Jira; the caller reads back and records what it touched.

use super::diff::{Action, Change};
use crate::error::{AppError, Result};
use crate::jira::admin::JiraAdmin;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    LinkCreated {
        link_id: String,
    },
    LinkRenamed {
        link_id: String,
    },
    ConsumerSet {
        link_id: String,
        key: String,
        fingerprint: Option<String>,
    },
    ConsumerDeleted {
        link_id: String,
    },
    LinkDeleted {
        link_id: String,
    },
}

/// `created_link`: the link an earlier change of the same diff created.
pub fn apply(admin: &JiraAdmin, change: &Change, created_link: Option<&str>) -> Result<Applied> {
    match &change.action {
        Action::CreateLink { name, url } => Ok(Applied::LinkCreated {
            link_id: admin.create_link(name, url)?,
        }),
        Action::RenameLink { link, name } => {
            admin.rename_link(link, name)?;
            Ok(Applied::LinkRenamed {
                link_id: link.id.clone(),
            })
        }
        Action::SetConsumer {
            link_id,
            consumer,
            name,
        } => {
            let link_id = link_id.as_deref().or(created_link);
            let link_id = given(link_id, "the application link", 9)?;
            let key = given(consumer.key.as_deref(), "the consumer key", 4)?;
            let pem = given(consumer.public_key_pem.as_deref(), "the public key", 5)?;
            admin.set_consumer(link_id, key, name, pem)?;
            Ok(Applied::ConsumerSet {
                link_id: link_id.to_string(),
                key: key.to_string(),
                fingerprint: consumer.fingerprint.clone(),
            })
        }
        Action::RestoreConsumer { link_id, previous } => {
            // Jira needs the key and a public key; sent back as it gave them.
            let restorable = ["key", "publicKey"]
                .iter()
                .all(|field| previous.as_read.get(*field).is_some_and(|v| v.is_string()));
            if !restorable {
                return Err(AppError::failed(format!(
                    "Jira gave the consumer {} without {}, so it cannot be put back as it was",
                    previous.key,
                    if previous.as_read.contains_key("key") {
                        "a public key"
                    } else {
                        "its fields"
                    }
                )));
            }
            admin.put_consumer_as_read(link_id, &previous.as_read)?;
            Ok(Applied::ConsumerSet {
                link_id: link_id.clone(),
                key: previous.key.clone(),
                fingerprint: previous.fingerprint.clone(),
            })
        }
        Action::DeleteConsumer { link_id } => {
            admin.delete_consumer(link_id)?;
            Ok(Applied::ConsumerDeleted {
                link_id: link_id.clone(),
            })
        }
        Action::DeleteLink { link_id } => {
            admin.delete_link(link_id)?;
            Ok(Applied::LinkDeleted {
                link_id: link_id.clone(),
            })
        }
    }
}

/// `value`, or the error naming the step that provides it.
fn given<'a>(value: Option<&'a str>, what: &str, step: u8) -> Result<&'a str> {
    value.ok_or_else(|| {
        AppError::failed(format!("{what} is not there yet: step {step} provides it")).hint(format!(
            "Run `{}` first, or `{}` to run every step in order.",
            crate::util::suggest::command(&format!("step {step}")),
            crate::util::suggest::command("setup")
        ))
    })
}
