//! Every value a step may ask for, declared once: its answers-file key, question,
//! check, where the answers and the state hold it, and its default. `Ctx::value`
//! takes the answers, this run's value, the state, then asks.

use crate::answers::{self, Answers};
use crate::domain::{ConnectorAuth, KeySource, Secret};
use crate::state::State;

/// One input. The functions are plain `fn`s so the table is a `static`.
pub struct Input {
    /// The answers-file key, also the question's key for scripted prompters.
    pub key: &'static str,
    pub prompt: &'static str,
    /// Asked without echo; never shown.
    pub secret: bool,
    /// Checks a typed value and gives the form kept; `Err` says what to fix.
    pub check: fn(&str) -> Result<String, String>,
    /// The answers file's value (already checked when the file was read).
    pub given: fn(&Answers) -> Option<String>,
    /// What an earlier run saved; used without asking.
    pub saved: fn(&State) -> Option<String>,
    /// Offered at the question (Enter accepts it).
    pub default: fn(&State) -> Option<String>,
}

/// The application link's name in Jira when `align.application_name` is absent.
pub const DEFAULT_APPLICATION_NAME: &str = "Jira Align";
/// The connector's name in Jira Align when `align.connector_name` is absent.
pub const DEFAULT_CONNECTOR_NAME: &str = "Jira Data Center";

/// What an input has unless its row says otherwise.
const PLAIN: Input = Input {
    key: "",
    prompt: "",
    secret: false,
    check: |value| Ok(value.to_string()),
    given: |_| None,
    saved: |_| None,
    default: |_| None,
};

/// A secret typed without echo, which cannot be empty.
const SECRET: Input = Input {
    secret: true,
    check: not_empty,
    ..PLAIN
};

/// A secret's text, for the table's plain values.
fn exposed(secret: &Option<Secret>) -> Option<String> {
    secret.as_ref().map(|s| s.expose().to_string())
}

fn not_empty(value: &str) -> Result<String, String> {
    if value.is_empty() {
        Err("cannot be empty".to_string())
    } else {
        Ok(value.to_string())
    }
}

fn name(value: &str) -> Result<String, String> {
    answers::check("align.connector_name", value.trim())
}

fn base_url(value: &str) -> Result<String, String> {
    answers::check("jira.url", value.trim())
}

fn project_key(value: &str) -> Result<String, String> {
    answers::check("jira.test_project", &value.trim().to_ascii_uppercase())
}

pub static JIRA_URL: Input = Input {
    key: "jira.url",
    prompt: "Jira base URL (for example https://jira.example.com)",
    check: base_url,
    given: |a| a.jira.url.as_ref().map(|u| u.to_string()),
    saved: |s| s.jira.as_ref().map(|j| j.url.clone()),
    ..PLAIN
};

pub static ALIGN_URL: Input = Input {
    key: "align.url",
    prompt: "Jira Align URL (for example https://example.jiraalign.com)",
    check: base_url,
    given: |a| a.align.url.as_ref().map(|u| u.to_string()),
    saved: |s| s.align.as_ref().map(|a| a.url.clone()),
    ..PLAIN
};

pub static APPLICATION_NAME: Input = Input {
    key: "align.application_name",
    prompt: "Application link name in Jira",
    check: name,
    given: |a| a.align.application_name.clone(),
    saved: |s| s.installed.as_ref().and_then(|i| i.link_name.clone()),
    default: |_| Some(DEFAULT_APPLICATION_NAME.to_string()),
    ..PLAIN
};

pub static CONNECTOR_NAME: Input = Input {
    key: "align.connector_name",
    prompt: "Name for the connector in Jira Align",
    check: name,
    given: |a| a.align.connector_name.clone(),
    saved: |s| s.align.as_ref().map(|a| a.connector_name.clone()),
    default: |_| Some(DEFAULT_CONNECTOR_NAME.to_string()),
    ..PLAIN
};

pub static TEST_PROJECT: Input = Input {
    key: "jira.test_project",
    prompt: "Key of a Jira project to test the link with (for example ALIGN)",
    check: project_key,
    given: |a| a.jira.test_project.clone(),
    ..PLAIN
};

pub static ADMIN_TOKEN: Input = Input {
    key: "jira.admin_token",
    prompt: "Jira personal access token",
    given: |a| exposed(&a.jira.admin_token),
    ..SECRET
};

pub static ADMIN_USERNAME: Input = Input {
    key: "jira.admin_username",
    prompt: "Jira administrator username",
    given: |a| a.jira.admin_username.clone(),
    ..PLAIN
};

/// Asked as "Jira password for USER".
pub static ADMIN_PASSWORD: Input = Input {
    key: "jira.admin_password",
    prompt: "Jira password",
    given: |a| exposed(&a.jira.admin_password),
    ..SECRET
};

pub static SERVICE_USERNAME: Input = Input {
    key: "service_account.username",
    prompt: "Jira service account username",
    given: |a| a.service_account.username.clone(),
    ..PLAIN
};

/// Asked as "Jira password for USER".
pub static SERVICE_PASSWORD: Input = Input {
    key: "service_account.password",
    prompt: "Jira password",
    given: |a| exposed(&a.service_account.password),
    ..SECRET
};

pub static SERVICE_TOKEN: Input = Input {
    key: "service_account.token",
    prompt: "The service account's personal access token",
    given: |a| exposed(&a.service_account.token),
    ..SECRET
};

/// Optional: an empty answer skips the Jira Align API checks.
pub static ALIGN_API_TOKEN: Input = Input {
    key: "align.api_token",
    prompt: "Jira Align API 2.0 token, from your Jira Align profile (Enter to skip the checks)",
    secret: true,
    check: |value| Ok(value.trim().to_string()),
    given: |a| exposed(&a.align.api_token),
    default: |_| Some(String::new()),
    ..PLAIN
};

/// A choice from a list; kept in the run's resolved values by its answers-file word.
pub static CONNECTOR_AUTH: Input = Input {
    key: "connector.auth",
    prompt: "How should the connector sign in to Jira?",
    check: |value| choice(value, &ConnectorAuth::ALL.map(ConnectorAuth::as_str)),
    given: |a| a.connector.auth.map(|a| a.as_str().to_string()),
    saved: |s| {
        s.align
            .as_ref()
            .and_then(|a| a.connector_auth)
            .map(|a| a.as_str().to_string())
    },
    default: |_| Some(ConnectorAuth::OAuth.as_str().to_string()),
    ..PLAIN
};

pub static KEY_SOURCE: Input = Input {
    key: "keys.source",
    prompt: "Who makes the RSA key pair?",
    check: |value| choice(value, &KeySource::ALL.map(KeySource::as_str)),
    given: |a| a.keys.source.map(|s| s.as_str().to_string()),
    saved: |s| {
        s.consumer
            .as_ref()
            .and_then(|c| c.key_source)
            .map(|s| s.as_str().to_string())
    },
    default: |_| Some(KeySource::Generate.as_str().to_string()),
    ..PLAIN
};

/// Never asked: step 4 makes one when neither the file nor the state has one
/// (`Ctx::wanted_consumer_key`).
pub static CONSUMER_KEY: Input = Input {
    key: "keys.consumer_key",
    prompt: "Consumer key (letters and digits)",
    check: |value| {
        let key = value.trim();
        crate::keys::check_consumer_key(key).map(|()| key.to_string())
    },
    given: |a| a.keys.consumer_key.clone(),
    saved: |s| s.consumer.as_ref().map(|c| c.key.clone()),
    ..PLAIN
};

/// Every input, for documentation and the tests.
pub static ALL: [&Input; 15] = [
    &JIRA_URL,
    &ALIGN_URL,
    &APPLICATION_NAME,
    &CONNECTOR_NAME,
    &TEST_PROJECT,
    &ADMIN_TOKEN,
    &ADMIN_USERNAME,
    &ADMIN_PASSWORD,
    &SERVICE_USERNAME,
    &SERVICE_PASSWORD,
    &SERVICE_TOKEN,
    &ALIGN_API_TOKEN,
    &CONNECTOR_AUTH,
    &KEY_SOURCE,
    &CONSUMER_KEY,
];

/// One of a choice's answers-file words.
fn choice(value: &str, words: &[&str]) -> Result<String, String> {
    let value = value.trim();
    if words.contains(&value) {
        Ok(value.to_string())
    } else {
        Err(format!("must be one of {}", words.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_name_answers_file_tables() {
        let mut keys: Vec<&str> = ALL.iter().map(|i| i.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), ALL.len());
        for key in keys {
            let (table, field) = key.split_once('.').expect(key);
            assert!(!table.is_empty() && !field.is_empty(), "{key}");
        }
    }

    #[test]
    fn the_prompt_rules_are_the_answers_file_rules() {
        assert_eq!(
            (JIRA_URL.check)(" https://jira.example.com/jira/ "),
            Ok("https://jira.example.com/jira".to_string())
        );
        assert!((JIRA_URL.check)("jira.example.com")
            .unwrap_err()
            .contains("https://jira.example.com"));
        assert!((JIRA_URL.check)("https://u:p@jira.example.com").is_err());
        assert_eq!((TEST_PROJECT.check)(" align "), Ok("ALIGN".to_string()));
        assert!((TEST_PROJECT.check)("A-1").is_err());
        assert!((APPLICATION_NAME.check)("  ").is_err());
        assert_eq!((CONNECTOR_AUTH.check)("pat"), Ok("pat".to_string()));
        assert!((CONNECTOR_AUTH.check)("kerberos").is_err());
    }

    #[test]
    fn defaults_and_saved_values_come_from_the_state() {
        let mut state = State::default();
        assert_eq!(
            (APPLICATION_NAME.default)(&state).as_deref(),
            Some(DEFAULT_APPLICATION_NAME)
        );
        assert_eq!((JIRA_URL.saved)(&state), None);
        state.jira = Some(crate::state::JiraFacts {
            url: "https://jira.example.com".to_string(),
            base_url: None,
            version: None,
            title: None,
            admin_user: None,
            clock_skew_secs: None,
            checked_at: String::new(),
        });
        assert_eq!(
            (JIRA_URL.saved)(&state).as_deref(),
            Some("https://jira.example.com")
        );
    }
}
