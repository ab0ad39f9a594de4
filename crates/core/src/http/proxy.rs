//! The proxy from the environment (`HTTPS_PROXY`, else `ALL_PROXY`; `NO_PROXY`), for
//! `https://` requests to other hosts only: over `http://` the administrator's token
//! and the service account's password would cross a proxy in clear (so no `HTTP_PROXY`).

use url::Url;

use super::is_loopback;

pub fn from_env() -> Option<reqwest::Proxy> {
    let env = |name: &str| std::env::var(name).ok();
    let proxy = proxy_url(env)?;
    let bypass = no_proxy_list(env);
    Some(reqwest::Proxy::custom(move |url| {
        let bypassed = url.host_str().is_some_and(|host| bypassed(host, &bypass));
        (goes_through_proxy(url) && !bypassed).then(|| proxy.clone())
    }))
}

/// Host names, domains (with their subdomains), IP addresses, or `*`; ports ignored.
fn no_proxy_list(var: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let value = var("NO_PROXY")
        .or_else(|| var("no_proxy"))
        .unwrap_or_default();
    value
        .split(',')
        .map(|entry| entry.trim().to_ascii_lowercase())
        .map(|entry| match entry.rsplit_once(':') {
            // host:port, but not an IPv6 address's colons
            Some((host, port))
                if !host.contains(':') && port.chars().all(|c| c.is_ascii_digit()) =>
            {
                host.to_string()
            }
            _ => entry,
        })
        .map(|entry| entry.trim_matches(|c| c == '[' || c == ']').to_string())
        .filter(|entry| !entry.is_empty())
        .collect()
}

fn bypassed(host: &str, list: &[String]) -> bool {
    let host = host
        .trim_matches(|c| c == '[' || c == ']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    list.iter().any(|entry| {
        let domain = entry.trim_start_matches('.');
        entry == "*" || host == domain || host.ends_with(&format!(".{domain}"))
    })
}

fn proxy_url(var: impl Fn(&str) -> Option<String>) -> Option<Url> {
    ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        .iter()
        .filter_map(|name| var(name))
        .map(|value| value.trim().to_string())
        .find(|value| !value.is_empty())
        .and_then(|value| Url::parse(&value).ok())
        .filter(|proxy| matches!(proxy.scheme(), "http" | "https"))
}

/// Names under `.localhost` (RFC 6761) count as this machine here, though not for
/// plain http, where a hosts file could point them elsewhere.
fn goes_through_proxy(url: &Url) -> bool {
    let under_localhost = url.host_str().is_some_and(|name| {
        (name.trim_end_matches('.').to_ascii_lowercase()).ends_with(".localhost")
    });
    url.scheme() == "https" && !is_loopback(url) && !under_localhost
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn only_encrypted_requests_to_other_hosts_go_through_the_proxy() {
        assert!(goes_through_proxy(&url("https://jira.example.com/rest")));
        assert!(goes_through_proxy(&url("https://notlocalhost/")));
        for direct in [
            "http://jira.example.com/rest",
            "https://127.0.0.1:8443/",
            "https://127.8.9.10/",
            "https://localhost/",
            "https://LOCALHOST./",
            "https://jira.localhost/",
            "https://a.b.LOCALHOST.:8443/",
            "https://[::1]:8443/",
            "http://127.0.0.1:8080/",
        ] {
            assert!(!goes_through_proxy(&url(direct)), "{direct}");
        }
    }

    #[test]
    fn no_proxy_names_hosts_domains_and_addresses() {
        let list = no_proxy_list(|name| {
            (name == "NO_PROXY")
                .then(|| " jira.internal.example, .corp.example,10.0.0.5:8443 ,".into())
        });
        assert_eq!(list, ["jira.internal.example", ".corp.example", "10.0.0.5"]);
        assert!(bypassed("jira.internal.example", &list));
        assert!(bypassed("JIRA.internal.example.", &list));
        assert!(bypassed("align.corp.example", &list));
        assert!(bypassed("corp.example", &list));
        assert!(bypassed("10.0.0.5", &list));
        assert!(!bypassed("jira.example", &list));
        assert!(!bypassed("notcorp.example", &list));
        assert!(bypassed("anything", &["*".to_string()]));
    }

    #[test]
    fn https_proxy_comes_first_and_http_proxy_is_never_used() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            }
        };
        let both = env(&[
            ("HTTPS_PROXY", "http://secure-proxy:3128"),
            ("ALL_PROXY", "http://all-proxy:3128"),
        ]);
        assert_eq!(proxy_url(both).unwrap().host_str(), Some("secure-proxy"));
        let all = env(&[("all_proxy", "http://all-proxy:3128")]);
        assert_eq!(proxy_url(all).unwrap().host_str(), Some("all-proxy"));
        // A SOCKS proxy is not one this client speaks.
        assert!(proxy_url(env(&[("ALL_PROXY", "socks5://all-proxy:1080")])).is_none());
        let http_only = env(&[("HTTP_PROXY", "http://plain-proxy:3128")]);
        assert!(proxy_url(http_only).is_none());
        assert!(proxy_url(env(&[("HTTPS_PROXY", "  ")])).is_none());
    }
}
