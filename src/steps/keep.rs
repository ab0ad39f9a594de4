//! Answers kept: what a terminal run is told is offered, once, as the profile's
//! config (`$XDG_CONFIG_HOME/align-link/PROFILE.toml`, read when `--answers` is
//! absent), so later runs do not ask it again. Once accepted, later answers are
//! added as they come. A typed secret goes to the OS credential store, else the
//! config names a variable to export; a literal secret is never copied.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config::AnswersOrigin;
use crate::context::{inputs, Ctx};
use crate::error::{AppError, Result};
use crate::platform;
use crate::store::Store;
use crate::ui;

/// The variable a secret is read from when no credential store keeps it.
const SECRET_VARIABLES: [(&str, &str); 5] = [
    ("jira.admin_token", "JIRA_ADMIN_TOKEN"),
    ("jira.admin_password", "JIRA_ADMIN_PASSWORD"),
    ("service_account.password", "JIRA_SERVICE_PASSWORD"),
    ("service_account.token", "JIRA_SERVICE_TOKEN"),
    ("align.api_token", "ALIGN_API_TOKEN"),
];

/// After each step of a terminal run: offers to keep the answers typed so far
/// (once), or adds the new ones when the operator agreed.
pub fn after_step(ctx: &mut Ctx) -> Result<()> {
    let Some(path) = target(ctx) else {
        return Ok(());
    };
    let fresh = fresh_answers(ctx);
    if fresh.is_empty() || ctx.run_mut().keeping.agreed == Some(false) {
        return Ok(());
    }
    if ctx.run().keeping.agreed.is_none() && !ask(ctx, &path)? {
        return Ok(());
    }
    write(ctx, &path, fresh)
}

/// A value this run kept (before it was tried) and then refused leaves the config.
pub fn drop_refused(ctx: &Ctx, key: &str) {
    let Some(path) = target(ctx).filter(|path| path.exists()) else {
        return;
    };
    let Some((section, name)) = key.split_once('.') else {
        return;
    };
    let removed = config_document(&path, None).and_then(|(mut document, _)| {
        if !remove(&mut document, section, name) {
            return Ok(false);
        }
        write_private(&path, &document.to_string()).map(|()| true)
    });
    match removed {
        Ok(true) => ui::info(&format!("{key} is no longer kept in {}", path.display())),
        Ok(false) => {}
        Err(err) => ui::warn(&format!("{}: {key} is still kept there", err.message)),
    }
}

/// At the end of a terminal setup with `--answers FILE` that asked nothing: the
/// offer to keep that file as the profile's config.
pub fn at_end(ctx: &mut Ctx) -> Result<()> {
    let Some(path) = target(ctx) else {
        return Ok(());
    };
    if ctx.run().keeping.agreed.is_some() || ctx.config().answers_origin != AnswersOrigin::Given {
        return Ok(());
    }
    if ask(ctx, &path)? {
        write(ctx, &path, Vec::new())?;
    }
    Ok(())
}

/// Where the answers would be kept; `None` without a terminal, in a sandbox, for
/// a read-only command, or when `--answers` is given beside an existing config.
fn target(ctx: &Ctx) -> Option<PathBuf> {
    let config = ctx.config();
    if !ctx.interactive() || config.sandbox || ctx.store().is_read_only() {
        return None;
    }
    let path = config.profile_config.clone()?;
    // Once agreed, the file this run wrote is the one to add to.
    let given_beside_config = config.answers_origin == AnswersOrigin::Given
        && path.exists()
        && ctx.run().keeping.agreed != Some(true);
    (!given_beside_config).then_some(path)
}

/// The typed values not kept yet; an empty (skipped) answer is not kept.
fn fresh_answers(ctx: &Ctx) -> Vec<(&'static str, String)> {
    let mut fresh: Vec<(&'static str, String)> = ctx
        .typed()
        .filter(|(key, value)| {
            !value.is_empty()
                && !ctx
                    .run()
                    .keeping
                    .kept
                    .iter()
                    .any(|(k, v)| k == key && v == value)
        })
        .map(|(key, value)| (key, value.to_string()))
        .collect();
    fresh.sort();
    fresh
}

fn ask(ctx: &mut Ctx, path: &Path) -> Result<bool> {
    let profile = &ctx.config().profile;
    let question = format!(
        "Save these answers as profile `{profile}`'s config ({}), so later runs ask nothing already answered?",
        path.display()
    );
    let agreed = ctx.prompter().confirm(&question, true)?;
    ctx.run_mut().keeping.agreed = Some(agreed);
    Ok(agreed)
}

/// Writes the config with the typed values set; a failure is only a warning.
fn write(ctx: &mut Ctx, path: &Path, fresh: Vec<(&'static str, String)>) -> Result<()> {
    let given = (ctx.config().answers.clone())
        .filter(|_| ctx.config().answers_origin == AnswersOrigin::Given);
    let (mut document, mut to_export) = match config_document(path, given.as_deref()) {
        Ok(found) => found,
        Err(err) => {
            ui::warn(&format!("{}: answers not saved", err.message));
            return Ok(());
        }
    };
    let mut in_store = Vec::new();
    for (key, value) in &fresh {
        to_export.extend(set_typed(
            ctx.store(),
            &mut document,
            key,
            value,
            &mut in_store,
        ));
    }
    // Recorded first, so `unlink` finds a stored secret even if the write fails.
    ctx.update_state(|state| {
        for key in in_store {
            if !state.typed_secrets.iter().any(|k| k == key) {
                state.typed_secrets.push(key.to_string());
            }
        }
    })?;
    if let Err(err) = write_private(path, &document.to_string()) {
        ui::warn(&format!("{}: answers not saved", err.message));
        return Ok(());
    }
    let what: Vec<&str> = fresh.iter().map(|(key, _)| *key).collect();
    match what.is_empty() {
        true => ui::ok(&format!("answers saved in {}", path.display())),
        false => ui::ok(&format!("kept in {}: {}", path.display(), what.join(", "))),
    }
    for (key, name) in to_export {
        ui::info(&format!(
            "{key} is read from ${name} (no credential store keeps it): export it before the next run."
        ));
    }
    ctx.run_mut().keeping.kept.extend(fresh);
    Ok(())
}

/// The config to edit (comments kept): the profile's, else a copy of the answers
/// file (literal secrets made variables, a key file made absolute), else a new
/// one; with the (key, variable) pairs to export.
fn config_document(
    path: &Path,
    given: Option<&Path>,
) -> Result<(toml_edit::DocumentMut, Vec<(String, String)>)> {
    let (source, copied) = match (path.exists(), given) {
        (true, _) => (path, false),
        (false, Some(given)) => (given, true),
        (false, None) => {
            let header = "# align-link profile config: the answers read when --answers is absent.\n\
                          # Secrets only as { env = \"NAME\" }, or kept in the OS credential store.\n\n";
            let mut document = toml_edit::DocumentMut::new();
            document.as_table_mut().decor_mut().set_prefix(header);
            return Ok((document, Vec::new()));
        }
    };
    let shown = source.display();
    let (bytes, _) = crate::util::file::read_regular(source, crate::util::file::ANSWERS_MAX)
        .map_err(|err| AppError::failed(format!("cannot read {shown}: {err}")))?;
    let mut document: toml_edit::DocumentMut = String::from_utf8_lossy(&bytes)
        .parse()
        .map_err(|err| AppError::failed(format!("{shown}: {err}")))?;
    let mut to_export = Vec::new();
    if !copied {
        return Ok((document, to_export));
    }
    for (key, variable) in SECRET_VARIABLES {
        let (section, name) = key.split_once('.').unwrap_or_default();
        let literal = document
            .get(section)
            .and_then(|t| t.get(name))
            .is_some_and(|value| value.is_str());
        if literal {
            document[section][name] = env_reference(variable);
            to_export.push((key.to_string(), variable.to_string()));
        }
    }
    let base = source.parent().unwrap_or(Path::new("."));
    let key_file = document
        .get("keys")
        .and_then(|t| t.get("public_key_file"))
        .and_then(|file| file.as_str())
        .filter(|file| Path::new(file).is_relative())
        .map(|relative| base.join(relative));
    if let Some(joined) = key_file {
        let absolute = std::path::absolute(&joined).unwrap_or(joined);
        document["keys"]["public_key_file"] = toml_edit::value(absolute.display().to_string());
    }
    Ok((document, to_export))
}

/// Sets one typed value; a secret goes to the credential store, else becomes a
/// variable to export (returned).
fn set_typed(
    store: &Store,
    document: &mut toml_edit::DocumentMut,
    key: &'static str,
    value: &str,
    in_store: &mut Vec<&'static str>,
) -> Option<(String, String)> {
    let (section, name) = key.split_once('.')?;
    // `[section]` as a table of its own, not an inline table at the top.
    let mut set = |item| {
        if !document.contains_key(section) {
            document.insert(section, toml_edit::table());
        }
        document[section][name] = item;
    };
    let secret = inputs::ALL.iter().any(|i| i.key == key && i.secret);
    if !secret {
        set(toml_edit::value(value));
        return None;
    }
    match store.keep_typed_secret(key, value) {
        Ok(()) => {
            remove(document, section, name);
            in_store.push(key);
            None
        }
        Err(_) => {
            let variable = SECRET_VARIABLES.iter().find(|(k, _)| *k == key)?.1;
            set(env_reference(variable));
            Some((key.to_string(), variable.to_string()))
        }
    }
}

/// Removes `section.name`; whether it was there.
fn remove(document: &mut toml_edit::DocumentMut, section: &str, name: &str) -> bool {
    let table = document
        .get_mut(section)
        .and_then(|t| t.as_table_like_mut());
    table.and_then(|table| table.remove(name)).is_some()
}

/// `{ env = "NAME" }`, inline.
fn env_reference(variable: &str) -> toml_edit::Item {
    let mut env = toml_edit::InlineTable::new();
    env.insert("env", variable.into());
    toml_edit::value(env)
}

/// Writes `text` to `path` whole or not at all: a new owner-only file (in an
/// owner-only directory) renamed over the old one.
fn write_private(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    platform::create_private_dir_all(dir)
        .map_err(|err| AppError::failed(format!("cannot create {}: {err}", dir.display())))?;
    let written = tempfile::Builder::new()
        .make_in(dir, platform::create_new_private_file)
        .and_then(|mut temp| {
            temp.write_all(text.as_bytes())?;
            temp.as_file().sync_all()?;
            // std's rename, unlike tempfile's persist, replaces a config that
            // another process holds open on Windows too.
            let mut temp = temp.into_temp_path();
            std::fs::rename(&temp, path)?;
            temp.disable_cleanup(true);
            Ok(())
        });
    written.map_err(|err| AppError::failed(format!("cannot write {}: {err}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_is_replaced_whole_and_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("cfg/default.toml");
        write_private(&target, "a = 1\n").unwrap();
        write_private(&target, "a = 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "a = 2\n");
        let left: Vec<_> = std::fs::read_dir(target.parent().unwrap())
            .unwrap()
            .collect();
        assert_eq!(left.len(), 1, "no temporary file is left");
        let meta = std::fs::metadata(&target).unwrap();
        if let platform::Checked::Found(mode) = platform::mode_bits(&meta) {
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn an_answers_files_literal_secrets_become_variables_and_its_key_file_absolute() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("answers.toml");
        std::fs::write(
            &source,
            "# mine\n[jira]\nurl = \"https://jira.example.com\"\nadmin_token = \"pat-secret\"\n\
             [align]\napi_token = { env = \"MY_ALIGN\" }\n[keys]\npublic_key_file = \"k.pem\"\n",
        )
        .unwrap();
        let missing = dir.path().join("cfg/default.toml");
        let (document, exported) = config_document(&missing, Some(&source)).unwrap();
        let text = document.to_string();
        assert!(!text.contains("pat-secret"), "{text}");
        assert!(
            text.contains("admin_token = { env = \"JIRA_ADMIN_TOKEN\" }"),
            "{text}"
        );
        assert!(text.contains("env = \"MY_ALIGN\""), "{text}");
        assert!(text.contains("# mine"), "comments are kept: {text}");
        assert!(text.contains(&dir.path().join("k.pem").display().to_string()));
        let expected = (
            "jira.admin_token".to_string(),
            "JIRA_ADMIN_TOKEN".to_string(),
        );
        assert_eq!(exported, vec![expected]);
        // The profile's own config is edited as it is: its literal secret stays.
        std::fs::create_dir_all(missing.parent().unwrap()).unwrap();
        std::fs::write(&missing, "# own\n[jira]\nadmin_token = \"kept-literal\"\n").unwrap();
        let (own, exported) = config_document(&missing, Some(&source)).unwrap();
        assert!(exported.is_empty());
        assert_eq!(
            own.to_string(),
            "# own\n[jira]\nadmin_token = \"kept-literal\"\n"
        );
    }
}
