//! The terminal itself: its width, and leaving it as it was found when the
//! operator presses Ctrl-C.
//!
//! The interrupt handler comes from the `ctrlc` crate: it runs on a thread of its
//! own rather than inside the signal handler, so it may print, take locks and
//! restore the terminal, which a bare signal handler may not.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::platform;

/// Exit code after Ctrl-C: 128 + SIGINT, as shells report it.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Columns when stdout is not a terminal (a pipe, a file, a test).
pub const DEFAULT_WIDTH: usize = 80;

/// The terminal's width in columns (stdout, else stderr, else stdin); when none
/// is a terminal, `COLUMNS` if set (as for `ls`), else [`DEFAULT_WIDTH`].
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

/// What Ctrl-C should say was saved, e.g. the state directory; set once a command
/// knows.
static SAVED_NOTE: Mutex<Option<String>> = Mutex::new(None);

/// Tells the interrupt handler what to say is saved.
pub fn set_saved_note(note: impl Into<String>) {
    if let Ok(mut slot) = SAVED_NOTE.lock() {
        *slot = Some(note.into());
    }
}

/// A temporary directory of this run (a sandbox's state, with its private key):
/// Ctrl-C exits without running destructors, so the handler removes it itself.
static REMOVE_ON_INTERRUPT: Mutex<Option<PathBuf>> = Mutex::new(None);

/// The spinners on screen, by id: Ctrl-C clears them (their drop never runs).
static SPINNERS: Mutex<Vec<(u64, indicatif::ProgressBar)>> = Mutex::new(Vec::new());

/// Registers a spinner for Ctrl-C to clear; returns its id for [`spinner_gone`].
pub fn spinner_shown(bar: &indicatif::ProgressBar) -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if let Ok(mut list) = SPINNERS.lock() {
        list.push((id, bar.clone()));
    }
    id
}

/// The spinner `id` cleared itself.
pub fn spinner_gone(id: u64) {
    if let Ok(mut list) = SPINNERS.lock() {
        list.retain(|(shown, _)| *shown != id);
    }
}

/// Tells the interrupt handler to remove `dir`, as the saved note promises.
pub fn remove_on_interrupt(dir: &Path) {
    if let Ok(mut slot) = REMOVE_ON_INTERRUPT.lock() {
        *slot = Some(dir.to_path_buf());
    }
}

/// Ctrl-C: restore the terminal (settings and cursor), say what was saved, exit 130.
pub fn install_interrupt_handler() {
    // A password prompt turns echo off, and an interrupted one would leave it off.
    platform::save_terminal();
    // Fails only when a handler is set already (a second call): nothing to do then.
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

/// Whether an escape sequence may be written to stderr: it is a terminal that
/// shows them (a Windows console is switched to do so, once), not `TERM=dumb`.
/// align-link prints no colours; `NO_COLOR` (any non-empty value) also keeps it
/// and the menus and spinner (through the `console` crate) to plain text.
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

/// Puts the terminal back: the settings saved at start-up and a visible cursor
/// (dialoguer hides it while a menu is shown).
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
