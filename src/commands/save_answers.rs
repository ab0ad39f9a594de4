//! After a setup scripted with `--answers FILE`, in a terminal: the offer to keep
//! those answers as the profile's config file (`$XDG_CONFIG_HOME/align-link/
//! PROFILE.toml`), which later commands read when `--answers` is absent. Secrets
//! go there only as `{ env = "NAME" }`: a literal secret in the answers file is
//! replaced by the name of a variable to export, never copied.

use std::io::Write;
use std::path::Path;

use crate::config::{profile_config_path, AnswersOrigin, RunConfig};
use crate::context::Ctx;
use crate::error::{AppError, Result};
use crate::platform;
use crate::ui;

/// The secret keys, with the variable a literal value is replaced by.
const SECRETS: [(&str, &str, &str); 5] = [
    ("jira", "admin_token", "JIRA_ADMIN_TOKEN"),
    ("jira", "admin_password", "JIRA_ADMIN_PASSWORD"),
    ("service_account", "password", "JIRA_SERVICE_PASSWORD"),
    ("service_account", "token", "JIRA_SERVICE_TOKEN"),
    ("align", "api_token", "ALIGN_API_TOKEN"),
];

/// Offers, once per scripted setup in a terminal, to save the answers file as
/// the profile's config; does nothing when one exists already.
pub fn offer(ctx: &mut Ctx) -> Result<()> {
    let config: &RunConfig = &ctx.config;
    if config.answers_origin != AnswersOrigin::Given || config.sandbox || !ctx.interactive() {
        return Ok(());
    }
    let (Some(source), Some(target)) =
        (config.answers.clone(), profile_config_path(&config.profile))
    else {
        return Ok(());
    };
    if target.exists() {
        return Ok(());
    }
    let question = format!(
        "Save these answers as profile `{}`'s config ({}), so later commands need no --answers? Secrets are saved only as {{ env = ... }}.",
        config.profile,
        target.display()
    );
    if !ctx.prompter().confirm(&question, false)? {
        return Ok(());
    }
    let (text, to_export) = config_text(&source)?;
    write_new(&target, &text)?;
    ui::ok(&format!("answers saved in {}", target.display()));
    for (key, name) in to_export {
        ui::info(&format!(
            "{key} was written in the answers file: the config reads it from ${name}; export it before the next run."
        ));
    }
    Ok(())
}

/// The config file's text: the answers file's values with literal secrets
/// replaced by `{ env = ... }` and `keys.public_key_file` made absolute. Returns
/// also the (key, variable) pairs the operator must now export.
pub fn config_text(source: &Path) -> Result<(String, Vec<(String, String)>)> {
    let shown = source.display();
    let text = std::fs::read_to_string(source)
        .map_err(|err| AppError::failed(format!("cannot read {shown}: {err}")))?;
    let mut table: toml::Table = text
        .parse()
        .map_err(|err| AppError::usage(format!("{shown}: {err}")))?;
    let mut to_export = Vec::new();
    for (section, key, variable) in SECRETS {
        let Some(value) = table
            .get_mut(section)
            .and_then(|t| t.as_table_mut())
            .and_then(|t| t.get_mut(key))
        else {
            continue;
        };
        if value.is_str() {
            let mut env = toml::Table::new();
            env.insert("env".into(), toml::Value::String(variable.into()));
            *value = toml::Value::Table(env);
            to_export.push((format!("{section}.{key}"), variable.to_string()));
        }
    }
    let base = source.parent().unwrap_or(Path::new("."));
    if let Some(file) = table
        .get_mut("keys")
        .and_then(|t| t.as_table_mut())
        .and_then(|t| t.get_mut("public_key_file"))
    {
        if let Some(relative) = file.as_str().filter(|p| Path::new(p).is_relative()) {
            let absolute = std::path::absolute(base.join(relative)).unwrap_or(base.join(relative));
            *file = toml::Value::String(absolute.display().to_string());
        }
    }
    let body = toml::to_string(&table)
        .map_err(|err| AppError::failed(format!("cannot write the config: {err}")))?;
    let header = format!(
        "# align-link profile config: the answers file read when --answers is absent.\n\
         # Saved from {shown}. Secrets only as {{ env = \"NAME\" }}.\n\n"
    );
    Ok((format!("{header}{body}"), to_export))
}

/// Creates `path` 0600 (its directory 0700) and writes `text`; never replaces a file.
fn write_new(path: &Path, text: &str) -> Result<()> {
    let shown = path.display();
    if let Some(dir) = path.parent() {
        platform::create_private_dir_all(dir)
            .map_err(|err| AppError::failed(format!("cannot create {}: {err}", dir.display())))?;
    }
    let mut file = platform::create_new_private_file(path)
        .map_err(|err| AppError::failed(format!("cannot create {shown}: {err}")))?;
    file.write_all(text.as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|err| AppError::failed(format!("cannot write {shown}: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_secrets_become_env_references() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("answers.toml");
        std::fs::write(
            &source,
            "[jira]\nurl = \"https://jira.example.com\"\nadmin_token = \"pat-secret\"\n\
             [align]\napi_token = { env = \"MY_ALIGN\" }\n[keys]\npublic_key_file = \"k.pem\"\n",
        )
        .unwrap();
        let (text, exported) = config_text(&source).unwrap();
        assert!(!text.contains("pat-secret"), "{text}");
        assert!(text.contains("env = \"JIRA_ADMIN_TOKEN\""), "{text}");
        assert!(text.contains("env = \"MY_ALIGN\""), "{text}");
        assert!(text.contains(&dir.path().join("k.pem").display().to_string()));
        assert_eq!(
            exported,
            vec![(
                "jira.admin_token".to_string(),
                "JIRA_ADMIN_TOKEN".to_string()
            )]
        );
        let target = dir.path().join("cfg/default.toml");
        write_new(&target, &text).unwrap();
        assert!(write_new(&target, &text).is_err(), "never replaced");
    }
}
