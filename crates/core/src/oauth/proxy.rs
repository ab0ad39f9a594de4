//! Recognising a reverse proxy that rewrites the request: Jira checks a signature
//! against the URL it received, so every signature fails; the URI part of the base
//! string in Jira's `signature_invalid` answer shows it.

use percent_encoding::percent_decode_str;
use url::Url;

/// [`diagnose`] on a line of its own, or "".
pub fn explain(theirs: Option<&String>, ours: Option<&str>) -> String {
    match theirs.zip(ours).and_then(|(t, o)| diagnose(o, t)) {
        Some(line) => format!("\n{line}"),
        None => String::new(),
    }
}

pub fn diagnose(ours: &str, theirs: &str) -> Option<String> {
    let (ours, theirs) = (base_string_uri(ours)?, base_string_uri(theirs)?);
    let ours_path = ours.path().trim_end_matches('/');
    let theirs_path = theirs.path().trim_end_matches('/');
    let changed: Vec<&str> = [
        (ours.scheme() != theirs.scheme(), "the scheme"),
        (ours.host_str() != theirs.host_str(), "the Host header"),
        (
            ours.port_or_known_default() != theirs.port_or_known_default(),
            "the port",
        ),
        (ours_path != theirs_path, "the path (context path)"),
    ]
    .into_iter()
    .filter_map(|(differs, what)| differs.then_some(what))
    .collect();
    // The same resource under another mount point: one path ends with the other.
    let same_resource = ours_path.ends_with(theirs_path) || theirs_path.ends_with(ours_path);
    if changed.is_empty() || !same_resource {
        return None;
    }
    Some(format!(
        "The proxy in front of Jira rewrites {}: align-link called {ours}, but Jira received \
         {theirs} and checked the signature against that. Make the proxy pass the original \
         Host header, scheme and path through (and tell Jira's connector about them: proxyName, \
         proxyPort and scheme in server.xml), or call Jira at the address it sees.",
        changed.join(" and ")
    ))
}

/// The URI (second) part of `METHOD&URI&PARAMS`, decoded.
fn base_string_uri(base_string: &str) -> Option<Url> {
    let encoded = base_string.split('&').nth(1)?;
    let decoded = percent_decode_str(encoded).decode_utf8().ok()?;
    Url::parse(&decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base_string(uri: &str) -> String {
        format!(
            "POST&{}&oauth_consumer_key%3Dkey%26oauth_nonce%3D1",
            crate::oauth::oauth_encode(uri)
        )
    }

    #[test]
    fn a_rewritten_host_and_scheme_is_the_proxy() {
        let ours = base_string("https://jira.example.com/plugins/servlet/oauth/request-token");
        let theirs = base_string("http://jira-internal:8080/plugins/servlet/oauth/request-token");
        let said = diagnose(&ours, &theirs).unwrap();
        assert!(said.starts_with("The proxy in front of Jira"), "{said}");
        assert!(
            said.contains("the scheme and the Host header and the port"),
            "{said}"
        );
        assert!(said.contains("https://jira.example.com/plugins/servlet/oauth/request-token"));
        assert!(said.contains("http://jira-internal:8080/plugins/servlet/oauth/request-token"));
    }

    #[test]
    fn a_stripped_context_path_is_the_proxy() {
        let ours = base_string("https://jira.example.com/jira/rest/api/2/myself");
        let theirs = base_string("https://jira.example.com/rest/api/2/myself");
        let said = diagnose(&ours, &theirs).unwrap();
        assert!(
            said.contains("rewrites the path (context path): "),
            "{said}"
        );
    }

    #[test]
    fn the_same_url_or_another_resource_is_not_a_proxy() {
        let ours = base_string("https://jira.example.com/rest/api/2/myself");
        assert_eq!(diagnose(&ours, &ours), None);
        let other = base_string("https://jira.example.com/rest/api/2/serverInfo");
        assert_eq!(diagnose(&ours, &other), None);
        assert_eq!(diagnose("garbage", &ours), None);
        assert_eq!(explain(None, Some(&ours)), "");
        let theirs = base_string("http://jira.example.com/rest/api/2/myself");
        assert!(explain(Some(&theirs), Some(&ours)).starts_with("\nThe proxy in front of Jira"));
    }
}
