//! The token servlets under `/plugins/servlet/oauth/`: request-token and
//! access-token (`RequestTokenServlet`, `AccessTokenServlet`). They implement POST;
//! GET is the servlet base's empty 200 (`TransactionalServlet`), and any other
//! method is the plain servlet's 405. The authorize servlet is in `authorize.rs`.

use super::applinks::web_url;
use super::authorize;
use super::http::{method_not_allowed, Ctx, Req, Resp};
use super::oauth_check::{consumer_allowed, forced, form_encode, validate, Message, Problem};
use super::state::{random_token, AccessToken, Approval, RequestToken, State};
use std::time::Instant;

const PREFIX: &str = "/plugins/servlet/oauth/";
const NO_SERVLET: &str = "<html><body><h1>No such OAuth servlet</h1></body></html>";
/// Access token lifetime, 5 years (Jira's default system property), in seconds.
const ACCESS_TOKEN_TTL_SECS: u64 = 157_680_000;
/// Authorization session lifetime, 5 years and 30 days, in seconds.
const SESSION_TTL_SECS: u64 = 160_272_000;

/// What `RequestTokenServlet` says about a callback it cannot use, in our words.
const CALLBACK_ADVICE: &str = "OAuth 1.0a (section 6.1) wants oauth_callback to be an absolute \
    http or https URI, or 'oob' when the callback was agreed out of band. This is neither: ";

pub(crate) fn route(st: &mut State, ctx: &Ctx, req: &Req) -> Resp {
    let servlet = req.path.strip_prefix(PREFIX).unwrap_or("");
    let method = req.method.as_str();
    match (servlet, method) {
        ("request-token" | "access-token" | "authorize", "PUT" | "DELETE" | "PATCH") => {
            method_not_allowed(method)
        }
        ("authorize", _) => authorize::route(st, ctx, req),
        ("request-token" | "access-token", "GET" | "HEAD") => Resp::empty(200),
        ("request-token", "POST") => request_token(st, ctx, req).unwrap_or_else(|p| p.answer(ctx)),
        ("access-token", "POST") => access_token(st, ctx, req).unwrap_or_else(|p| p.answer(ctx)),
        ("request-token" | "access-token", _) => method_not_allowed(method),
        _ => Resp::html(404, NO_SERVLET),
    }
}

fn form_answer(fields: &[(&str, &str)]) -> Resp {
    Resp::new(200, "text/plain", form_encode(fields))
}

/// Order as in `RequestTokenServlet`: consumer key present, consumer known, the
/// callback, then the validator; the callback decides the version.
fn request_token(st: &mut State, ctx: &Ctx, req: &Req) -> Result<Resp, Problem> {
    let msg = Message::of(req);
    forced(st)?;
    msg.require(&["oauth_consumer_key"])?;
    let consumer_key = msg.consumer_key().to_string();
    if st.consumer(&consumer_key).is_none() {
        return Err(Problem::new("consumer_key_unknown"));
    }
    consumer_allowed(st, &consumer_key)?;
    let (callback, one_a) = match msg.get("oauth_callback") {
        None => (None, false),
        Some("oob") => (None, true),
        // `ServiceProviderToken.isValidCallback`: an absolute http(s) URI.
        Some(c) if web_url(c).is_some() => (Some(c.to_string()), true),
        Some(c) => {
            return Err(Problem::new("parameter_rejected")
                .with("oauth_parameters_rejected", "oauth_callback")
                .with("oauth_problem_advice", format!("{CALLBACK_ADVICE}'{c}'")))
        }
    };
    validate(st, ctx, req, &msg, &consumer_key)?;
    let (token, secret) = (random_token(32), random_token(32));
    st.request_tokens.insert(
        token.clone(),
        RequestToken {
            consumer_key,
            callback,
            one_a,
            issued: Instant::now(),
            approval: Approval::Pending,
        },
    );
    let mut fields = vec![
        ("oauth_token", token.as_str()),
        ("oauth_token_secret", secret.as_str()),
    ];
    if one_a {
        fields.push(("oauth_callback_confirmed", "true"));
    }
    Ok(form_answer(&fields))
}

/// Order as in `AccessTokenServlet`: the token (unknown: rejected), its own checks,
/// then the validator. The exchanged token is deleted, so a second exchange of a
/// request token finds nothing: `token_rejected`.
fn access_token(st: &mut State, ctx: &Ctx, req: &Req) -> Result<Resp, Problem> {
    let msg = Message::of(req);
    forced(st)?;
    msg.require(&["oauth_token"])?;
    let token = msg.get("oauth_token").unwrap_or_default().to_string();
    let (consumer_key, username) = if let Some(rt) = st.request_tokens.get(&token) {
        if rt.issued.elapsed() >= st.config.request_token_ttl {
            return Err(Problem::new("token_expired"));
        }
        let (username, verifier) = match &rt.approval {
            Approval::Pending => return Err(Problem::new("permission_unknown")),
            Approval::Denied => return Err(Problem::new("permission_denied")),
            Approval::Approved { username, verifier } => (username.clone(), verifier.clone()),
        };
        if rt.consumer_key != msg.consumer_key() {
            return Err(Problem::new("token_rejected"));
        }
        if rt.one_a {
            msg.require(&["oauth_verifier"])?;
            if msg.get("oauth_verifier") != Some(verifier.as_str()) {
                return Err(Problem::new("token_rejected"));
            }
        }
        (rt.consumer_key.clone(), username)
    } else if let Some(at) = st.access_tokens.iter().find(|a| a.token == token) {
        // Renewing an access token through its session.
        msg.require(&["oauth_session_handle"])?;
        if msg.get("oauth_session_handle") != Some(at.session_handle.as_str()) {
            return Err(Problem::new("token_rejected"));
        }
        (at.consumer_key.clone(), at.username.clone())
    } else {
        return Err(Problem::new("token_rejected"));
    };
    validate(st, ctx, req, &msg, &consumer_key)?;
    consumer_allowed(st, &consumer_key)?;
    st.request_tokens.remove(&token);
    st.access_tokens.retain(|a| a.token != token);
    let (access, secret, handle) = (random_token(32), random_token(32), random_token(32));
    st.access_tokens.push(AccessToken {
        token: access.clone(),
        consumer_key,
        username,
        session_handle: handle.clone(),
    });
    Ok(form_answer(&[
        ("oauth_token", &access),
        ("oauth_token_secret", &secret),
        ("oauth_expires_in", &ACCESS_TOKEN_TTL_SECS.to_string()),
        ("oauth_session_handle", &handle),
        (
            "oauth_authorization_expires_in",
            &SESSION_TTL_SECS.to_string(),
        ),
    ]))
}
