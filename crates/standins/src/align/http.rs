//! Jira Align's side of the shared HTTP plumbing: how it spells its responses and
//! the frame of its admin pages.

use crate::http::{self, Dialect};

pub(crate) use crate::http::{html_escape, Req};

/// Jira Align's spelling.
#[derive(Debug, Clone)]
pub(crate) struct Align;

impl Dialect for Align {
    const JSON: &'static str = "application/json; charset=utf-8";
    const TEXT: &'static str = "text/plain; charset=utf-8";
    /// The API is read-only, so bodies are tiny or absent.
    const MAX_BODY: u64 = 1 << 16;
    const SERVER: &'static str = "Jira Align stand-in";
}

/// `Resp::empty(404)`, no body and no `Content-Type`, is what Jira Align answers
/// for an unknown route.
pub(crate) type Resp = http::Resp<Align>;

impl Resp {
    pub fn html(status: u16, title: &str, body_html: &str) -> Resp {
        let title = html_escape(title);
        let head = format!("<head><title>{title} - Jira Align stand-in</title></head>");
        let page = format!("<!DOCTYPE html><html>{head}<body>{body_html}</body></html>");
        Resp::new(status, "text/html; charset=utf-8", page)
    }
}
