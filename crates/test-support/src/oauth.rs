//! The parameters of the `Authorization: OAuth k="v", ...` header align-link's
//! `Signer` writes, for a test to change and send again.

use percent_encoding::percent_decode_str;

/// The header's parameters but `realm` (not signed), values percent-decoded;
/// `None` when it is not an OAuth header. The signer percent-encodes every value,
/// so a comma or a quote inside one never needs handling here.
pub fn parse_authorization_header(header: &str) -> Option<Vec<(String, String)>> {
    let header = header.trim();
    let (scheme, rest) = header
        .split_once(char::is_whitespace)
        .unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("OAuth") {
        return None;
    }
    let params = rest.split(',').filter_map(|param| {
        let (name, value) = param.split_once('=')?;
        let value = value.trim().trim_matches('"');
        let value = percent_decode_str(value).decode_utf8_lossy().into_owned();
        Some((name.trim().to_string(), value))
    });
    Some(params.filter(|(name, _)| name != "realm").collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_signers_header_and_decodes_its_values() {
        let header = r#"OAuth realm="", oauth_consumer_key="a%20b",oauth_token="t%2C1""#;
        let pairs = |list: &[(&str, &str)]| {
            (list.iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            parse_authorization_header(header),
            Some(pairs(&[
                ("oauth_consumer_key", "a b"),
                ("oauth_token", "t,1")
            ]))
        );
        assert_eq!(parse_authorization_header("Bearer abc"), None);
        assert_eq!(parse_authorization_header("oauth"), Some(vec![]));
    }
}
