//! The library-level harness of `oauth_problems.rs`: a stand-in holding one link
//! whose incoming consumer is [`KEY`], requests signed by align-link's own `Signer`
//! (or tampered with), and the service account's approval done as a browser does.

use std::sync::{Arc, OnceLock};

use align_link::oauth::{oauth_encode, OAuthExtras, ProblemContext, Signer};
use align_link_standins::jira::{JiraConfig, JiraStandIn};
use align_link_test_support::oauth::signed_header_params;
use reqwest::blocking::Client;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::RsaPrivateKey;

pub const KEY: &str = "AlignProblemsTest";
pub const CALLBACK: &str = "https://acme.jiraalign.com/oauth/callback";
pub const REQUEST_TOKEN: &str = "/plugins/servlet/oauth/request-token";
pub const ACCESS_TOKEN: &str = "/plugins/servlet/oauth/access-token";
pub const AUTHORIZE: &str = "/plugins/servlet/oauth/authorize";
pub const MYSELF: &str = "/rest/api/2/myself";

/// One 2048-bit key per test binary: generating it is the slow part.
pub fn key() -> Arc<RsaPrivateKey> {
    static KEY: OnceLock<Arc<RsaPrivateKey>> = OnceLock::new();
    KEY.get_or_init(|| Arc::new(RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap()))
        .clone()
}

/// What Jira answered, as `OAuthProblem::from_response` wants it.
pub struct Reply {
    pub status: u16,
    pub www: Option<String>,
    pub body: String,
}

/// A stand-in holding one link to Jira Align whose incoming consumer is [`KEY`].
pub struct Lab {
    pub jira: JiraStandIn,
    pub signer: Signer,
    http: Client,
}

impl Lab {
    pub fn new() -> Lab {
        let jira = JiraStandIn::start(JiraConfig::default()).unwrap();
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let admin_put = |path: String, body: serde_json::Value| {
            let resp = http
                .put(format!("{}{path}", jira.url()))
                .bearer_auth(&jira.demo().admin_token)
                .header("Accept", "application/json")
                .json(&body)
                .send()
                .unwrap();
            assert_eq!(resp.status().as_u16(), 201, "{}", resp.text().unwrap());
        };
        let align = "https://acme.jiraalign.com";
        admin_put(
            "/rest/applinks/3.0/applicationlink".into(),
            serde_json::json!({"id": null, "name": "Jira Align", "typeId": "generic",
                "rpcUrl": align, "displayUrl": align}),
        );
        let id = jira.links()[0].id.clone();
        let pem = key()
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        admin_put(
            format!("/rest/applinks-oauth/1.0/applicationlink/{id}/authentication/consumer"),
            serde_json::json!({"key": KEY, "name": "Jira Align", "publicKey": pem, "outgoing": false}),
        );
        let signer = Signer::new(KEY.into(), key());
        Lab { jira, signer, http }
    }

    pub fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("{}{path}", self.jira.url())).unwrap()
    }

    pub fn send(&self, method: &str, path: &str, authorization: &str) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let resp = self
            .http
            .request(method, self.url(path))
            .header("Authorization", authorization)
            .send()
            .unwrap();
        // Every challenge, as the client's HTTP layer joins them.
        let values: Vec<&str> = resp
            .headers()
            .get_all("WWW-Authenticate")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        let www = (!values.is_empty()).then(|| values.join(", "));
        Reply {
            status: resp.status().as_u16(),
            www,
            body: resp.text().unwrap(),
        }
    }

    /// Signs with `signer` (align-link's own) and sends; returns the base string too.
    pub fn signed_by(
        &self,
        signer: &Signer,
        method: &str,
        path: &str,
        extras: OAuthExtras,
    ) -> (String, Reply) {
        let signed = signer.sign(method, &self.url(path), &[], &extras);
        let reply = self.send(method, path, &signed.authorization);
        (signed.base_string, reply)
    }

    pub fn signed(&self, method: &str, path: &str, extras: OAuthExtras) -> Reply {
        self.signed_by(&self.signer, method, path, extras).1
    }

    /// A header the client would never send: a valid one, with `edit` applied.
    pub fn tampered(&self, edit: impl FnOnce(&mut Vec<(String, String)>)) -> Reply {
        let header = self
            .signer
            .sign("POST", &self.url(REQUEST_TOKEN), &[], &callback("oob"))
            .authorization;
        let mut params = signed_header_params(&header);
        edit(&mut params);
        let fields: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", oauth_encode(v)))
            .collect();
        self.send(
            "POST",
            REQUEST_TOKEN,
            &format!("OAuth {}", fields.join(", ")),
        )
    }

    pub fn request_token(&self, callback_url: &str) -> String {
        let reply = self.signed("POST", REQUEST_TOKEN, callback(callback_url));
        assert_eq!(reply.status, 200, "{}", reply.body);
        field(&reply.body, "oauth_token")
    }

    /// Logs in as the service account and clicks `button` (`approve` or `deny`) on
    /// the authorize page; returns the verifier Jira gave (callback or page).
    pub fn decide(&self, token: &str, button: &str) -> String {
        let demo = self.jira.demo();
        let login = self
            .http
            .post(self.url("/rest/auth/1/session"))
            .json(&serde_json::json!({"username": demo.service_username,
                "password": demo.service_password}))
            .send()
            .unwrap();
        assert_eq!(login.status().as_u16(), 200);
        let session: serde_json::Value = login.json().unwrap();
        let cookie = format!(
            "JSESSIONID={}",
            session["session"]["value"].as_str().unwrap()
        );
        let page = self
            .http
            .get(self.url(&format!("{AUTHORIZE}?oauth_token={token}")))
            .header("Cookie", &cookie)
            .send()
            .unwrap();
        assert_eq!(page.status().as_u16(), 200);
        let page = page.text().unwrap();
        let atl = between(&page, "name=\"atl_token\" value=\"", "\"");
        let form = [("oauth_token", token), ("atl_token", &atl), (button, "x")];
        let answer = self
            .http
            .post(self.url(AUTHORIZE))
            .header("Cookie", &cookie)
            .form(&form)
            .send()
            .unwrap();
        match answer.headers().get("Location") {
            Some(location) => {
                assert_eq!(answer.status().as_u16(), 302);
                let query = location.to_str().unwrap().split_once('?').unwrap().1;
                field(query, "oauth_verifier")
            }
            None => between(&answer.text().unwrap(), "<span id=\"oauth-verifier\">", "<"),
        }
    }

    /// An approved request token and its verifier.
    pub fn approved(&self, callback_url: &str) -> (String, String) {
        let token = self.request_token(callback_url);
        let verifier = self.decide(&token, "approve");
        (token, verifier)
    }

    pub fn exchange(&self, token: &str, verifier: &str) -> Reply {
        let extras = OAuthExtras {
            token: Some(token.into()),
            verifier: Some(align_link::domain::Secret::new(verifier)),
            ..OAuthExtras::default()
        };
        self.signed("POST", ACCESS_TOKEN, extras)
    }

    pub fn access_token(&self) -> String {
        let (token, verifier) = self.approved(CALLBACK);
        let reply = self.exchange(&token, &verifier);
        assert_eq!(reply.status, 200, "{}", reply.body);
        field(&reply.body, "oauth_token")
    }

    pub fn myself(&self, token: Option<String>) -> Reply {
        let extras = OAuthExtras {
            token,
            ..OAuthExtras::default()
        };
        self.signed("GET", MYSELF, extras)
    }

    pub fn context(&self) -> ProblemContext {
        ProblemContext {
            jira_url: Some(self.jira.url()),
            consumer_key_sent: Some(KEY.into()),
            consumer_key_on_link: Some(KEY.into()),
            ..ProblemContext::default()
        }
    }
}

pub fn callback(url: &str) -> OAuthExtras {
    OAuthExtras {
        callback: Some(url.into()),
        ..OAuthExtras::default()
    }
}

pub fn field(form: &str, name: &str) -> String {
    url::form_urlencoded::parse(form.as_bytes())
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no {name} in {form}"))
        .1
        .into_owned()
}

pub fn between(text: &str, start: &str, end: &str) -> String {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {text}"))
        + start.len();
    text[from..].split(end).next().unwrap().to_string()
}

pub fn set(params: &mut [(String, String)], name: &str, value: &str) {
    params.iter_mut().find(|(k, _)| k == name).unwrap().1 = value.into();
}
