//! The handshake through the binary: who approved it, and what the callback
//! listener lets in.

use std::fs;

use crate::support::{self, assert_exit, assert_success, stderr, stdout, Env};

const ACCESS_TOKEN_FILE: &str = "access-token.toml";

fn browser_command() -> String {
    format!("python3 {}", support::fake_browser().display())
}

/// The service account's token, then `step 17` approved in the browser by `user`.
fn reauthorize_as(env: &Env, user: &str, password: &str) -> std::process::Output {
    env.write_answers("[oauth]\napproval = \"browser\"\n");
    env.cmd(&["step", "17", "--yes"])
        .env("BROWSER", browser_command())
        .env("FAKE_BROWSER_USER", user)
        .env("FAKE_BROWSER_PASSWORD", password)
        .output()
        .unwrap()
}

#[test]
fn a_token_approved_by_another_account_is_discarded() {
    let env = Env::new();
    env.setup();
    let token_file = env.state_dir().join(ACCESS_TOKEN_FILE);
    let stored = fs::read_to_string(&token_file).unwrap();
    let demo = env.jira.demo().clone();
    for (user, password) in [
        (&demo.admin_username, &demo.admin_password),
        (&demo.viewer_username, &demo.viewer_password),
    ] {
        let output = reauthorize_as(&env, user, password);
        assert_exit(&output, 1);
        let err = stderr(&output);
        assert!(err.contains(&format!("approved by {user}")), "{err}");
        assert!(err.contains(&demo.service_username), "{err}");
        assert!(err.contains("discarded, not stored"), "{err}");
        // Jira issued it, align-link kept none of it.
        assert!(env.jira.access_tokens().iter().any(|t| &t.username == user));
        assert_eq!(fs::read_to_string(&token_file).unwrap(), stored);
        assert_eq!(
            env.state()["token"]["account"].as_str(),
            Some(demo.service_username.as_str())
        );
    }
    // Approved by the service account, the same answers work.
    let output = reauthorize_as(&env, &demo.service_username, &demo.service_password);
    assert_success(&output);
    assert_ne!(fs::read_to_string(&token_file).unwrap(), stored);
    assert_success(&env.run(&["step", "20", "--yes"]));
}

#[test]
fn the_callback_takes_only_its_random_path_and_token() {
    let env = Env::new();
    env.setup();
    env.write_answers("[oauth]\napproval = \"browser\"\n");
    let log = env.dir.path().join("browser.log");
    let output = env
        .cmd(&["step", "17", "--yes"])
        .env("BROWSER", browser_command())
        .env("FAKE_BROWSER_PROBE", "1")
        .env("FAKE_BROWSER_LOG", &log)
        .output()
        .unwrap();
    // Strays are answered 404 and waited past; a callback on the real path with
    // another request token is something other than Jira's redirect answering:
    // reported at once (issue 18), nothing stored, and the listener closes.
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("a callback for another request token"),
        "{}",
        stderr(&output)
    );
    let seen = fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = seen.lines().collect();
    let path = lines[0].strip_prefix("path /align-link/callback/").unwrap();
    assert_eq!(path.len(), 32, "{seen}");
    assert!(path.chars().all(|c| c.is_ascii_hexdigit()), "{seen}");
    assert_eq!(
        &lines[1..4],
        ["prefix 404", "guessed 404", "other-token 400"],
        "{seen}"
    );
    // The listener is closing: the real callback is not taken (refused, or cut
    // off while the process drops it), never answered 200.
    assert!(
        lines[4].starts_with("real ") && lines[4] != "real 200",
        "{seen}"
    );
    // The browser's command line holds a one-time loopback address, not the
    // request token.
    let opened = lines[5].strip_prefix("opened ").unwrap();
    assert!(opened.starts_with("http://127.0.0.1:"), "{seen}");
    assert!(opened.contains("/align-link/start/"), "{seen}");
    assert!(!opened.contains("oauth_token"), "{seen}");
    // The authorize URL is printed even though a browser opened.
    let out = stdout(&output);
    assert!(
        out.contains("/plugins/servlet/oauth/authorize?oauth_token="),
        "{out}"
    );
}

#[test]
fn setup_shows_each_leg_once_and_step_19_runs_the_whole_handshake() {
    let env = Env::new();
    let out = stdout(&env.setup());
    for step in 17..=20 {
        let header = format!("Step {step} [");
        assert_eq!(out.matches(&header).count(), 1, "{header}\n{out}");
    }
    assert!(!out.contains("already done"), "{out}");
    let token_file = env.state_dir().join(ACCESS_TOKEN_FILE);
    let first = fs::read_to_string(&token_file).unwrap();

    let output = env.run(&["step", "19", "--yes"]);
    assert_success(&output);
    let out = stdout(&output);
    assert!(out.contains("starting it at step 17"), "{out}");
    assert!(out.contains("request token obtained"), "{out}");
    assert_ne!(fs::read_to_string(&token_file).unwrap(), first);
    assert_eq!(env.jira.access_tokens().len(), 2);
    for step in 17..=20 {
        assert_eq!(env.step_status(step), "done", "step {step}");
    }
    // A rerun checks the stored token and keeps it: no handshake.
    let out = stdout(&env.setup());
    assert!(out.contains("the stored access token works"), "{out}");
    assert!(!out.contains("Step 18 ["), "{out}");
    assert_eq!(env.jira.access_tokens().len(), 2);
}
