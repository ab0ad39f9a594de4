//! Calls made as a Jira administrator: rights, server facts, links and their consumer.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use url::Url;

use super::{endpoint, expect_success, Project, ServerInfo};
use crate::http::{ClientError, Credential, Http, Request, Response, Result};
use crate::util::text;

/// How the administrator signs in, in words.
pub fn describe(auth: &Credential) -> String {
    match auth {
        Credential::Basic(username, _) => format!("Basic auth as {username}"),
        _ => "personal access token".to_string(),
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppLink {
    #[serde(deserialize_with = "deserialize_link_id")]
    pub id: String,
    #[serde(deserialize_with = "text::deserialize_name")]
    pub name: String,
    #[serde(deserialize_with = "text::deserialize_name")]
    pub rpc_url: String,
    #[serde(default, deserialize_with = "text::deserialize_optional_name")]
    pub display_url: Option<String>,
    #[serde(default)]
    pub type_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Consumer {
    #[serde(deserialize_with = "text::deserialize_name")]
    pub key: String,
    #[serde(default)]
    pub public_key: Option<String>,
    /// Every field as Jira gave it, to put the consumer back exactly as it was.
    #[serde(skip)]
    pub as_read: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    Working,
    /// `GENERIC_LINK` for a link to Jira Align: it serves no applinks API.
    NotWorking {
        error_type: Option<String>,
    },
    /// No status resource on this Jira (404 or 405).
    Unknown,
}

impl LinkStatus {
    fn from_json(value: &serde_json::Value) -> LinkStatus {
        match value["working"].as_bool() {
            Some(true) => LinkStatus::Working,
            _ => LinkStatus::NotWorking {
                error_type: value["error"]["type"].as_str().map(text::server_name),
            },
        }
    }

    pub fn is_expected(&self) -> bool {
        match self {
            LinkStatus::NotWorking { error_type } => error_type.as_deref() == Some("GENERIC_LINK"),
            _ => true,
        }
    }
}

pub struct JiraAdmin {
    http: Http,
    base: Url,
    /// The administrator's: a personal access token or Basic, never OAuth.
    auth: Credential,
}

impl JiraAdmin {
    /// `auth` is the administrator's: a personal access token or Basic, never OAuth.
    pub fn new(http: &Http, base: Url, auth: Credential) -> Self {
        JiraAdmin {
            http: http.clone(),
            base,
            auth,
        }
    }

    fn call(&self, method: Method, path: &str, body: Option<Value>) -> Result<Response> {
        let mut request = Request::new(method, endpoint(&self.base, path)).auth(self.auth.auth());
        if let Some(body) = body {
            request = request.json(body);
        }
        self.http.send(&request)
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        what: &str,
    ) -> Result<Response> {
        expect_success(self.call(method, path, body)?, what, None)
    }

    fn get_found<T: DeserializeOwned>(&self, path: &str, what: &str) -> Result<T> {
        let response = self.call(Method::GET, path, None)?;
        let shown = format!("GET /{}", path.split('?').next().unwrap_or(path));
        expect_success(response, what, None)?.json(&shown)
    }

    /// A 404 is None.
    fn get<T: DeserializeOwned>(&self, path: &str, what: &str) -> Result<Option<T>> {
        let response = self.call(Method::GET, path, None)?;
        if response.status == 404 {
            return Ok(None);
        }
        let shown = format!("GET /{}", path.split('?').next().unwrap_or(path));
        expect_success(response, what, None)?.json(&shown).map(Some)
    }

    /// With Jira's clock minus ours.
    pub fn server_info(&self) -> Result<(ServerInfo, Option<i64>)> {
        let what = "reading Jira's server info";
        let response = self.send(Method::GET, "rest/api/2/serverInfo", None, what)?;
        let info = response.json("GET /rest/api/2/serverInfo")?;
        Ok((info, response.clock_skew_secs))
    }

    pub fn username(&self) -> Option<&str> {
        match &self.auth {
            Credential::Basic(username, _) => Some(username),
            _ => None,
        }
    }

    /// Whether the user is active; old Jiras leave the flag out for active users.
    pub fn user_active(&self, username: &str) -> Result<Option<bool>> {
        let mut url = endpoint(&self.base, "rest/api/2/user");
        url.query_pairs_mut().append_pair("username", username);
        let path = format!("rest/api/2/user?{}", url.query().unwrap_or_default());
        let user: Option<Value> = self.get(&path, "looking up a Jira user")?;
        Ok(user.map(|value| value["active"].as_bool().unwrap_or(true)))
    }

    pub fn is_administrator(&self) -> Result<bool> {
        let path = "rest/api/2/mypermissions?permissions=ADMINISTER";
        let value: Value = self.get_found(path, "checking administrator rights")?;
        Ok(value["permissions"]["ADMINISTER"]["havePermission"].as_bool() == Some(true))
    }

    pub fn project(&self, key: &str) -> Result<Option<Project>> {
        let path = format!("rest/api/2/project/{key}");
        self.get(&path, "reading the test project")
    }

    pub fn list_links(&self) -> Result<Vec<AppLink>> {
        self.get_found("rest/applinks/3.0/applinks", "listing application links")
    }

    pub fn get_link(&self, id: &str) -> Result<Option<AppLink>> {
        let path = format!("rest/applinks/3.0/applicationlink/{id}");
        self.get(&path, "reading the application link")
    }

    /// Its id, from `resources-created`.
    pub fn create_link(&self, name: &str, url: &Url) -> Result<String> {
        let url_text = url.as_str().trim_end_matches('/');
        let body = json!({"id": null, "name": name, "rpcUrl": url_text, "displayUrl": url_text, "typeId": "generic"});
        let response = self.call(Method::PUT, "rest/applinks/3.0/applicationlink", Some(body))?;
        // Judged by the links Jira holds, never by its (translated) words.
        if response.status == 400 {
            let links = self.list_links()?;
            if let Some(existing) = links
                .iter()
                .find(|link| same_url(&link.rpc_url, url.as_str()))
            {
                return Err(ClientError::answer(
                    format!(
                        "Jira already has an application link for {url_text} (id {}): it appeared while this run was creating one",
                        existing.id
                    ),
                    "Rerun step 8: it finds the link by its URL.",
                ));
            }
        }
        let response = expect_success(response, "creating the application link", None)?;
        let created: serde_json::Value = response.json("PUT /rest/applinks/3.0/applicationlink")?;
        created["resources-created"][0]["href"]
            .as_str()
            .and_then(|href| href.trim_end_matches('/').rsplit('/').next())
            .and_then(link_id)
            .ok_or_else(|| {
                ClientError::answer(
                    "Jira created the link but did not say its id as Jira's ids look (letters, digits and dashes)",
                    "Rerun step 8: it finds the link by URL.",
                )
            })
    }

    pub fn rename_link(&self, link: &AppLink, name: &str) -> Result<()> {
        let body = json!({
            "id": link.id, "name": name, "rpcUrl": link.rpc_url,
            "displayUrl": link.display_url.clone().unwrap_or_else(|| link.rpc_url.clone()),
            "typeId": link.type_id.clone().unwrap_or_else(|| "generic".into()),
        });
        let path = format!("rest/applinks/3.0/applicationlink/{}", link.id);
        let what = "renaming the application link";
        self.send(Method::POST, &path, Some(body), what)?;
        Ok(())
    }

    /// Not on every Jira: a 404 or 405 is unknown, not a failure.
    pub fn link_status(&self, id: &str) -> Result<LinkStatus> {
        let response = self.call(Method::GET, &format!("rest/applinks/3.0/status/{id}"), None)?;
        if response.status == 404 || response.status == 405 {
            return Ok(LinkStatus::Unknown);
        }
        let value: serde_json::Value = expect_success(response, "reading the link's status", None)?
            .json("GET /rest/applinks/3.0/status")?;
        Ok(LinkStatus::from_json(&value))
    }

    /// With its consumer; Jira documents the delete on the 1.0 resource.
    pub fn delete_link(&self, id: &str) -> Result<()> {
        let path = format!("rest/applinks/1.0/applicationlink/{id}");
        let response = self.call(Method::DELETE, &path, None)?;
        if response.status == 404 {
            return Ok(());
        }
        expect_success(response, "deleting the application link", None)?;
        Ok(())
    }

    fn consumer_path(id: &str) -> String {
        format!("rest/applinks-oauth/1.0/applicationlink/{id}/authentication/consumer")
    }

    pub fn consumer(&self, link_id: &str) -> Result<Option<Consumer>> {
        let response = self.call(Method::GET, &Self::consumer_path(link_id), None)?;
        if response.status == 404 {
            return Ok(None);
        }
        #[derive(Deserialize)]
        struct List<T> {
            #[serde(default = "Vec::new")]
            consumers: Vec<T>,
        }
        type Raw = serde_json::Map<String, serde_json::Value>;
        let shown = "GET .../authentication/consumer";
        let response =
            expect_success(response, "reading the link's incoming authentication", None)?;
        let typed = response.json::<List<Consumer>>(shown)?.consumers;
        let raw = response.json::<List<Raw>>(shown)?.consumers;
        let first = typed.into_iter().zip(raw).next();
        Ok(first.map(|(consumer, as_read)| Consumer {
            as_read,
            ..consumer
        }))
    }

    pub fn put_consumer_as_read(
        &self,
        link_id: &str,
        as_read: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<()> {
        let body = Some(Value::Object(as_read.clone()));
        let what = "putting the link's incoming authentication back";
        self.send(Method::PUT, &Self::consumer_path(link_id), body, what)?;
        Ok(())
    }

    /// The REST resource has no DELETE: the admin page (`AddConsumerManuallyServlet`)
    /// does it, answering a redirect.
    pub fn delete_consumer(&self, link_id: &str) -> Result<()> {
        let path =
            format!("plugins/servlet/applinks/auth/conf/oauth/add-consumer-manually/{link_id}");
        let request = Request {
            accept_json: false,
            ..Request::new(Method::POST, endpoint(&self.base, &path))
                .auth(self.auth.auth())
                .form(vec![("oauth-incoming-enabled".into(), "false".into())])
                // Applinks pages skip their XSRF check for a client that says so.
                .header("X-Atlassian-Token", "no-check")
        };
        let response = self.http.send(&request)?;
        if response.status == 404 || (301..=303).contains(&response.status) {
            return Ok(());
        }
        Err(ClientError::answer(format!(
            "Jira did not remove the link's incoming authentication (HTTP {})",
            response.status
        ),
        "Remove it in Jira: Administration > Applications > Application links > the link > Incoming Authentication > Delete."))
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
        // With a key and no callback sent, a 400 is the public key (words translated).
        if response.status == 400 {
            return Err(ClientError::answer(
                format!(
                    "Jira refused the public key for the link (HTTP 400{})",
                    super::jira_messages(&response.body)
                ),
                "Jira wants an X.509 SubjectPublicKeyInfo key (`BEGIN PUBLIC KEY`), not PKCS#1 (`BEGIN RSA PUBLIC KEY`). Rerun step 5.",
            ));
        }
        expect_success(response, "setting the link's incoming authentication", None)?;
        Ok(())
    }
}

/// Jira's ids are UUIDs: another shape (a path, an escape) is never sent, shown or stored.
fn link_id(text: &str) -> Option<String> {
    let plain = !text.is_empty()
        && text.len() <= 64
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    plain.then(|| text.to_string())
}

fn deserialize_link_id<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<String, D::Error> {
    let raw: String = Deserialize::deserialize(d)?;
    link_id(&raw).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "the application link id {} is not shaped like Jira's ids",
            text::clean(&raw, 80)
        ))
    })
}

/// The same URL, case and a trailing slash aside.
pub fn same_url(a: &str, b: &str) -> bool {
    let comparable = |url: &str| url.trim().trim_end_matches('/').to_ascii_lowercase();
    comparable(a) == comparable(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Secret;

    #[test]
    fn a_generic_link_that_does_not_work_is_what_jira_align_gets() {
        let generic = serde_json::json!({"working": false, "error": {"type": "GENERIC_LINK"}});
        assert!(LinkStatus::from_json(&generic).is_expected());
        let broken =
            serde_json::json!({"working": false, "error": {"type": "AUTH_LEVEL_MISMATCH"}});
        assert!(!LinkStatus::from_json(&broken).is_expected());
        assert!(!LinkStatus::from_json(&serde_json::json!({"working": false})).is_expected());
        assert_eq!(
            LinkStatus::from_json(&serde_json::json!({"working": true})),
            LinkStatus::Working
        );
        assert!(LinkStatus::Unknown.is_expected());
    }

    /// A Jira that answers every request with `status` and this body.
    fn jira_answering(status: u16, body: &'static str) -> (Url, std::thread::JoinHandle<()>) {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let url = Url::parse(&format!("http://{}/", server.server_addr())).unwrap();
        let handle = std::thread::spawn(move || {
            if let Ok(request) = server.recv() {
                let _ = request
                    .respond(tiny_http::Response::from_string(body).with_status_code(status));
            }
        });
        (url, handle)
    }

    /// A Jira that answers the requests in turn with these statuses and bodies.
    fn jira_answering_in_turn(
        answers: Vec<(u16, String)>,
    ) -> (Url, std::thread::JoinHandle<Vec<String>>) {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let url = Url::parse(&format!("http://{}/", server.server_addr())).unwrap();
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for (status, body) in answers {
                let Ok(request) = server.recv() else { break };
                seen.push(format!("{} {}", request.method(), request.url()));
                let _ = request
                    .respond(tiny_http::Response::from_string(body).with_status_code(status));
            }
            seen
        });
        (url, handle)
    }

    #[test]
    fn a_refused_create_is_a_duplicate_when_the_link_is_then_listed_whatever_the_words() {
        let http = Http::new(crate::http::HttpOptions::default()).unwrap();
        let align = Url::parse("https://acme.jiraalign.com").unwrap();
        let listed = serde_json::json!([{"id": "abc-1", "name": "Jira Align",
            "rpcUrl": "https://acme.jiraalign.com", "typeId": "generic"}])
        .to_string();
        let (base, server) = jira_answering_in_turn(vec![
            (
                400,
                r#"{"errors":[{"details":"Es gibt bereits eine Verknüpfung."}]}"#.into(),
            ),
            (200, listed),
        ]);
        let admin = JiraAdmin::new(&http, base, Credential::Token(Secret::new("t")));
        let err = admin.create_link("Jira Align", &align).unwrap_err();
        assert!(
            err.to_string().contains("already has an application link"),
            "{err}"
        );
        assert!(err.to_string().contains("abc-1"), "{err}");
        let seen = server.join().unwrap();
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(seen[1].starts_with("GET"), "{seen:?}");

        // A 400 with no such link listed is Jira's own refusal, quoted.
        let (base, server) = jira_answering_in_turn(vec![
            (
                400,
                r#"{"errorMessages":["applinks.error.duplicate.url"]}"#.into(),
            ),
            (200, "[]".into()),
        ]);
        let admin = JiraAdmin::new(&http, base, Credential::Token(Secret::new("t")));
        let err = admin.create_link("Jira Align", &align).unwrap_err();
        assert!(!err.to_string().contains("already has"), "{err}");
        assert!(err.to_string().contains("HTTP 400"), "{err}");
        server.join().unwrap();
    }

    #[test]
    fn a_jira_without_the_status_resource_leaves_the_status_unknown() {
        let http = Http::new(crate::http::HttpOptions::default()).unwrap();
        for status in [404, 405] {
            let (base, server) = jira_answering(status, "");
            let admin = JiraAdmin::new(&http, base, Credential::Token(Secret::new("t")));
            assert_eq!(admin.link_status("abc").unwrap(), LinkStatus::Unknown);
            server.join().unwrap();
        }
        let (base, server) =
            jira_answering(200, r#"{"working":false,"error":{"type":"GENERIC_LINK"}}"#);
        let admin = JiraAdmin::new(&http, base, Credential::Token(Secret::new("t")));
        let status = admin.link_status("abc").unwrap();
        assert!(status.is_expected(), "{status:?}");
        server.join().unwrap();
    }
}
