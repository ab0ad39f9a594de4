//! A person at a terminal, played through a pseudo-terminal: the verifier typed
//! at the prompt (`--no-browser`), and a whole interactive setup where `BROWSER`
//! is a program that logs in to Jira and clicks Allow.

use crate::support;

use std::process::Command;

use rexpect::reader::{Options, ReadUntil};
use rexpect::session::spawn_with_options;
use support::Env;

fn interactive(env: &Env, args: &[&str]) -> Command {
    interactive_in(env, &env.state_dir(), args)
}

/// As `interactive`, in another state directory: another profile.
fn interactive_in(env: &Env, state_dir: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("align-link"));
    cmd.args(args)
        .arg("--answers")
        .arg(env.answers_path())
        .arg("--state-dir")
        .arg(state_dir)
        .env("XDG_CONFIG_HOME", env.config_home())
        .env("TEST_JIRA_PAT", &env.jira.demo().admin_token)
        .env("TEST_SERVICE_PASSWORD", &env.jira.demo().service_password)
        .env("TERM", "xterm")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("BROWSER");
    cmd
}

fn options() -> Options {
    Options {
        timeout_ms: Some(30_000),
        strip_ansi_escape_codes: true,
    }
}

#[test]
fn no_browser_takes_the_verifier_typed_at_the_prompt() {
    let env = Env::new();
    // Everything up to the handshake, scripted.
    let output = env.run(&["step", "4", "--yes"]);
    support::assert_success(&output);
    for step in ["5", "7", "9", "13"] {
        support::assert_success(&env.run(&["step", step, "--yes"]));
    }

    let mut session = spawn_with_options(
        interactive(&env, &["step", "17", "--no-browser"]),
        options(),
    )
    .unwrap();
    let (_, url) = session
        .exp_regex(r"http://127\.0\.0\.1:\d+/plugins/servlet/oauth/authorize\?oauth_token=[A-Za-z0-9%_.~-]+")
        .unwrap();
    session.exp_string("Verification code").unwrap();
    let verifier = support::approve_out_of_band(&env.jira, &url);
    session.send_line(&verifier).unwrap();
    session.exp_string("access token stored").unwrap();
    session.exp_eof().unwrap();
    assert_eq!(env.step_status(20), "done");
    assert_eq!(env.jira.access_tokens().len(), 1);
    assert_eq!(env.state()["token"]["approval"].as_str(), Some("manual"));
}

#[test]
fn interactive_setup_with_a_browser_that_clicks_allow() {
    let env = Env::new();
    // Else setup asks who makes the key pair and how the connector signs in.
    env.write_answers(
        "source = \"generate\"\n[connector]\nauth = \"oauth\"\n[oauth]\napproval = \"browser\"\n",
    );
    let mut cmd = interactive(&env, &["setup"]);
    cmd.env("BROWSER", support::fake_browser());
    let mut session = spawn_with_options(cmd, options()).unwrap();
    let mut confirmations = 0;
    let mut copy_offers = 0;
    let mut connector_id_asked = false;
    let mut align_token_asked = false;
    let mut saved_offered = false;
    loop {
        let (before, found) = session
            .exp_any(vec![
                ReadUntil::String("Done in Jira Align? [y/N]".into()),
                ReadUntil::String("Application link name in Jira [".into()),
                ReadUntil::String("> Nothing more: continue".into()),
                ReadUntil::String("Connector ID shown on the form".into()),
                ReadUntil::String("Jira Align API 2.0 token".into()),
                ReadUntil::String("Name for the connector in Jira Align [".into()),
                ReadUntil::String("Save these answers as profile".into()),
                ReadUntil::String("Done: every step requested is complete".into()),
                ReadUntil::String("Error:".into()),
            ])
            .unwrap();
        if found.contains("Nothing more") {
            copy_offers += 1;
            session.send("\r").unwrap(); // the highlighted choice: continue
            session.flush().unwrap();
        } else if found.contains("Connector ID") {
            // Asked once; the answer's echo repeats the prompt text.
            if !connector_id_asked {
                connector_id_asked = true;
                session.send_line("42").unwrap();
            }
        } else if found.contains("Jira Align API 2.0 token") {
            if !align_token_asked {
                align_token_asked = true;
                session.send_line("").unwrap(); // skip: no Jira Align checks
            }
        } else if found.contains("Name for the connector") {
            session.send_line("Jira DC (prod)").unwrap();
        } else if found.contains("Application link name") {
            session.send_line("").unwrap(); // accept the default, "Jira Align"
        } else if found.contains("Save these answers") {
            session.send_line("y").unwrap();
            saved_offered = true;
        } else if found.contains("Done in Jira Align?") {
            confirmations += 1;
            // A confirmation needs Enter: `y` alone confirms nothing.
            session.send_line("y").unwrap();
        } else {
            let rest = format!("{before}{found}");
            assert!(
                found.contains("every step requested is complete"),
                "{rest}{}",
                session.exp_eof().unwrap_or_default()
            );
            session.exp_eof().unwrap();
            break;
        }
    }
    assert_eq!(
        confirmations, 9,
        "steps 1, 2, 3, 4, 6, 16, 21, 23 and 24 ask the operator"
    );
    assert_eq!(
        copy_offers, 1,
        "step 4 offers to copy the connector's values"
    );
    assert_eq!(env.state()["align"]["connector_id"].as_integer(), Some(42));
    assert_eq!(
        env.state()["align"]["connector_name"].as_str(),
        Some("Jira DC (prod)")
    );
    assert!(
        align_token_asked,
        "a terminal run offers to check Jira Align with a token"
    );
    for step in 1..=24u8 {
        let status = env.step_status(step);
        assert!(
            status == "done" || (step == 22 && status == "skipped"),
            "step {step}: {status}"
        );
    }
    assert_eq!(env.state()["token"]["approval"].as_str(), Some("browser"));
    // Offered at the end: the answers, kept as the profile's config.
    assert!(saved_offered);
    let config = env.config_home().join("align-link/default.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("env = \"TEST_JIRA_PAT\""), "{text}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(env.jira.access_tokens()[0].username, "svc-jira-align");
}

#[test]
fn a_terminal_asks_before_replacing_another_profiles_consumer_and_defaults_to_no() {
    let env = Env::new();
    env.setup();
    let first_key = env.state()["consumer"]["key"].as_str().unwrap().to_string();
    let second = env.dir.path().join("second-profile");
    // Scripted, the second profile stops at step 13 without consent.
    let refused = env.cmd_in(&second, &["setup", "--yes"]).output().unwrap();
    support::assert_exit(&refused, 1);

    let consumer_key = || env.jira.links()[0].consumer.clone().unwrap().key;
    for (answer, replaced) in [("\r", false), ("y\r", true)] {
        let mut session =
            spawn_with_options(interactive_in(&env, &second, &["step", "13"]), options()).unwrap();
        // The link's name is taken from what the profile saw, not asked again.
        session.exp_string("DESTRUCTIVE, needs consent").unwrap();
        session
            .exp_string("Make this change in Jira? [y/N]")
            .unwrap();
        session.send(answer).unwrap();
        session.flush().unwrap();
        let rest = session.exp_eof().unwrap();
        if replaced {
            assert!(rest.contains("set on the link"), "{rest}");
            assert_ne!(consumer_key(), first_key);
        } else {
            assert!(rest.contains("not changed: you declined"), "{rest}");
            assert_eq!(consumer_key(), first_key, "No is the default");
        }
    }
}

#[test]
fn renew_in_a_terminal_shows_what_it_drops_asks_default_no_then_approves_as_the_service_account() {
    let env = Env::new();
    env.setup();
    let key_file = env.state_dir().join("private-key.pem");
    let token_file = env.state_dir().join("access-token.toml");
    let key_before = std::fs::read(&key_file).unwrap();
    let token_before = std::fs::read(&token_file).unwrap();
    let consumer_before = env.jira.links()[0].consumer.clone().unwrap();

    // Enter takes the default, No: nothing is dropped, here or in Jira.
    let mut session = spawn_with_options(interactive(&env, &["renew"]), options()).unwrap();
    session.exp_string("renew would:").unwrap();
    session
        .exp_string("remove the link's incoming consumer")
        .unwrap();
    session.exp_string("drop the stored access token").unwrap();
    session.exp_string("Renew? [y/N]").unwrap();
    session.send_line("").unwrap();
    session.exp_string("Nothing was renewed").unwrap();
    session.exp_eof().unwrap();
    assert_eq!(std::fs::read(&key_file).unwrap(), key_before);
    assert_eq!(std::fs::read(&token_file).unwrap(), token_before);
    assert_eq!(
        env.jira.links()[0].consumer.clone().unwrap().public_key_der,
        consumer_before.public_key_der
    );

    // Yes: the service account's password is in the answers, so the approval
    // is align-link's own, as in setup: no browser and no code to type.
    let mut session = spawn_with_options(interactive(&env, &["renew"]), options()).unwrap();
    session.exp_string("Renew? [y/N]").unwrap();
    session.send_line("y").unwrap();
    session
        .exp_string("approving as the service account")
        .unwrap();
    session.exp_string("Renewed: consumer key").unwrap();
    session.exp_eof().unwrap();
    assert_ne!(std::fs::read(&key_file).unwrap(), key_before);
    assert_eq!(
        env.state()["token"]["approval"].as_str(),
        Some("service-account")
    );
    support::assert_success(&env.run(&["doctor"]));
}
