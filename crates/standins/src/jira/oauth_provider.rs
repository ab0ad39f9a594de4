//! The OAuth 1.0a service provider servlets: request-token, authorize (page and
//! decision) and access-token, under `/plugins/servlet/oauth/`.

use super::accounts::{page_session, session_cookie};
use super::http::{html_escape, Req, Resp};
use super::oauth_check::{problem, validate};
use super::signature::percent_encode;
use super::state::{random_token, AccessToken, Approval, RequestToken, State};
use super::Ctx;
use std::time::Instant;

const PREFIX: &str = "/plugins/servlet/oauth/";
/// Access token lifetime, 5 years (Jira's default system property), in seconds.
const ACCESS_TOKEN_TTL_SECS: u64 = 157_680_000;
/// Authorization session lifetime, 5 years and 30 days, in seconds.
const SESSION_TTL_SECS: u64 = 160_272_000;

pub(crate) fn route(st: &mut State, ctx: &Ctx, req: &Req) -> Resp {
    let leg = req.path.strip_prefix(PREFIX).unwrap_or("");
    let post = req.method == "POST";
    let result = match leg {
        // Jira's token servlets answer anything but POST with an empty 200.
        "request-token" | "access-token" if !post => Ok(Resp::empty(200)),
        "request-token" => request_token(st, ctx, req),
        "access-token" => access_token(st, ctx, req),
        "authorize" if req.method == "GET" => authorize_page(st, req),
        "authorize" if post => authorize_decision(st, ctx, req),
        "authorize" => Ok(Resp::empty(405)),
        _ => Ok(Resp::html(
            404,
            "<html><body><h1>No such OAuth servlet</h1></body></html>",
        )),
    };
    result.unwrap_or_else(|resp| resp)
}

fn form_answer(fields: &[(&str, &str)]) -> Resp {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    Resp::text(200, &body)
}

fn is_web_url(s: &str) -> bool {
    url::Url::parse(s)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

fn request_token(st: &mut State, ctx: &Ctx, req: &Req) -> Result<Resp, Resp> {
    let signed = validate(st, ctx, req)?;
    // A callback (or `oob`) makes the token OAuth 1.0a; none makes it 1.0.
    let (callback, one_a) = match signed.param("oauth_callback") {
        None => (None, false),
        Some("oob") => (None, true),
        Some(c) if is_web_url(c) => (Some(c.to_string()), true),
        Some(_) => {
            return Err(problem(
                ctx,
                "parameter_rejected",
                &[("oauth_parameters_rejected", "oauth_callback".into())],
            ))
        }
    };
    let token = random_token(32);
    let secret = random_token(32);
    st.request_tokens.insert(
        token.clone(),
        RequestToken {
            consumer_key: signed.consumer_key,
            callback,
            one_a,
            issued: Instant::now(),
            approval: Approval::Pending,
            exchanged: false,
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

/// Why a request token cannot be authorized, or the name of its application.
/// Error pages answer 401 (a bad token is an authorization problem; 400 is kept for
/// a request with no `oauth_token` at all), naming the OAuth problem.
fn usable_token(st: &State, token: &str) -> Result<String, Resp> {
    let fail = |problem: &str, text: &str| {
        Err(Resp::html(
            401,
            &format!(
                "<html><head><title>OAuth error - Jira stand-in</title></head><body>\
                 <h1>Cannot authorize this application</h1>\
                 <p id=\"oauth-error\" data-oauth-problem=\"{problem}\">{text}</p></body></html>"
            ),
        ))
    };
    let Some(rt) = st.request_tokens.get(token) else {
        return fail("token_rejected", "The request token is not valid.");
    };
    if rt.issued.elapsed() >= st.request_token_ttl {
        return fail(
            "token_expired",
            "The request token has expired; start again.",
        );
    }
    if rt.exchanged || rt.approval != Approval::Pending {
        return fail(
            "token_used",
            "This request token was already approved or denied.",
        );
    }
    match st.consumer(&rt.consumer_key) {
        Some((link, _)) => Ok(link.name.clone()),
        None => fail(
            "consumer_key_unknown",
            "The application of this token is no longer linked.",
        ),
    }
}

fn missing_token() -> Resp {
    Resp::html(
        400,
        "<html><body><h1>Cannot authorize this application</h1>\
         <p id=\"oauth-error\">The oauth_token parameter is missing.</p></body></html>",
    )
}

fn login_redirect(req: &Req) -> Resp {
    let here = if req.query.is_empty() {
        req.path.clone()
    } else {
        format!("{}?{}", req.path, req.query)
    };
    Resp::redirect(&format!(
        "/login.jsp?os_destination={}",
        percent_encode(&here)
    ))
}

fn with_cookie(resp: Resp, session: &str, set: bool) -> Resp {
    if set {
        resp.with_header("Set-Cookie", session_cookie(session))
    } else {
        resp
    }
}

fn authorize_page(st: &mut State, req: &Req) -> Result<Resp, Resp> {
    let Some((sid, set_cookie)) = page_session(st, req)? else {
        return Ok(login_redirect(req));
    };
    let token = req.query_param("oauth_token").ok_or_else(missing_token)?;
    let app = usable_token(st, &token)?;
    let session = &st.sessions[&sid];
    let display = st
        .user(&session.username)
        .map(|u| u.display_name.clone())
        .unwrap_or_default();
    let page = format!(
        "<html><head><title>Request Access - Jira stand-in</title></head><body>\
         <h1>Welcome, {user}</h1>\
         <p>The application <strong id=\"oauth-application-name\">{app}</strong> would like \
         to read and change your data in Jira on your behalf.</p>\
         <form id=\"oauth-authorize-form\" method=\"post\" action=\"/plugins/servlet/oauth/authorize\">\
         <input type=\"hidden\" name=\"oauth_token\" value=\"{token}\">\
         <input type=\"hidden\" name=\"atl_token\" value=\"{atl}\">\
         <input type=\"submit\" name=\"approve\" value=\"Allow\">\
         <input type=\"submit\" name=\"deny\" value=\"Deny\">\
         </form></body></html>",
        user = html_escape(&display),
        app = html_escape(&app),
        token = html_escape(&token),
        atl = html_escape(&session.atl_token),
    );
    Ok(with_cookie(Resp::html(200, &page), &sid, set_cookie))
}

fn authorize_decision(st: &mut State, ctx: &Ctx, req: &Req) -> Result<Resp, Resp> {
    let Some((sid, set_cookie)) = page_session(st, req)? else {
        return Ok(login_redirect(req));
    };
    let param = |name: &str| req.form_param(name).or_else(|| req.query_param(name));
    let (username, atl) = {
        let s = &st.sessions[&sid];
        (s.username.clone(), s.atl_token.clone())
    };
    if param("atl_token").as_deref() != Some(atl.as_str()) {
        return Ok(Resp::text(403, "Xsrf token validation failed"));
    }
    let token = param("oauth_token").ok_or_else(missing_token)?;
    let app = usable_token(st, &token)?;
    if !st.user_active(&username) {
        return Err(problem(ctx, "user_refused", &[]));
    }
    let (approve, deny) = (param("approve").is_some(), param("deny").is_some());
    if approve == deny {
        return Ok(Resp::html(
            400,
            "<html><body><p id=\"oauth-error\">Choose either approve or deny.</p></body></html>",
        ));
    }
    let Some(rt) = st.request_tokens.get(&token) else {
        return Err(problem(ctx, "token_rejected", &[]));
    };
    // Without a callback of its own, a 1.0 token falls back on the consumer's; an
    // `oob` (1.0a) token explicitly wants the verifier shown instead.
    let callback = if rt.one_a {
        rt.callback.clone()
    } else {
        st.consumer(&rt.consumer_key)
            .and_then(|(_, c)| c.callback.clone())
    };
    let verifier = if approve {
        random_token(6)
    } else {
        "denied".to_string()
    };
    let approval = if approve {
        Approval::Approved {
            username,
            verifier: verifier.clone(),
        }
    } else {
        Approval::Denied
    };
    if let Some(rt) = st.request_tokens.get_mut(&token) {
        rt.approval = approval;
    }
    let resp = match callback {
        Some(cb) => {
            let sep = if cb.contains('?') { '&' } else { '?' };
            Resp::redirect(&format!(
                "{cb}{sep}oauth_token={}&oauth_verifier={}",
                percent_encode(&token),
                percent_encode(&verifier)
            ))
        }
        None if approve => Resp::html(
            200,
            &format!(
                "<html><head><title>Access Approved - Jira stand-in</title></head><body>\
                 <p>You have allowed <strong>{}</strong> to access Jira. Give it this \
                 verification code: <span id=\"oauth-verifier\">{verifier}</span></p>\
                 </body></html>",
                html_escape(&app)
            ),
        ),
        None => Resp::html(
            200,
            &format!(
                "<html><head><title>Access Denied - Jira stand-in</title></head><body>\
                 <p id=\"oauth-denied\">You have denied <strong>{}</strong> access to Jira.</p>\
                 </body></html>",
                html_escape(&app)
            ),
        ),
    };
    Ok(with_cookie(resp, &sid, set_cookie))
}

fn access_token(st: &mut State, ctx: &Ctx, req: &Req) -> Result<Resp, Resp> {
    let signed = validate(st, ctx, req)?;
    let Some(token) = signed.token.clone() else {
        return Err(problem(
            ctx,
            "parameter_absent",
            &[("oauth_parameters_absent", "oauth_token".into())],
        ));
    };
    let rejected = || problem(ctx, "token_rejected", &[]);
    let rt = st.request_tokens.get(&token).ok_or_else(rejected)?;
    if rt.consumer_key != signed.consumer_key {
        return Err(rejected());
    }
    if rt.exchanged {
        return Err(problem(ctx, "token_used", &[]));
    }
    if rt.issued.elapsed() >= st.request_token_ttl {
        return Err(problem(ctx, "token_expired", &[]));
    }
    let username = match &rt.approval {
        Approval::Pending => return Err(problem(ctx, "permission_unknown", &[])),
        Approval::Denied => return Err(problem(ctx, "permission_denied", &[])),
        Approval::Approved { username, verifier } => {
            if rt.one_a {
                match signed.param("oauth_verifier") {
                    None => {
                        return Err(problem(
                            ctx,
                            "parameter_absent",
                            &[("oauth_parameters_absent", "oauth_verifier".into())],
                        ))
                    }
                    Some(v) if v != verifier => return Err(rejected()),
                    Some(_) => {}
                }
            }
            username.clone()
        }
    };
    if !st.user_active(&username) {
        return Err(problem(ctx, "user_refused", &[]));
    }
    if let Some(rt) = st.request_tokens.get_mut(&token) {
        rt.exchanged = true;
    }
    let access = random_token(32);
    let secret = random_token(32);
    let handle = random_token(32);
    st.access_tokens.push(AccessToken {
        token: access.clone(),
        consumer_key: signed.consumer_key,
        username,
        revoked: false,
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
