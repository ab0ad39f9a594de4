//! Which URLs may be called, and how one is shown: query secrets redacted, a password masked.

use url::Url;

use super::error::{ClientError, UrlError, UrlReason};
use super::Result;
use crate::util::text::SECRET_PARAMS;

pub fn check_scheme(url: &Url, field: &str, allow_http: bool) -> Result<()> {
    let refuse = |reason: UrlReason| {
        Err(ClientError::Url(Box::new(UrlError {
            field: field.to_string(),
            shown: masked_url(url),
            reason,
        })))
    };
    // Checked first: every other message shows the URL.
    if !url.username().is_empty() || url.password().is_some() {
        return refuse(UrlReason::UserInfo);
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_http || is_loopback(url) => Ok(()),
        "http" => refuse(UrlReason::PlainHttp),
        other => refuse(UrlReason::Scheme(other.to_string())),
    }
}

fn masked_url(url: &Url) -> String {
    let mut shown = url.clone();
    if url.password().is_some() {
        let _ = shown.set_password(Some("***"));
    }
    redact_url(&shown)
}

pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name
            .strip_suffix('.')
            .unwrap_or(name)
            .eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

pub fn redact_url(url: &Url) -> String {
    if url.query().is_none() {
        return url.to_string();
    }
    let mut shown = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| match SECRET_PARAMS.contains(&k.as_ref()) {
            true => (k.into_owned(), "<redacted>".to_string()),
            false => (k.into_owned(), v.into_owned()),
        })
        .collect();
    shown.query_pairs_mut().clear().extend_pairs(pairs);
    shown.to_string()
}
