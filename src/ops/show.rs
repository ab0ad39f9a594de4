//! `show`: the values for Jira Align's connector form and the key facts, without
//! running or resetting any step (rerunning step 4 would).

use serde_json::{json, Value};

use super::{json_rows as rows, load_state, print_json, state_dir};
use crate::answers::Answers;
use crate::config::RunConfig;
use crate::context::inputs::{self, Input};
use crate::context::DEFAULT_CONNECTOR_NAME;
use crate::domain::ConnectorAuth;
use crate::error::Result;
use crate::outln;
use crate::state::State;
use crate::ui;
use crate::util::suggest::command;

pub fn show(config: RunConfig, as_json: bool) -> Result<i32> {
    super::profiles::check_known(&config)?;
    let dir = state_dir(&config)?;
    let state = load_state(&dir)?;
    let answers = super::load_answers(&config, true)?;
    let mut report = report(&state, &answers);
    let (secrets, secret_rows) =
        super::secret_places(&dir, config.secret_store.or(answers.secrets.store))?;
    if as_json {
        report["profile"] = json!(config.profile);
        report["state_dir"] = json!(dir);
        report["secrets"] = secrets;
        print_json(report);
        return Ok(0);
    }
    outln!("Profile {} (state in {})", config.profile, dir.display());
    outln!();
    outln!("Jira Align's Jira connector form (step 4):");
    ui::fields(&rows(
        &report["connector"],
        &[
            ("Connector name", "name"),
            ("Jira Link", "jira_link"),
            ("Jira API URL", "jira_api_url"),
            ("Authentication", "auth_label"),
            ("Consumer key", "consumer_key"),
            ("Username", "username"),
            ("Connector ID", "connector_id"),
        ],
    ));
    outln!();
    outln!("Keys and token:");
    let mut facts = rows(
        &report["keys"],
        &[
            ("Key pair from", "source"),
            ("Public key", "fingerprint"),
            ("Key size (bits)", "bits"),
        ],
    );
    facts.extend(rows(
        &report["token"],
        &[
            ("Token acts as", "account"),
            ("Token obtained", "obtained_at"),
            ("Token expires", "expires_at"),
        ],
    ));
    facts.extend(secret_rows);
    ui::fields(&facts);
    if report["connector"]["jira_api_url"].is_null() {
        outln!();
        let (setup, step) = (command("setup"), command("step 4"));
        ui::info(&format!(
            "Nothing recorded yet: `{setup}` (or `{step}`) fills these in."
        ));
    }
    Ok(0)
}

/// The answers file first, then the saved state, as step 4 would decide. Fields
/// that do not apply are absent; fields not known yet are null.
pub fn report(state: &State, answers: &Answers) -> Value {
    let known = |input: &Input| (input.given)(answers).or_else(|| (input.saved)(state));
    let saved = state.align.as_ref();
    let jira_url = known(&inputs::JIRA_URL).map(|u| u.trim_end_matches('/').to_string());
    let auth = known(&inputs::CONNECTOR_AUTH).and_then(|word| ConnectorAuth::parse(&word));
    let auth = auth.unwrap_or(ConnectorAuth::OAuth);
    let name = known(&inputs::CONNECTOR_NAME).unwrap_or_else(|| DEFAULT_CONNECTOR_NAME.to_string());
    let connector_id = answers.connector.id.or(saved.and_then(|a| a.connector_id));
    let mut connector = json!({
        "name": name,
        "jira_link": jira_url.as_ref().map(|u| format!("{u}/browse/")),
        "jira_api_url": jira_url,
        "auth": auth.as_str(),
        "auth_label": auth.label(),
        "connector_id": connector_id,
    });
    let consumer = state.consumer.as_ref();
    if auth == ConnectorAuth::OAuth {
        connector["consumer_key"] = json!(known(&inputs::CONSUMER_KEY));
    } else {
        connector["username"] = json!(answers.service_account.username);
    }
    let token = state.token.as_ref();
    json!({
        "connector": connector,
        "align_url": saved.map(|a| a.url.clone())
            .or_else(|| answers.align.url.as_ref().map(|u| u.to_string())),
        "keys": {
            "source": consumer.and_then(|c| c.key_source).map(|s| s.as_str()),
            "fingerprint": consumer.and_then(|c| c.fingerprint.clone()),
            "bits": consumer.and_then(|c| c.bits),
        },
        "token": {
            "account": token.and_then(|t| t.account.clone()),
            "obtained_at": token.map(|t| t.obtained_at.clone()),
            "expires_at": token.and_then(|t| t.expires_at.clone()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{AlignFacts, ConsumerFacts, JiraFacts};
    use std::path::Path;

    fn saved() -> State {
        State {
            jira: Some(JiraFacts {
                url: "https://jira.example.com/".into(),
                base_url: None,
                version: None,
                title: None,
                admin_user: None,
                clock_skew_secs: None,
                checked_at: "2026-01-01T00:00:00Z".into(),
            }),
            align: Some(AlignFacts {
                url: "https://acme.jiraalign.com/".into(),
                connector_name: "Jira DC".into(),
                connector_auth: Some(ConnectorAuth::OAuth),
                connector_id: Some(7),
            }),
            consumer: Some(ConsumerFacts::new("Key123")),
            ..State::default()
        }
    }

    #[test]
    fn the_form_from_the_saved_state() {
        let report = report(&saved(), &Answers::default());
        let form = &report["connector"];
        assert_eq!(form["name"], "Jira DC");
        assert_eq!(form["jira_link"], "https://jira.example.com/browse/");
        assert_eq!(form["jira_api_url"], "https://jira.example.com");
        assert_eq!(form["consumer_key"], "Key123");
        assert_eq!(form["connector_id"], 7);
        assert_eq!(form["auth"], "oauth");
        assert!(report["keys"]["source"].is_null(), "step 5 has not decided");
    }

    #[test]
    fn the_answers_file_comes_first() {
        let answers = Answers::parse(
            "[align]\nconnector_name = \"Other\"\n[connector]\nauth = \"pat\"\n[service_account]\nusername = \"svc\"\n",
            Path::new("a.toml"),
            &|_| None,
        )
        .unwrap();
        let report = report(&saved(), &answers);
        assert_eq!(report["connector"]["name"], "Other");
        assert_eq!(report["connector"]["username"], "svc");
        assert!(report["connector"].get("consumer_key").is_none());
    }
}
