//! OAuth 1.0a signing with RSA-SHA1 (RFC 5849 3.4) through oauth1-request, which
//! signs the URI as given and expects the parameters sorted and encoded: so we
//! normalise and sort them. `Recording` keeps the base string as it was signed,
//! for the `signature_invalid` diagnosis.

use std::fmt::{self, Display, Write};
use std::num::NonZeroU64;
use std::sync::Arc;

use oauth1_request::request::AssertSorted;
use oauth1_request::signature_method::rsa_sha1_09::RsaSha1;
use oauth1_request::signature_method::{Sign, SignatureMethod};
use oauth1_request::{Builder, Credentials};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rsa::RsaPrivateKey;

use crate::domain::Secret;

/// RFC 5849 section 3.6: everything but the RFC 3986 unreserved characters.
const OAUTH_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub fn oauth_encode(text: &str) -> String {
    utf8_percent_encode(text, OAUTH_ENCODE).to_string()
}

/// The optional protocol parameters of one request.
#[derive(Debug, Default, Clone)]
pub struct OAuthExtras {
    pub token: Option<String>,
    /// `oob` for none.
    pub callback: Option<String>,
    pub verifier: Option<Secret>,
    /// Fixed nonce and timestamp (0 is "now"), for tests only.
    pub nonce: Option<String>,
    pub timestamp: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The `Authorization` header's value.
    pub authorization: String,
    pub base_string: String,
}

#[derive(Clone)]
pub struct Signer {
    consumer_key: String,
    private_key: Arc<RsaPrivateKey>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("consumer_key", &self.consumer_key)
            .field("private_key", &"<redacted>")
            .finish()
    }
}

impl Signer {
    pub fn new(consumer_key: String, private_key: Arc<RsaPrivateKey>) -> Self {
        Signer {
            consumer_key,
            private_key,
        }
    }

    pub fn consumer_key(&self) -> &str {
        &self.consumer_key
    }

    /// `url`'s query pairs and the `form` body pairs are signed as parameters.
    pub fn sign(
        &self,
        method: &str,
        url: &url::Url,
        form: &[(String, String)],
        extra: &OAuthExtras,
    ) -> SignedRequest {
        // Sorted by encoded name, then value (RFC 5849 3.4.1.3.2). oauth1-request encodes
        // a value twice but writes a name as given, so names go in encoded twice too,
        // which keeps the order it checks in debug builds.
        let mut params: Vec<(String, String, String)> = url
            .query_pairs()
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .chain(form.iter().cloned())
            .map(|(name, value)| (oauth_encode(&name), oauth_encode(&value), value))
            .collect();
        params.sort();
        let params: Vec<(String, &str)> = params
            .iter()
            .map(|(name, _, value)| (oauth_encode(name), value.as_str()))
            .collect();

        let mut base_string = String::new();
        let signature_method = Recording {
            inner: <RsaPrivateKey as AsRef<RsaSha1>>::as_ref(&self.private_key),
            base_string: &mut base_string,
        };
        // RSA-SHA1 ignores both secrets (RFC 5849 3.4.3), so none are held here.
        let mut builder: Builder<'_, _, &str, &str> = Builder::new(
            Credentials::new(self.consumer_key.as_str(), ""),
            signature_method,
        );
        builder
            .token(extra.token.as_deref().map(|t| Credentials::new(t, "")))
            .callback(extra.callback.as_deref())
            .verifier(extra.verifier.as_ref().map(Secret::expose))
            .nonce(extra.nonce.as_deref())
            .timestamp(extra.timestamp.and_then(NonZeroU64::new))
            .version(true);
        let authorization = builder.into_authorization(
            &method.to_ascii_uppercase(),
            normalize_base_uri(url),
            &AssertSorted::new(params.iter().map(|(name, value)| (name, value))),
        );
        SignedRequest {
            authorization,
            base_string,
        }
    }
}

/// Writes down the base string it is fed while `inner` signs it. The `oauth_*`
/// parameters reach `parameter` through the trait's defaults, which RSA-SHA1 keeps too.
struct Recording<'a, M> {
    inner: M,
    base_string: &'a mut String,
}

impl<'a, M: SignatureMethod> SignatureMethod for Recording<'a, M> {
    type Sign = Recording<'a, M::Sign>;

    fn sign_with(self, client_secret: &str, token_secret: Option<&str>) -> Self::Sign {
        Recording {
            inner: self.inner.sign_with(client_secret, token_secret),
            base_string: self.base_string,
        }
    }
}

impl<S: Sign> Sign for Recording<'_, S> {
    type Signature = S::Signature;

    fn get_signature_method_name(&self) -> &'static str {
        self.inner.get_signature_method_name()
    }

    fn request_method(&mut self, method: &str) {
        let _ = write!(self.base_string, "{method}&");
        self.inner.request_method(method);
    }

    fn uri<T: Display>(&mut self, uri: T) {
        let _ = write!(self.base_string, "{uri}&");
        self.inner.uri(uri);
    }

    fn parameter<V: Display>(&mut self, key: &str, value: V) {
        let _ = write!(self.base_string, "{key}%3D{value}");
        self.inner.parameter(key, value);
    }

    fn delimiter(&mut self) {
        self.base_string.push_str("%26");
        self.inner.delimiter();
    }

    fn end(self) -> Self::Signature {
        self.inner.end()
    }
}

/// The base string URI (RFC 5849 3.4.1.2): the url crate has already lower-cased
/// the scheme and host, dropped a default port and made an empty path `/`.
pub fn normalize_base_uri(url: &url::Url) -> String {
    let host_port_path = &url[url::Position::BeforeHost..url::Position::AfterPath];
    format!("{}://{host_port_path}", url.scheme())
}
