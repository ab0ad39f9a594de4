//! Jira Align's REST API 2.0, for checks only (connectors have no API): the token's
//! owner (step 1) and a synced project's features (step 24).

use serde::Deserialize;
use url::Url;

use crate::http::{ClientError, Credential, Http, Request, Response, Result, Service};
use crate::util::text;

/// Items per GET, at most.
pub const PAGE_SIZE: usize = 100;
/// Enough for any test project; a bound so a runaway listing stops.
const MAX_PAGES: usize = 200;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlignUser {
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "text::deserialize_optional_name")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "text::deserialize_optional_name")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "text::deserialize_optional_name")]
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

/// Only what step 24 shows and counts.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Feature {
    pub id: u64,
    #[serde(default, deserialize_with = "text::deserialize_optional_name")]
    pub jira_project_key: Option<String>,
    #[serde(default, deserialize_with = "text::deserialize_optional_name")]
    pub external_key: Option<String>,
}

pub struct AlignApi {
    http: Http,
    site: Url,
    /// An API 2.0 token from the user's profile page, or Basic with an email and an
    /// Atlassian API token, for sites behind Atlassian Guard.
    auth: Credential,
}

impl AlignApi {
    pub fn new(http: &Http, site: Url, auth: Credential) -> Self {
        AlignApi {
            http: http.clone(),
            site,
            auth,
        }
    }

    fn url(&self, resource: &str, query: &[(&str, String)]) -> Url {
        let mut url = crate::jira::endpoint(&self.site, &format!("rest/align/api/2/{resource}"));
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// `None` for "no such route" (404 with an empty body).
    fn get(&self, resource: &str, query: &[(&str, String)]) -> Result<Option<Response>> {
        let response = self.http.send(
            &Request::get(self.url(resource, query))
                .auth(self.auth.auth())
                .service(Service::JiraAlign),
        )?;
        match response.status {
            200..=299 => Ok(Some(response)),
            404 if response.body.trim().is_empty() => Ok(None),
            _ => Err(crate::jira::status_error(
                &response,
                &format!("GET /rest/align/api/2/{resource}"),
                Service::JiraAlign,
            )),
        }
    }

    /// `users/current` where the site has it, else proof the token can read `Users`.
    pub fn current_user(&self) -> Result<Option<AlignUser>> {
        if let Some(response) = self.get("users/current", &[])? {
            return response
                .json("GET /rest/align/api/2/users/current")
                .map(Some);
        }
        match self.get("Users", &[("$top", "1".to_string())])? {
            Some(_) => Ok(None),
            None => Err(ClientError::answer(
                format!("{} does not serve Jira Align's REST API 2.0", self.site),
                "Check align.url: it is the site's address, such as https://example.jiraalign.com",
            )),
        }
    }

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
                return Err(ClientError::answer(
                    format!("Jira Align has no {resource} collection"),
                    "Check align.url; the site may run an older Jira Align.",
                ));
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

    pub fn features_of_project(&self, key: &str) -> Result<Vec<Feature>> {
        let filter = format!("jiraProjectKey eq '{key}'");
        let mut features: Vec<Feature> = self.list("Features", Some(&filter))?;
        // Filter again: a site that ignores $filter must not make us count strangers.
        features.retain(|f| f.jira_project_key.as_deref() == Some(key));
        Ok(features)
    }
}

#[cfg(test)]
mod tests;
