//! An administrator's first hour, in a terminal drawn by tmux: an interactive
//! `setup` against the sandbox's stand-ins, a mistyped token asked again in
//! place, an error midway; the rerun asks nothing already answered, and then
//! `doctor` asks nothing and passes every check, and `plan` says `No changes.`

use std::time::{Duration, Instant};

use crate::support;
use crate::support::tmux::Tmux;

/// What the test types at each question, by the question's text.
struct Typist<'a> {
    /// The person in the browser: approves the authorize URL on screen and
    /// returns the verification code Jira shows.
    approve: Box<dyn FnMut(&str) -> String + 'a>,
    /// The screen when the question was asked.
    screen: String,
    jira: String,
    align: String,
    pat: String,
    service: (String, String),
    /// The questions seen, in order, one entry per question asked.
    asked: Vec<String>,
    pat_tries: usize,
}

impl Typist<'_> {
    /// The answer to a question on screen: text to type, or keys for a menu.
    fn answer(&mut self, question: &str) -> Option<Answer> {
        let line = |text: &str| Answer::Line(text.to_string());
        let answer = match question {
            q if q.starts_with("Jira Align URL") => line(&self.align),
            q if q.starts_with("Jira Align API 2.0 token") => {
                line(align_link_standins::align::DEMO_API_TOKEN)
            }
            q if q.starts_with("Done in Jira Align?") => line("y"),
            q if q.starts_with("Jira base URL") => line(&self.jira),
            q if q.starts_with("Name for the connector") => line(""),
            q if q.starts_with("Connector ID shown on the form") => line("7"),
            q if q.starts_with("Jira personal access token") => {
                self.pat_tries += 1;
                // The first is mistyped: Jira refuses it and it is asked again.
                match self.pat_tries {
                    1 => line("a-mistyped-token"),
                    _ => line(&self.pat.clone()),
                }
            }
            q if q.contains("so later runs ask nothing already answered?") => line("y"),
            q if q.starts_with("Jira service account username") => line(&self.service.0.clone()),
            q if q.starts_with("Jira password for") => line(&self.service.1.clone()),
            q if q.starts_with("Verification code") => {
                let url = self
                    .screen
                    .split_whitespace()
                    .find(|word| word.contains("/plugins/servlet/oauth/authorize?"))
                    .expect("the authorize URL is shown")
                    .to_string();
                line(&(self.approve)(&url))
            }
            q if q.starts_with("Key of a Jira project") => line("ALIGN"),
            q if q.starts_with("Application link name in Jira") => line(""),
            q if q.starts_with("Who makes the RSA key pair?") => Answer::Keys(&["Down", "Enter"]),
            q if q.starts_with("How should") || q.starts_with("Copy a value") => {
                Answer::Keys(&["Enter"])
            }
            // Not a question of align-link's (a line that ends in a colon).
            _ => return None,
        };
        // The step whose heading is last on screen asked it.
        let step = self
            .screen
            .lines()
            .rev()
            .find(|l| l.starts_with("Step "))
            .and_then(|l| l.get(..7))
            .unwrap_or("before the steps");
        self.asked.push(format!("{step}: {question}"));
        Some(answer)
    }
}

enum Answer {
    Line(String),
    Keys(&'static [&'static str]),
}

/// The question the screen waits on, if any: a prompt with nothing typed after
/// it on the last line, or a menu's title over its choices.
fn waiting_question(screen: &[String]) -> Option<String> {
    let lines: Vec<&String> = screen.iter().filter(|l| !l.trim().is_empty()).collect();
    let last = lines.last()?;
    let open = last.ends_with(':')
        || last.ends_with("[y/N]")
        || last.ends_with("[Y/n]")
        || last.ends_with("]:");
    if open && !last.starts_with("  ") {
        return Some(last.to_string());
    }
    // A menu: a title ending in "?:" and only choices ("> x", "  x") below it.
    let title = lines.iter().rposition(|l| l.ends_with("?:"))?;
    let choices = &lines[title + 1..];
    let is_menu = !choices.is_empty()
        && choices.iter().any(|l| l.starts_with("> "))
        && choices
            .iter()
            .all(|l| l.starts_with("> ") || l.starts_with("  "));
    is_menu.then(|| lines[title].to_string())
}

/// Answers every question until the command ends; returns its exit status.
fn answer_until_exit(tmux: &Tmux, typist: &mut Typist<'_>) -> i32 {
    let started = Instant::now();
    let mut answered_screen: Option<Vec<String>> = None;
    let mut unknown_since: Option<Instant> = None;
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "the run never ended:\n{}",
            tmux.history()
        );
        if let Some(status) = tmux.exit_status() {
            return status;
        }
        let screen = tmux.screen();
        // Until the screen moves on, the last answer is still being read.
        if answered_screen.as_ref() == Some(&screen) {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        let Some(question) = waiting_question(&screen) else {
            answered_screen = None;
            std::thread::sleep(Duration::from_millis(100));
            continue;
        };
        // The prompt must stay put a moment: a line being drawn is not a question.
        std::thread::sleep(Duration::from_millis(150));
        if tmux.screen() != screen {
            continue;
        }
        typist.screen = screen.join("\n");
        let Some(answer) = typist.answer(&question) else {
            assert!(
                unknown_since.get_or_insert_with(Instant::now).elapsed() < Duration::from_secs(20),
                "a question the test does not know: {question:?}\n{}",
                tmux.history()
            );
            std::thread::sleep(Duration::from_millis(100));
            continue;
        };
        unknown_since = None;
        match answer {
            Answer::Line(text) => tmux.type_line(&text),
            Answer::Keys(keys) => {
                for key in keys {
                    tmux.send_key(key);
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
        answered_screen = Some(screen);
    }
}

#[test]
fn an_interactive_setup_interrupted_by_an_error_is_finished_by_a_rerun_that_asks_nothing() {
    let sandbox = align_link::sandbox::Sandbox::start().unwrap();
    let demo = sandbox.jira.demo().clone();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config = dir.path().join("config");
    let binary = assert_cmd::cargo::cargo_bin("align-link");
    // No credential store here (and none of the machine's is touched): the
    // secrets are kept as variables to export.
    let command = |args: &str| {
        format!(
            "{} {args} --state-dir {} --secret-store file",
            binary.display(),
            state.display()
        )
    };
    let config_home = format!("XDG_CONFIG_HOME={}", config.display());
    // The error midway: the service account loses Browse Projects just as it
    // approves, so the checks after the handshake fail; the admin then fixes it.
    let jira = &sandbox.jira;
    let service_user = demo.service_username.clone();
    let mut typist = Typist {
        approve: Box::new(|url: &str| {
            let verifier = support::approve_out_of_band(jira, url);
            jira.set_user_browse(&service_user, false);
            verifier
        }),
        screen: String::new(),
        jira: sandbox.jira.url(),
        align: sandbox.align.url(),
        pat: demo.admin_token.clone(),
        service: (demo.service_username.clone(), demo.service_password.clone()),
        asked: Vec::new(),
        pat_tries: 0,
    };
    let tmux = Tmux::start("first-hour", 200, &[&config_home], &command("setup"));
    let status = answer_until_exit(&tmux, &mut typist);
    let first = tmux.history();
    assert_eq!(status, 1, "the first run stops at the error:\n{first}");
    assert!(first.contains("Browse Projects"), "{first}");
    sandbox.jira.set_user_browse(&demo.service_username, true);
    assert_eq!(
        typist.pat_tries, 2,
        "the refused token is asked again:\n{first}"
    );
    assert!(first.contains("try again (2 of 3 tries left)"), "{first}");
    let asked_first = typist.asked.len();
    assert!(
        typist
            .asked
            .iter()
            .filter(|q| q.contains("Save these answers"))
            .count()
            == 1,
        "offered once: {:?}",
        typist.asked
    );

    // The operator exports what the first run said to export, and reruns.
    let kept = std::fs::read_to_string(config.join("align-link/default.toml")).unwrap();
    let mut exported = vec![config_home.clone()];
    for (variable, value) in [
        ("JIRA_ADMIN_TOKEN", demo.admin_token.as_str()),
        (
            "ALIGN_API_TOKEN",
            align_link_standins::align::DEMO_API_TOKEN,
        ),
    ] {
        assert!(kept.contains(&format!("env = \"{variable}\"")), "{kept}");
        assert!(
            first.contains(&format!("${variable}")),
            "told to export {variable}:\n{first}"
        );
        exported.push(format!("{variable}={value}"));
    }
    assert!(
        !kept.contains(&demo.admin_token),
        "no secret in the config:\n{kept}"
    );
    drop(tmux);
    let exported: Vec<&str> = exported.iter().map(String::as_str).collect();
    let tmux = Tmux::start("first-hour-rerun", 200, &exported, &command("setup"));
    let status = answer_until_exit(&tmux, &mut typist);
    let rerun = tmux.history();
    let (answered, asked_again) = typist.asked.split_at(asked_first);
    for question in asked_again {
        assert!(
            !answered.contains(question),
            "the rerun asks {question:?} again:\n{rerun}"
        );
    }
    // Step 24's confirmation comes after its check, which failed: new.
    assert_eq!(
        asked_again,
        ["Step 24: Done in Jira Align? [y/N]"],
        "{rerun}"
    );
    let asked_first = typist.asked.len();
    assert_eq!(status, 0, "{rerun}");
    assert!(
        rerun.contains("Done: every step requested is complete."),
        "{rerun}"
    );

    // doctor in the terminal: nothing asked, every check passes, sync included.
    tmux.respawn(&command("doctor"));
    let status = answer_until_exit(&tmux, &mut typist);
    let doctor = tmux.history();
    assert_eq!(
        typist.asked[asked_first..],
        Vec::<String>::new(),
        "{doctor}"
    );
    assert_eq!(status, 0, "{doctor}");
    assert!(doctor.contains("pass  Features synced"), "{doctor}");
    for word in ["FAIL", "warn "] {
        assert!(!doctor.contains(word), "every check passes:\n{doctor}");
    }
    // The one skip: the stand-ins serve plain http on loopback, no TLS to judge.
    let skipped: Vec<&str> = doctor.lines().filter(|l| l.starts_with("skip ")).collect();
    assert!(
        skipped.len() == 1 && skipped[0].contains("TLS") && skipped[0].contains("plain http"),
        "{doctor}"
    );

    tmux.respawn(&command("plan"));
    let status = answer_until_exit(&tmux, &mut typist);
    let plan = tmux.history();
    assert_eq!(typist.asked[asked_first..], Vec::<String>::new(), "{plan}");
    assert_eq!(status, 0, "{plan}");
    assert!(plan.contains("No changes."), "{plan}");
    for shown in [&first, &rerun, &doctor, &plan] {
        assert!(
            !shown.contains(&demo.admin_token),
            "a secret on screen:\n{shown}"
        );
    }
}
