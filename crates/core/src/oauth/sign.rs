//! The client side of OAuth 1.0a signing with RSA-SHA1 (RFC 5849 section 3.4).
//!
//! oauth1-request builds the signature base string and signs it, but it signs
//! the URI exactly as given, writes parameter names verbatim and expects the
//! parameters in base-string order. So we normalise the URI, and pass the query
//! and form pairs as parameters, sorted and with their names encoded for it. The
//! base string is written down as oauth1-request feeds it to the signature
//! method ([`Recording`]), for the `signature_invalid` diagnosis: what we show
//! is what was signed.

use std::fmt::{self, Display, Write};
use std::num::NonZeroU64;
use std::sync::Arc;

use oauth1_request::request::AssertSorted;
use oauth1_request::signature_method::rsa_sha1_09::RsaSha1;
use oauth1_request::signature_method::{Sign, SignatureMethod};
use oauth1_request::{Builder, Credentials};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rsa::RsaPrivateKey;

use super::response::{auth_param, split_outside_quotes};
use crate::domain::Secret;

/// RFC 5849 section 3.6: everything but the RFC 3986 unreserved characters.
const OAUTH_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a string as OAuth requires (section 3.6): UTF-8, upper-case hex,
/// only `A-Z a-z 0-9 - . _ ~` left as they are.
pub fn oauth_encode(text: &str) -> String {
    utf8_percent_encode(text, OAUTH_ENCODE).to_string()
}

/// The optional protocol parameters of one request.
#[derive(Debug, Default, Clone)]
pub struct OAuthExtras {
    /// `oauth_token`: the request token (access-token call) or the access token.
    pub token: Option<String>,
    /// `oauth_callback` on the request-token call (`oob` for none).
    pub callback: Option<String>,
    /// `oauth_verifier` on the access-token call.
    /// A one-time credential: `Debug` does not show it.
    pub verifier: Option<Secret>,
    /// Fixed nonce, for tests only; otherwise a random one is made.
    pub nonce: Option<String>,
    /// Fixed timestamp, for tests only; otherwise the current time. 0 means "now".
    pub timestamp: Option<u64>,
}

/// A signed request: the header to send and the base string that was signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// Value of the `Authorization` header: `OAuth oauth_consumer_key="...",...`.
    pub authorization: String,
    /// What we signed; show it next to Jira's on `signature_invalid`.
    pub base_string: String,
}

/// Signs requests as one OAuth consumer with RSA-SHA1.
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

    /// The `Authorization` header for one request, and the base string signed.
    ///
    /// `url` may carry a query: its pairs are signed as parameters (RFC 5849
    /// 3.4.1.3) and the base-string URI is normalised (3.4.1.2) before
    /// oauth1-request sees it. `form` = x-www-form-urlencoded body pairs (signed
    /// too).
    pub fn sign(
        &self,
        method: &str,
        url: &url::Url,
        form: &[(String, String)],
        extra: &OAuthExtras,
    ) -> SignedRequest {
        // RFC 5849 3.4.1.3.2 sorts the pairs by their encoded names, then values.
        // oauth1-request writes a name into the base string as given and encodes
        // a value twice (once to normalise, once as part of the whole string), so
        // names go in encoded twice too; that keeps the order ('%' sorts before
        // every unreserved character), which it checks in debug builds.
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

/// A signature method that writes down the base string it is fed (RFC 5849
/// 3.4.1.1: method, `&`, encoded URI, `&`, encoded parameters) while `inner`
/// signs it. The `oauth_*` parameters reach `parameter` through the trait's
/// defaults, which RSA-SHA1 keeps too.
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

/// The base string URI (RFC 5849 3.4.1.2): scheme and host lower case, the port
/// only when it is not the scheme's default, the path as sent, no query, no
/// fragment, no user info. The url crate has already lower-cased the scheme and
/// host, dropped a default port and made an empty path `/`.
pub fn normalize_base_uri(url: &url::Url) -> String {
    let host_port_path = &url[url::Position::BeforeHost..url::Position::AfterPath];
    format!("{}://{host_port_path}", url.scheme())
}

/// Reads the parameters of an `Authorization: OAuth k="v", ...` header, decoded.
/// `realm` is left out, as it is not signed. `None` when it is not an OAuth header.
pub fn parse_authorization_header(header: &str) -> Option<Vec<(String, String)>> {
    let header = header.trim();
    let (scheme, rest) = header
        .split_once(char::is_whitespace)
        .unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("OAuth") {
        return None;
    }
    let params = split_outside_quotes(rest)
        .into_iter()
        .filter_map(auth_param);
    Some(params.filter(|(name, _)| name != "realm").collect())
}
