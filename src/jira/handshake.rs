//! The three legs of Jira's OAuth 1.0a provider (RSA-SHA1), and the service
//! account's approval done the way a browser does it: log in, load the authorize
//! page, post `approve` with its `atl_token`.

use reqwest::Method;
use url::Url;

use super::{endpoint, expect_success};
use crate::answers::Secret;
use crate::error::{AppError, Result};
use crate::http::{Auth, Http, Request};
use crate::oauth::{
    parse_token_response, OAuthExtras, OAuthProblem, ProblemContext, Signer, TokenResponse,
};

pub const REQUEST_TOKEN_PATH: &str = "plugins/servlet/oauth/request-token";
pub const AUTHORIZE_PATH: &str = "plugins/servlet/oauth/authorize";
pub const ACCESS_TOKEN_PATH: &str = "plugins/servlet/oauth/access-token";

pub struct Provider<'a> {
    pub http: &'a Http,
    pub base: &'a Url,
    pub signer: &'a Signer,
    /// What to tell the user when Jira reports an OAuth problem.
    pub problem_context: ProblemContext,
}

impl Provider<'_> {
    /// Leg 1: POST, with `oauth_callback` (a loopback URL, or `oob`).
    pub fn request_token(&self, callback: &str) -> Result<TokenResponse> {
        let extras = OAuthExtras {
            callback: Some(callback.to_string()),
            ..OAuthExtras::default()
        };
        self.token_call(REQUEST_TOKEN_PATH, extras, "getting a request token")
    }

    pub fn authorize_url(&self, request_token: &str) -> Url {
        let mut url = endpoint(self.base, AUTHORIZE_PATH);
        url.query_pairs_mut()
            .append_pair("oauth_token", request_token);
        url
    }

    /// Leg 3: POST, trading the approved request token and its verifier.
    pub fn access_token(&self, request_token: &str, verifier: &str) -> Result<TokenResponse> {
        let extras = OAuthExtras {
            token: Some(request_token.to_string()),
            verifier: Some(verifier.to_string()),
            ..OAuthExtras::default()
        };
        self.token_call(
            ACCESS_TOKEN_PATH,
            extras,
            "exchanging the request token for an access token",
        )
    }

    fn token_call(&self, path: &str, extras: OAuthExtras, what: &str) -> Result<TokenResponse> {
        let request = Request::new(Method::POST, endpoint(self.base, path))
            .auth(Auth::OAuth(self.signer, extras));
        let request = Request {
            accept_json: false,
            ..request
        };
        let response =
            expect_success(self.http.send(&request)?, what, Some(&self.problem_context))?;
        parse_token_response(&response.body).map_err(|err| err.context(what))
    }
}

/// Where the approval sent the browser.
pub enum Approval {
    /// A 302 to the callback, carrying `oauth_token` and `oauth_verifier`.
    Redirect(Url),
    /// No callback (`oob`): the page shows the verifier.
    Verifier(String),
}

/// Approves `request_token` as `username`: a cookie session, the authorize page's
/// XSRF token, then the form post. SSO-only sites refuse the login; there a person
/// must approve in a browser (`oauth.approval = "browser"`).
pub fn approve_as(
    http: &Http,
    base: &Url,
    username: &str,
    password: &Secret,
    request_token: &str,
) -> Result<Approval> {
    let session = log_in(http, base, username, password)?;
    let mut page_url = endpoint(base, AUTHORIZE_PATH);
    page_url
        .query_pairs_mut()
        .append_pair("oauth_token", request_token);
    let page = http.send(&Request {
        accept_json: false,
        ..Request::get(page_url).auth(Auth::Cookie(&session))
    })?;
    if (301..=303).contains(&page.status) {
        return Err(AppError::failed(format!(
            "Jira sent {username} to its login page instead of the authorize page"
        ))
        .hint("The session was not accepted: check the service account's password, or set oauth.approval = \"browser\" and approve in a browser."));
    }
    if !page.is_success() {
        return Err(authorize_page_error(&page));
    }
    let atl_token = hidden_input(&page.body, "atl_token").ok_or_else(|| {
        AppError::failed("the authorize page has no atl_token form field")
            .hint("This Jira's authorize page is not the one align-link knows: set oauth.approval = \"browser\" and approve in a browser.")
    })?;
    let form = vec![
        ("oauth_token".to_string(), request_token.to_string()),
        ("atl_token".to_string(), atl_token),
        ("approve".to_string(), "Allow".to_string()),
    ];
    let answer = http.send(&Request {
        accept_json: false,
        ..Request::new(Method::POST, endpoint(base, AUTHORIZE_PATH))
            .auth(Auth::Cookie(&session))
            .form(form)
    })?;
    if (301..=303).contains(&answer.status) {
        let location = answer.header("location").unwrap_or_default();
        let url = base.join(location).map_err(|err| {
            AppError::failed(format!(
                "Jira redirected the approval to an invalid URL ({err})"
            ))
        })?;
        return Ok(Approval::Redirect(url));
    }
    let answer = expect_success(answer, "approving the authorization", None)?;
    element_text(&answer.body, "oauth-verifier")
        .map(Approval::Verifier)
        .ok_or_else(|| {
            AppError::failed("Jira's answer to the approval shows no verifier")
                .hint("Approve in a browser instead: oauth.approval = \"browser\".")
        })
}

/// Jira would not show the authorize page for this request token. Jira names the
/// OAuth problem in `WWW-Authenticate` (the page itself is only text): that
/// problem's remedy; otherwise the usual causes.
fn authorize_page_error(page: &crate::http::Response) -> AppError {
    if let Some(problem) =
        OAuthProblem::from_response(page.status, page.header("www-authenticate"), "")
    {
        return problem
            .to_error(&Default::default())
            .context("loading the authorize page");
    }
    AppError::failed(format!(
        "Jira would not show the authorize page for this request token (HTTP {})",
        page.status
    ))
    .hint("The request token may have expired (they last 10 minutes) or come from another attempt: rerun step 17.")
}

/// `POST /rest/auth/1/session`: Jira's documented cookie login.
fn log_in(http: &Http, base: &Url, username: &str, password: &Secret) -> Result<Secret> {
    let body = serde_json::json!({"username": username, "password": password.expose()});
    let response =
        http.send(&Request::new(Method::POST, endpoint(base, "rest/auth/1/session")).json(body))?;
    if response.status == 401 || response.status == 403 {
        return Err(AppError::failed(format!(
            "Jira refused the login of the service account {username} (HTTP {})",
            response.status
        ))
        .hint("Check service_account.username and service_account.password; after failed logins Jira may demand a CAPTCHA in the browser first."));
    }
    let response = expect_success(response, "logging in as the service account", None)?;
    let value: serde_json::Value = response.json("POST /rest/auth/1/session")?;
    value["session"]["value"]
        .as_str()
        .map(|v| Secret::new(v.to_string()))
        .ok_or_else(|| {
            AppError::failed("Jira's login answer carries no session")
                .hint("Approve in a browser instead: oauth.approval = \"browser\".")
        })
}

/// The `value` of `<input ... name="NAME" ... value="...">`, attribute order free.
fn hidden_input(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\"");
    html.split('<')
        .filter(|tag| tag.starts_with("input") && tag.contains(&needle))
        .find_map(|tag| attribute(tag, "value"))
}

fn attribute(tag: &str, attr: &str) -> Option<String> {
    let start = tag.find(&format!(" {attr}=\""))? + attr.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_string())
}

/// The text of the element with `id="ID"`.
fn element_text(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let start = html[at..].find('>')? + at + 1;
    let end = html[start..].find('<')? + start;
    Some(html[start..end].trim().to_string()).filter(|text| !text.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_xsrf_token_whatever_the_attribute_order() {
        let html = r#"<form><input type="hidden" value="tok-1" name="atl_token"><input name="oauth_token" type="hidden" value="rt"></form>"#;
        assert_eq!(hidden_input(html, "atl_token").as_deref(), Some("tok-1"));
        assert_eq!(hidden_input(html, "oauth_token").as_deref(), Some("rt"));
        assert_eq!(hidden_input(html, "missing"), None);
    }

    #[test]
    fn reads_the_verifier_element() {
        let html = r#"<p>Your verification code is <span id="oauth-verifier"> Ab3dE9 </span></p>"#;
        assert_eq!(
            element_text(html, "oauth-verifier").as_deref(),
            Some("Ab3dE9")
        );
        assert_eq!(element_text("<p></p>", "oauth-verifier"), None);
    }
}
