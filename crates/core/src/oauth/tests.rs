//! Unit tests for signing and for reading Jira's answers. The cross-check against
//! independent implementations lives in `tests/signature_crosscheck.rs`.

use std::sync::Arc;

use base64::Engine as _;
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha1::{Digest, Sha1};
use url::Url;

use super::response::{auth_param, split_outside_quotes};
use super::*;
use crate::domain::Secret;

/// The RSA-SHA1 test case of the OAuth wiki (1024-bit key, known signature).
const WIKI_KEY_PKCS8: &str = "MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBALRiMLAh9iimur8VA7qVvdqxevEuUkW4K+2KdMXmnQbG9Aa7k7eBjK1S+0LYmVjPKlJGNXHDGuy5Fw/d7rjVJ0BLB+ubPK8iA/Tw3hLQgXMRRGRXXCn8ikfuQfjUS1uZSatdLB81mydBETlJhI6GH4twrbDJCR2Bwy/XWXgqgGRzAgMBAAECgYBYWVtleUzavkbrPjy0T5FMou8HX9u2AC2ry8vD/l7cqedtwMPp9k7TubgNFo+NGvKsl2ynyprOZR1xjQ7WgrgVB+mmuScOM/5HVceFuGRDhYTCObE+y1kxRloNYXnx3ei1zbeYLPCHdhxRYW7T0qcynNmwrn05/KO2RLjgQNalsQJBANeA3Q4Nugqy4QBUCEC09SqylT2K9FrrItqL2QKc9v0ZzO2uwllCbg0dwpVuYPYXYvikNHHg+aCWF+VXsb9rpPsCQQDWR9TT4ORdzoj+NccnqkMsDmzt0EfNaAOwHOmVJ2RVBspPcxt5iN4HI7HNeG6U5YsFBb+/GZbgfBT3kpNGWPTpAkBI+gFhjfJvRw38n3g/+UeAkwMI2TJQS4n8+hid0uus3/zOjDySH3XHCUnocn1xOJAyZODBo47E+67R4jV1/gzbAkEAklJaspRPXP877NssM5nAZMU0/O/NGCZ+3jPgDUno6WbJn5cqm8MqWhW1xGkImgRk+fkDBquiq4gPiT898jusgQJAd5Zrr6Q8AO/0isr/3aa6O6NLQxISLKcPDk2NOccAfS/xOtfOz4sJYM3+Bs4Io9+dZGSDCA54Lw03eHTNQghS0A==";
const WIKI_SIGNATURE: &str = "jvTp/wX1TYtByB1m+Pbyo0lnCOLIsyGCH7wke8AUs3BpnwZJtAuEJkvQL2/9n4s5wUmUl4aCI4BwpraNx4RtEXMe5qg5T1LVTGliMRpKasKsW//e+RinhejgCuzoH26dyF8iY2ZZ/5D1ilgeijhV/vBka5twt399mXwaYdCwFYE=";

fn wiki_key() -> Arc<RsaPrivateKey> {
    let der = base64::engine::general_purpose::STANDARD
        .decode(WIKI_KEY_PKCS8)
        .unwrap();
    Arc::new(RsaPrivateKey::from_pkcs8_der(&der).unwrap())
}

fn fixed(nonce: &str, timestamp: u64) -> OAuthExtras {
    OAuthExtras {
        nonce: Some(nonce.into()),
        timestamp: Some(timestamp),
        ..OAuthExtras::default()
    }
}

/// The parameters of an `Authorization: OAuth k="v", ...` header but `realm` (not
/// signed); `None` when it is not an OAuth header.
fn parse_authorization_header(header: &str) -> Option<Vec<(String, String)>> {
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

fn header_param(header: &str, name: &str) -> Option<String> {
    parse_authorization_header(header)?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Checks the header's signature over `base_string` with the public key.
fn verifies(key: &RsaPrivateKey, header: &str, base_string: &str) -> bool {
    let signature = header_param(header, "oauth_signature").unwrap();
    let signature = base64::engine::general_purpose::STANDARD
        .decode(signature)
        .unwrap();
    let digest = Sha1::digest(base_string.as_bytes());
    key.to_public_key()
        .verify(Pkcs1v15Sign::new::<Sha1>(), &digest, &signature)
        .is_ok()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn signer_reproduces_the_oauth_wiki_rsa_sha1_vector() {
    let signer = Signer::new("dpf43f3p2l4k3l03".into(), wiki_key());
    let url =
        Url::parse("http://photos.example.net/photos?file=vacaction.jpg&size=original").unwrap();
    let signed = signer.sign("GET", &url, &[], &fixed("13917289812797014437", 1196666512));
    assert_eq!(
        header_param(&signed.authorization, "oauth_signature").unwrap(),
        WIKI_SIGNATURE
    );
    assert_eq!(
        signed.base_string,
        "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacaction.jpg%26\
         oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3D13917289812797014437%26\
         oauth_signature_method%3DRSA-SHA1%26oauth_timestamp%3D1196666512%26\
         oauth_version%3D1.0%26size%3Doriginal"
    );
}

#[test]
fn base_string_matches_rfc_5849_example() {
    // RFC 5849 section 3.4.1.1, with the query, body and protocol parameters it
    // lists; RSA-SHA1 in place of its HMAC-SHA1, and oauth_version, which we send.
    let signer = Signer::new("9djdj82h48djs9d2".into(), wiki_key());
    let url = Url::parse("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b").unwrap();
    let form = pairs(&[("c2", ""), ("a3", "2 q")]);
    let extras = OAuthExtras {
        token: Some("kkk9d7dh3k39sjv7".into()),
        ..fixed("7d8f3e4a", 137131201)
    };
    assert_eq!(
        signer.sign("post", &url, &form, &extras).base_string,
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
         %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
         key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
         ethod%3DRSA-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
         9d7dh3k39sjv7%26oauth_version%3D1.0"
    );
}

#[test]
fn base_uri_is_normalised() {
    let cases = [
        (
            "HTTPS://JIRA.Example.COM:443/Path/To",
            "https://jira.example.com/Path/To",
        ),
        (
            "http://jira.example.com:80/x?a=b#frag",
            "http://jira.example.com/x",
        ),
        (
            "https://jira.example.com:8443/jira/",
            "https://jira.example.com:8443/jira/",
        ),
        (
            "http://jira.example.com:443/",
            "http://jira.example.com:443/",
        ),
        (
            "https://user:pw@jira.example.com",
            "https://jira.example.com/",
        ),
        ("http://[::1]:8080/a b", "http://[::1]:8080/a%20b"),
    ];
    for (input, expected) in cases {
        assert_eq!(
            normalize_base_uri(&Url::parse(input).unwrap()),
            expected,
            "{input}"
        );
    }
}

#[test]
fn oauth_encoding_follows_rfc_5849_section_3_6() {
    assert_eq!(
        oauth_encode("Ladies + Gentlemen"),
        "Ladies%20%2B%20Gentlemen"
    );
    assert_eq!(
        oauth_encode("An encoded string!"),
        "An%20encoded%20string%21"
    );
    assert_eq!(
        oauth_encode("Dogs, Cats & Mice"),
        "Dogs%2C%20Cats%20%26%20Mice"
    );
    assert_eq!(oauth_encode("-._~/☃"), "-._~%2F%E2%98%83");
}

#[test]
fn signed_requests_verify_over_our_base_string() {
    let key = wiki_key();
    let signer = Signer::new("JiraAlign".into(), key.clone());
    // Values whose raw order differs from their encoded order ('{' > 'a' but
    // "%7B" < "a"), plus a name that needs encoding.
    let url = Url::parse("https://JIRA.example.com:443/rest/api/2/search?k=a&k=%7Bx%7D&j%20q=1+2")
        .unwrap();
    let form = pairs(&[("é", "ü"), ("k", "~")]);
    let extras = OAuthExtras {
        token: Some("tok".into()),
        verifier: Some(Secret::new("ab12CD")),
        ..fixed("n0nce", 1700000000)
    };
    let signed = signer.sign("post", &url, &form, &extras);
    assert!(signed
        .base_string
        .starts_with("POST&https%3A%2F%2Fjira.example.com%2Frest%2Fapi%2F2%2Fsearch&"));
    assert!(
        signed
            .base_string
            .contains("j%2520q%3D1%25202%26k%3D%257Bx%257D%26k%3Da%26k%3D~"),
        "{}",
        signed.base_string
    );
    assert!(verifies(&key, &signed.authorization, &signed.base_string));
    assert_eq!(
        header_param(&signed.authorization, "oauth_token").unwrap(),
        "tok"
    );
    assert_eq!(
        header_param(&signed.authorization, "oauth_verifier").unwrap(),
        "ab12CD"
    );
    // The method is signed upper case, however it was written.
    assert_eq!(signer.sign("POST", &url, &form, &extras), signed);
}

#[test]
fn header_carries_callback_and_fresh_nonces() {
    let key = wiki_key();
    let signer = Signer::new("JiraAlign".into(), key.clone());
    let url = Url::parse("https://jira.example.com/plugins/servlet/oauth/request-token").unwrap();
    let extras = OAuthExtras {
        callback: Some("https://align.example.com/cb?x=1&y=a b".into()),
        ..OAuthExtras::default()
    };
    let a = signer.sign("POST", &url, &[], &extras);
    let b = signer.sign("POST", &url, &[], &extras);
    assert!(a.authorization.starts_with(
        "OAuth oauth_callback=\"https%3A%2F%2Falign.example.com%2Fcb%3Fx%3D1%26y%3Da%20b\","
    ));
    assert!(a
        .authorization
        .contains("oauth_signature_method=\"RSA-SHA1\""));
    assert!(a.authorization.contains("oauth_version=\"1.0\""));
    assert_ne!(
        header_param(&a.authorization, "oauth_nonce"),
        header_param(&b.authorization, "oauth_nonce")
    );
    assert!(verifies(&key, &a.authorization, &a.base_string));
    assert!(verifies(&key, &b.authorization, &b.base_string));
    assert!(!verifies(&key, &a.authorization, &b.base_string));
}

#[test]
fn debug_output_hides_key_material() {
    let signer = Signer::new("JiraAlign".into(), wiki_key());
    let text = format!("{signer:?}");
    assert!(
        text.contains("JiraAlign") && text.contains("<redacted>"),
        "{text}"
    );
    assert!(
        !text.contains("BigUint") && !text.contains("primes"),
        "{text}"
    );
    let extras = OAuthExtras {
        verifier: Some(Secret::new("s3cr3t")),
        ..OAuthExtras::default()
    };
    assert!(!format!("{extras:?}").contains("s3cr3t"));
}

#[test]
fn authorization_header_parsing() {
    let parsed = parse_authorization_header(
        r#"OAuth realm="https://jira", oauth_consumer_key="a%20b",oauth_token=plain , oauth_x="q\"uote""#,
    )
    .unwrap();
    assert_eq!(
        parsed,
        pairs(&[
            ("oauth_consumer_key", "a b"),
            ("oauth_token", "plain"),
            ("oauth_x", "q\"uote")
        ])
    );
    assert_eq!(parse_authorization_header("Bearer abc"), None);
    assert_eq!(parse_authorization_header("oauth"), Some(vec![]));
}
