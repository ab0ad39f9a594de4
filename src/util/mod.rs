//! Small helpers with no better home.

pub mod file;
pub mod time;

/// Shortens `text` to at most `max` characters for an error message, marking the cut.
pub fn truncate(text: &str, max: usize) -> String {
    let trimmed = text.trim();
    if trimmed.chars().count() <= max {
        return trimmed.to_string();
    }
    let cut: String = trimmed.chars().take(max).collect();
    format!("{cut}…")
}
