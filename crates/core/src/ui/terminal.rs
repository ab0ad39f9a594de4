//! The terminal's width, and leaving it as it was found on Ctrl-C (`ctrlc` runs the
//! handler on a thread, so it may print and take locks, as a signal handler may not).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::platform;

/// 128 + SIGINT, as shells report it.
pub const EXIT_INTERRUPTED: i32 = 130;

pub const DEFAULT_WIDTH: usize = 80;

/// When no terminal is there, `COLUMNS` (as for `ls`), else [`DEFAULT_WIDTH`].
pub fn width() -> usize {
    match terminal_size::terminal_size() {
        Some((terminal_size::Width(columns), _)) if columns > 0 => columns as usize,
        _ => columns_from_env(std::env::var("COLUMNS").ok().as_deref()),
    }
}

fn columns_from_env(value: Option<&str>) -> usize {
    value
        .and_then(|text| text.trim().parse::<usize>().ok())
        .filter(|columns| (20..=10_000).contains(columns))
        .unwrap_or(DEFAULT_WIDTH)
}

static SAVED_NOTE: Mutex<Option<String>> = Mutex::new(None);

pub fn set_saved_note(note: impl Into<String>) {
    if let Ok(mut slot) = SAVED_NOTE.lock() {
        *slot = Some(note.into());
    }
}

/// A sandbox's state, with its private key: Ctrl-C exits without running destructors.
static REMOVE_ON_INTERRUPT: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Ctrl-C clears them (their drop never runs).
static SPINNERS: Mutex<Vec<(u64, indicatif::ProgressBar)>> = Mutex::new(Vec::new());

pub fn spinner_shown(bar: &indicatif::ProgressBar) -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if let Ok(mut list) = SPINNERS.lock() {
        list.push((id, bar.clone()));
    }
    id
}

pub fn spinner_gone(id: u64) {
    if let Ok(mut list) = SPINNERS.lock() {
        list.retain(|(shown, _)| *shown != id);
    }
}

pub fn remove_on_interrupt(dir: &Path) {
    if let Ok(mut slot) = REMOVE_ON_INTERRUPT.lock() {
        *slot = Some(dir.to_path_buf());
    }
}

pub fn install_interrupt_handler() {
    // An interrupted password prompt would leave echo off.
    platform::save_terminal();
    // Fails only when a handler is set already.
    let _ = ctrlc::set_handler(|| {
        if let Ok(list) = SPINNERS.lock() {
            for (_, bar) in list.iter() {
                bar.finish_and_clear();
            }
        }
        restore();
        if let Some(dir) = REMOVE_ON_INTERRUPT
            .lock()
            .ok()
            .and_then(|slot| slot.clone())
        {
            let _ = std::fs::remove_dir_all(dir);
        }
        let note = SAVED_NOTE
            .lock()
            .ok()
            .and_then(|slot| slot.clone())
            .unwrap_or_else(|| "Nothing was changed.".to_string());
        let mut stderr = std::io::stderr();
        let _ = writeln!(stderr, "\nInterrupted. {note}");
        let _ = stderr.flush();
        std::process::exit(EXIT_INTERRUPTED);
    });
}

/// `NO_COLOR` keeps these and the menus and spinner (through `console`) to plain text.
pub fn escapes_allowed() -> bool {
    static ALLOWED: OnceLock<bool> = OnceLock::new();
    *ALLOWED.get_or_init(|| {
        let var = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
        escapes_allowed_for(
            std::io::stderr().is_terminal(),
            var("NO_COLOR").is_some(),
            var("TERM").is_some_and(|term| term == "dumb"),
        ) && platform::enable_ansi_on_stderr()
    })
}

fn escapes_allowed_for(stderr_is_terminal: bool, no_color: bool, dumb: bool) -> bool {
    stderr_is_terminal && !no_color && !dumb
}

/// The settings saved at start-up, and the cursor dialoguer hides while a menu is shown.
pub fn restore() {
    platform::restore_terminal();
    let mut stderr = std::io::stderr();
    if escapes_allowed() {
        let _ = stderr.write_all(b"\x1b[?25h");
        let _ = stderr.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_from_the_environment_else_eighty() {
        assert_eq!(columns_from_env(None), 80);
        assert_eq!(columns_from_env(Some("132")), 132);
        assert_eq!(columns_from_env(Some("wide")), 80);
        assert_eq!(columns_from_env(Some("3")), 80);
    }

    #[test]
    fn escapes_only_to_a_terminal_that_wants_them() {
        assert!(escapes_allowed_for(true, false, false));
        assert!(!escapes_allowed_for(false, false, false));
        assert!(!escapes_allowed_for(true, true, false));
        assert!(!escapes_allowed_for(true, false, true));
    }
}
