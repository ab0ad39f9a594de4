//! Calls made as the service account, the way Jira Align will make them.

use url::Url;

pub use super::handshake::login::Login;
use super::handshake::login::{stop_for_a_person, try_log_in, Session};
use super::{endpoint, expect_success, Project, ServerInfo, User};
use crate::domain::Secret;
use crate::error::Result as AppResult;
use crate::http::{Auth, ClientError, Credential, Http, Request, Response, Result};
use crate::oauth::ProblemContext;

pub struct ServiceJira {
    http: Http,
    base: Url,
    credential: Credential,
    problem_context: ProblemContext,
}

/// Only the count is read; the issues themselves are left unparsed.
#[derive(Debug, serde::Deserialize)]
pub struct SearchResult {
    pub total: u64,
}

impl ServiceJira {
    pub fn new(
        http: &Http,
        base: Url,
        credential: Credential,
        problem_context: ProblemContext,
    ) -> ServiceJira {
        ServiceJira {
            http: http.clone(),
            base,
            credential,
            problem_context,
        }
    }

    fn get(&self, path: &str) -> Result<Response> {
        self.expect_success(self.send_get(path)?, path)
    }

    fn send_get(&self, path: &str) -> Result<Response> {
        self.http
            .send(&Request::get(endpoint(&self.base, path)).auth(self.credential.auth()))
    }

    fn expect_success(&self, response: Response, path: &str) -> Result<Response> {
        let what = format!("GET /{}", path.split('?').next().unwrap_or(path));
        expect_success(response, &what, Some(&self.problem_context))
    }

    pub fn myself(&self) -> Result<User> {
        self.get("rest/api/2/myself")?
            .json("GET /rest/api/2/myself")
    }

    pub fn server_info(&self) -> Result<ServerInfo> {
        self.get("rest/api/2/serverInfo")?
            .json("GET /rest/api/2/serverInfo")
    }

    /// None when the account cannot see it (404).
    pub fn project(&self, key: &str) -> Result<Option<Project>> {
        match self.get(&project_path(key)) {
            Ok(response) => response.json("GET /rest/api/2/project").map(Some),
            Err(ClientError::Status(refused)) if refused.status == 404 => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// As Jira Align's sync does; None when the project is hidden (Jira answers 400
    /// then; `key` is checked, so the query itself is valid).
    pub fn search_project(&self, key: &str) -> Result<Option<SearchResult>> {
        let mut url = endpoint(&self.base, "rest/api/2/search");
        url.query_pairs_mut()
            .append_pair("jql", &format!("project = {key}"))
            .append_pair("maxResults", "5");
        let path = format!("rest/api/2/search?{}", url.query().unwrap_or_default());
        let response = self.send_get(&path)?;
        // Jira's own refusal, not a proxy's 400, means a hidden project.
        if response.status == 400 && is_jira_error(&response) {
            return Ok(None);
        }
        self.expect_success(response, &path)?
            .json("GET /rest/api/2/search")
            .map(Some)
    }
}

/// A JSON object with an `errorMessages` list.
fn is_jira_error(response: &Response) -> bool {
    let body: serde_json::Value = serde_json::from_str(&response.body).unwrap_or_default();
    body["errorMessages"].is_array()
}

/// The test project as the service account sees it, and the session it opened.
pub type ServiceSignIn = Login<(Option<Project>, Option<Session>)>;

/// One Basic request signs in and reads the project (404: hidden; 401: refused);
/// where Basic is off (403), the handshake's login then the project. Changes nothing.
pub fn check_service_account(
    http: &Http,
    base: &Url,
    username: &str,
    password: &Secret,
    project_key: &str,
) -> AppResult<ServiceSignIn> {
    let url = endpoint(base, &project_path(project_key));
    let response = http.send(&Request::get(url.clone()).auth(Auth::Basic(username, password)))?;
    if let Err(err) = stop_for_a_person(None, &response, username) {
        return Ok(Login::NeedsAPerson(err));
    }
    let (session, response) = match response.status {
        401 => return Ok(Login::Refused(401)),
        403 => {
            let mut session = match try_log_in(http, base, username, password)? {
                Login::SignedIn(session) => session,
                Login::Refused(status) => return Ok(Login::Refused(status)),
                Login::NeedsAPerson(err) => return Ok(Login::NeedsAPerson(err)),
            };
            let response = http.send(&Request::get(url).auth(Auth::Cookie(&session.cookie())))?;
            session.remember(&response);
            (Some(session), response)
        }
        _ => (Session::opened_by(&response), response),
    };
    Ok(Login::SignedIn((project_seen(response)?, session)))
}

fn project_path(key: &str) -> String {
    format!("rest/api/2/project/{key}")
}

/// None when Jira hides it (404).
fn project_seen(response: Response) -> Result<Option<Project>> {
    if response.status == 404 {
        return Ok(None);
    }
    let what = "reading the test project as the service account";
    expect_success(response, what, None)?
        .json("GET /rest/api/2/project")
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::AuthKind;

    fn answer(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: Default::default(),
            body: body.into(),
            clock_skew_secs: None,
            oauth_base_string: None,
            auth: AuthKind::None,
        }
    }

    #[test]
    fn only_jiras_own_error_shape_counts_as_jiras_refusal() {
        let jira = r#"{"errorMessages":["The value 'ALIGN' does not exist for the field 'project'."],"errors":{}}"#;
        assert!(is_jira_error(&answer(400, jira)));
        assert!(!is_jira_error(&answer(400, "<html>400 Bad Request</html>")));
        assert!(!is_jira_error(&answer(400, r#"{"error":"bad request"}"#)));
        assert!(!is_jira_error(&answer(
            400,
            r#"{"errorMessages":"not a list"}"#
        )));
    }
}
