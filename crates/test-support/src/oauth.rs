//! The parameters of the `Authorization: OAuth k="v",...` header align-link's
//! `Signer` writes, for a test to change and send again.

use percent_encoding::percent_decode_str;

/// The header's parameters in order, values percent-decoded. The signer
/// percent-encodes every value, so none holds a comma or a quote.
pub fn signed_header_params(header: &str) -> Vec<(String, String)> {
    let params = header.strip_prefix("OAuth ").expect("an OAuth header");
    (params.split(','))
        .map(|param| {
            let (name, value) = param.split_once('=').expect("a name=\"value\" pair");
            let value = percent_decode_str(value.trim().trim_matches('"'));
            (
                name.trim().to_string(),
                value.decode_utf8_lossy().into_owned(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_signers_header_and_decodes_its_values() {
        let header = r#"OAuth oauth_consumer_key="a%20b", oauth_token="t%2C1""#;
        assert_eq!(
            signed_header_params(header),
            vec![
                ("oauth_consumer_key".to_string(), "a b".to_string()),
                ("oauth_token".to_string(), "t,1".to_string())
            ]
        );
    }
}
