//! The connector's clicks that talk to Jira: Authorize Jira OAuth Access (the whole
//! three-legged handshake, playing the service account's browser for Allow),
//! Test Now, and Activate with one sync pass over the mapped projects.

use super::jira_client::{html_attr, Answer, Cred, Jira};
use super::signing::{parse_token, Consumer, Token};
use super::state::{AlignStandIn, AuthorizeOutcome, ConnectorAuth, Pending};
use serde_json::{json, Value};

const AUTHORIZE: &str = "plugins/servlet/oauth/authorize";
const MYSELF: &str = "rest/api/2/myself";
const SEARCH: &str = "rest/api/2/search";
/// Issues asked for per search page.
const SEARCH_PAGE: usize = 50;

fn refused(what: &str, answer: &Answer) -> String {
    format!("Jira refused {what}: {}", answer.refusal())
}

/// A JSON answer of Jira's, or what is wrong with it.
fn json_of(answer: &Answer, what: &str) -> Result<Value, String> {
    serde_json::from_str(&answer.body).map_err(|_| format!("Jira's {what} is not JSON"))
}

/// A token servlet's (`request-token`, `access-token`) answer to a signed POST.
fn token_leg(jira: &Jira, servlet: &str, cred: &Cred) -> Result<Token, String> {
    let url = jira.url(&format!("plugins/servlet/oauth/{servlet}"))?;
    let answer = jira.post_form(url, &[], cred)?;
    if !answer.ok() {
        return Err(refused(
            &format!("the {}", servlet.replace('-', " ")),
            &answer,
        ));
    }
    parse_token(&answer.body).map_err(|e| format!("Jira's {servlet} answer is unusable: {e}"))
}

/// The `name` of a `/rest/api/2/myself` answer.
fn account_of(answer: &Answer) -> Result<String, String> {
    let me = json_of(answer, "/rest/api/2/myself answer")?;
    me["name"]
        .as_str()
        .map(String::from)
        .ok_or_else(|| "Jira's /rest/api/2/myself answer has no name".to_string())
}

impl AlignStandIn {
    /// Authorize Jira OAuth Access, Request Jira for access, and Allow in Jira as the
    /// service account, as Jira Align and a browser would do them. See the module
    /// documentation of `align` for the legs.
    pub fn authorize(
        &self,
        connector_id: u32,
        service_username: &str,
        service_password: &str,
    ) -> Result<AuthorizeOutcome, String> {
        let result = self.authorize_legs(connector_id, service_username, service_password);
        let mut st = self.state();
        if let Ok(c) = st.connector_mut(connector_id) {
            c.pending = None;
            if let Ok((outcome, token)) = &result {
                c.access_token = Some(token.clone());
                c.shown.authorized_account = Some(outcome.account.clone());
                c.shown.token_expires_in = outcome.expires_in;
                c.shown.saved = false;
            }
        }
        result.map(|(outcome, _)| outcome)
    }

    fn authorize_legs(
        &self,
        id: u32,
        username: &str,
        password: &str,
    ) -> Result<(AuthorizeOutcome, String), String> {
        let (api_url, consumer) = {
            let st = self.state();
            let c = st.connector(id)?;
            if c.shown.auth != ConnectorAuth::OAuth {
                return Err("the connector does not use OAuth authentication".into());
            }
            let key = c.shown.consumer_key.clone().filter(|k| !k.is_empty());
            let consumer = Consumer {
                key: key.ok_or("the connector has no OAuth consumer key")?,
                private_key: c
                    .private_key
                    .clone()
                    .ok_or("the connector has no key pair yet: click Generate New Key")?,
            };
            (c.shown.jira_url.clone(), consumer)
        };
        let jira = Jira::new(&api_url)?;
        let callback_page = format!("{}/oauth/callback", self.url());
        let signed = |extra| Cred::OAuth {
            consumer: consumer.clone(),
            extra,
        };

        // Authorize Jira OAuth Access: a request token, with our callback.
        let callback = format!("{callback_page}?connector={id}");
        let request = token_leg(
            &jira,
            "request-token",
            &signed(vec![("oauth_callback", callback)]),
        )?;
        if let Ok(c) = self.state().connector_mut(id) {
            c.pending = Some(Pending {
                request_token: request.token.clone(),
                verifier: None,
            });
        }

        // Request Jira for access: the browser, logged in to Jira as the service
        // account, opens the authorize page and clicks Allow.
        let credentials = json!({"username": username, "password": password});
        let login = jira.post_json(jira.url("rest/auth/1/session")?, &credentials)?;
        if !login.ok() {
            return Err(refused(&format!("the login of {username}"), &login));
        }
        let session = json_of(&login, "login answer")?["session"]["value"]
            .as_str()
            .ok_or("Jira's login answer has no session")?
            .to_string();
        let browser = Cred::Session(session);
        let mut page_url = jira.url(AUTHORIZE)?;
        page_url
            .query_pairs_mut()
            .append_pair("oauth_token", &request.token);
        let page = jira.get(page_url, &browser)?;
        if page.status != 200 {
            return Err(refused("to show the authorize page", &page));
        }
        let atl_token = html_attr(&page.body, "name=\"atl_token\" value=\"")
            .ok_or("Jira's authorize page has no atl_token")?;
        let form = [
            ("oauth_token".to_string(), request.token.clone()),
            ("atl_token".to_string(), atl_token),
            ("approve".to_string(), "Allow".to_string()),
        ];
        let decision = jira.post_form(jira.url(AUTHORIZE)?, &form, &browser)?;
        let location = match (&decision.status, &decision.location) {
            (302 | 303, Some(location)) => jira.url(location)?,
            _ => return Err(refused("the approval", &decision)),
        };
        let back_here = format!(
            "{}{}",
            location.origin().ascii_serialization(),
            location.path()
        );
        if back_here != callback_page {
            return Err(format!(
                "Jira sent the browser to {back_here}, not to the connector's callback \
                 {callback_page}"
            ));
        }
        let landed = jira.get(location, &Cred::None)?;
        if landed.status != 200 {
            let shown = landed.refusal();
            return Err(format!("the OAuth callback page answered: {shown}"));
        }
        let verifier = self
            .state()
            .connector_mut(id)
            .ok()
            .and_then(|c| c.pending.take())
            .and_then(|p| p.verifier)
            .ok_or("the OAuth callback did not bring a verifier")?;
        if verifier == "denied" {
            return Err("access was denied in Jira".into());
        }

        // The access token, then who it acts as.
        let exchange = vec![("oauth_token", request.token), ("oauth_verifier", verifier)];
        let access = token_leg(&jira, "access-token", &signed(exchange))?;
        let me = jira.get(
            jira.url(MYSELF)?,
            &signed(vec![("oauth_token", access.token.clone())]),
        )?;
        if !me.ok() {
            return Err(refused("a call signed with the new token", &me));
        }
        let outcome = AuthorizeOutcome {
            account: account_of(&me)?,
            expires_in: access.expires_in,
        };
        Ok((outcome, access.token))
    }

    /// Test Now: a Basic-authenticated `GET /rest/api/2/myself`; returns the account
    /// Jira recognised. Only Basic connectors can be tested this way.
    pub fn test_now(&self, connector_id: u32) -> Result<String, String> {
        let (api_url, auth, username, secret) = {
            let st = self.state();
            let c = st.connector(connector_id)?;
            let username = c.shown.username.clone().unwrap_or_default();
            let secret = c.secret.clone().unwrap_or_default();
            (c.shown.jira_url.clone(), c.shown.auth, username, secret)
        };
        if auth != ConnectorAuth::Basic {
            return Err("Test Now applies to Basic authentication".into());
        }
        let jira = Jira::new(&api_url)?;
        let me = jira.get(jira.url(MYSELF)?, &Cred::Basic(username, secret))?;
        if !me.ok() {
            return Err(format!("Test failed: {}", me.refusal()));
        }
        account_of(&me)
    }

    /// Activate, then one sync pass: each mapped project's issues, read from Jira
    /// with the connector's credentials, become Features of the mapped program (one
    /// per issue; an issue seen before updates its Feature). Returns how many
    /// Features were created. Nothing changes when any project fails.
    pub fn activate(&self, connector_id: u32) -> Result<usize, String> {
        let (api_url, cred, projects) = {
            let st = self.state();
            let c = st.connector(connector_id)?;
            let cred = match c.shown.auth {
                ConnectorAuth::OAuth => {
                    let key = c.shown.consumer_key.clone().zip(c.private_key.clone());
                    let Some(((key, private_key), token)) = key.zip(c.access_token.clone()) else {
                        let first = "the connector is not authorized: click Authorize Jira OAuth \
                                     Access first";
                        return Err(first.into());
                    };
                    let consumer = Consumer { key, private_key };
                    Cred::OAuth {
                        consumer,
                        extra: vec![("oauth_token", token)],
                    }
                }
                ConnectorAuth::Pat => {
                    let token = c.secret.clone().filter(|s| !s.is_empty());
                    Cred::Bearer(token.ok_or("the connector has no personal access token")?)
                }
                ConnectorAuth::Basic => {
                    let user = c.shown.username.clone().filter(|u| !u.is_empty());
                    let login = user.zip(c.secret.clone());
                    let (user, password) =
                        login.ok_or("the connector has no username and password")?;
                    Cred::Basic(user, password)
                }
            };
            (c.shown.jira_url.clone(), cred, c.shown.projects.clone())
        };
        let jira = Jira::new(&api_url)?;
        let mut found = Vec::new();
        for mapping in &projects {
            let issues = project_issues(&jira, &cred, &mapping.project_key)?;
            found.push((u64::from(mapping.program_id), &mapping.project_key, issues));
        }
        let mut st = self.state();
        let mut created = 0;
        for (program, project, issues) in found {
            created += st
                .data()
                .store_synced(project, &issues, program, Some(connector_id));
        }
        if let Ok(c) = st.connector_mut(connector_id) {
            c.shown.active = true;
        }
        Ok(created)
    }
}

/// (issue key, summary) of every issue of a project, page by page.
fn project_issues(
    jira: &Jira,
    cred: &Cred,
    project_key: &str,
) -> Result<Vec<(String, String)>, String> {
    let mut issues = Vec::new();
    loop {
        let mut url = jira.url(SEARCH)?;
        url.query_pairs_mut()
            .append_pair("jql", &format!("project={project_key}"))
            .append_pair("startAt", &issues.len().to_string())
            .append_pair("maxResults", &SEARCH_PAGE.to_string());
        let answer = jira.get(url, cred)?;
        if !answer.ok() {
            let what = format!("to read the issues of project {project_key}");
            return Err(refused(&what, &answer));
        }
        let page = json_of(&answer, &format!("search answer for {project_key}"))?;
        let batch = page["issues"].as_array().cloned().unwrap_or_default();
        for issue in &batch {
            let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
            issues.push((text(&issue["key"]), text(&issue["fields"]["summary"])));
        }
        let total = page["total"].as_u64().unwrap_or(0) as usize;
        if batch.is_empty() || issues.len() >= total {
            return Ok(issues);
        }
    }
}
