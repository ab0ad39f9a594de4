//! Jira Align's REST API 2.0: what align-link can see of Jira Align. Connectors
//! have no API (jira-align.md), so this is for checking: who the token belongs
//! to (step 1) and which features a synced project produced (step 24).

use serde::Deserialize;
use url::Url;

use crate::answers::Secret;
use crate::error::{AppError, Result};
use crate::http::{Auth, Http, Request, Response};
use crate::util::truncate;

/// Jira Align returns at most this many items per GET.
pub const PAGE_SIZE: usize = 100;
/// Enough for any test project; a bound so a runaway listing stops.
const MAX_PAGES: usize = 200;

#[derive(Clone)]
pub enum AlignAuth {
    /// An API 2.0 token from the user's profile page.
    Bearer(Secret),
    /// An Atlassian API token, for sites behind Atlassian Guard.
    Basic { email: String, token: Secret },
}

#[derive(Debug, Clone, Deserialize)]
pub struct AlignUser {
    pub id: Option<u64>,
    #[serde(rename = "firstName")]
    pub first_name: Option<String>,
    #[serde(rename = "lastName")]
    pub last_name: Option<String>,
    pub email: Option<String>,
}

impl AlignUser {
    pub fn describe(&self) -> String {
        let name = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        match (&self.email, name.is_empty()) {
            (Some(email), false) => format!("{name} <{email}>"),
            (Some(email), true) => email.clone(),
            (None, false) => name,
            (None, true) => format!("user {}", self.id.unwrap_or_default()),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Feature {
    pub id: u64,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(rename = "jiraProjectKey", default)]
    pub jira_project_key: Option<String>,
    #[serde(rename = "externalKey", default)]
    pub external_key: Option<String>,
    #[serde(rename = "programId", default)]
    pub program_id: Option<u64>,
}

pub struct AlignApi<'a> {
    http: &'a Http,
    site: Url,
    auth: AlignAuth,
}

impl<'a> AlignApi<'a> {
    pub fn new(http: &'a Http, site: Url, auth: AlignAuth) -> Self {
        AlignApi { http, site, auth }
    }

    fn url(&self, resource: &str, query: &[(&str, String)]) -> Url {
        let mut url = crate::jira::endpoint(&self.site, &format!("rest/align/api/2/{resource}"));
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// GET; `None` for Jira Align's "no such route" (404 with an empty body).
    fn get(&self, resource: &str, query: &[(&str, String)]) -> Result<Option<Response>> {
        let auth = match &self.auth {
            AlignAuth::Bearer(token) => Auth::Bearer(token),
            AlignAuth::Basic { email, token } => Auth::Basic(email, token),
        };
        let response = self
            .http
            .send(&Request::get(self.url(resource, query)).auth(auth))?;
        match response.status {
            200..=299 => Ok(Some(response)),
            404 if response.body.trim().is_empty() => Ok(None),
            _ => Err(self.error(&response, resource)),
        }
    }

    fn error(&self, response: &Response, resource: &str) -> AppError {
        let what = format!(
            "Jira Align answered HTTP {} to GET /rest/align/api/2/{resource}",
            response.status
        );
        let said = if response.body.trim().is_empty() {
            String::new()
        } else {
            format!(": {}", truncate(&response.body, 200))
        };
        let hint = match (response.status, &self.auth) {
            (401, AlignAuth::Bearer(_)) => "The token was refused: copy a fresh API 2.0 token from your Jira Align profile (API 1.0 tokens stopped working in 10.130.0) into align.api_token.",
            (401, AlignAuth::Basic { .. }) => "The Atlassian API token or email was refused: check align.api_email and align.api_token.",
            (403, _) => "The token works but its user lacks the rights: the API has the user's own permissions, so use a Super Admin's token.",
            (429, _) => "Jira Align is rate-limiting: wait a minute and rerun the step.",
            _ => "Check align.url (https://NAME.jiraalign.com) and rerun with -v.",
        };
        AppError::failed(format!("{what}{said}")).hint(hint)
    }

    /// The token's owner: `users/current` where the site has it, else proof that
    /// the token can read `Users` (owner unknown).
    pub fn current_user(&self) -> Result<Option<AlignUser>> {
        if let Some(response) = self.get("users/current", &[])? {
            return response
                .json("GET /rest/align/api/2/users/current")
                .map(Some);
        }
        match self.get("Users", &[("$top", "1".to_string())])? {
            Some(_) => Ok(None),
            None => Err(AppError::failed(format!(
                "{} does not serve Jira Align's REST API 2.0",
                self.site
            ))
            .hint(
                "Check align.url: it is the site's address, such as https://example.jiraalign.com",
            )),
        }
    }

    /// Every item of a collection, 100 at a time (`$top`/`$skip`).
    pub fn list<T: serde::de::DeserializeOwned>(
        &self,
        resource: &str,
        filter: Option<&str>,
    ) -> Result<Vec<T>> {
        let mut all = Vec::new();
        for page in 0..MAX_PAGES {
            let mut query = vec![
                ("$top", PAGE_SIZE.to_string()),
                ("$skip", (page * PAGE_SIZE).to_string()),
            ];
            if let Some(filter) = filter {
                query.push(("$filter", filter.to_string()));
            }
            let Some(response) = self.get(resource, &query)? else {
                return Err(
                    AppError::failed(format!("Jira Align has no {resource} collection"))
                        .hint("Check align.url; the site may run an older Jira Align."),
                );
            };
            let items: Vec<T> = response.json(&format!("GET /rest/align/api/2/{resource}"))?;
            let count = items.len();
            all.extend(items);
            if count < PAGE_SIZE {
                return Ok(all);
            }
        }
        Ok(all)
    }

    /// Features synced from Jira project `key`.
    pub fn features_of_project(&self, key: &str) -> Result<Vec<Feature>> {
        let filter = format!("jiraProjectKey eq '{key}'");
        let features: Vec<Feature> = self.list("Features", Some(&filter))?;
        // Filter again: a site that ignores $filter must not make us count strangers.
        Ok(features
            .into_iter()
            .filter(|f| f.jira_project_key.as_deref() == Some(key))
            .collect())
    }
}

#[cfg(test)]
mod tests;
