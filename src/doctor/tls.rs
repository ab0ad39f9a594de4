//! Would Jira Align, in Atlassian's cloud, trust Jira's certificate? This machine
//! may trust more (a company CA, `--ca-cert`), so the chain Jira serves is checked
//! against Mozilla's public roots instead, and its expiry read.

use std::io;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, ClientConnection, RootCertStore};
use url::Url;
use x509_cert::der::Decode;

use super::{About, Check};
use crate::http::is_loopback;
use crate::util::text::server_name;

pub const TLS: About = ("jira.tls", "TLS a cloud service trusts");
/// Days before the certificate expires that doctor flags it.
const CERT_WARN_DAYS: i64 = 30;

/// Plain http fails (but on this machine); https is judged by the chain served.
pub fn check(url: &Url, timeout: Duration) -> Check {
    if url.scheme() == "http" {
        if is_loopback(url) {
            return Check::skip(
                TLS,
                format!("{url} is plain http on this machine (a local test Jira): nothing to check, and Jira Align could not reach it"),
            );
        }
        return Check::fail(
            TLS,
            format!("{url} is plain http: Jira Align connects to Jira over HTTPS only"),
            "Serve Jira over HTTPS with a certificate from a public CA, and use the https URL as jira.url.",
        );
    }
    if url.scheme() != "https" {
        return Check::skip(TLS, "the URL is not https");
    }
    let fix = "Check that Jira answers HTTPS on that host and port.";
    assess(url, timeout).unwrap_or_else(|err| Check::fail(TLS, format!("{url}: {err}"), fix))
}

/// A TLS handshake completed whatever the chain, which is then judged; nothing
/// is read over HTTP. The error says what stopped it.
fn assess(url: &Url, timeout: Duration) -> Result<Check, String> {
    let connect = |err: io::Error| format!("cannot connect: {err}");
    let handshake = |err: rustls::Error| format!("TLS handshake failed: {err}");
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(443);
    let host_for_name = host.trim_start_matches('[').trim_end_matches(']');
    let server_name = ServerName::try_from(host_for_name.to_string())
        .map_err(|err| format!("unreadable certificate: {host}: {err}"))?;
    let mut addresses = (host_for_name, port).to_socket_addrs().map_err(connect)?;
    let no_address = || connect(io::Error::new(io::ErrorKind::NotFound, "no address"));
    let address = addresses.next().ok_or_else(no_address)?;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let public = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|err| handshake(rustls::Error::General(err.to_string())))?;
    let recorder = Arc::new(Recorder {
        public,
        seen: Mutex::new(None),
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(handshake)?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_no_client_auth();
    let mut connection = ClientConnection::new(Arc::new(config), server_name).map_err(handshake)?;
    let mut socket = TcpStream::connect_timeout(&address, timeout).map_err(connect)?;
    socket.set_read_timeout(Some(timeout)).map_err(connect)?;
    socket.set_write_timeout(Some(timeout)).map_err(connect)?;
    while connection.is_handshaking() {
        connection
            .complete_io(&mut socket)
            .map_err(|err| match err.into_inner() {
                Some(inner) => match inner.downcast::<rustls::Error>() {
                    Ok(tls) => handshake(*tls),
                    Err(other) => connect(io::Error::other(other)),
                },
                None => connect(io::Error::other("connection closed")),
            })?;
    }
    let seen = recorder.seen.lock().map(|mut s| s.take()).ok().flatten();
    let (leaf, verdict) =
        seen.ok_or_else(|| "unreadable certificate: the server sent no certificate".to_string())?;
    judge(url, &leaf, verdict)
}

fn judge(url: &Url, leaf: &[u8], verdict: Result<(), rustls::Error>) -> Result<Check, String> {
    let certificate = x509_cert::Certificate::from_der(leaf)
        .map_err(|err| format!("unreadable certificate: {err}"))?;
    let tbs = &certificate.tbs_certificate;
    let issued = format!("certificate for {} issued by {}", tbs.subject, tbs.issuer);
    let not_after = tbs.validity.not_after.to_unix_duration().as_secs() as i64;
    let days = (not_after - crate::util::time::unix_now() as i64).div_euclid(86_400);
    let expiring = expiry_words(days);
    let public_ca = "Jira Align runs in Atlassian's cloud and trusts public CAs only: install a certificate from a public CA (with its intermediates) on Jira or its proxy.";
    let (problem, fix) = match verdict {
        Ok(()) if days < CERT_WARN_DAYS => {
            let fix = "Renew the certificate before it expires: Jira Align's sync stops the moment it does.";
            return Ok(Check::warn(TLS, format!("{issued}; {expiring}"), fix));
        }
        Ok(()) => {
            let detail = format!("{issued}; public roots trust it; {days} days left");
            return Ok(Check::pass(TLS, detail));
        }
        // Whatever webpki objects to first (unknown issuer, a CA certificate used
        // as a leaf), a leaf that names itself as issuer is the operator's problem.
        Err(_) if tbs.subject == tbs.issuer => ("it is self-signed".to_string(), public_ca),
        Err(rustls::Error::InvalidCertificate(reason)) => match reason {
            CertificateError::UnknownIssuer => (
                "a private CA that no public root vouches for".to_string(),
                public_ca,
            ),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                let fix = "Renew Jira's certificate.";
                return Ok(Check::fail(TLS, format!("{issued}: it has expired"), fix));
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => (
                format!("it does not name {}", url.host_str().unwrap_or("")),
                "Use a certificate that names Jira's host (or use the host it names as jira.url).",
            ),
            other => (server_name(&format!("{other:?}")), public_ca),
        },
        Err(other) => (server_name(&other.to_string()), public_ca),
    };
    // A chain to replace anyway: whether it is about to expire too is worth knowing.
    let soon = match days < CERT_WARN_DAYS {
        true => format!("; {expiring}"),
        false => String::new(),
    };
    Ok(Check::fail(TLS, format!("{issued}: {problem}{soon}"), fix))
}

fn expiry_words(days: i64) -> String {
    match days {
        0.. => format!("it expires in {days} day(s)"),
        _ => format!("it expired {} day(s) ago", -days),
    }
}

/// The leaf certificate (DER) and the public roots' verdict.
type Seen = (Vec<u8>, Result<(), rustls::Error>);

/// Lets every handshake finish, keeping the leaf and the public roots' verdict.
#[derive(Debug)]
struct Recorder {
    public: Arc<WebPkiServerVerifier>,
    seen: Mutex<Option<Seen>>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self
            .public
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map(|_| ());
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some((end_entity.as_ref().to_vec(), verdict));
        }
        // Only facts are read over this connection, never data: accept to finish.
        Ok(ServerCertVerified::assertion())
    }

    align_link_core::signatures_by_webpki!(public);
}

#[cfg(test)]
mod tests {
    /// A refused chain says its expiry too; an expired one in the past tense
    /// (the review found "expires in -11 day(s)").
    #[test]
    fn expiry_is_said_in_the_right_tense() {
        assert_eq!(super::expiry_words(12), "it expires in 12 day(s)");
        assert_eq!(super::expiry_words(0), "it expires in 0 day(s)");
        assert_eq!(super::expiry_words(-11), "it expired 11 day(s) ago");
    }
}
