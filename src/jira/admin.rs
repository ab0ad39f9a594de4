//! Calls made as a Jira administrator (personal access token or Basic): who am I,
//! server facts, application links and their incoming OAuth consumer.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use url::Url;

use super::{endpoint, expect_success, Project, ServerInfo, User};
use crate::answers::Secret;
use crate::error::{AppError, Result};
use crate::http::{Auth, Http, Request, Response};

/// How the administrator authenticates.
#[derive(Clone)]
pub enum AdminAuth {
    Token(Secret),
    Basic { username: String, password: Secret },
}

impl AdminAuth {
    fn as_auth(&self) -> Auth<'_> {
        match self {
            AdminAuth::Token(token) => Auth::Bearer(token),
            AdminAuth::Basic { username, password } => Auth::Basic(username, password),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            AdminAuth::Token(_) => "personal access token".to_string(),
            AdminAuth::Basic { username, .. } => format!("Basic auth as {username}"),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct AppLink {
    pub id: String,
    pub name: String,
    #[serde(rename = "rpcUrl")]
    pub rpc_url: String,
    #[serde(rename = "displayUrl", default)]
    pub display_url: Option<String>,
    #[serde(rename = "typeId", default)]
    pub type_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Consumer {
    pub key: String,
    #[serde(rename = "publicKey", default)]
    pub public_key: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

pub struct JiraAdmin<'a> {
    http: &'a Http,
    base: Url,
    auth: AdminAuth,
}

impl<'a> JiraAdmin<'a> {
    pub fn new(http: &'a Http, base: Url, auth: AdminAuth) -> Self {
        JiraAdmin { http, base, auth }
    }

    fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<Response> {
        let mut request =
            Request::new(method, endpoint(&self.base, path)).auth(self.auth.as_auth());
        if let Some(body) = body {
            request = request.json(body);
        }
        self.http.send(&request)
    }

    fn get_ok(&self, path: &str, what: &str) -> Result<Response> {
        expect_success(self.call(Method::GET, path, None)?, what, None)
    }

    pub fn myself(&self) -> Result<(User, Response)> {
        let response = self.get_ok("rest/api/2/myself", "checking the administrator's login")?;
        Ok((response.json("GET /rest/api/2/myself")?, response))
    }

    pub fn server_info(&self) -> Result<ServerInfo> {
        self.get_ok("rest/api/2/serverInfo", "reading Jira's server info")?
            .json("GET /rest/api/2/serverInfo")
    }

    pub fn is_administrator(&self) -> Result<bool> {
        let response = self.get_ok(
            "rest/api/2/mypermissions?permissions=ADMINISTER",
            "checking administrator rights",
        )?;
        let value: serde_json::Value = response.json("GET /rest/api/2/mypermissions")?;
        Ok(value["permissions"]["ADMINISTER"]["havePermission"].as_bool() == Some(true))
    }

    pub fn project(&self, key: &str) -> Result<Option<Project>> {
        let response = self.call(Method::GET, &format!("rest/api/2/project/{key}"), None)?;
        if response.status == 404 {
            return Ok(None);
        }
        expect_success(response, "reading the test project", None)?
            .json("GET /rest/api/2/project")
            .map(Some)
    }

    pub fn list_links(&self) -> Result<Vec<AppLink>> {
        self.get_ok("rest/applinks/3.0/applinks", "listing application links")?
            .json("GET /rest/applinks/3.0/applinks")
    }

    /// Finds the link whose rpcUrl is `url`, ignoring case of scheme/host and a trailing slash.
    pub fn find_link(&self, url: &Url) -> Result<Option<AppLink>> {
        let wanted = comparable_url(url.as_str());
        Ok(self
            .list_links()?
            .into_iter()
            .find(|link| comparable_url(&link.rpc_url) == wanted))
    }

    pub fn get_link(&self, id: &str) -> Result<Option<AppLink>> {
        let response = self.call(
            Method::GET,
            &format!("rest/applinks/3.0/applicationlink/{id}"),
            None,
        )?;
        if response.status == 404 {
            return Ok(None);
        }
        expect_success(response, "reading the application link", None)?
            .json("GET /rest/applinks/3.0/applicationlink")
            .map(Some)
    }

    /// Creates a generic link. Returns its id, from `resources-created`.
    pub fn create_link(&self, name: &str, url: &Url) -> Result<String> {
        let url_text = url.as_str().trim_end_matches('/');
        let body = json!({"id": null, "name": name, "rpcUrl": url_text, "displayUrl": url_text, "typeId": "generic"});
        let response = self.call(Method::PUT, "rest/applinks/3.0/applicationlink", Some(body))?;
        if response.status == 400 && response.body.contains("applinks.error.duplicate.url") {
            return Err(AppError::failed(format!(
                "Jira already has an application link for {url_text}, but align-link could not find it in the list"
            ))
            .hint("Look under Administration > Applications > Application links; delete the stale link or rerun step 8."));
        }
        let response = expect_success(response, "creating the application link", None)?;
        #[derive(Deserialize)]
        struct Created {
            #[serde(rename = "resources-created")]
            resources_created: Vec<Href>,
        }
        #[derive(Deserialize)]
        struct Href {
            href: String,
        }
        let created: Created = response.json("PUT /rest/applinks/3.0/applicationlink")?;
        created
            .resources_created
            .first()
            .and_then(|r| {
                r.href
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .map(str::to_string)
            })
            .filter(|id| !id.is_empty())
            .ok_or_else(|| {
                AppError::failed("Jira created the link but did not say its id")
                    .hint("Rerun step 8: it finds the link by URL.")
            })
    }

    pub fn rename_link(&self, link: &AppLink, name: &str) -> Result<()> {
        let body = json!({
            "id": link.id, "name": name, "rpcUrl": link.rpc_url,
            "displayUrl": link.display_url.clone().unwrap_or_else(|| link.rpc_url.clone()),
            "typeId": link.type_id.clone().unwrap_or_else(|| "generic".into()),
        });
        let path = format!("rest/applinks/3.0/applicationlink/{}", link.id);
        expect_success(
            self.call(Method::POST, &path, Some(body))?,
            "renaming the application link",
            None,
        )?;
        Ok(())
    }

    /// Whether Jira calls the link working; `None` when this Jira has no status
    /// resource (older versions answer 404 or 405: the status is only informative).
    pub fn link_working(&self, id: &str) -> Result<Option<bool>> {
        let response = self.call(Method::GET, &format!("rest/applinks/3.0/status/{id}"), None)?;
        if matches!(response.status, 404 | 405) {
            return Ok(None);
        }
        let response = expect_success(response, "reading the link's status", None)?;
        let value: serde_json::Value = response.json("GET /rest/applinks/3.0/status")?;
        // Jira fails every generic link (a link to Jira Align is one) on its local
        // compatibility check with GENERIC_LINK: that is their normal status.
        Ok(Some(
            value["working"].as_bool() == Some(true)
                || value["error"]["type"].as_str() == Some("GENERIC_LINK"),
        ))
    }

    fn consumer_path(id: &str) -> String {
        format!("rest/applinks-oauth/1.0/applicationlink/{id}/authentication/consumer")
    }

    /// The incoming consumer on the link, or None while it has none (404).
    pub fn consumer(&self, link_id: &str) -> Result<Option<Consumer>> {
        let response = self.call(Method::GET, &Self::consumer_path(link_id), None)?;
        if response.status == 404 {
            return Ok(None);
        }
        #[derive(Deserialize)]
        struct List {
            #[serde(default)]
            consumers: Vec<Consumer>,
        }
        let list: List =
            expect_success(response, "reading the link's incoming authentication", None)?
                .json("GET .../authentication/consumer")?;
        Ok(list.consumers.into_iter().next())
    }

    /// Removes the link's incoming consumer; a link that has none is fine. Jira's
    /// REST resource has no DELETE: its admin page (`AddConsumerManuallyServlet`)
    /// does it, answering a redirect when done.
    pub fn delete_consumer(&self, link_id: &str) -> Result<()> {
        let path =
            format!("plugins/servlet/applinks/auth/conf/oauth/add-consumer-manually/{link_id}");
        let request = Request {
            accept_json: false,
            ..Request::new(Method::POST, endpoint(&self.base, &path))
                .auth(self.auth.as_auth())
                .form(vec![("oauth-incoming-enabled".into(), "false".into())])
                // Applinks pages skip their XSRF check for a client that says so.
                .header("X-Atlassian-Token", "no-check")
        };
        let response = self.http.send(&request)?;
        if response.status == 404 || (301..=303).contains(&response.status) {
            return Ok(());
        }
        Err(AppError::failed(format!(
            "Jira did not remove the link's incoming authentication (HTTP {})",
            response.status
        ))
        .hint("Remove it in Jira: Administration > Applications > Application links > the link > Incoming Authentication > Delete."))
    }

    pub fn set_consumer(
        &self,
        link_id: &str,
        key: &str,
        name: &str,
        public_key_pem: &str,
    ) -> Result<()> {
        let body = json!({
            "key": key, "name": name, "description": "Set by align-link",
            "publicKey": public_key_pem, "callback": null, "outgoing": false,
            "twoLOAllowed": false, "twoLOImpersonationAllowed": false,
        });
        let response = self.call(Method::PUT, &Self::consumer_path(link_id), Some(body))?;
        // We always send a key and no callback, so a 400 here is the public key.
        // Jira words it in the administrator's language: judge by status and
        // resource, and only quote the text.
        if response.status == 400 {
            return Err(AppError::failed(format!(
                "Jira refused the public key for the link (HTTP 400{})",
                super::jira_messages(&response.body)
            ))
            .hint("Jira wants an X.509 SubjectPublicKeyInfo key (`BEGIN PUBLIC KEY`), not PKCS#1 (`BEGIN RSA PUBLIC KEY`). Rerun step 5."));
        }
        expect_success(response, "setting the link's incoming authentication", None)?;
        Ok(())
    }
}

fn comparable_url(url: &str) -> String {
    url.trim().trim_end_matches('/').to_ascii_lowercase()
}
