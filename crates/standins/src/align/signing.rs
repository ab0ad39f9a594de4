//! How the Jira Align stand-in signs its calls to Jira: OAuth 1.0a with RSA-SHA1
//! (RFC 5849), written here on its own so that it shares nothing with the client it
//! helps to test, nor with the Jira stand-in that checks it.

use base64::Engine;
use rand::distributions::{Alphanumeric, DistString};
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use std::sync::Arc;
use url::Url;

/// One consumer's key pair.
#[derive(Clone)]
pub(crate) struct Consumer {
    pub key: String,
    pub private_key: Arc<RsaPrivateKey>,
}

/// The protocol parameters a call adds to the always-present ones
/// (`oauth_token`, `oauth_callback`, `oauth_verifier`).
pub(crate) type Extra = Vec<(&'static str, String)>;

/// RFC 5849 section 3.6: bytes outside `A-Z a-z 0-9 - . _ ~` become `%XX` (upper hex).
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Section 3.4.1.2: scheme and host in lower case, the port only when it is not the
/// scheme's default, the path, no query or fragment.
fn base_uri(url: &Url) -> String {
    let scheme = url.scheme().to_ascii_lowercase();
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let port = match (scheme.as_str(), url.port()) {
        (_, None) | ("http", Some(80)) | ("https", Some(443)) => String::new(),
        (_, Some(p)) => format!(":{p}"),
    };
    format!("{scheme}://{host}{port}{}", url.path())
}

/// Section 3.4.1: the method, the base URI and the normalised parameters (each
/// name and value encoded, sorted by name then value, joined with `&`), each
/// encoded once more and joined with `&`.
fn base_string(method: &str, url: &Url, params: &[(String, String)]) -> String {
    let encoded = params
        .iter()
        .map(|(name, value)| (encode(name), encode(value)));
    let mut encoded: Vec<(String, String)> = encoded.collect();
    encoded.sort();
    let joined: Vec<String> = encoded.iter().map(|(n, v)| format!("{n}={v}")).collect();
    let (method, uri) = (method.to_ascii_uppercase(), encode(&base_uri(url)));
    format!("{method}&{uri}&{}", encode(&joined.join("&")))
}

impl Consumer {
    /// The `Authorization: OAuth ...` value for `method url` with `form` as its
    /// urlencoded body; the URL's query is signed as well.
    pub fn authorization(
        &self,
        method: &str,
        url: &Url,
        form: &[(String, String)],
        extra: &Extra,
    ) -> String {
        let nonce = Alphanumeric.sample_string(&mut rand::thread_rng(), 24);
        let always = [
            ("oauth_consumer_key", self.key.clone()),
            ("oauth_nonce", nonce),
            ("oauth_signature_method", "RSA-SHA1".to_string()),
            ("oauth_timestamp", crate::time::unix_now().to_string()),
            ("oauth_version", "1.0".to_string()),
        ];
        let protocol = always.iter().chain(extra);
        let mut protocol: Vec<(String, String)> =
            protocol.map(|(k, v)| (k.to_string(), v.clone())).collect();
        let mut signed = protocol.clone();
        signed.extend(url.query_pairs().into_owned());
        signed.extend_from_slice(form);
        let text = base_string(method, url, &signed);
        let key = SigningKey::<sha1::Sha1>::new((*self.private_key).clone());
        let signature = key.sign(text.as_bytes()).to_bytes();
        let signature = base64::engine::general_purpose::STANDARD.encode(signature);
        protocol.push(("oauth_signature".to_string(), signature));
        let fields: Vec<String> = protocol
            .iter()
            .map(|(name, value)| format!("{}=\"{}\"", encode(name), encode(value)))
            .collect();
        format!("OAuth {}", fields.join(", "))
    }
}

/// A token Jira handed out: `oauth_token`, `oauth_token_secret` and, for access
/// tokens, `oauth_expires_in`.
pub(crate) struct Token {
    pub token: String,
    pub expires_in: Option<u64>,
}

/// Reads a token answer (a urlencoded form); says what is missing otherwise.
pub(crate) fn parse_token(body: &str) -> Result<Token, String> {
    let pairs = url::form_urlencoded::parse(body.trim().as_bytes());
    let pairs: std::collections::HashMap<String, String> = pairs.into_owned().collect();
    let get = |name: &str| pairs.get(name).cloned();
    let token = get("oauth_token").filter(|t| !t.is_empty());
    let token = token.ok_or("it has no oauth_token")?;
    get("oauth_token_secret").ok_or("it has no oauth_token_secret")?;
    Ok(Token {
        token,
        expires_in: get("oauth_expires_in").and_then(|s| s.parse().ok()),
    })
}

/// The `oauth_problem` of a refusal: from `WWW-Authenticate`, else a form body.
pub(crate) fn oauth_problem(www_authenticate: &str, body: &str) -> Option<String> {
    let quoted = www_authenticate
        .split_once("oauth_problem=\"")
        .map(|(_, rest)| rest);
    if let Some((problem, _)) = quoted.and_then(|rest| rest.split_once('"')) {
        return Some(problem.to_string());
    }
    let mut fields = url::form_urlencoded::parse(body.trim().as_bytes());
    fields
        .find(|(k, _)| k == "oauth_problem")
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5849 section 3.4.1.1's example request, parameters and all.
    #[test]
    fn base_string_matches_the_rfc_example() {
        let url =
            Url::parse("HTTP://EXAMPLE.COM:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b").unwrap();
        let mut params: Vec<(String, String)> = [
            ("oauth_consumer_key", "9djdj82h48djs9d2"),
            ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131201"),
            ("oauth_nonce", "7d8f3e4a"),
            ("c2", ""),
            ("a3", "2 q"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        params.extend(url.query_pairs().into_owned());
        assert_eq!(
            base_string("post", &url, &params),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26\
             b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26\
             oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D\
             137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
        );
    }

    #[test]
    fn encoding_keeps_only_unreserved_characters() {
        assert_eq!(encode("a-._~Z9 +/=é"), "a-._~Z9%20%2B%2F%3D%C3%A9");
    }

    #[test]
    fn problems_are_read_from_the_header_first() {
        let header = r#"OAuth realm="x", oauth_problem="token_rejected""#;
        assert_eq!(
            oauth_problem(header, "oauth_problem=other").as_deref(),
            Some("token_rejected")
        );
        assert_eq!(
            oauth_problem("", "oauth_problem=nonce_used&x=1").as_deref(),
            Some("nonce_used")
        );
        assert_eq!(oauth_problem("", "<html>"), None);
    }
}
