//! Every hint made from a typed error: the library says what failed, this says what
//! to do about it. A caller that knows more adds its own with `AppError::hint`.

use super::remedy;
use super::NeedsStep;
use crate::http::error::{StatusError, UrlReason};
use crate::http::{AuthKind, ClientError, ConfigError, Service, TransportKind};
use crate::util::file::FileError;
use crate::util::suggest;

pub fn client(err: &ClientError) -> String {
    match err {
        ClientError::Config(e) => config(e),
        ClientError::Url(e) => url(&e.reason).to_string(),
        ClientError::Status(e) => status(e).to_string(),
        ClientError::OAuth(e) => remedy::remedy(&e.problem, &e.context),
        ClientError::Transport(e) => transport(&e.kind).to_string(),
        ClientError::Parse(_) => {
            "Check that the URL points at Jira itself, not at a login page or proxy.".into()
        }
        ClientError::TooLarge(_) => "No answer align-link reads is this large: check that the URL points at Jira (or Jira Align) itself, not at a download, a proxy or another service.".into(),
        ClientError::RetryTooLong(e) => format!(
            "Wait {} s and rerun, or raise --timeout above that to let align-link wait.",
            e.asked_secs
        ),
        ClientError::Answer(e) => e.hint.clone(),
    }
}

pub fn needs_step(err: &NeedsStep) -> String {
    format!(
        "Run `{}` first, or `{}` to run every step in order.",
        suggest::command(&format!("step {}", err.step)),
        suggest::command("setup")
    )
}

fn config(err: &ConfigError) -> String {
    match err {
        ConfigError::CaCertFile { path, problem } => match problem {
            FileError::Missing | FileError::Io(_) => {
                "Give the path of your private CA's certificate (PEM).".to_string()
            }
            other => other.fix(&path.display().to_string()),
        },
        ConfigError::CaCertNotPem { .. } => {
            "The file must hold a `-----BEGIN CERTIFICATE-----` block.".into()
        }
        ConfigError::CaCertRefused { .. } => {
            "The file must hold the certificate of your private CA, or the server's own.".into()
        }
        ConfigError::Client { .. } => "Check --ca-cert and the system's certificate store.".into(),
    }
}

fn url(reason: &UrlReason) -> &'static str {
    match reason {
        UrlReason::PlainHttp => "Use https://, or pass --allow-http if you accept credentials crossing the network unencrypted.",
        UrlReason::Scheme(_) => "Give an https:// URL.",
        UrlReason::UserInfo => "Remove the `user:password@` part: credentials go in the answers file (jira.admin_token, service_account.password), never in a URL.",
    }
}

/// Decided by status and how we called, never by the server's words.
fn status(e: &StatusError) -> &'static str {
    match e.service {
        Service::Jira => match e.status {
            401 => "The credentials were refused: check the token or password (a personal access token needs Jira 8.14 or later), and that the account is not locked by a CAPTCHA after failed logins.",
            403 if e.auth == AuthKind::Basic => "Jira refused a call made with a password (Basic): where Basic authentication is switched off on this Jira, use a personal access token (jira.admin_token) instead; otherwise the account lacks the rights (application links need a Jira administrator).",
            403 => "The account lacks the rights for this call: application links need a Jira administrator.",
            404 => "Jira does not know this path or item: check the Jira URL, including any context path such as /jira.",
            429 | 503 => "Jira is busy or rate-limiting: wait a minute and rerun this step.",
            _ => "Rerun with -v to see the requests; the answer's text above may say more.",
        },
        Service::JiraAlign => match (e.status, e.auth) {
            (401, AuthKind::Basic) => "The Atlassian API token or email was refused: check align.api_email and align.api_token.",
            (401, _) => "The token was refused: copy a fresh API 2.0 token from your Jira Align profile (API 1.0 tokens stopped working in 10.130.0) into align.api_token.",
            (403, _) => "The token works but its user lacks the rights: the API has the user's own permissions, so use a Super Admin's token.",
            (429, _) => "Jira Align is rate-limiting: wait a minute and rerun the step.",
            _ => "Check align.url (https://NAME.jiraalign.com) and rerun with -v.",
        },
    }
}

fn transport(kind: &TransportKind) -> &'static str {
    match kind {
        TransportKind::Tls { .. } => "The server's TLS certificate is not trusted. If Jira sits behind a private CA, pass --ca-cert FILE with that CA's certificate (PEM); otherwise check the URL's host name.",
        TransportKind::Timeout => "The server did not answer in time: check the URL, a proxy or firewall, or raise --timeout.",
        TransportKind::Dns { .. } => "The host name does not resolve: check the URL's host name, and this machine's DNS or proxy settings.",
        TransportKind::Refused => "Nothing answered at that address: check the URL and port, and that this machine may reach it (firewall, proxy).",
        TransportKind::Other => "Check the URL and the network path to it.",
    }
}
