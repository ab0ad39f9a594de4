//! A terminal as a person sees it: a tmux server of the test's own with one
//! pane, its screen read back as text.

use std::process::Command;
use std::time::{Duration, Instant};

use super::Env;

/// A tmux server of its own, killed when the test ends.
pub struct Tmux {
    socket: String,
    /// Where the pane's command writes its exit status: tmux may leave an
    /// exited command unreaped for a long while, so its own status is not waited on.
    status_file: std::path::PathBuf,
}

impl Tmux {
    /// A tmux server of its own (`name` tells tests apart) with one pane
    /// `columns` wide running `command`, kept on screen when it exits; the
    /// environment holds the stand-in's PAT, `env_pairs` and `TERM=xterm`.
    pub fn running(name: &str, columns: u16, env: &Env, env_pairs: &[&str], command: &str) -> Tmux {
        let pat = format!("TEST_JIRA_PAT={}", env.jira.demo().admin_token);
        let mut pairs = vec![pat.as_str()];
        pairs.extend(env_pairs);
        Tmux::start(name, columns, &pairs, command)
    }

    /// As [`Tmux::running`] with only `env_pairs` (and `TERM=xterm`) set.
    pub fn start(name: &str, columns: u16, env_pairs: &[&str], command: &str) -> Tmux {
        let socket = format!("align-link-test-{}-{name}", std::process::id());
        let tmux = Tmux {
            status_file: std::env::temp_dir().join(format!("{socket}.status")),
            socket,
        };
        let width = columns.to_string();
        let mut args = vec!["new-session", "-d", "-s", "menu", "-x", &width, "-y", "50"];
        for pair in env_pairs {
            args.extend(["-e", pair]);
        }
        args.extend(["-e", "TERM=xterm"]);
        tmux.run(&args);
        tmux.run(&["set-option", "-t", "menu", "remain-on-exit", "on"]);
        tmux.respawn(command);
        tmux
    }

    /// Runs `command` in the pane anew, on a cleared screen.
    pub fn respawn(&self, command: &str) {
        let _ = std::fs::remove_file(&self.status_file);
        let command = format!("{command}; echo $? > {}", self.status_file.display());
        self.run(&["respawn-pane", "-k", "-t", "menu", &command]);
        self.run(&["clear-history", "-t", "menu"]);
    }

    pub fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs (install it: the terminal tests draw the screen with it)");
        assert!(
            output.status.success(),
            "tmux {args:?}: {}",
            super::stderr(&output)
        );
        super::stdout(&output)
    }

    pub fn screen(&self) -> Vec<String> {
        self.run(&["capture-pane", "-p", "-t", "menu"])
            .lines()
            .map(|line| line.trim_end().to_string())
            .collect()
    }

    /// The whole pane's text, its scrollback included.
    pub fn history(&self) -> String {
        self.run(&["capture-pane", "-p", "-S", "-", "-t", "menu"])
    }

    /// The exit status of the pane's command once it ended; `None` while it runs.
    pub fn exit_status(&self) -> Option<i32> {
        std::fs::read_to_string(&self.status_file)
            .ok()
            .filter(|text| text.ends_with('\n'))
            .and_then(|text| text.trim().parse().ok())
    }

    /// Whether the program reads keys one by one (the terminal is out of
    /// canonical mode): a key typed before that would be echoed, not read.
    pub fn reads_keys(&self) -> bool {
        let tty = self.run(&["display-message", "-p", "-t", "menu", "#{pane_tty}"]);
        let mode = Command::new("stty")
            .args(["-a", "-F", tty.trim()])
            .output()
            .unwrap();
        super::stdout(&mode).contains("-icanon")
    }

    /// Sends a key once the program reads keys one by one.
    pub fn send_key(&self, key: &str) {
        let started = Instant::now();
        while !self.reads_keys() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the program never read keys"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        self.run(&["send-keys", "-t", "menu", key]);
    }

    /// Types `text` and Enter.
    pub fn type_line(&self, text: &str) {
        if !text.is_empty() {
            self.run(&["send-keys", "-t", "menu", "-l", text]);
        }
        self.run(&["send-keys", "-t", "menu", "Enter"]);
    }

    /// The screen once `text` is on it.
    pub fn wait_for(&self, text: &str) -> Vec<String> {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if screen.iter().any(|line| line.contains(text)) {
                return screen;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{text:?} never shown:\n{}",
                screen.join("\n")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // The server first: a pane's command that ends meanwhile still writes
        // its status, and the file would be left behind.
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
        let _ = std::fs::remove_file(&self.status_file);
    }
}
