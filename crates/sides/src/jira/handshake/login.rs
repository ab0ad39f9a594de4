//! The service account's sign-in, as its browser would: the REST session, else
//! `login.jsp`. A CAPTCHA or single sign-on stops here: only a person gets past.

use reqwest::Method;
use url::Url;

use super::page::{self, XSRF_COOKIE};
use crate::domain::Secret;
use crate::error::{AppError, Result};
use crate::http::{Http, Request, Response};
use crate::jira::endpoint;

const SESSION_COOKIE: &str = "JSESSIONID";

/// Its id and the other cookies the site set (XSRF, a load balancer's sticky one).
#[derive(Clone)]
pub struct Session {
    id: String,
    others: Vec<(String, String)>,
}

/// Never shows the cookies: they are as good as the password.
impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Session(<redacted>)")
    }
}

impl Session {
    /// Seraph logs a Basic-authenticated REST call in: its answer sets `JSESSIONID`.
    pub fn opened_by(response: &Response) -> Option<Session> {
        let id = page::set_cookie(&response.headers, SESSION_COOKIE)?;
        Some(Session::new(id, response))
    }

    fn new(id: String, response: &Response) -> Session {
        let mut session = Session {
            id,
            others: Vec::new(),
        };
        session.remember(response);
        session
    }

    /// For `Auth::Cookie`, which names `JSESSIONID` itself.
    pub fn cookie(&self) -> Secret {
        let mut header = self.id.clone();
        for (name, value) in &self.others {
            header.push_str(&format!("; {name}={value}"));
        }
        Secret::new(header)
    }

    pub fn xsrf_cookie(&self) -> Option<&str> {
        self.others
            .iter()
            .find(|(name, _)| name == XSRF_COOKIE)
            .map(|(_, value)| value.as_str())
    }

    /// Jira sets the XSRF cookie on the first page.
    pub fn remember(&mut self, response: &Response) {
        for (name, value) in page::set_cookies(&response.headers) {
            if name == SESSION_COOKIE {
                self.id = value;
            } else if let Some(kept) = self.others.iter_mut().find(|(n, _)| *n == name) {
                kept.1 = value;
            } else {
                self.others.push((name, value));
            }
        }
    }
}

/// `T`: what signing in gave (for the service account's check, what it saw too).
#[derive(Debug)]
pub enum Login<T = Session> {
    SignedIn(T),
    /// Wrong username or password (or an inactive account): the HTTP status.
    Refused(u16),
    /// A CAPTCHA or single sign-on: the error says what to do in a browser.
    NeedsAPerson(AppError),
}

pub fn log_in(http: &Http, base: &Url, username: &str, password: &Secret) -> Result<Session> {
    match try_log_in(http, base, username, password)? {
        Login::SignedIn(session) => Ok(session),
        Login::Refused(status) => Err(refused(username, status)),
        Login::NeedsAPerson(err) => Err(err),
    }
}

pub fn try_log_in(http: &Http, base: &Url, username: &str, password: &Secret) -> Result<Login> {
    let body = serde_json::json!({"username": username, "password": password.expose()});
    let rest =
        http.send(&Request::new(Method::POST, endpoint(base, "rest/auth/1/session")).json(body))?;
    if let Err(err) = stop_for_a_person(Some(base), &rest, username) {
        return Ok(Login::NeedsAPerson(err));
    }
    if rest.is_success() {
        if let Some(session) = rest_session(&rest) {
            return Ok(Login::SignedIn(session));
        }
    } else if wrong_credentials(&rest) {
        // A try through the form would count another failed login towards the CAPTCHA.
        return Ok(Login::Refused(rest.status));
    }
    form_login(http, base, username, password)
}

fn form_login(http: &Http, base: &Url, username: &str, password: &Secret) -> Result<Login> {
    let form = vec![
        ("os_username".to_string(), username.to_string()),
        ("os_password".to_string(), password.expose().to_string()),
        ("os_destination".to_string(), "/".to_string()),
        ("login".to_string(), "Log In".to_string()),
    ];
    let answer = http.send(&Request {
        accept_json: false,
        ..Request::new(Method::POST, endpoint(base, "login.jsp"))
            .form(form)
            .header("X-Atlassian-Token", "no-check")
    })?;
    if let Err(err) = stop_for_a_person(Some(base), &answer, username) {
        return Ok(Login::NeedsAPerson(err));
    }
    if wrong_credentials(&answer) {
        return Ok(Login::Refused(answer.status));
    }
    match page::set_cookie(&answer.headers, SESSION_COOKIE) {
        Some(id) if answer.status < 400 => Ok(Login::SignedIn(Session::new(id, &answer))),
        _ => Err(AppError::failed(format!(
            "Jira's login form did not sign in {username} (HTTP {}), and gave no reason; it answered {}",
            answer.status,
            page::quote(&answer.body)
        ))
        .hint("This Jira logs in differently from the forms align-link knows: set oauth.approval = \"browser\" under [oauth] in the answers file and approve in a browser.")),
    }
}

/// `{"session": {"name": "JSESSIONID", "value": ...}}`, or the cookie itself.
fn rest_session(response: &Response) -> Option<Session> {
    let from_body = serde_json::from_str::<serde_json::Value>(&response.body)
        .ok()
        .and_then(|value| value["session"]["value"].as_str().map(str::to_string));
    let id = from_body.or_else(|| page::set_cookie(&response.headers, SESSION_COOKIE))?;
    Some(Session::new(id, response))
}

fn login_reasons(response: &Response) -> impl Iterator<Item = &str> {
    response
        .header("x-seraph-loginreason")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
}

fn wrong_credentials(response: &Response) -> bool {
    login_reasons(response).any(|reason| reason == "AUTHENTICATED_FAILED")
}

/// A CAPTCHA, or (with `base`, where redirects stay on Jira) an identity provider.
pub fn stop_for_a_person(base: Option<&Url>, response: &Response, username: &str) -> Result<()> {
    let denied_reason = response.header("x-authentication-denied-reason");
    if denied_reason.is_some() || login_reasons(response).any(|r| r == "AUTHENTICATION_DENIED") {
        let said = denied_reason
            .map(|reason| format!(" (Jira says {})", page::quote(reason)))
            .unwrap_or_default();
        return Err(AppError::failed(format!(
            "Jira demands a CAPTCHA before {username} may log in again{said}: too many failed logins"
        ))
        .hint(format!(
            "Log in to Jira as {username} in a browser and answer the CAPTCHA (or have an administrator reset the failed-login count in User management), then rerun step 17. Or set oauth.approval = \"browser\" under [oauth] in the answers file and approve in that browser."
        )));
    }
    if let Some(idp) = base.and_then(|base| sso_redirect(base, response)) {
        return Err(AppError::failed(format!(
            "Jira sends its logins to a single sign-on identity provider ({idp}): align-link cannot sign in there as {username}"
        ))
        .hint(format!(
            "Set oauth.approval = \"browser\" under [oauth] in the answers file: a browser opens Jira's authorize page, where you sign in through {idp} as {username} and click Allow."
        )));
    }
    Ok(())
}

/// SAML or OpenID Connect.
pub fn is_sso_request(target: &Url) -> bool {
    target.query_pairs().any(|(name, _)| {
        matches!(
            name.as_ref(),
            "SAMLRequest" | "RelayState" | "client_id" | "response_type"
        )
    })
}

pub fn sso_redirect(base: &Url, response: &Response) -> Option<String> {
    if !(300..400).contains(&response.status) {
        return None;
    }
    let target = base.join(response.header("location")?).ok()?;
    let other_site = target.host_str() != base.host_str()
        || target.port_or_known_default() != base.port_or_known_default();
    // An identity provider on Jira's own host still speaks SAML or OpenID Connect.
    (other_site || is_sso_request(&target)).then(|| {
        let mut shown = target.clone();
        shown.set_query(None);
        if other_site {
            target.origin().ascii_serialization()
        } else {
            shown.to_string()
        }
    })
}

fn refused(username: &str, status: u16) -> AppError {
    AppError::failed(format!(
        "Jira refused the login of the service account {username} (HTTP {status})"
    ))
    .hint("Check service_account.username and service_account.password; after failed logins Jira may demand a CAPTCHA in the browser first.")
    .about("service_account.password")
}

#[cfg(test)]
impl Session {
    pub fn with_cookies(id: &str, others: &[(&str, &str)]) -> Session {
        Session {
            id: id.to_string(),
            others: others
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

    fn response(status: u16, headers: &[(&'static str, &'static str)], body: &str) -> Response {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        Response {
            status,
            headers: map,
            body: body.to_string(),
            clock_skew_secs: None,
            oauth_base_string: None,
            auth: crate::http::AuthKind::None,
        }
    }

    fn base() -> Url {
        Url::parse("https://jira.example.com/jira").unwrap()
    }

    #[test]
    fn a_captcha_demand_says_what_to_do_in_the_browser() {
        for headers in [
            &[("x-seraph-loginreason", "AUTHENTICATION_DENIED")][..],
            &[(
                "x-authentication-denied-reason",
                "CAPTCHA_CHALLENGE; login-url=https://jira.example.com/jira/login.jsp",
            )][..],
        ] {
            let err =
                stop_for_a_person(Some(&base()), &response(403, headers, ""), "svc").unwrap_err();
            assert!(err.message.contains("CAPTCHA"), "{}", err.message);
            let hint = err.hint_text().unwrap();
            assert!(hint.contains("oauth.approval = \"browser\""), "{hint}");
            assert!(hint.contains("in a browser"), "{hint}");
        }
    }

    #[test]
    fn a_redirect_to_another_host_is_single_sign_on() {
        let idp = response(
            302,
            &[("location", "https://idp.example.org/saml/sso?SAMLRequest=x")],
            "",
        );
        let err = stop_for_a_person(Some(&base()), &idp, "svc").unwrap_err();
        assert!(
            err.message.contains("https://idp.example.org"),
            "{}",
            err.message
        );
        assert!(!err.message.contains("SAMLRequest"), "{}", err.message);
        assert!(err
            .hint_text()
            .unwrap()
            .contains("oauth.approval = \"browser\""));
        // A redirect within Jira (its own login page) is not single sign-on.
        let local = response(
            302,
            &[("location", "/jira/login.jsp?os_destination=%2F")],
            "",
        );
        assert!(stop_for_a_person(Some(&base()), &local, "svc").is_ok());
        let other_port = response(302, &[("location", "https://jira.example.com:8443/")], "");
        assert!(sso_redirect(&base(), &other_port).is_some());
        let same_host = response(
            302,
            &[("location", "/jira/plugins/servlet/samlsso?RelayState=%2F")],
            "",
        );
        assert_eq!(
            sso_redirect(&base(), &same_host).as_deref(),
            Some("https://jira.example.com/jira/plugins/servlet/samlsso")
        );
    }

    #[test]
    fn sessions_come_from_the_body_or_the_cookie() {
        let body = response(
            200,
            &[
                ("set-cookie", "atlassian.xsrf.token=X1|abc|lin; Path=/"),
                ("set-cookie", "AWSALB=node-2; Path=/"),
            ],
            r#"{"session":{"name":"JSESSIONID","value":"s-1"}}"#,
        );
        let mut session = rest_session(&body).unwrap();
        assert_eq!(
            session.cookie().expose(),
            "s-1; atlassian.xsrf.token=X1|abc|lin; AWSALB=node-2"
        );
        assert_eq!(session.xsrf_cookie(), Some("X1|abc|lin"));
        // A later page renews the XSRF cookie and the session id.
        session.remember(&response(
            200,
            &[
                ("set-cookie", "atlassian.xsrf.token=X2|def|lin; Path=/"),
                ("set-cookie", "JSESSIONID=s-9; Path=/"),
            ],
            "",
        ));
        assert_eq!(
            session.cookie().expose(),
            "s-9; atlassian.xsrf.token=X2|def|lin; AWSALB=node-2"
        );
        let cookie_only = response(200, &[("set-cookie", "JSESSIONID=s-2; Path=/")], "{}");
        assert_eq!(rest_session(&cookie_only).unwrap().cookie().expose(), "s-2");
        assert!(rest_session(&response(200, &[], "<html>")).is_none());
    }

    #[test]
    fn only_an_explicit_failure_means_a_wrong_password() {
        let failed = response(401, &[("x-seraph-loginreason", "AUTHENTICATED_FAILED")], "");
        assert!(wrong_credentials(&failed));
        assert!(!wrong_credentials(&response(403, &[], "")));
        assert!(!wrong_credentials(&response(404, &[], "")));
    }
}
