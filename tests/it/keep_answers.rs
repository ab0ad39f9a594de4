//! The answers a terminal run keeps (issue 17), at the edges an adversarial
//! review found: the profile's own config edited in place, a refused kept
//! token forgotten for good, a value refused three times not kept, later
//! answers of a `--answers` run added, the step's record saved before the
//! offer, and `unlink` removing what the credential store keeps.
use std::fs;
use std::path::{Path, PathBuf};

use align_link::answers::Answers;
use align_link::config::{RawOptions, RunConfig};
use align_link::context::{inputs, Ctx};
use align_link::domain::SecretStore;
use align_link::http::Credential;
use align_link::steps::keep;
use align_link::store::Store;
use align_link_test_support::{Reply, Scripted};

use crate::memory_keyring::MemoryKeyring;
use crate::support::write_private;

fn ctx_with(
    state: &Path,
    config_file: &Path,
    given: Option<PathBuf>,
    replies: Vec<Reply>,
    store: Option<SecretStore>,
) -> Ctx {
    let raw = RawOptions {
        state_dir: Some(state.to_path_buf()),
        answers: given,
        secret_store: store,
        ..RawOptions::default()
    };
    let config = RunConfig::build(raw, true, Some(config_file.to_path_buf())).unwrap();
    let answers = match config.answers.as_deref() {
        Some(path) => Answers::load(path).unwrap(),
        None => Answers::default(),
    };
    let store = Store::open(state).unwrap();
    Ctx::new(
        config,
        answers,
        store,
        Box::new(Scripted::new(replies)),
        None,
    )
    .unwrap()
}

/// A first run that types `token` as the administrator's and agrees to keep it;
/// its context, still open.
fn keep_typed_token(state: &Path, config_file: &Path, token: &str) -> Ctx {
    let replies = vec![
        Reply::text("jira.admin_token", token),
        Reply::confirm("Save these answers", true),
    ];
    let mut ctx = ctx_with(state, config_file, None, replies, None);
    ctx.value(&inputs::ADMIN_TOKEN).unwrap();
    keep::after_step(&mut ctx).unwrap();
    ctx
}

/// `unlink --local` of the profile, with `--secret-store` as given.
fn unlink_locally(
    state: &Path,
    config_file: &Path,
    store: Option<SecretStore>,
) -> align_link::error::Result<i32> {
    let raw = RawOptions {
        state_dir: Some(state.to_path_buf()),
        secret_store: store,
        ..RawOptions::default()
    };
    let config = RunConfig::build(raw, false, Some(config_file.to_path_buf())).unwrap();
    align_link::ops::unlink::unlink(config, true)
}

#[test]
fn the_profiles_own_config_is_edited_in_place_comments_and_literals_kept() {
    let _memory = MemoryKeyring::install();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config_file = dir.path().join("config/default.toml");
    fs::create_dir_all(config_file.parent().unwrap()).unwrap();
    write_private(
        &config_file,
        "# my notes: prod Jira, token rotated monthly\n[jira]\nurl = \"https://jira.example.com\" # the VIP\nadmin_token = \"my-literal-pat\"\n",
    );
    let mut ctx = ctx_with(
        &state,
        &config_file,
        None,
        vec![
            Reply::text("align.api_token", "typed-align"),
            Reply::confirm("Save these answers", true),
        ],
        None,
    );
    assert_eq!(
        ctx.known(&inputs::ADMIN_TOKEN).as_deref(),
        Some("my-literal-pat")
    );
    ctx.value(&inputs::ALIGN_API_TOKEN).unwrap();
    keep::after_step(&mut ctx).unwrap();
    let text = fs::read_to_string(&config_file).unwrap();
    assert!(text.starts_with("# my notes"), "comments kept:\n{text}");
    assert!(text.contains("# the VIP"), "{text}");
    assert!(text.contains("admin_token = \"my-literal-pat\""), "{text}");
    assert!(!text.contains("typed-align"), "{text}");
    drop(ctx);
    let raw = RawOptions {
        state_dir: Some(state.clone()),
        ..RawOptions::default()
    };
    let config = RunConfig::build(raw, true, Some(config_file.clone())).unwrap();
    let loaded = Answers::load(config.answers.as_deref().unwrap());
    assert!(loaded.is_ok(), "{:?}", loaded.err().map(|e| e.render()));
}

#[test]
fn later_answers_of_an_answers_file_run_are_added() {
    let _memory = MemoryKeyring::install();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config_file = dir.path().join("config/default.toml");
    let given = dir.path().join("answers.toml");
    write_private(&given, "[jira]\nurl = \"https://jira.example.com\"\n[align]\nurl = \"https://acme.jiraalign.com\"\n");
    let mut ctx = ctx_with(
        &state,
        &config_file,
        Some(given),
        vec![
            Reply::text("jira.test_project", "ALIGN"),
            Reply::confirm("Save these answers", true),
            Reply::text("align.application_name", "Align Prod"),
        ],
        Some(SecretStore::File),
    );
    ctx.value(&inputs::TEST_PROJECT).unwrap();
    keep::after_step(&mut ctx).unwrap();
    ctx.value(&inputs::APPLICATION_NAME).unwrap();
    keep::after_step(&mut ctx).unwrap();
    let text = fs::read_to_string(&config_file).unwrap();
    assert!(
        text.contains("Align Prod"),
        "the later answer is not kept:\n{text}"
    );
}

#[test]
fn basic_credentials_in_the_config_win_over_a_kept_token() {
    let _memory = MemoryKeyring::install();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config_file = dir.path().join("config/default.toml");
    keep_typed_token(&state, &config_file, "old-typed-pat");
    // The admin switches the profile to Basic in their config.
    write_private(
        &config_file,
        "[jira]\nadmin_username = \"bob\"\nadmin_password = \"bobs-pw\"\n",
    );
    let mut ctx = ctx_with(&state, &config_file, None, vec![], None);
    let auth = ctx.admin_auth().unwrap();
    assert!(
        matches!(auth, Credential::Basic { .. }),
        "the kept token shadows the config's Basic credentials"
    );
}

#[test]
fn unlink_removes_kept_secrets_whatever_the_secret_store() {
    let memory = MemoryKeyring::install();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config_file = dir.path().join("config/default.toml");
    keep_typed_token(&state, &config_file, "typed-pat");
    assert_eq!(memory.entries_under(&state).len(), 1);
    let code = unlink_locally(&state, &config_file, Some(SecretStore::File)).unwrap();
    assert_eq!(code, 0);
    assert!(
        memory.entries_under(&state).is_empty(),
        "unlink --secret-store file leaves the typed secret"
    );
}

#[test]
fn without_a_credential_store_the_config_names_a_variable_and_reloads() {
    let memory = MemoryKeyring::install();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    memory.refuse_under(&state);
    let config_file = dir.path().join("config/default.toml");
    drop(keep_typed_token(&state, &config_file, "typed-pat"));
    let text = fs::read_to_string(&config_file).unwrap();
    assert!(
        text.contains("admin_token = { env = \"JIRA_ADMIN_TOKEN\" }"),
        "{text}"
    );
    let parsed = Answers::parse(&text, &config_file, &|_| Some("x".into()));
    assert!(parsed.is_ok(), "{:?}", parsed.err().map(|e| e.render()));
}

#[test]
fn a_value_refused_three_times_is_not_kept() {
    use align_link::steps::{by_number, runner};
    let _memory = MemoryKeyring::install();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config_file = dir.path().join("config/default.toml");
    let (_refusing, nobody) = crate::support::refusing_address();
    let script = Scripted::new(vec![
        Reply::text("jira.url", &nobody),
        Reply::choose("How should align-link sign in", "Personal access token"),
        Reply::text("jira.admin_token", "some-pat"),
        Reply::text("align.url", "https://acme.jiraalign.com"),
        Reply::text("jira.url", &nobody),
        Reply::text("jira.url", &nobody),
        Reply::confirm("Save these answers", true),
    ]);
    let raw = RawOptions {
        state_dir: Some(state.clone()),
        ..RawOptions::default()
    };
    let config = RunConfig::build(raw, true, Some(config_file.clone())).unwrap();
    let store = Store::open(&state).unwrap();
    let mut ctx = Ctx::new(
        config,
        Answers::default(),
        store,
        Box::new(script.clone()),
        None,
    )
    .unwrap();
    let Err(err) = runner::run(&mut ctx, &[by_number(7).unwrap()]) else {
        panic!("three refusals end the step");
    };
    assert_eq!(err.about, Some("jira.url"));
    assert!(script.remaining().is_empty(), "{:?}", script.remaining());
    drop(ctx);
    let text = fs::read_to_string(&config_file).unwrap();
    assert!(
        !text.contains(&nobody),
        "the refused URL is not kept:\n{text}"
    );
    // The next run asks for it again.
    let ctx = ctx_with(&state, &config_file, None, vec![], None);
    assert_eq!(ctx.known(&inputs::JIRA_URL), None);
}

#[test]
fn the_steps_record_is_saved_before_the_offer() {
    use align_link::state::StepStatus;
    use align_link::steps::{by_number, runner};
    let _memory = MemoryKeyring::install();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config_file = dir.path().join("config/default.toml");
    // Not Given: use the profile config as the answers (origin ProfileConfig).
    fs::create_dir_all(config_file.parent().unwrap()).unwrap();
    write_private(&config_file, "[jira]\nurl = \"https://jira.example.com\"\n[align]\nurl = \"https://acme.jiraalign.com\"\n[keys]\nbits = 2048\n");
    // Step 4's questions, then the save question goes unanswered (the terminal fails there).
    let mut ctx = ctx_with(
        &state,
        &config_file,
        None,
        vec![
            Reply::text("align.connector_name", "Jira DC (prod)"),
            Reply::choose("How should the connector sign in", "OAuth"),
            Reply::choose("Copy a value", "Consumer key"),
            Reply::choose("Copy a value", ""),
            Reply::text("connector.id", "42"),
            Reply::confirm("Done in Jira Align?", true),
        ],
        Some(SecretStore::File),
    );
    let result = runner::run(&mut ctx, &[by_number(4).unwrap()]);
    assert!(result.is_err(), "the terminal failed at the offer");
    drop(ctx);
    assert_eq!(
        align_link::store::Store::open(&state)
            .unwrap()
            .load::<align_link::state::State>("state.toml")
            .unwrap()
            .step_status(4),
        StepStatus::Done
    );
}

#[test]
fn unlink_keeps_the_profile_while_the_credential_store_does_not_answer() {
    let memory = MemoryKeyring::install();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config_file = dir.path().join("config/default.toml");
    keep_typed_token(&state, &config_file, "typed-pat");
    memory.refuse_under(&state);
    let result = unlink_locally(&state, &config_file, None);
    assert!(
        result.is_err(),
        "a store that does not answer stops the unlink"
    );
    assert!(
        state.join("state.toml").exists(),
        "the profile naming the entry is kept"
    );
    // The store answers again: a second unlink removes it.
    memory.answer_under(&state);
    let second = unlink_locally(&state, &config_file, None);
    assert!(second.is_ok(), "{:?}", second.err().map(|e| e.render()));
    assert!(memory.entries_under(&state).is_empty());
}

#[test]
fn a_refused_kept_token_is_forgotten_for_good() {
    let _memory = MemoryKeyring::install();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config_file = dir.path().join("config/default.toml");
    keep_typed_token(&state, &config_file, "expired-pat");
    // Run 2: Jira refuses the kept token; the runner forgets it and the
    // operator picks Basic at the question that follows.
    let mut ctx = ctx_with(
        &state,
        &config_file,
        None,
        vec![
            Reply::choose("How should align-link sign in", "Username and password"),
            Reply::text("jira.admin_username", "bob"),
            Reply::text("jira.admin_password", "bobs-pw"),
            Reply::confirm("Save these answers", true),
        ],
        None,
    );
    assert!(ctx.was_typed("jira.admin_token"));
    ctx.forget("jira.admin_token");
    let auth = ctx.admin_auth().unwrap();
    assert!(matches!(auth, Credential::Basic { .. }));
    keep::after_step(&mut ctx).unwrap();
    drop(ctx);
    // Run 3 (doctor, plan, renew --yes alike): which credentials?
    let mut ctx = ctx_with(&state, &config_file, None, vec![], None);
    let auth = ctx.admin_auth().unwrap();
    assert!(matches!(auth, Credential::Basic { .. }));
}

/// A secret typed in a terminal run, kept (issue 17): in the OS credential
/// store, not in the config, and read back by the next run without a question;
/// with no store answering, the config names a variable instead.
#[test]
fn a_typed_secret_is_kept_in_the_credential_store_and_read_back_without_asking() {
    let memory = MemoryKeyring::install();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config_file = dir.path().join("config/default.toml");
    let context = |replies: Vec<Reply>| ctx_with(&state, &config_file, None, replies, None);

    let mut ctx = context(vec![
        Reply::text("jira.admin_token", "typed-pat-1"),
        Reply::confirm("Save these answers", true),
    ]);
    assert_eq!(ctx.value(&inputs::ADMIN_TOKEN).unwrap(), "typed-pat-1");
    keep::after_step(&mut ctx).unwrap();
    let kept = fs::read_to_string(&config_file).unwrap();
    assert!(
        !kept.contains("typed-pat-1") && !kept.contains("admin_token"),
        "{kept}"
    );
    let entries = memory.entries_under(&state);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0].0.ends_with("typed.jira.admin_token"));
    assert_eq!(entries[0].1, b"typed-pat-1");
    drop(ctx);

    // The next run: nothing to ask (the script has no reply to give).
    let ctx = context(Vec::new());
    assert_eq!(
        ctx.known(&inputs::ADMIN_TOKEN).as_deref(),
        Some("typed-pat-1")
    );
    assert!(
        ctx.was_typed("jira.admin_token"),
        "refused, it may be asked again"
    );
    ctx.store().forget_typed_secret("jira.admin_token").unwrap();
    assert!(
        memory.entries_under(&state).is_empty(),
        "unlink leaves nothing"
    );
    drop(ctx);

    // No credential store answers: the config names the variable to export.
    memory.refuse_under(&state);
    fs::remove_file(&config_file).unwrap();
    let mut ctx = context(vec![
        Reply::text("align.api_token", "typed-align-token"),
        Reply::confirm("Save these answers", true),
    ]);
    ctx.value(&inputs::ALIGN_API_TOKEN).unwrap();
    keep::after_step(&mut ctx).unwrap();
    let kept = fs::read_to_string(&config_file).unwrap();
    assert!(
        kept.contains("api_token = { env = \"ALIGN_API_TOKEN\" }"),
        "{kept}"
    );
    assert!(!kept.contains("typed-align-token"), "{kept}");
}

/// Review of issue 15's merge: a typed secret that reached the credential store
/// is named in the state even when the config cannot be written, so later runs
/// read it and `unlink` removes it.
#[test]
fn a_kept_secret_is_recorded_even_when_the_config_cannot_be_written() {
    let memory = MemoryKeyring::install();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    // The config's directory is a file: the write fails.
    fs::write(dir.path().join("config"), "not a directory").unwrap();
    let config_file = dir.path().join("config/default.toml");
    let ctx = keep_typed_token(&state, &config_file, "typed-pat-2");
    assert!(!config_file.exists());
    assert_eq!(memory.entries_under(&state).len(), 1);
    assert_eq!(ctx.state().typed_secrets, ["jira.admin_token"]);
    drop(ctx);
    let saved = fs::read_to_string(state.join("state.toml")).unwrap();
    assert!(saved.contains("jira.admin_token"), "{saved}");
}

/// Review of issue 15: the administrator's token is typed up front, so the
/// offer after step 1 keeps it before step 7 ever tried it. Refused three
/// times there, it must not stay in the credential store for the next run (as
/// when it was asked at step 7 and never kept).
#[test]
fn a_token_kept_before_its_check_and_refused_three_times_is_not_kept() {
    use align_link::steps::{by_number, runner};
    let _memory = MemoryKeyring::install();
    let env = crate::support::Env::new();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config_file = dir.path().join("config/default.toml");
    let answers = dir.path().join("answers.toml");
    write_private(
        &answers,
        &format!(
            "[jira]\nurl = \"{}\"\n[align]\nurl = \"https://acme.jiraalign.com\"\n",
            env.jira.url()
        ),
    );
    let pat = |token| {
        [
            Reply::choose("How should align-link sign in", "Personal access token"),
            Reply::text("jira.admin_token", token),
        ]
    };
    let mut replies = vec![Reply::text("align.api_token", "")];
    replies.extend(pat("wrong-1"));
    replies.extend([
        Reply::confirm("Done in Jira Align?", true),
        Reply::confirm("Save these answers", true),
    ]);
    replies.extend(pat("wrong-2"));
    replies.extend(pat("wrong-3"));
    let mut ctx = ctx_with(&state, &config_file, Some(answers.clone()), replies, None);
    let steps = [by_number(1).unwrap(), by_number(7).unwrap()];
    let Err(err) = runner::run(&mut ctx, &steps) else {
        panic!("three refusals end step 7");
    };
    assert_eq!(err.about, Some("jira.admin_token"), "{}", err.render());
    drop(ctx);
    let ctx = ctx_with(&state, &config_file, Some(answers), vec![], None);
    assert_eq!(
        ctx.known(&inputs::ADMIN_TOKEN),
        None,
        "asked again, not taken"
    );
}

/// Kept after step 1 (the questions come first), refused for the last time at
/// step 7: the value leaves the config, and the next run asks for it.
#[test]
fn a_value_kept_before_its_check_and_refused_leaves_the_config() {
    use align_link::steps::{by_number, runner};
    let _memory = MemoryKeyring::install();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config_file = dir.path().join("config/default.toml");
    let (_refusing, nobody) = crate::support::refusing_address();
    let replies = vec![
        Reply::text("align.url", "https://acme.jiraalign.com"),
        Reply::text("align.api_token", ""),
        Reply::text("jira.url", &nobody),
        Reply::choose("How should align-link sign in", "Personal access token"),
        Reply::text("jira.admin_token", "some-pat"),
        Reply::confirm("Done in Jira Align?", true),
        Reply::confirm("Save these answers", true),
        Reply::text("jira.url", &nobody),
        Reply::text("jira.url", &nobody),
    ];
    let mut ctx = ctx_with(&state, &config_file, None, replies, None);
    let steps = [by_number(1).unwrap(), by_number(7).unwrap()];
    let Err(err) = runner::run(&mut ctx, &steps) else {
        panic!("three refusals end step 7");
    };
    assert_eq!(err.about, Some("jira.url"), "{}", err.render());
    drop(ctx);
    let text = fs::read_to_string(&config_file).unwrap();
    assert!(!text.contains(&nobody), "the refused URL left:\n{text}");
    assert!(
        text.contains("acme.jiraalign.com"),
        "the rest stays:\n{text}"
    );
    // A new config: its header first, then a table per section.
    assert!(text.starts_with("# align-link profile config"), "{text}");
    assert!(text.contains("[align]\nurl = "), "{text}");
    let ctx = ctx_with(&state, &config_file, None, vec![], None);
    assert_eq!(ctx.known(&inputs::JIRA_URL), None);
}

/// A kept service-account password that Jira refuses is asked for again: the
/// retry approves as the service account, as the first try did, and does not
/// turn to the browser.
#[test]
fn a_refused_kept_service_password_is_asked_again_for_the_same_approval() {
    use align_link::domain::Approval;
    use align_link::steps::handshake::approval_mode;
    let _memory = MemoryKeyring::install();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config_file = dir.path().join("config/default.toml");
    let replies = vec![
        Reply::text("service_account.password", "old-password"),
        Reply::confirm("Save these answers", true),
    ];
    let mut ctx = ctx_with(&state, &config_file, None, replies, None);
    ctx.value(&inputs::SERVICE_PASSWORD).unwrap();
    keep::after_step(&mut ctx).unwrap();
    drop(ctx);

    let mut ctx = ctx_with(&state, &config_file, None, vec![], None);
    assert!(ctx.was_typed("service_account.password"));
    assert_eq!(approval_mode(&ctx), Approval::ServiceAccount);
    ctx.forget("service_account.password");
    assert_eq!(approval_mode(&ctx), Approval::ServiceAccount);
}
