//! Checking OAuth-signed requests the way Jira's service provider does: the
//! parameters of a message (net.oauth `HttpRequestMessage`), the validator
//! (`SimpleOAuthValidator`: single parameters, version, timestamp and nonce,
//! signature), the error answers (`OAuthServlet.handleException`), and the
//! authentication of signed REST calls (`OAuthFilter`, `OAuthRequestUtils`,
//! `AuthenticatorImpl`).

use super::http::{form_pairs, Ctx, Req, Resp};
use super::signature::{
    normalise_base_uri, parse_oauth_header, percent_encode, signature_base_string, verify_rsa_sha1,
};
use super::state::State;
use std::collections::HashSet;

/// Seconds a request timestamp may differ from the stand-in's clock.
const TIMESTAMP_WINDOW: i64 = 300;

/// What `OAuthRequestUtils` requires to call a REST request an OAuth attempt.
const DATA_PARAMS: [&str; 6] = [
    "oauth_consumer_key",
    "oauth_token",
    "oauth_signature_method",
    "oauth_signature",
    "oauth_timestamp",
    "oauth_nonce",
];

/// The HTTP status net.oauth gives each problem (`OAuth.Problems.TO_HTTP_CODE`;
/// anything else is 403).
pub(crate) fn problem_status(problem: &str) -> u16 {
    match problem {
        "version_rejected"
        | "parameter_absent"
        | "parameter_rejected"
        | "timestamp_refused"
        | "signature_method_rejected" => 400,
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
        "user_refused" | "consumer_key_refused" => 503,
        _ => 403,
    }
}

/// An `OAuthProblemException`: the problem and its parameters.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub code: String,
    pub params: Vec<(String, String)>,
}

impl Problem {
    pub fn new(code: &str) -> Problem {
        Problem {
            code: code.to_string(),
            params: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: impl Into<String>) -> Problem {
        self.params.push((name.to_string(), value.into()));
        self
    }

    fn all_params(&self) -> Vec<(String, String)> {
        let problem = ("oauth_problem".to_string(), self.code.clone());
        [problem]
            .into_iter()
            .chain(self.params.iter().cloned())
            .collect()
    }

    /// The `WWW-Authenticate` value: the realm (Jira's base URL, percent-encoded)
    /// and every parameter whose name starts with `oauth_`.
    pub fn www_authenticate(&self, ctx: &Ctx) -> String {
        oauth_header(&ctx.base, &self.all_params())
    }

    /// The whole error answer: status from the problem, `WWW-Authenticate`, and the
    /// parameters as a form-encoded body.
    pub fn answer(&self, ctx: &Ctx) -> Resp {
        Resp::new(
            problem_status(&self.code),
            "application/x-www-form-urlencoded;charset=UTF-8",
            form_encode(&self.all_params()),
        )
        .with_header("WWW-Authenticate", self.www_authenticate(ctx))
    }
}

/// `OAuth realm="...", name="value", ...` for the `oauth_` parameters.
fn oauth_header(realm: &str, params: &[(String, String)]) -> String {
    let mut out = format!("OAuth realm=\"{}\"", percent_encode(realm));
    for (name, value) in params.iter().filter(|(n, _)| n.starts_with("oauth_")) {
        let (name, value) = (percent_encode(name), percent_encode(value));
        out.push_str(&format!(", {name}=\"{value}\""));
    }
    out
}

pub(crate) fn form_encode(pairs: &[(impl AsRef<str>, impl AsRef<str>)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                percent_encode(k.as_ref()),
                percent_encode(v.as_ref())
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A request as an OAuth message: its parameters from the `Authorization: OAuth`
/// header (without `realm`), the query and a form body, in that order.
pub(crate) struct Message {
    pub params: Vec<(String, String)>,
}

impl Message {
    pub fn of(req: &Req) -> Message {
        let mut params: Vec<(String, String)> = req
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("Authorization"))
            .filter_map(|(_, v)| parse_oauth_header(v))
            .flatten()
            .filter(|(k, _)| k != "realm")
            .collect();
        params.extend(req.query_pairs());
        if req.is_form() {
            params.extend(form_pairs(&req.body));
        }
        Message { params }
    }

    /// The first value of a parameter, empty or not.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// net.oauth's `requireParameters`: each must be present (empty is present).
    pub fn require(&self, names: &[&str]) -> Result<(), Problem> {
        let absent: Vec<String> = names
            .iter()
            .filter(|n| self.get(n).is_none())
            .map(|n| percent_encode(n))
            .collect();
        if absent.is_empty() {
            return Ok(());
        }
        Err(Problem::new("parameter_absent").with("oauth_parameters_absent", absent.join("&")))
    }

    pub fn consumer_key(&self) -> &str {
        self.get("oauth_consumer_key").unwrap_or_default()
    }
}

/// A problem injected by a test, taken once.
pub(crate) fn forced(st: &mut State) -> Result<(), Problem> {
    st.forced_problem
        .take()
        .map_or(Ok(()), |code| Err(Problem::new(&code)))
}

/// The consumer knobs: a rejected or refused consumer.
pub(crate) fn consumer_allowed(st: &State, key: &str) -> Result<(), Problem> {
    if st.rejected_consumers.contains(key) {
        return Err(Problem::new("consumer_key_rejected"));
    }
    match st.refused_consumers.contains(key) {
        true => Err(Problem::new("consumer_key_refused")),
        false => Ok(()),
    }
}

/// net.oauth's validator, against the public key of `consumer_key`'s consumer
/// (the one a token belongs to, where there is a token).
pub(crate) fn validate(
    st: &mut State,
    ctx: &Ctx,
    req: &Req,
    msg: &Message,
    consumer_key: &str,
) -> Result<(), Problem> {
    let mut seen = HashSet::new();
    let oauth = msg.params.iter().filter(|(k, _)| k.starts_with("oauth_"));
    let repeated: Vec<(String, String)> = oauth.filter(|(k, _)| !seen.insert(k)).cloned().collect();
    if !repeated.is_empty() {
        return Err(Problem::new("parameter_rejected")
            .with("oauth_parameters_rejected", form_encode(&repeated)));
    }
    let version = msg.get("oauth_version").map(|v| v.trim().parse::<f64>());
    if version.is_some_and(|v| v != Ok(1.0)) {
        let problem = Problem::new("version_rejected");
        return Err(problem.with("oauth_acceptable_versions", "1.0-1.0"));
    }
    msg.require(&["oauth_timestamp", "oauth_nonce"])?;
    let Ok(timestamp) = msg
        .get("oauth_timestamp")
        .unwrap_or_default()
        .parse::<i64>()
    else {
        let problem = Problem::new("parameter_rejected");
        return Err(problem.with("oauth_parameters_rejected", "oauth_timestamp"));
    };
    let (now, window) = (ctx.now, TIMESTAMP_WINDOW);
    if (timestamp - now).abs() > window {
        let range = format!("{}-{}", now - window, now + window);
        return Err(Problem::new("timestamp_refused").with("oauth_acceptable_timestamps", range));
    }
    // Nonces older than twice the window are forgotten: such requests are refused anyway.
    st.nonces
        .retain(|(_, ts, _)| (now - ts).abs() <= 2 * window);
    let nonce = msg.get("oauth_nonce").unwrap_or_default().to_string();
    if !st
        .nonces
        .insert((msg.consumer_key().to_string(), timestamp, nonce))
    {
        return Err(Problem::new("nonce_used"));
    }
    msg.require(&[
        "oauth_consumer_key",
        "oauth_signature_method",
        "oauth_signature",
    ])?;
    if msg.get("oauth_signature_method") != Some("RSA-SHA1") {
        return Err(Problem::new("signature_method_rejected")
            .with("oauth_acceptable_signature_methods", "RSA-SHA1"));
    }
    let Some((_, consumer)) = st.consumer(consumer_key) else {
        return Err(Problem::new("consumer_key_unknown"));
    };
    let uri = normalise_base_uri(&ctx.request_origin, &ctx.request_path);
    let base_string = signature_base_string(&req.method, &uri, &msg.params);
    let signature = msg.get("oauth_signature").unwrap_or_default();
    if !verify_rsa_sha1(&consumer.public_key_der, &base_string, signature) {
        return Err(Problem::new("signature_invalid")
            .with("oauth_signature", signature)
            .with("oauth_signature_base_string", base_string)
            .with("oauth_signature_method", "RSA-SHA1"));
    }
    Ok(())
}

/// How a REST request fared with the OAuth filter.
pub(crate) enum RestOAuth {
    /// Not an OAuth attempt: other authentication (or none) applies.
    NotAttempted,
    /// Signed correctly; the user it acts as (`None`: a 2-legged call without one).
    User(Option<String>),
    /// Refused; the answer to send.
    Refused(Resp),
}

/// `OAuthFilter` + `AuthenticatorImpl` on a REST request. A request is an OAuth
/// attempt only when it carries all of [`DATA_PARAMS`] (from the header, the query
/// or a form body): with a non-empty `oauth_token` it is 3-legged, with an empty
/// one 2-legged. Without `oauth_token` it is anonymous, as far as OAuth goes.
pub(crate) fn rest_oauth(st: &mut State, ctx: &Ctx, req: &Req) -> RestOAuth {
    let msg = Message::of(req);
    if !DATA_PARAMS.iter().all(|n| msg.get(n).is_some()) {
        return RestOAuth::NotAttempted;
    }
    let result = if msg.get("oauth_token") == Some("") {
        two_legged(st, ctx, req, &msg)
    } else {
        three_legged(st, ctx, req, &msg)
    };
    match result {
        Ok(user) => RestOAuth::User(user),
        Err(Some(problem)) => RestOAuth::Refused(problem.answer(ctx)),
        Err(None) => RestOAuth::Refused(plain_401(ctx, &msg)),
    }
}

/// Why a signed REST call is refused: a problem, or (`None`) `sendError(401)`
/// without one, when the user may not log in or 2-legged access is not allowed.
type Refusal = Option<Problem>;
/// The user a signed call acts as (`None`: 2-legged, no user), or its refusal.
type Verdict = Result<Option<String>, Refusal>;

/// A 401 with no body; `WWW-Authenticate` holds the request's own `oauth_`
/// parameters and no `oauth_problem`.
fn plain_401(ctx: &Ctx, msg: &Message) -> Resp {
    Resp::empty(401).with_header("WWW-Authenticate", oauth_header(&ctx.base, &msg.params))
}

fn three_legged(st: &mut State, ctx: &Ctx, req: &Req, msg: &Message) -> Verdict {
    forced(st)?;
    let token = msg.get("oauth_token").unwrap_or_default();
    // Request tokens, unknown, revoked (deleted) and other consumers' tokens alike.
    let access = st.access_tokens.iter().find(|a| a.token == token);
    let Some(access) = access.filter(|a| a.consumer_key == msg.consumer_key()) else {
        return Err(Some(Problem::new("token_rejected")));
    };
    let (consumer_key, username) = (access.consumer_key.clone(), access.username.clone());
    validate(st, ctx, req, msg, &consumer_key)?;
    consumer_allowed(st, &consumer_key)?;
    if !st.user_active(&username) {
        return Err(None);
    }
    Ok(Some(username))
}

fn two_legged(st: &mut State, ctx: &Ctx, req: &Req, msg: &Message) -> Verdict {
    forced(st)?;
    let key = msg.consumer_key().to_string();
    if st.consumer(&key).is_none() {
        return Err(Some(Problem::new("consumer_key_unknown")));
    }
    validate(st, ctx, req, msg, &key)?;
    consumer_allowed(st, &key)?;
    let (_, consumer) = st.consumer(&key).ok_or(None)?;
    // Impersonation (`xoauth_requestor_id`) is never allowed here.
    let impersonating = msg.get("xoauth_requestor_id").is_some() || msg.get("user_id").is_some();
    if impersonating || !consumer.two_lo_allowed {
        return Err(None);
    }
    let user = consumer.executing_two_lo_user.clone();
    let user = user.filter(|u| !u.trim().is_empty());
    if user.as_deref().is_some_and(|u| !st.user_active(u)) {
        return Err(None);
    }
    Ok(user)
}
