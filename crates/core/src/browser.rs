//! Opening the authorize page. `BROWSER` wins (a `:`-separated list of commands,
//! `%s` standing for the URL, as `xdg-open` and git read it); otherwise the
//! system's opener, when a display is there to show it.

use std::process::{Command, Stdio};

pub fn available() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    set("BROWSER")
        || cfg!(target_os = "macos")
        || cfg!(windows)
        || set("DISPLAY")
        || set("WAYLAND_DISPLAY")
}

/// Without waiting for it; false if nothing started.
pub fn open(url: &str) -> bool {
    match std::env::var("BROWSER") {
        Ok(list) => list
            .split(':')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .any(|command| spawn_browser_command(command, url)),
        Err(_) => webbrowser::open(url).is_ok(),
    }
}

fn spawn_browser_command(command: &str, url: &str) -> bool {
    let mut words = command.split_whitespace();
    let Some(program) = words.next() else {
        return false;
    };
    let mut args: Vec<String> = words.map(|w| w.replace("%s", url)).collect();
    if !command.contains("%s") {
        args.push(url.to_string());
    }
    Command::new(program)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .is_ok()
}
