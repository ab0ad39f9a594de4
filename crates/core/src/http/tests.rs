use super::*;
use crate::error::AppError;
use reqwest::header::HeaderMap;
use reqwest::Method;

#[test]
fn plain_http_only_for_loopback() {
    let loopback = Url::parse("http://127.0.0.1:8080/jira").unwrap();
    let localhost = Url::parse("http://LocalHost:8080").unwrap();
    let remote = Url::parse("http://jira.example.com").unwrap();
    assert!(check_scheme(&loopback, "jira.url", false).is_ok());
    assert!(check_scheme(&localhost, "jira.url", false).is_ok());
    let err = AppError::from(check_scheme(&remote, "jira.url", false).unwrap_err());
    assert!(err.message.contains("jira.url"), "{}", err.message);
    assert!(err.hint_text().unwrap().contains("--allow-http"));
    assert!(check_scheme(&remote, "jira.url", true).is_ok());
    assert!(check_scheme(&Url::parse("ftp://x").unwrap(), "jira.url", true).is_err());
}

#[test]
fn secrets_in_query_are_redacted() {
    let url = Url::parse("http://127.0.0.1/cb?oauth_token=abc&oauth_verifier=XYZ123&x=1").unwrap();
    let shown = redact_url(&url);
    assert!(
        !shown.contains("abc") && !shown.contains("XYZ123"),
        "{shown}"
    );
    assert!(shown.contains("x=1"));
}

#[test]
fn a_url_with_a_password_is_refused_with_the_password_masked() {
    let url = Url::parse("https://bob:hunter2@jira.example.com/jira").unwrap();
    let err = check_scheme(&url, "jira.url", false).unwrap_err();
    let err = AppError::from(err);
    assert_eq!(err.kind, crate::error::ErrorKind::Usage);
    let shown = err.render();
    assert!(shown.contains("bob:***@jira.example.com"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[test]
fn retry_after_in_seconds_or_as_a_date_is_what_the_server_asked() {
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", "2".parse().unwrap());
    let response = Response {
        status: 429,
        headers,
        body: String::new(),
        clock_skew_secs: None,
        oauth_base_string: None,
        auth: AuthKind::None,
    };
    assert!(matches!(retry_delay(&response, 1), Wait::Asked(d) if d == Duration::from_secs(2)));
    let mut headers = HeaderMap::new();
    let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
    headers.insert("retry-after", later.parse().unwrap());
    let dated = Response {
        headers,
        ..response
    };
    assert!(matches!(retry_delay(&dated, 1), Wait::Asked(d) if d > Duration::from_secs(100)));
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", "soon".parse().unwrap());
    let junk = Response { headers, ..dated };
    assert!(matches!(retry_delay(&junk, 1), Wait::Backoff(_)));
}

/// A loopback server answering every request with `status`, `headers` and `body`.
fn fixed_server(status: u16, headers: &[(&str, &str)], body: Vec<u8>) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/x?oauth_token=SECRETTOKEN",
        server.server_addr().to_ip().unwrap()
    );
    let headers: Vec<tiny_http::Header> = headers
        .iter()
        .map(|(k, v)| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap())
        .collect();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let mut response =
                tiny_http::Response::from_data(body.clone()).with_status_code(status);
            for header in &headers {
                response.add_header(header.clone());
            }
            let _ = request.respond(response);
        }
    });
    url
}

#[test]
fn a_retry_after_beyond_the_budget_fails_at_once_and_says_so() {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}/x?oauth_token=SECRETTOKEN", server.server_addr());
    let served = std::thread::spawn(move || {
        let mut seen = 0;
        // Until the client hangs up: every request it makes, counted.
        while let Ok(Some(request)) = server.recv_timeout(Duration::from_secs(2)) {
            seen += 1;
            let retry_after = tiny_http::Header::from_bytes("Retry-After", "60").unwrap();
            let _ = request.respond(
                tiny_http::Response::from_string("{}")
                    .with_status_code(429)
                    .with_header(retry_after),
            );
        }
        seen
    });
    let http = Http::new(HttpOptions {
        timeout: Duration::from_secs(5),
        ..HttpOptions::default()
    })
    .unwrap();
    let err = http
        .send(&Request::get(Url::parse(&url).unwrap()))
        .unwrap_err();
    assert_eq!(served.join().unwrap(), 1, "no retry after the 429");
    let ClientError::RetryTooLong(wait) = &err else {
        panic!("{err:?}");
    };
    assert_eq!((wait.asked_secs, wait.status), (60, 429));
    let shown = AppError::from(err).render();
    assert!(shown.contains("asked to wait 60 s (HTTP 429)"), "{shown}");
    assert!(!shown.contains("SECRETTOKEN"), "{shown}");
}

#[test]
fn a_body_over_the_cap_is_an_error_naming_the_url_and_the_cap() {
    let url = fixed_server(200, &[], vec![b'x'; MAX_BODY_BYTES as usize + 10]);
    let err = quick_client()
        .send(&Request::get(Url::parse(&url).unwrap()))
        .unwrap_err();
    assert!(matches!(err, ClientError::TooLarge(_)), "{err:?}");
    let shown = AppError::from(err).render();
    assert!(
        shown.contains("1024 KiB") && shown.contains("/x?oauth_token=<redacted>"),
        "{shown}"
    );
    let exact = fixed_server(200, &[], vec![b' '; MAX_BODY_BYTES as usize]);
    assert!(quick_client()
        .send(&Request::get(Url::parse(&exact).unwrap()))
        .is_ok());
}

#[test]
fn transport_failures_are_told_apart_by_type() {
    // A port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let http = Http::new(HttpOptions {
        retries: 0,
        ..HttpOptions::default()
    })
    .unwrap();
    let refused = http
        .send(&Request::get(
            Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap(),
        ))
        .unwrap_err();
    assert_eq!(
        refused.transport_kind(),
        Some(&TransportKind::Refused),
        "{refused:?}"
    );

    // No DNS query leaves this machine in a test: the resolver's failure, wrapped
    // as hyper wraps it, is recognised by its type.
    let dns = std::io::Error::other(transport::DnsFailure {
        host: "jira.example.invalid".into(),
        source: std::io::Error::other("lookup failed"),
    });
    assert_eq!(
        transport::classify(&dns),
        TransportKind::Dns {
            host: "jira.example.invalid".into()
        }
    );

    // rustls's verdict, inside io errors inside hyper's, as a handshake reports it.
    let tls = std::io::Error::other(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
    ));
    assert!(
        matches!(transport::classify(&tls), TransportKind::Tls { reason } if reason.contains("UnknownIssuer"))
    );

    // A server that accepts and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}/", silent.local_addr().unwrap());
    let quick = Http::new(HttpOptions {
        timeout: Duration::from_millis(300),
        retries: 0,
        ..HttpOptions::default()
    })
    .unwrap();
    let timeout = quick
        .send(&Request::get(Url::parse(&silent_url).unwrap()))
        .unwrap_err();
    assert_eq!(
        timeout.transport_kind(),
        Some(&TransportKind::Timeout),
        "{timeout:?}"
    );
    assert!(
        std::error::Error::source(&timeout).is_some(),
        "the cause is kept"
    );
    drop(silent);
}

/// A loopback server that answers with `statuses` in turn (then 200) and counts
/// what it was asked; each answer carries `Retry-After: 0` so the test is quick.
fn flaky_server(statuses: Vec<u16>) -> (String, std::sync::Arc<std::sync::atomic::AtomicU64>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", server.server_addr().to_ip().unwrap());
    let count = std::sync::Arc::new(AtomicU64::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        let mut answers = statuses.into_iter();
        for request in server.incoming_requests() {
            seen.fetch_add(1, Ordering::SeqCst);
            let status = answers.next().unwrap_or(200);
            let retry = tiny_http::Header::from_bytes(&b"Retry-After"[..], &b"0"[..]).unwrap();
            let _ = request.respond(
                tiny_http::Response::from_string("{}")
                    .with_status_code(status)
                    .with_header(retry),
            );
        }
    });
    (url, count)
}

fn quick_client() -> Http {
    Http::new(HttpOptions {
        retries: 3,
        ..HttpOptions::default()
    })
    .unwrap()
}

#[test]
fn idempotent_calls_are_retried_on_busy_answers() {
    let (url, count) = flaky_server(vec![503, 429, 502]);
    let response = quick_client()
        .send(&Request::get(Url::parse(&url).unwrap()))
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(count.load(Ordering::SeqCst), 4);
}

#[test]
fn retries_stop_after_the_limit() {
    let (url, count) = flaky_server(vec![504; 10]);
    let response = quick_client()
        .send(&Request::get(Url::parse(&url).unwrap()))
        .unwrap();
    assert_eq!(
        response.status, 504,
        "the last answer is returned for the caller to explain"
    );
    assert_eq!(count.load(Ordering::SeqCst), 4, "one try and three retries");
}

#[test]
fn posts_are_never_retried() {
    let (url, count) = flaky_server(vec![503, 503]);
    let request = Request::new(Method::POST, Url::parse(&url).unwrap()).form(vec![]);
    let response = quick_client().send(&request).unwrap();
    assert_eq!(response.status, 503);
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn other_errors_are_not_retried() {
    let (url, count) = flaky_server(vec![500, 404]);
    let response = quick_client()
        .send(&Request::get(Url::parse(&url).unwrap()))
        .unwrap();
    assert_eq!(response.status, 500);
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn sends_our_user_agent() {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", server.server_addr().to_ip().unwrap());
    let waiter = std::thread::spawn(move || {
        let request = server.recv().unwrap();
        let agent = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("User-Agent"))
            .map(|h| h.value.to_string());
        let _ = request.respond(tiny_http::Response::from_string("{}"));
        agent
    });
    quick_client()
        .send(&Request::get(Url::parse(&url).unwrap()))
        .unwrap();
    let agent = waiter.join().unwrap().unwrap();
    assert!(agent.starts_with("align-link/"), "{agent}");
}

#[test]
fn unreadable_ca_cert_is_a_usage_error() {
    let err = Http::new(HttpOptions {
        ca_cert: Some("/nonexistent/ca.pem".into()),
        ..HttpOptions::default()
    })
    .err()
    .unwrap();
    let err = AppError::from(err);
    assert_eq!(err.exit_code(), 2);
    assert!(
        err.message.contains("--ca-cert /nonexistent/ca.pem"),
        "{}",
        err.message
    );
}
