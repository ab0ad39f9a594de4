//! Shared by the end-to-end tests: a Jira stand-in started in the test process,
//! an answers file pointing at it, a private state directory, and the real
//! `align-link` binary run against them.
#![allow(dead_code)]

pub mod align;
pub mod fault_proxy;
pub mod kill_harness;
pub mod tmux;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use align_link_standins::jira::{JiraConfig, JiraStandIn};
use assert_cmd::Command;
use tempfile::TempDir;

pub struct Env {
    pub jira: JiraStandIn,
    pub dir: TempDir,
}

impl Env {
    pub fn new() -> Env {
        Self::with_config(JiraConfig::default())
    }

    pub fn with_config(config: JiraConfig) -> Env {
        let jira = JiraStandIn::start(config).expect("the Jira stand-in starts");
        let dir = tempfile::tempdir().unwrap();
        let env = Env { jira, dir };
        env.write_answers("");
        env
    }

    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    pub fn answers_path(&self) -> PathBuf {
        self.dir.path().join("answers.toml")
    }

    /// The standard answers for the stand-in, plus `extra` TOML appended at the end.
    pub fn write_answers(&self, extra: &str) {
        self.write_answers_at(&self.jira.url(), extra);
    }

    /// As `write_answers`, with `jira_url` as `jira.url` (a proxy in front of the
    /// stand-in, or another name for it).
    pub fn write_answers_at(&self, jira_url: &str, extra: &str) {
        let demo = self.jira.demo();
        let text = format!(
            "[jira]\nurl = \"{}\"\nadmin_token = {{ env = \"TEST_JIRA_PAT\" }}\ntest_project = \"{}\"\n\n\
             [service_account]\nusername = \"{}\"\npassword = {{ env = \"TEST_SERVICE_PASSWORD\" }}\n\n\
             [align]\nurl = \"https://acme.jiraalign.com\"\n\n[keys]\nbits = 2048\n{extra}",
            jira_url,
            demo.test_project_key,
            demo.service_username,
        );
        write_private(&self.answers_path(), &text);
    }

    /// Replaces `from` (which must be there) with `to` in the answers file.
    pub fn rewrite_answers(&self, from: &str, to: &str) {
        let text = fs::read_to_string(self.answers_path()).unwrap();
        assert!(text.contains(from), "{from:?} not in the answers:\n{text}");
        write_private(&self.answers_path(), &text.replace(from, to));
    }

    /// Where the profiles' config files live for this test (`XDG_CONFIG_HOME`).
    pub fn config_home(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    /// The binary with the answers file and state directory, no browser, no
    /// terminal. `args` starts with the subcommand; the answers file and state
    /// directory follow it, where the subcommand takes them.
    pub fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_in(&self.state_dir(), args)
    }

    /// As `cmd`, with another state directory: another profile on the same Jira.
    pub fn cmd_in(&self, state_dir: &Path, args: &[&str]) -> Command {
        let binary = assert_cmd::cargo::cargo_bin("align-link");
        let mut cmd = Command::from_std(self.command_of(&binary, state_dir, args));
        cmd.timeout(std::time::Duration::from_secs(120));
        cmd
    }

    /// As `cmd_in`, as a plain `std::process::Command` of this `binary` (a
    /// release build, or a process to be killed), with no timeout of its own.
    pub fn command_of(
        &self,
        binary: &Path,
        state_dir: &Path,
        args: &[&str],
    ) -> std::process::Command {
        let mut cmd = std::process::Command::new(binary);
        cmd.args(args);
        add_profile_args(&mut cmd, args.first().copied(), self, state_dir);
        // Wide: assertions look for whole sentences, which 80 columns would wrap.
        cmd.env("XDG_CONFIG_HOME", self.config_home())
            .env("COLUMNS", WIDE)
            .env("TEST_JIRA_PAT", &self.jira.demo().admin_token)
            .env("TEST_SERVICE_PASSWORD", &self.jira.demo().service_password)
            // These tests check the secret files; the credential store's path is
            // tested in-process (secret_store.rs), never in the desktop's own.
            .env("ALIGN_LINK_SECRET_STORE", "file")
            .env_remove("BROWSER")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    pub fn setup(&self) -> Output {
        let output = self.run(&["setup", "--yes"]);
        assert_success(&output);
        output
    }

    pub fn state_text(&self) -> String {
        fs::read_to_string(self.state_dir().join("state.toml")).unwrap_or_default()
    }

    pub fn state(&self) -> toml::Value {
        toml::from_str(&self.state_text()).unwrap()
    }

    pub fn step_status(&self, number: u8) -> String {
        // A step never recorded (or no state yet) is pending.
        self.state()
            .get("steps")
            .and_then(|steps| steps.get(number.to_string()))
            .and_then(|step| step.get("status"))
            .and_then(|status| status.as_str())
            .unwrap_or("pending")
            .to_string()
    }
}

/// `COLUMNS` for runs whose output is searched for whole sentences.
pub const WIDE: &str = "1000";

/// `--answers` and `--state-dir` for the subcommands that take them (`steps`
/// takes neither; `status` and `profiles` no answers file).
fn add_profile_args(
    cmd: &mut std::process::Command,
    subcommand: Option<&str>,
    env: &Env,
    state_dir: &Path,
) {
    let (answers, state) = match subcommand {
        Some("steps" | "profiles" | "completions" | "man" | "sandbox") => (false, false),
        Some("status") => (false, true),
        _ => (true, true),
    };
    if answers {
        cmd.arg("--answers").arg(env.answers_path());
    }
    if state {
        cmd.arg("--state-dir").arg(state_dir);
    }
}

/// `cmd` (an interactive setup with `Env`'s answers) on a pseudo-terminal,
/// stopped at the first "Done in Jira Align?" (the questions before the steps
/// answered with Enter: no Jira Align token, the defaults): where tests press
/// Ctrl-C.
pub fn at_first_confirmation(
    cmd: std::process::Command,
    strip_ansi_escape_codes: bool,
) -> rexpect::session::PtySession {
    let options = rexpect::reader::Options {
        timeout_ms: Some(30_000),
        strip_ansi_escape_codes,
    };
    let mut session = rexpect::session::spawn_with_options(cmd, options).unwrap();
    for question in [
        "Jira Align API 2.0 token", // no token: step 1 is guided only
        "Name for the connector",
        "How should the connector sign in",
        "Who makes the RSA key pair?",
    ] {
        session.exp_string(question).unwrap();
        session.send_line("").unwrap();
    }
    session.exp_string("Done in Jira Align?").unwrap();
    session
}

/// The temp directories a `--sandbox` run left in `tmp`.
pub fn sandbox_dirs(tmp: &Path) -> Vec<String> {
    fs::read_dir(tmp)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("align-link-sandbox-"))
        .collect()
}

pub fn write_private(path: &Path, text: &str) {
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).unwrap();
}

/// `text` with this test's temporary directory, the stand-in's address, key
/// fingerprints, ids and generated consumer keys made stable, for a snapshot that
/// holds the wording and nothing that varies from run to run.
pub fn stable(env: &Env, text: &str) -> String {
    use regex::Regex;
    use std::sync::LazyLock;
    static VARYING: LazyLock<[(Regex, &str); 3]> = LazyLock::new(|| {
        [
            (
                Regex::new(r"SHA256:[A-Za-z0-9+/=]{43,44}").unwrap(),
                "SHA256:[FINGERPRINT]",
            ),
            (
                Regex::new(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
                    .unwrap(),
                "[ID]",
            ),
            (
                Regex::new(r"\b[A-Za-z0-9]{32}\b").unwrap(),
                "[CONSUMER-KEY]",
            ),
        ]
    });
    let mut text = text
        .replace(&env.jira.url(), "[JIRA]")
        .replace(&env.dir.path().display().to_string(), "[TMP]");
    for (pattern, stand_for) in VARYING.iter() {
        text = pattern.replace_all(&text, *stand_for).into_owned();
    }
    text
}

/// An `http://127.0.0.1:PORT` address that refuses connections while the returned
/// socket lives: bound but not listening, so no other test can take the port.
pub fn refusing_address() -> (socket2::Socket, String) {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket
        .bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    let port = socket.local_addr().unwrap().as_socket().unwrap().port();
    (socket, format!("http://127.0.0.1:{port}"))
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        stdout(output),
        stderr(output)
    );
}

pub fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "\n--- stdout\n{}\n--- stderr\n{}",
        stdout(output),
        stderr(output)
    );
}

pub fn fake_browser() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/fake_browser.py")
}

/// Changes the link's consumer behind align-link's back, as another admin might,
/// through Jira's own REST API.
pub fn put_consumer(env: &Env, link_id: &str, key: &str, public_key_pem: &str) {
    let url = format!(
        "{}/rest/applinks-oauth/1.0/applicationlink/{link_id}/authentication/consumer",
        env.jira.url()
    );
    let response = reqwest::blocking::Client::new()
        .put(url)
        .bearer_auth(&env.jira.demo().admin_token)
        .header("Accept", "application/json")
        .json(&serde_json::json!({"key": key, "name": "tampered", "publicKey": public_key_pem}))
        .send()
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        201,
        "{}",
        response.text().unwrap()
    );
}

/// An administrator's call to Jira's REST API (bearer token), as another admin
/// would make it behind align-link's back: the answer's status.
fn admin_call(
    env: &Env,
    method: reqwest::Method,
    path: &str,
    json: Option<serde_json::Value>,
) -> u16 {
    let mut request = reqwest::blocking::Client::new()
        .request(method, format!("{}{path}", env.jira.url()))
        .bearer_auth(&env.jira.demo().admin_token)
        .header("Accept", "application/json")
        .timeout(std::time::Duration::from_secs(30));
    if let Some(json) = json {
        request = request.json(&json);
    }
    request.send().unwrap().status().as_u16()
}

/// Deletes the application link in Jira, as another admin (or a restore) might.
pub fn delete_link(env: &Env, link_id: &str) {
    let path = format!("/rest/applinks/1.0/applicationlink/{link_id}");
    assert_eq!(admin_call(env, reqwest::Method::DELETE, &path, None), 200);
}

/// Renames the application link in Jira, as another admin might.
pub fn rename_link(env: &Env, link_id: &str, name: &str) {
    let path = format!("/rest/applinks/3.0/applicationlink/{link_id}");
    let body = serde_json::json!({ "name": name });
    assert_eq!(
        admin_call(env, reqwest::Method::PUT, &path, Some(body)),
        200
    );
}

/// Removes the link's incoming consumer (and so every token issued to it) through
/// Jira's admin page, the only way Jira offers, as another admin might.
pub fn remove_consumer(env: &Env, link_id: &str) {
    let response = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!(
            "{}/plugins/servlet/applinks/auth/conf/oauth/add-consumer-manually/{link_id}",
            env.jira.url()
        ))
        .bearer_auth(&env.jira.demo().admin_token)
        .header("X-Atlassian-Token", "no-check")
        .form(&[("oauth-incoming-enabled", "false")])
        .timeout(std::time::Duration::from_secs(30))
        .send()
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        302,
        "the page redirects when done"
    );
    let links = env.jira.links();
    let link = links.iter().find(|l| l.id == link_id).unwrap();
    assert!(link.consumer.is_none(), "the consumer is gone");
}

/// What a person does in the browser for an `oob` authorization: log in, click
/// Allow, read the code Jira shows.
pub fn approve_out_of_band(
    jira: &align_link_standins::jira::JiraStandIn,
    authorize_url: &str,
) -> String {
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let demo = jira.demo();
    let login: serde_json::Value = client
        .post(format!("{}/rest/auth/1/session", jira.url()))
        .json(&serde_json::json!({"username": demo.service_username, "password": demo.service_password}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let cookie = format!("JSESSIONID={}", login["session"]["value"].as_str().unwrap());
    let page = client
        .get(authorize_url)
        .header("Cookie", &cookie)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let atl = page
        .split("name=\"atl_token\"")
        .nth(1)
        .and_then(|rest| rest.split("value=\"").nth(1))
        .unwrap();
    let atl = atl.split('"').next().unwrap();
    let token = authorize_url.split("oauth_token=").nth(1).unwrap();
    let shown = client
        .post(format!("{}/plugins/servlet/oauth/authorize", jira.url()))
        .header("Cookie", &cookie)
        .form(&[
            ("oauth_token", token),
            ("atl_token", atl),
            ("approve", "Allow"),
        ])
        .send()
        .unwrap()
        .text()
        .unwrap();
    let after = shown
        .split("id=\"oauth-verifier\">")
        .nth(1)
        .expect("the page shows the verifier");
    after.split('<').next().unwrap().trim().to_string()
}
