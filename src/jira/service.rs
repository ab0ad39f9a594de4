//! Calls made as the service account, the way Jira Align will make them: signed
//! with the OAuth access token, or with the account's personal access token or
//! password (the connector's other methods).

use url::Url;

use super::{endpoint, expect_success, Project, ServerInfo, User};
use crate::domain::Secret;
use crate::http::{Auth, ClientError, Http, Request, Response, Result};
use crate::oauth::{OAuthExtras, ProblemContext, Signer};

#[derive(Clone)]
pub enum Credential {
    OAuth { signer: Signer, token: String },
    Bearer(Secret),
    Basic(String, Secret),
}

/// Owns a clone of the run's `Http` (cheap: the pool is shared).
pub struct ServiceJira {
    http: Http,
    base: Url,
    credential: Credential,
    problem_context: ProblemContext,
}

#[derive(Debug, serde::Deserialize)]
pub struct SearchResult {
    pub total: u64,
    #[serde(default)]
    pub issues: Vec<serde_json::Value>,
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

    fn auth(&self) -> Auth<'_> {
        match &self.credential {
            Credential::OAuth { signer, token } => Auth::OAuth(
                signer,
                OAuthExtras {
                    token: Some(token.to_string()),
                    ..OAuthExtras::default()
                },
            ),
            Credential::Bearer(token) => Auth::Bearer(token),
            Credential::Basic(user, password) => Auth::Basic(user, password),
        }
    }

    fn get(&self, path: &str) -> Result<Response> {
        let what = format!("GET /{}", path.split('?').next().unwrap_or(path));
        let request = Request::get(endpoint(&self.base, path)).auth(self.auth());
        expect_success(
            self.http.send(&request)?,
            &what,
            Some(&self.problem_context),
        )
    }

    pub fn myself(&self) -> Result<User> {
        self.get("rest/api/2/myself")?
            .json("GET /rest/api/2/myself")
    }

    pub fn server_info(&self) -> Result<ServerInfo> {
        self.get("rest/api/2/serverInfo")?
            .json("GET /rest/api/2/serverInfo")
    }

    /// The project, or None when the account cannot see it (Jira answers 404 then).
    pub fn project(&self, key: &str) -> Result<Option<Project>> {
        match self.get(&format!("rest/api/2/project/{key}")) {
            Ok(response) => response.json("GET /rest/api/2/project").map(Some),
            Err(ClientError::Status(refused)) if refused.status == 404 => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// A JQL search over the project's issues, as Jira Align's sync does.
    pub fn search_project(&self, key: &str) -> Result<SearchResult> {
        let mut url = endpoint(&self.base, "rest/api/2/search");
        url.query_pairs_mut()
            .append_pair("jql", &format!("project = {key}"))
            .append_pair("maxResults", "5");
        let path = format!("rest/api/2/search?{}", url.query().unwrap_or_default());
        self.get(&path)?.json("GET /rest/api/2/search")
    }
}
