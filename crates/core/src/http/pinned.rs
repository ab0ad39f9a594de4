//! `--ca-cert`: a server presenting exactly a given certificate (a staging Jira's
//! self-signed one, which webpki refuses) is accepted for its host names while valid.
//! A self-signed server certificate is no root, so its key can vouch for no other host.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rustls::client::danger::{ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{Error, RootCertStore};

use super::error::ConfigError;
use crate::util::file::{read_regular, CA_BUNDLE_MAX};

/// `pinned_used` is set when a server presented one of the certificates itself.
pub fn from_file(
    path: &Path,
    pinned_used: Arc<AtomicBool>,
) -> Result<rustls::ClientConfig, ConfigError> {
    let path = path.to_path_buf();
    let refused = |reason: String| ConfigError::CaCertRefused {
        path: path.clone(),
        reason,
    };
    let pem = match read_regular(&path, CA_BUNDLE_MAX) {
        Ok((pem, _)) => pem,
        Err(problem) => return Err(ConfigError::CaCertFile { path, problem }),
    };
    let given: Vec<_> = CertificateDer::pem_slice_iter(&pem)
        .filter_map(|cert| cert.ok())
        .collect();
    if given.is_empty() {
        return Err(ConfigError::CaCertNotPem { path });
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        // A system certificate rustls cannot read is one it could not use either.
        let _ = roots.add(cert);
    }
    for cert in given.iter().filter(|cert| !is_self_signed_server(cert)) {
        let _ = roots.add(cert.clone());
    }
    let chains = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|err| refused(err.to_string()))?;
    let verifier = PinnedOrChain {
        pinned: given,
        chains,
        pinned_used,
    };
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| refused(err.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

/// Signs itself and names hosts: a server's own, not a CA's.
fn is_self_signed_server(cert: &CertificateDer<'_>) -> bool {
    use x509_cert::der::Decode;
    let Ok(parsed) = x509_cert::Certificate::from_der(cert.as_ref()) else {
        return false;
    };
    let tbs = &parsed.tbs_certificate;
    let names_hosts = tbs.extensions.iter().flatten().any(|extension| {
        extension.extn_id == x509_cert::der::oid::db::rfc5280::ID_CE_SUBJECT_ALT_NAME
    });
    tbs.subject == tbs.issuer && names_hosts
}

fn check_validity(cert: &CertificateDer<'_>, now: UnixTime) -> Result<(), Error> {
    use rustls::CertificateError;
    use x509_cert::der::Decode;
    let parsed = x509_cert::Certificate::from_der(cert.as_ref())
        .map_err(|_| Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let validity = &parsed.tbs_certificate.validity;
    let now = now.as_secs();
    if now < validity.not_before.to_unix_duration().as_secs() {
        return Err(Error::InvalidCertificate(CertificateError::NotValidYet));
    }
    if now > validity.not_after.to_unix_duration().as_secs() {
        return Err(Error::InvalidCertificate(CertificateError::Expired));
    }
    Ok(())
}

#[derive(Debug)]
struct PinnedOrChain {
    pinned: Vec<CertificateDer<'static>>,
    chains: Arc<WebPkiServerVerifier>,
    pinned_used: Arc<AtomicBool>,
}

impl ServerCertVerifier for PinnedOrChain {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        if self
            .pinned
            .iter()
            .any(|pinned| pinned.as_ref() == end_entity.as_ref())
        {
            // The handshake's signature is checked with its key as ever.
            let parsed = ParsedCertificate::try_from(end_entity)?;
            rustls::client::verify_server_name(&parsed, server_name)?;
            check_validity(end_entity, now)?;
            self.pinned_used.store(true, Ordering::Relaxed);
            return Ok(ServerCertVerified::assertion());
        }
        self.chains
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    crate::signatures_by_webpki!(chains);
}

/// A `ServerCertVerifier`'s checks of the handshake's signatures, left to the
/// `WebPkiServerVerifier` in field `$webpki`: each verifier of ours (here and
/// doctor's) judges the certificate alone.
#[macro_export]
macro_rules! signatures_by_webpki {
    ($webpki:ident) => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            self.$webpki.verify_tls12_signature(message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            self.$webpki.verify_tls13_signature(message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.$webpki.supported_verify_schemes()
        }
    };
}
