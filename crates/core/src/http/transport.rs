//! Telling transport failures apart by their types; our own resolver's error names
//! DNS failures (std reports a failed lookup with no kind of its own).

use std::error::Error as StdError;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::error::TransportKind;

#[derive(Debug, thiserror::Error)]
#[error("cannot resolve {host}")]
pub struct DnsFailure {
    pub host: String,
    pub source: std::io::Error,
}

/// getaddrinfo on tokio's blocking pool, as reqwest's own, failing with a [`DnsFailure`].
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map(|addrs| addrs.collect::<Vec<_>>());
            match found {
                Ok(addrs) => Ok(Box::new(addrs.into_iter()) as Addrs),
                Err(source) => Err(Box::new(DnsFailure { host, source }) as _),
            }
        })
    }
}

/// Every error in the chain, including what an `io::Error` wraps (its `source()`
/// skips the wrapped error itself).
fn chain<'a>(err: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut all = Vec::new();
    let mut next = Some(err);
    while let Some(current) = next {
        all.push(current);
        next = match current.downcast_ref::<std::io::Error>() {
            Some(io) if io.get_ref().is_some() => {
                io.get_ref().map(|inner| inner as &(dyn StdError + 'static))
            }
            _ => current.source(),
        };
    }
    all
}

pub fn classify(err: &(dyn StdError + 'static)) -> TransportKind {
    let all = chain(err);
    for e in &all {
        if let Some(dns) = e.downcast_ref::<DnsFailure>() {
            return TransportKind::Dns {
                host: crate::util::text::server_name(&dns.host),
            };
        }
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return TransportKind::Tls {
                reason: crate::util::text::server_name(&tls.to_string()),
            };
        }
    }
    for e in &all {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return TransportKind::Refused,
                std::io::ErrorKind::TimedOut => return TransportKind::Timeout,
                _ => {}
            }
        }
        if let Some(reqwest) = e.downcast_ref::<reqwest::Error>() {
            if reqwest.is_timeout() {
                return TransportKind::Timeout;
            }
        }
    }
    TransportKind::Other
}

pub fn while_connecting(err: &(dyn StdError + 'static)) -> bool {
    chain(err)
        .iter()
        .filter_map(|e| e.downcast_ref::<reqwest::Error>())
        .any(reqwest::Error::is_connect)
}
