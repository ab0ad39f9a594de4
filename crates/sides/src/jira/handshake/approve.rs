//! The service account's approval as its browser does it: log in, load the authorize
//! page, post `approve` with its XSRF token, read the verifier from the redirect.

use reqwest::Method;
use url::Url;

use super::login::{is_sso_request, log_in, stop_for_a_person, Session};
use super::page::{self, Page, XSRF_COOKIE};
use super::{Approver, AUTHORIZE_PATH};
use crate::callback::CallbackListener;
use crate::domain::Secret;
use crate::error::{AppError, Result};
use crate::http::{Auth, ClientError, Http, Request, Response};
use crate::jira::endpoint;
use crate::oauth::OAuthProblem;

const USE_THE_BROWSER: &str = "Approve in a browser instead: set oauth.approval = \"browser\" under [oauth] in the answers file.";

/// Owned, so an approval started ahead (step 13) can wait in the run's context.
pub struct ServiceAccountApproval {
    pub http: Http,
    pub base: Url,
    pub username: String,
    pub password: Secret,
    pub listener: CallbackListener,
    pub session: Option<Session>,
}

enum Approved {
    Redirect(Url),
    /// No callback (`oob`): the page shows the verifier.
    Verifier(String),
}

impl Approver for ServiceAccountApproval {
    fn callback(&self) -> Option<String> {
        Some(self.listener.url().to_string())
    }

    fn prepare(&mut self) -> Result<()> {
        if self.session.is_none() {
            self.session = Some(self.log_in()?);
        }
        Ok(())
    }

    fn approve(&mut self, request_token: &str, authorize_url: &Url) -> Result<String> {
        let mut session = self.session.take().map_or_else(|| self.log_in(), Ok)?;
        // With the XSRF token in hand (step 7's session), Allow is posted at once:
        // AuthorizeServlet checks token and login on the post. The page if refused.
        if let Some(xsrf) = session.xsrf_cookie().map(str::to_string) {
            match self.allow_at_once(&session, request_token, xsrf)? {
                Some(approved) => return self.verifier(approved, request_token),
                None => session = self.log_in()?,
            }
        }
        let approved = self.allow(&mut session, request_token, authorize_url)?;
        self.verifier(approved, request_token)
    }
}

impl ServiceAccountApproval {
    fn log_in(&self) -> Result<Session> {
        log_in(&self.http, &self.base, &self.username, &self.password)
    }

    /// None: the token (403) or the session (to the login page) was not accepted.
    fn allow_at_once(
        &self,
        session: &Session,
        request_token: &str,
        xsrf: String,
    ) -> Result<Option<Approved>> {
        let answer = self.post_allow(session, request_token, xsrf)?;
        if answer.status == 403 {
            return Ok(None);
        }
        let approved = read_approval(&self.base, &answer)?;
        // Any other redirect is the approval's own answer, judged as after the page.
        let not_accepted = matches!(&approved, Approved::Redirect(location)
            if !self.listener.is_callback(location) && self.asks_to_sign_in(location));
        Ok((!not_accepted).then_some(approved))
    }

    /// Jira's own login page (where Seraph sends what it will not serve), or single sign-on.
    fn asks_to_sign_in(&self, location: &Url) -> bool {
        let login_page = location.host_str() == self.base.host_str()
            && location.port_or_known_default() == self.base.port_or_known_default()
            && location.path().ends_with("/login.jsp");
        login_page || is_sso_request(location)
    }

    fn verifier(&self, approved: Approved, request_token: &str) -> Result<String> {
        match approved {
            Approved::Verifier(verifier) => Ok(verifier),
            // Read, not followed: the listener checks it as it would the browser's.
            Approved::Redirect(location) => self
                .listener
                .verifier_in_redirect(&location, request_token)
                .map_err(|err| match err.hint_text() {
                    Some(_) => err,
                    None => err.hint(USE_THE_BROWSER),
                }),
        }
    }

    fn post_allow(&self, session: &Session, request_token: &str, xsrf: String) -> Result<Response> {
        let form = vec![
            ("oauth_token".to_string(), request_token.to_string()),
            ("atl_token".to_string(), xsrf),
            ("approve".to_string(), "Allow".to_string()),
        ];
        let answer = self.http.send(&Request {
            accept_json: false,
            ..Request::new(Method::POST, endpoint(&self.base, AUTHORIZE_PATH))
                .auth(Auth::Cookie(&session.cookie()))
                .form(form)
        })?;
        // Its redirect goes to our callback, another site: only the CAPTCHA check
        // applies here; the listener checks the target.
        stop_for_a_person(None, &answer, &self.username)?;
        Ok(answer)
    }

    fn allow(
        &self,
        session: &mut Session,
        request_token: &str,
        authorize_url: &Url,
    ) -> Result<Approved> {
        let username = &self.username;
        let page = self.http.send(&Request {
            accept_json: false,
            ..Request::get(authorize_url.clone()).auth(Auth::Cookie(&session.cookie()))
        })?;
        stop_for_a_person(Some(&self.base), &page, username)?;
        if (300..400).contains(&page.status) {
            return Err(AppError::failed(format!(
                "Jira sent {username} to its login page instead of the authorize page"
            ))
            .hint("The session was not accepted: check the service account's password, or set oauth.approval = \"browser\" and approve in a browser."));
        }
        if !page.is_success() {
            return Err(authorize_page_error(&page));
        }
        session.remember(&page);
        let atl_token = Page::parse(&page.body)
            .input_value("atl_token")
            .or_else(|| session.xsrf_cookie().map(str::to_string))
            .ok_or_else(|| {
                AppError::failed(format!(
                    "the authorize page has neither an atl_token form field nor an {XSRF_COOKIE} cookie; it was {}",
                    page::quote(&page.body)
                ))
                .hint(USE_THE_BROWSER)
            })?;
        let answer = self.post_allow(session, request_token, atl_token)?;
        read_approval(&self.base, &answer)
    }
}

fn read_approval(base: &Url, answer: &Response) -> Result<Approved> {
    if (301..=303).contains(&answer.status) || answer.status == 307 {
        let location = answer.header("location").unwrap_or_default();
        return base.join(location).map(Approved::Redirect).map_err(|err| {
            AppError::failed(format!(
                "Jira redirected the approval to an invalid URL ({err})"
            ))
        });
    }
    if answer.status == 403 {
        return Err(AppError::failed(format!(
            "Jira refused the approval (HTTP 403); it answered {}",
            page::quote(&answer.body)
        ))
        .hint("Jira's XSRF check or the account's rights refused the form: rerun step 17; if it persists, set oauth.approval = \"browser\" and approve in a browser."));
    }
    if let Some(problem) = page_problem(answer) {
        return Err(ClientError::oauth(problem, Default::default())
            .context("approving the authorization")
            .into());
    }
    if !answer.is_success() {
        return Err(AppError::failed(format!(
            "Jira refused the approval (HTTP {}); it answered {}",
            answer.status,
            page::quote(&answer.body)
        ))
        .hint(USE_THE_BROWSER));
    }
    Page::parse(&answer.body)
        .verifier()
        .map(Approved::Verifier)
        .ok_or_else(|| {
            AppError::failed(format!(
                "Jira's answer to the approval shows no verifier; it was {}",
                page::quote(&answer.body)
            ))
            .hint(USE_THE_BROWSER)
        })
}

/// From `WWW-Authenticate` (or a form body), else a `data-oauth-problem` attribute.
fn page_problem(page: &Response) -> Option<OAuthProblem> {
    OAuthProblem::from_response(page.status, page.www_authenticate().as_deref(), &page.body)
        .or_else(|| {
            let code = Page::parse(&page.body).attribute("data-oauth-problem")?;
            Some(OAuthProblem {
                status: page.status,
                problem: crate::util::text::server_name(&code),
                params: Default::default(),
            })
        })
}

fn authorize_page_error(page: &Response) -> AppError {
    if let Some(problem) = page_problem(page) {
        return ClientError::oauth(problem, Default::default())
            .context("loading the authorize page")
            .into();
    }
    AppError::failed(format!(
        "Jira would not show the authorize page for this request token (HTTP {}); it answered {}",
        page.status,
        page::quote(&page.body)
    ))
    .hint("The request token may have expired (they last 10 minutes) or come from another attempt: rerun step 17. If it persists, set oauth.approval = \"browser\" and approve in a browser.")
}

#[cfg(test)]
#[path = "approve_tests.rs"]
mod tests;
