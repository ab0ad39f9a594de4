//! Would a cloud service trust Jira's certificate? Jira Align runs in Atlassian's
//! cloud and must reach Jira over HTTPS with a chain that public roots vouch for.
//! This machine may trust more (a company CA in the system store, `--ca-cert`), so
//! a run that works here proves nothing about Jira Align: the chain Jira serves is
//! checked against Mozilla's public root set instead, and its expiry read.

use std::io;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct};
use rustls::{RootCertStore, SignatureScheme};
use url::Url;
use x509_cert::der::Decode;

/// What Jira's certificate chain looks like to a service that trusts public roots only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsReport {
    pub verdict: PublicTrust,
    /// The leaf certificate's subject and issuer, as X.500 names.
    pub subject: String,
    pub issuer: String,
    /// The leaf's notAfter, seconds since the epoch.
    pub not_after: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicTrust {
    Trusted,
    /// The leaf signs itself.
    SelfSigned,
    /// Signed by a CA that no public root vouches for (a company PKI).
    PrivateCa,
    Expired,
    /// The certificate does not name the host in the URL.
    WrongName,
    /// Another reason rustls gave, in its words.
    Other(String),
}

impl TlsReport {
    /// Whole days from `now` (seconds since the epoch) until the leaf expires.
    pub fn days_left(&self, now: i64) -> i64 {
        (self.not_after - now).div_euclid(86_400)
    }
}

/// Connects to the URL's host, completes a TLS handshake whatever the chain, and
/// judges the chain against the public roots. Reads nothing over HTTP. The error
/// says what stopped it: no connection, no handshake, no readable certificate.
pub fn assess(url: &Url, timeout: Duration) -> Result<TlsReport, String> {
    let connect = |err: io::Error| format!("cannot connect: {err}");
    let handshake = |err: rustls::Error| format!("TLS handshake failed: {err}");
    if url.scheme() != "https" {
        return Err("the URL is not https".into());
    }
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(443);
    let host_for_name = host.trim_start_matches('[').trim_end_matches(']');
    let server_name = ServerName::try_from(host_for_name.to_string())
        .map_err(|err| format!("unreadable certificate: {host}: {err}"))?;
    let address = (host_for_name, port)
        .to_socket_addrs()
        .map_err(connect)?
        .next()
        .ok_or_else(|| connect(io::Error::new(io::ErrorKind::NotFound, "no address")))?;

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
    socket
        .set_read_timeout(Some(timeout))
        .and_then(|()| socket.set_write_timeout(Some(timeout)))
        .map_err(connect)?;
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
    report(&leaf, verdict)
}

fn report(leaf: &[u8], verdict: Result<(), rustls::Error>) -> Result<TlsReport, String> {
    let certificate = x509_cert::Certificate::from_der(leaf)
        .map_err(|err| format!("unreadable certificate: {err}"))?;
    let tbs = &certificate.tbs_certificate;
    let subject = tbs.subject.to_string();
    let issuer = tbs.issuer.to_string();
    let not_after = tbs.validity.not_after.to_unix_duration().as_secs() as i64;
    let verdict = match verdict {
        Ok(()) => PublicTrust::Trusted,
        // Whatever webpki objects to first (unknown issuer, a CA certificate used
        // as a leaf), a leaf that names itself as issuer is the operator's problem.
        Err(_) if tbs.subject == tbs.issuer => PublicTrust::SelfSigned,
        Err(rustls::Error::InvalidCertificate(reason)) => match reason {
            CertificateError::UnknownIssuer => PublicTrust::PrivateCa,
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                PublicTrust::Expired
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                PublicTrust::WrongName
            }
            other => PublicTrust::Other(format!("{other:?}")),
        },
        Err(other) => PublicTrust::Other(other.to_string()),
    };
    Ok(TlsReport {
        verdict,
        subject,
        issuer,
        not_after,
    })
}

/// The leaf certificate (DER) and the public roots' verdict on the chain.
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

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.public.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.public.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.public.supported_verify_schemes()
    }
}
