//! Helpers for the stand-in tests: an HTTP client that does not follow redirects, an
//! admin request builder, a small RSA-SHA1 OAuth signer and the steps of the dance.

use crate::support as standin;

pub use standin::{admin, client, create_link, put_consumer};

use align_link_standins::jira::{signature, JiraConfig, JiraStandIn};
use reqwest::blocking::Response;
use reqwest::Method;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use std::collections::HashMap;
use std::sync::OnceLock;

pub const CONSUMER: &str = "jira-align-test";
pub const CALLBACK: &str = "https://align.example.com/oauth/callback";
pub const RPC_URL: &str = "https://example.jiraalign.com";

/// One 2048-bit key per test binary: generating it is the slow part.
pub fn key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("keygen"))
}

pub fn public_pem() -> String {
    key()
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap()
}

pub fn public_der() -> Vec<u8> {
    key()
        .to_public_key()
        .to_public_key_der()
        .unwrap()
        .as_bytes()
        .to_vec()
}

pub fn start() -> JiraStandIn {
    start_with(JiraConfig::default())
}

pub fn start_with(config: JiraConfig) -> JiraStandIn {
    JiraStandIn::start(config).expect("stand-in starts")
}

pub fn json(resp: Response) -> serde_json::Value {
    resp.json().expect("JSON body")
}

/// A stand-in holding one link whose incoming consumer is [`CONSUMER`] with our key.
pub fn linked() -> JiraStandIn {
    let s = start();
    let link = create_link(&s, RPC_URL);
    let body = serde_json::json!({"key": CONSUMER, "name": "Jira Align", "publicKey": public_pem(),
        "callback": null, "outgoing": false});
    assert_eq!(put_consumer(&s, &link, body).status(), 201);
    s
}

/// OAuth parameters to sign; defaults are a valid RSA-SHA1 request for [`CONSUMER`].
pub struct OAuth {
    pub params: Vec<(String, String)>,
}

impl OAuth {
    pub fn new() -> OAuth {
        let ts = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let nonce: u64 = rand::random();
        let mut o = OAuth { params: Vec::new() };
        o = o
            .set("oauth_consumer_key", CONSUMER)
            .set("oauth_signature_method", "RSA-SHA1");
        o.set("oauth_timestamp", &ts.to_string())
            .set("oauth_nonce", &format!("{nonce:x}"))
            .set("oauth_version", "1.0")
    }

    pub fn set(mut self, k: &str, v: &str) -> OAuth {
        self.params.retain(|(n, _)| n != k);
        self.params.push((k.into(), v.into()));
        self
    }

    pub fn without(mut self, k: &str) -> OAuth {
        self.params.retain(|(n, _)| n != k);
        self
    }

    /// The `Authorization` header for `method url` (query and form fields signed too),
    /// unless an `oauth_signature` was set by hand.
    pub fn header(&self, method: &str, url: &str, form: &[(&str, &str)]) -> String {
        let u = url::Url::parse(url).unwrap();
        let origin = format!(
            "{}://{}:{}",
            u.scheme(),
            u.host_str().unwrap(),
            u.port_or_known_default().unwrap()
        );
        let uri = signature::normalise_base_uri(&origin, u.path());
        let mut all = self.params.clone();
        all.extend(u.query_pairs().into_owned());
        all.extend(form.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let base = signature::signature_base_string(method, &uri, &all);
        let mut params = self.params.clone();
        if !params.iter().any(|(k, _)| k == "oauth_signature") {
            let sig = SigningKey::<sha1::Sha1>::new(key().clone()).sign(base.as_bytes());
            use base64::Engine;
            let b64 = base64::engine::general_purpose::STANDARD.encode(sig.to_bytes());
            params.push(("oauth_signature".into(), b64));
        }
        let fields: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", signature::percent_encode(v)))
            .collect();
        format!("OAuth realm=\"\", {}", fields.join(", "))
    }
}

impl OAuth {
    /// Every OAuth parameter, signature included, for sending in a query string or
    /// form body instead of the header. `extra` are the other parameters signed.
    pub fn params_signed(
        &self,
        method: &str,
        url: &str,
        extra: &[(&str, &str)],
    ) -> Vec<(String, String)> {
        let header = self.header(method, url, extra);
        parse_oauth_header_params(&header)
    }
}

/// The `name="value"` pairs of an `OAuth ...` header, percent-decoded, without realm.
pub fn parse_oauth_header_params(header: &str) -> Vec<(String, String)> {
    header
        .strip_prefix("OAuth ")
        .unwrap()
        .split(", ")
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            let v = percent_encoding::percent_decode_str(v.trim_matches('"'))
                .decode_utf8()
                .unwrap()
                .into_owned();
            (k != "realm").then(|| (k.to_string(), v))
        })
        .collect()
}

pub fn signed(s: &JiraStandIn, method: Method, path: &str, oauth: &OAuth) -> Response {
    let url = format!("{}{path}", s.url());
    let auth = oauth.header(method.as_str(), &url, &[]);
    client()
        .request(method, url)
        .header("Authorization", auth)
        .send()
        .unwrap()
}

pub fn form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

/// A request token, with `oauth_callback` when given.
pub fn request_token(s: &JiraStandIn, callback: Option<&str>) -> String {
    let mut o = OAuth::new();
    if let Some(cb) = callback {
        o = o.set("oauth_callback", cb);
    }
    let resp = signed(s, Method::POST, "/plugins/servlet/oauth/request-token", &o);
    assert_eq!(resp.status(), 200);
    form(&resp.text().unwrap())["oauth_token"].clone()
}

/// JSESSIONID of a fresh REST login.
pub fn login(s: &JiraStandIn, user: &str, pass: &str) -> String {
    let resp = client()
        .post(format!("{}/rest/auth/1/session", s.url()))
        .json(&serde_json::json!({"username": user, "password": pass}))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    json(resp)["session"]["value"].as_str().unwrap().to_string()
}

pub fn service_session(s: &JiraStandIn) -> String {
    login(s, &s.demo().service_username, &s.demo().service_password)
}

/// The `atl_token` of the authorize page for `token`.
pub fn atl_token(s: &JiraStandIn, session: &str, token: &str) -> String {
    let page = client()
        .get(format!(
            "{}/plugins/servlet/oauth/authorize?oauth_token={token}",
            s.url()
        ))
        .header("Cookie", format!("JSESSIONID={session}"))
        .send()
        .unwrap();
    assert_eq!(page.status(), 200);
    hidden_field(&page.text().unwrap(), "atl_token")
}

pub fn hidden_field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("field present") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// The `Location` of a redirect.
pub fn location(resp: &Response) -> String {
    resp.headers()["Location"].to_str().unwrap().to_string()
}

/// The value of cookie `name` among the answer's `Set-Cookie` headers.
pub fn set_cookie(resp: &Response, name: &str) -> Option<String> {
    resp.headers()
        .get_all("Set-Cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Posts the authorize form with `approve` or `deny`.
pub fn decide(s: &JiraStandIn, session: &str, token: &str, atl: &str, button: &str) -> Response {
    client()
        .post(format!("{}/plugins/servlet/oauth/authorize", s.url()))
        .header("Cookie", format!("JSESSIONID={session}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("oauth_token={token}&atl_token={atl}&{button}=x"))
        .send()
        .unwrap()
}

/// Request token approved by the service account; returns (token, verifier).
pub fn approved(s: &JiraStandIn) -> (String, String) {
    let token = request_token(s, Some(CALLBACK));
    let session = service_session(s);
    let atl = atl_token(s, &session, &token);
    let resp = decide(s, &session, &token, &atl, "approve");
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["Location"].to_str().unwrap().to_string();
    let query = location.split_once('?').unwrap().1;
    (token, form(query)["oauth_verifier"].clone())
}

pub fn exchange(s: &JiraStandIn, token: &str, verifier: Option<&str>) -> Response {
    let mut o = OAuth::new().set("oauth_token", token);
    if let Some(v) = verifier {
        o = o.set("oauth_verifier", v);
    }
    signed(s, Method::POST, "/plugins/servlet/oauth/access-token", &o)
}

/// The whole dance; returns the access token.
pub fn access_token(s: &JiraStandIn) -> String {
    let (token, verifier) = approved(s);
    let resp = exchange(s, &token, Some(&verifier));
    assert_eq!(resp.status(), 200);
    form(&resp.text().unwrap())["oauth_token"].clone()
}

/// Asserts an OAuth error answer as net.oauth's `handleException` sends it: the
/// problem's status, a form-encoded body and `WWW-Authenticate` with the realm (the
/// stand-in's base URL, percent-encoded) and every `oauth_` parameter of the body.
/// Returns the body fields.
pub fn assert_problem(s: &JiraStandIn, resp: Response, code: &str) -> HashMap<String, String> {
    assert_problem_realm(resp, code, &s.url())
}

pub fn assert_problem_realm(resp: Response, code: &str, realm: &str) -> HashMap<String, String> {
    assert_eq!(
        resp.status().as_u16(),
        problem_status(code),
        "status for {code}"
    );
    let www = problem_challenge(&resp).expect("a WWW-Authenticate naming the problem");
    let content_type = resp.headers()["Content-Type"].to_str().unwrap().to_string();
    assert!(
        content_type.starts_with("application/x-www-form-urlencoded"),
        "{content_type}"
    );
    let body = resp.text().unwrap();
    let fields = form(&body);
    assert_eq!(fields["oauth_problem"], code, "{body}");
    let header = parse_www_authenticate(&www);
    assert_eq!(header["realm"], realm, "{www}");
    for (name, value) in &fields {
        assert_eq!(header.get(name), Some(value), "{name} in {www}");
    }
    fields
}

/// Every `WWW-Authenticate` value, in order (Jira sends two on an OAuth refusal).
pub fn www_authenticate_values(resp: &Response) -> Vec<String> {
    resp.headers()
        .get_all("WWW-Authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

/// The `WWW-Authenticate` value that names an `oauth_problem`, if one does.
pub fn problem_challenge(resp: &Response) -> Option<String> {
    www_authenticate_values(resp)
        .into_iter()
        .find(|v| v.contains("oauth_problem="))
}

/// The parameters of an `OAuth realm="..", k="v", ..` header, percent-decoded.
pub fn parse_www_authenticate(www: &str) -> HashMap<String, String> {
    let rest = www.strip_prefix("OAuth ").expect("an OAuth challenge");
    rest.split(", ")
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            let v = v.trim_matches('"');
            let decoded = percent_encoding::percent_decode_str(v)
                .decode_utf8()
                .unwrap()
                .into_owned();
            (k.to_string(), decoded)
        })
        .collect()
}

/// A 401 with no `oauth_problem` anywhere (Jira's `sendError(401)`).
pub fn assert_plain_401(resp: Response) {
    assert_eq!(resp.status(), 401);
    let www = www_authenticate_values(&resp).join("\n");
    assert!(!www.contains("oauth_problem"), "{www}");
    let body = resp.text().unwrap();
    assert!(!body.contains("oauth_problem"), "{body}");
}

/// The status net.oauth sends each problem with (`OAuth.Problems.TO_HTTP_CODE`),
/// written out here rather than taken from the stand-in.
pub fn problem_status(problem: &str) -> u16 {
    match problem {
        "version_rejected"
        | "parameter_absent"
        | "parameter_rejected"
        | "timestamp_refused"
        | "signature_method_rejected" => 400,
        "user_refused" | "consumer_key_refused" => 503,
        "nonce_used"
        | "token_used"
        | "token_expired"
        | "token_revoked"
        | "token_rejected"
        | "token_not_authorized"
        | "signature_invalid"
        | "consumer_key_unknown"
        | "consumer_key_rejected"
        | "additional_authorization_required"
        | "permission_unknown"
        | "permission_denied" => 401,
        other => panic!("no expected status for {other}"),
    }
}
