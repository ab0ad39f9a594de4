//! The server side of an RSA-SHA1 signature (RFC 5849 section 3.4): reading the
//! `Authorization: OAuth` header, building the signature base string the way Jira
//! does (from the base URL it believes in), and verifying the signature with the
//! consumer's public key. Public so tests can sign exactly what the server checks.

use base64::Engine;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;

/// RFC 3986 unreserved characters stay as they are; everything else is encoded.
const OAUTH_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// RFC 5849 section 3.6 percent-encoding.
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, OAUTH_ENCODE).to_string()
}

fn percent_decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The parameters of an `Authorization: OAuth ...` header, percent-decoded, `realm`
/// included. `None` when the header uses another scheme. As net.oauth's
/// `decodeAuthorization`: comma-separated `name="value"` pairs; any other
/// shape (an unquoted value, say) is skipped.
pub fn parse_oauth_header(value: &str) -> Option<Vec<(String, String)>> {
    let value = value.trim_start();
    let (scheme, rest) = value.split_once(char::is_whitespace).unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("OAuth") {
        return None;
    }
    let pairs = rest.split(',').filter_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        let (name, value) = (name.trim_end(), value.trim_start());
        let value = value.strip_prefix('"')?.strip_suffix('"')?;
        let well_formed = !name.contains(char::is_whitespace) && !value.contains('"');
        well_formed.then(|| (percent_decode(name), percent_decode(value)))
    });
    Some(pairs.collect())
}

/// The base string URI (RFC 5849 section 3.4.1.2) of a request for `path` on a server
/// whose base URL is `base_url`: scheme and host lower case, default port dropped,
/// base path kept, no query. The path is used as sent (already percent-encoded).
pub fn normalise_base_uri(base_url: &str, path: &str) -> String {
    let base = base_url.trim().trim_end_matches('/');
    match url::Url::parse(base) {
        Ok(u) => {
            // `Url` lower-cases scheme and host and forgets a default port.
            let host = u.host_str().unwrap_or("").to_ascii_lowercase();
            let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
            let base_path = u.path().trim_end_matches('/');
            format!("{}://{host}{port}{base_path}{path}", u.scheme())
        }
        Err(_) => format!("{base}{path}"),
    }
}

/// RFC 5849 section 3.4.1: `METHOD&enc(uri)&enc(normalised parameters)`, with every
/// parameter except `oauth_signature` and `realm`, each name and value encoded and
/// the pairs sorted.
pub fn signature_base_string(method: &str, base_uri: &str, params: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "oauth_signature" && k != "realm")
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    pairs.sort();
    let normalised = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        percent_encode(base_uri),
        percent_encode(&normalised)
    )
}

/// RSASSA-PKCS1-v1_5 with SHA-1 over the base string, checked with an X.509
/// SubjectPublicKeyInfo (DER) RSA key. Any malformed input simply fails.
pub fn verify_rsa_sha1(spki_der: &[u8], base_string: &str, signature_b64: &str) -> bool {
    let Ok(key) = rsa::RsaPublicKey::from_public_key_der(spki_der) else {
        return false;
    };
    let Ok(sig_bytes) = base64::engine::general_purpose::STANDARD.decode(signature_b64.trim())
    else {
        return false;
    };
    let Ok(sig) = rsa::pkcs1v15::Signature::try_from(sig_bytes.as_slice()) else {
        return false;
    };
    rsa::pkcs1v15::VerifyingKey::<sha1::Sha1>::new(key)
        .verify(base_string.as_bytes(), &sig)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of RFC 5849 section 3.4.1.1, reproduced exactly.
    #[test]
    fn rfc5849_example_base_string() {
        let header = r#"OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D""#;
        let mut params = parse_oauth_header(header).unwrap();
        assert_eq!(params[0], ("realm".to_string(), "Example".to_string()));
        params.extend(crate::http::form_pairs(b"b5=%3D%253D&a3=a&c%40=&a2=r%20b"));
        params.extend(crate::http::form_pairs(b"c2&a3=2+q"));
        let uri = normalise_base_uri("HTTP://Example.com:80/", "/request");
        assert_eq!(uri, "http://example.com/request");
        assert_eq!(
            signature_base_string("post", &uri, &params),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
             %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
             key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
             ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
             9d7dh3k39sjv7"
        );
    }

    #[test]
    fn base_uri_keeps_context_path_and_odd_ports() {
        assert_eq!(
            normalise_base_uri("https://Jira.Example.com:443/jira/", "/rest/api/2/myself"),
            "https://jira.example.com/jira/rest/api/2/myself"
        );
        assert_eq!(
            normalise_base_uri("http://127.0.0.1:8080", "/x"),
            "http://127.0.0.1:8080/x"
        );
    }

    #[test]
    fn only_quoted_pairs_count_as_net_oauth_reads_them() {
        let header = r#"OAuth realm="r", a="1", b=2, c = "%33", d e="4""#;
        let expected = [("realm", "r"), ("a", "1"), ("c", "3")];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(parse_oauth_header(header).unwrap(), expected);
    }

    #[test]
    fn other_schemes_are_not_oauth() {
        assert!(parse_oauth_header("Basic YWRtaW46eA==").is_none());
        assert_eq!(parse_oauth_header("OAuth").unwrap(), vec![]);
    }

    #[test]
    fn garbage_never_verifies() {
        assert!(!verify_rsa_sha1(b"not a key", "x", "AAAA"));
    }
}
