//! Interactive paths run in-process with a scripted person
//! (`align_link_test_support::Scripted`): each reply is checked against the question
//! it meets, so a question added, dropped or reordered fails here; the
//! pseudo-terminal tests (`pty`) cover the real terminal.

use std::path::Path;

use align_link::answers::Answers;
use align_link::config::{RawOptions, RunConfig};
use align_link::context::Ctx;
use align_link::domain::{ConnectorAuth, KeySource};
use align_link::steps::{by_number, runner};
use align_link::store::Store;
use align_link_test_support::{Reply, Scripted};
use tempfile::TempDir;

const ANSWERS: &str = "[jira]\nurl = \"https://jira.example.com\"\n\
                       [align]\nurl = \"https://acme.jiraalign.com\"\n[keys]\nbits = 2048\n";

/// A context over a fresh state directory with `script` answering; `sandbox`
/// as with `--sandbox` (no stand-ins are started: these steps make no request).
fn context(dir: &TempDir, script: &Scripted, sandbox: bool) -> Ctx {
    context_with(dir, script, sandbox, ANSWERS)
}

/// As `context`, with these answers.
fn context_with(dir: &TempDir, script: &Scripted, sandbox: bool, answers: &str) -> Ctx {
    let raw = RawOptions {
        state_dir: Some(dir.path().join("state")),
        sandbox,
        ..RawOptions::default()
    };
    let config = RunConfig::build(raw, true, None).unwrap();
    let answers = Answers::parse(answers, Path::new("answers.toml"), &|_| None).unwrap();
    let store = Store::open(&dir.path().join("state")).unwrap();
    Ctx::new(config, answers, store, Box::new(script.clone()), None).unwrap()
}

fn run_step(ctx: &mut Ctx, number: u8) {
    runner::run(ctx, &[by_number(number).unwrap()]).unwrap();
}

/// Step 4 as an operator answers it: its questions in order, the copy menu, and
/// a confirmation that defaults to No.
fn step_4_script() -> Vec<Reply> {
    vec![
        Reply::text("align.connector_name", "Jira DC (prod)"),
        Reply::choose("How should the connector sign in", "OAuth"),
        Reply::choose("Copy a value", "Consumer key"),
        Reply::choose("Copy a value", ""), // Enter: "Nothing more: continue"
        Reply::text("connector.id", "42"),
        Reply::confirm("Done in Jira Align?", true),
    ]
}

#[test]
fn step_4_asks_its_questions_in_order_and_records_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    let script = Scripted::new(step_4_script());
    let mut ctx = context(&dir, &script, false);
    run_step(&mut ctx, 4);
    assert!(script.remaining().is_empty(), "{:?}", script.remaining());
    let asked = script.asked();
    assert_eq!(
        asked.last().map(String::as_str),
        Some("confirm Done in Jira Align? [default no]"),
        "{asked:?}"
    );
    let align = ctx.state().align.clone().unwrap();
    assert_eq!(align.connector_name, "Jira DC (prod)");
    assert_eq!(align.connector_id, Some(42));
    assert_eq!(align.connector_auth, Some(ConnectorAuth::OAuth));
    assert!(ctx.state().consumer.is_some(), "a consumer key was chosen");
    assert_eq!(
        ctx.state().step_status(4),
        align_link::state::StepStatus::Done
    );
}

#[test]
fn a_confirmed_step_4_is_passed_over_until_a_value_it_showed_changes() {
    let dir = tempfile::tempdir().unwrap();
    let script = Scripted::new(step_4_script());
    let mut ctx = context(&dir, &script, false);
    run_step(&mut ctx, 4);
    drop(ctx);

    // setup again, nothing changed: done as confirmed, and nothing is asked.
    let quiet = Scripted::new(Vec::new());
    let mut ctx = context(&dir, &quiet, false);
    run_step(&mut ctx, 4);
    assert!(quiet.asked().is_empty(), "{:?}", quiet.asked());
    assert_eq!(
        ctx.state().step_status(4),
        align_link::state::StepStatus::Done
    );
    drop(ctx);

    // The Jira URL corrected in the answers: step 4 shows the form again (the
    // Jira Align side must change too) and asks for the confirmation again.
    let corrected = ANSWERS.replace("https://jira.example.com", "https://jira.example.com:8443");
    let again = Scripted::new(vec![
        Reply::choose("Copy a value", ""),
        Reply::confirm("Done in Jira Align?", false),
    ]);
    let mut ctx = context_with(&dir, &again, false, &corrected);
    run_step(&mut ctx, 4);
    assert!(again.remaining().is_empty(), "{:?}", again.remaining());
    assert_eq!(
        ctx.state().step_status(4),
        align_link::state::StepStatus::NeedsOperator
    );
}

#[test]
fn step_4_not_confirmed_waits_for_the_operator() {
    let dir = tempfile::tempdir().unwrap();
    let mut replies = step_4_script();
    *replies.last_mut().unwrap() = Reply::confirm("Done in Jira Align?", false);
    let script = Scripted::new(replies);
    let mut ctx = context(&dir, &script, false);
    run_step(&mut ctx, 4);
    assert_eq!(
        ctx.state().step_status(4),
        align_link::state::StepStatus::NeedsOperator
    );
}

#[test]
fn step_5_in_the_sandbox_defaults_to_align_links_own_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut replies = step_4_script();
    replies.push(Reply::choose("Who makes the RSA key pair?", "")); // Enter
    let script = Scripted::new(replies);
    let mut ctx = context(&dir, &script, true);
    run_step(&mut ctx, 4);
    run_step(&mut ctx, 5);
    assert!(script.remaining().is_empty(), "{:?}", script.remaining());
    assert!(
        script.asked().contains(
            &"select Who makes the RSA key pair? [default align-link (its own key pair)]".into()
        ),
        "{:?}",
        script.asked()
    );
    let consumer = ctx.state().consumer.clone().unwrap();
    assert_eq!(consumer.key_source, Some(KeySource::Generate));
    assert_eq!(consumer.bits, Some(2048));
}

#[test]
fn step_5_takes_jira_aligns_pasted_key_outside_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let pem = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/test-key-2048.pem"),
    )
    .unwrap();
    let private = align_link::keys::private_key_from_pem(&pem).unwrap();
    let public = align_link::keys::public_key_to_pem(&rsa::RsaPublicKey::from(&private));
    let mut replies = step_4_script();
    replies.push(Reply::choose("Who makes the RSA key pair?", "Jira Align"));
    replies.push(Reply::text("keys.public_key", &public));
    let script = Scripted::new(replies);
    let mut ctx = context(&dir, &script, false);
    run_step(&mut ctx, 4);
    run_step(&mut ctx, 5);
    assert!(
        script.asked().contains(
            &"select Who makes the RSA key pair? [default Jira Align (Generate New Key)]".into()
        ),
        "{:?}",
        script.asked()
    );
    let consumer = ctx.state().consumer.clone().unwrap();
    assert_eq!(consumer.key_source, Some(KeySource::Align));
    assert!(consumer.fingerprint.unwrap().starts_with("SHA256:"));
}

/// An input resolves from the answers file, else this run's answer, else the
/// saved state, else a question (once), and a typed answer passes the answers
/// file's rule and never lands in the answers.
#[test]
fn inputs_resolve_in_order_and_answers_stay_as_read() {
    use align_link::context::inputs;
    let dir = tempfile::tempdir().unwrap();
    let script = Scripted::new(vec![
        Reply::text("jira.test_project", " align "),
        Reply::text("align.application_name", "Align (prod)"),
    ]);
    let mut ctx = context(&dir, &script, false);
    // Given in the file: never asked.
    assert_eq!(
        ctx.url(&inputs::JIRA_URL).unwrap().as_str(),
        "https://jira.example.com/"
    );
    assert_eq!(ctx.value(&inputs::TEST_PROJECT).unwrap(), "ALIGN");
    assert_eq!(
        ctx.value(&inputs::TEST_PROJECT).unwrap(),
        "ALIGN",
        "asked once per run"
    );
    assert_eq!(ctx.given(&inputs::TEST_PROJECT), None);
    assert_eq!(
        ctx.value(&inputs::APPLICATION_NAME).unwrap(),
        "Align (prod)"
    );
    assert_eq!(ctx.given(&inputs::APPLICATION_NAME), None);
    // Saved by an earlier run: used without asking.
    assert_eq!(ctx.connector_name(), inputs::DEFAULT_CONNECTOR_NAME);
    ctx.update_state(|state| {
        state.align = Some(align_link::state::AlignFacts {
            url: "https://acme.jiraalign.com".to_string(),
            connector_name: "Saved".to_string(),
            connector_auth: Some(ConnectorAuth::Pat),
            connector_id: None,
        })
    })
    .unwrap();
    assert_eq!(ctx.connector_name(), "Saved");
    assert_eq!(ctx.connector_auth(), ConnectorAuth::Pat);
    assert_eq!(ctx.key_source(), KeySource::Generate);
    assert!(script.remaining().is_empty(), "{:?}", script.remaining());
}

/// A site typed in this run that does not answer is asked for again in place,
/// not the end of the wizard (issue 17); an answers file's value is never
/// asked again.
#[test]
fn an_unreachable_jira_url_typed_at_the_prompt_is_asked_again() {
    let env = crate::support::Env::new();
    let dir = tempfile::tempdir().unwrap();
    let (_refusing, nobody) = crate::support::refusing_address();
    let script = Scripted::new(vec![
        Reply::text("jira.url", &nobody),
        Reply::choose("How should align-link sign in", "Personal access token"),
        Reply::text("jira.admin_token", &env.jira.demo().admin_token),
        Reply::text("jira.url", &env.jira.url()),
        Reply::text("align.application_name", ""),
    ]);
    let answers = "[align]\nurl = \"https://acme.jiraalign.com\"\n[keys]\nbits = 2048\n";
    let mut ctx = context_with(&dir, &script, false, answers);
    run_step(&mut ctx, 7);
    assert!(script.remaining().is_empty(), "{:?}", script.remaining());
    assert_eq!(
        ctx.url(&align_link::context::inputs::JIRA_URL)
            .unwrap()
            .as_str(),
        format!("{}/", env.jira.url())
    );

    // Given in the answers file, the same failure ends the step.
    let dir = tempfile::tempdir().unwrap();
    let script = Scripted::new(vec![
        Reply::choose("How should align-link sign in", "Personal access token"),
        Reply::text("jira.admin_token", "whatever"),
    ]);
    let answers =
        format!("[jira]\nurl = \"{nobody}\"\n[align]\nurl = \"https://acme.jiraalign.com\"\n");
    let mut ctx = context_with(&dir, &script, false, &answers);
    let step = by_number(7).unwrap();
    let Err(err) = runner::run(&mut ctx, &[step]) else {
        panic!("the step fails");
    };
    assert_eq!(err.about, Some("jira.url"), "{}", err.render());
}

/// Issue 15: a terminal setup asks everything the steps need before its first
/// request, in step order; a step then asks only what it alone can know (step
/// 1's confirmation here, met with Jira not yet contacted).
#[test]
fn a_terminal_setup_asks_its_questions_before_any_request() {
    use align_link::steps::{ask, STEPS};
    let sandbox = align_link::sandbox::Sandbox::start().unwrap();
    let demo = sandbox.jira.demo().clone();
    let script = || {
        Scripted::new(vec![
            Reply::text(
                "align.api_token",
                align_link_standins::align::DEMO_API_TOKEN,
            ),
            Reply::text("jira.url", &sandbox.jira.url()),
            Reply::text("align.connector_name", ""),
            Reply::choose("How should the connector sign in", "OAuth"),
            Reply::choose("Who makes the RSA key pair?", "align-link"),
            Reply::choose("How should align-link sign in", "Personal access token"),
            Reply::text("jira.admin_token", &demo.admin_token),
            Reply::text("service_account.username", &demo.service_username),
            Reply::text("jira.test_project", &demo.test_project_key),
        ])
    };
    let answers = format!(
        "[align]\nurl = \"{}\"\n[keys]\nbits = 2048\n",
        sandbox.align.url()
    );
    let all: Vec<_> = STEPS.iter().collect();
    let requests = || (sandbox.jira.request_count(), sandbox.align.request_count());

    // What the steps ask, asked with nothing sent.
    let dir = tempfile::tempdir().unwrap();
    let asked_first = script();
    let mut ctx = context_with(&dir, &asked_first, false, &answers);
    ask::up_front(&mut ctx, &all).unwrap();
    assert!(
        asked_first.remaining().is_empty(),
        "{:?}",
        asked_first.remaining()
    );
    assert_eq!(requests(), (0, 0), "nothing is sent while asking");

    // A run asks them before its steps: its first question after them is step
    // 1's confirmation (after step 1's own check of Jira Align), and nothing
    // has gone to Jira yet.
    let dir = tempfile::tempdir().unwrap();
    let run = script();
    let mut ctx = context_with(&dir, &run, false, &answers);
    let Err(err) = runner::run(&mut ctx, &all) else {
        panic!("the script ends at step 1's confirmation");
    };
    let asked = run.asked();
    assert!(run.remaining().is_empty(), "{:?}", run.remaining());
    assert_eq!(asked.len(), 10, "{asked:?}\n{}", err.render());
    assert!(
        asked[9].starts_with("confirm Done in Jira Align?"),
        "{asked:?}"
    );
    assert_eq!(requests().0, 0, "Jira not contacted yet");
    assert_eq!(requests().1, 1, "step 1 checked Jira Align's token");
}

/// Review of issue 15: with a PAT connector, steps 13 to 20 are skipped (no
/// OAuth consumer or handshake) and so is step 22 (Test Now is for Basic
/// only); run alone, they asked nothing before, and the questions up front
/// must not ask for what they will not use (the administrator's sign-in, the
/// service account's token).
#[test]
fn steps_a_pat_connector_skips_ask_nothing() {
    let answers = format!("{ANSWERS}[connector]\nauth = \"pat\"\n");
    for number in [13, 14, 15, 17, 20, 22] {
        let dir = tempfile::tempdir().unwrap();
        let quiet = Scripted::new(Vec::new());
        let mut ctx = context_with(&dir, &quiet, false, &answers);
        ctx.run_mut().single_step = true;
        run_step(&mut ctx, number);
        assert!(
            quiet.asked().is_empty(),
            "step {number}: {:?}",
            quiet.asked()
        );
        assert_eq!(
            ctx.state().step_status(number),
            align_link::state::StepStatus::Skipped,
            "step {number}"
        );
    }
}

/// Review of issue 15: `step 20` with a stored token checks it with a signed
/// call and never runs the handshake, so it needs no approver: the service
/// account's name must not be asked up front.
#[test]
fn step_20_with_a_working_stored_token_asks_nothing() {
    let env = crate::support::Env::new();
    env.setup();
    let quiet = Scripted::new(Vec::new());
    // The service account is not in these answers: the token says who it acts as.
    let answers = format!(
        "[jira]\nurl = \"{}\"\n[align]\nurl = \"https://acme.jiraalign.com\"\n",
        env.jira.url()
    );
    let mut ctx = context_with(&env.dir, &quiet, false, &answers);
    ctx.run_mut().single_step = true;
    run_step(&mut ctx, 20);
    assert!(quiet.asked().is_empty(), "{:?}", quiet.asked());
    assert_eq!(
        ctx.state().step_status(20),
        align_link::state::StepStatus::Done
    );
}

/// Review of issue 15: with `oauth.approval = "service-account"` and no
/// password in the answers, align-link approves as the service account and
/// needs its password (from step 13, where the handshake's first leg goes out
/// beside the consumer's read-back): asked up front, not after Jira was changed.
#[test]
fn the_service_accounts_password_for_its_approval_is_asked_up_front() {
    let env = crate::support::Env::new();
    let demo = env.jira.demo().clone();
    let answers = format!(
        "[jira]\nurl = \"{}\"\nadmin_token = \"{}\"\ntest_project = \"{}\"\n\
         [service_account]\nusername = \"{}\"\n[oauth]\napproval = \"service-account\"\n\
         [align]\nurl = \"https://acme.jiraalign.com\"\n[keys]\nbits = 2048\n",
        env.jira.url(),
        demo.admin_token,
        demo.test_project_key,
        demo.service_username,
    );
    let mut replies = vec![
        Reply::text("align.api_token", ""),
        Reply::text("align.connector_name", ""),
        Reply::choose("How should the connector sign in", "OAuth"),
        Reply::choose("Who makes the RSA key pair?", "align-link"),
        Reply::text("service_account.password", &demo.service_password),
    ];
    // Steps 1 to 3, 4 (the copy menu, the Connector ID), 6: confirmed.
    replies.extend([
        Reply::confirm("Done in Jira Align?", true),
        Reply::confirm("Done in Jira Align?", true),
        Reply::confirm("Done in Jira Align?", true),
        Reply::choose("Copy a value", ""),
        Reply::text("connector.id", ""),
        Reply::confirm("Done in Jira Align?", true),
        Reply::confirm("Done in Jira Align?", true),
        Reply::text("align.application_name", ""),
        Reply::confirm("Done in Jira Align?", true), // step 16
    ]);
    let script = Scripted::new(replies);
    let mut ctx = context_with(&env.dir, &script, false, &answers);
    let all: Vec<_> = align_link::steps::STEPS[..20].iter().collect();
    let outcome = runner::run(&mut ctx, &all);
    let asked = script.asked();
    assert!(
        outcome.is_ok(),
        "{asked:?}\n{}",
        outcome.unwrap_err().render()
    );
    assert!(script.remaining().is_empty(), "{:?}", script.remaining());
    assert_eq!(
        ctx.state().step_status(20),
        align_link::state::StepStatus::Done
    );
}
