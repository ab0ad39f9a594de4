use super::*;

#[test]
fn plain_http_only_for_loopback() {
    let loopback = Url::parse("http://127.0.0.1:8080/jira").unwrap();
    let localhost = Url::parse("http://LocalHost:8080").unwrap();
    let remote = Url::parse("http://jira.example.com").unwrap();
    assert!(check_scheme(&loopback, "jira.url", false).is_ok());
    assert!(check_scheme(&localhost, "jira.url", false).is_ok());
    let err = check_scheme(&remote, "jira.url", false).unwrap_err();
    assert!(err.message.contains("jira.url"), "{}", err.message);
    assert!(err.hint.unwrap().contains("--allow-http"));
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
fn retry_after_is_honoured_and_capped() {
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", "2".parse().unwrap());
    let response = Response {
        status: 429,
        headers,
        body: String::new(),
        clock_skew_secs: None,
        oauth_base_string: None,
    };
    assert_eq!(retry_delay(&response, 1), Duration::from_secs(2));
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", "3600".parse().unwrap());
    let response = Response {
        headers,
        ..response
    };
    assert_eq!(retry_delay(&response, 1), Duration::from_secs(60));
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
    assert_eq!(err.exit_code(), 2);
    assert!(
        err.message.contains("--ca-cert /nonexistent/ca.pem"),
        "{}",
        err.message
    );
}
