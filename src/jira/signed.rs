//! REST calls signed with the access token: what Jira Align will be able to do.

use url::Url;

use super::{endpoint, expect_success, Project, ServerInfo, User};
use crate::error::Result;
use crate::http::{Auth, Http, Request};
use crate::oauth::{OAuthExtras, ProblemContext, Signer};

pub struct SignedJira<'a> {
    pub http: &'a Http,
    pub base: &'a Url,
    pub signer: &'a Signer,
    pub token: &'a str,
    pub problem_context: ProblemContext,
}

impl SignedJira<'_> {
    fn get(&self, path: &str, what: &str) -> Result<crate::http::Response> {
        let extras = OAuthExtras {
            token: Some(self.token.to_string()),
            ..OAuthExtras::default()
        };
        let request =
            Request::get(endpoint(self.base, path)).auth(Auth::OAuth(self.signer, extras));
        expect_success(self.http.send(&request)?, what, Some(&self.problem_context))
    }

    pub fn myself(&self) -> Result<User> {
        self.get("rest/api/2/myself", "signed GET /rest/api/2/myself")?
            .json("GET /rest/api/2/myself")
    }

    pub fn server_info(&self) -> Result<ServerInfo> {
        self.get("rest/api/2/serverInfo", "signed GET /rest/api/2/serverInfo")?
            .json("GET /rest/api/2/serverInfo")
    }

    /// The project, or None when the account cannot see it (Jira answers 404 then).
    pub fn project(&self, key: &str) -> Result<Option<Project>> {
        let path = format!("rest/api/2/project/{key}");
        match self.get(&path, &format!("signed GET /rest/api/2/project/{key}")) {
            Ok(response) => response.json("GET /rest/api/2/project").map(Some),
            Err(err) if err.message.contains("HTTP 404") => Ok(None),
            Err(err) => Err(err),
        }
    }
}
