//! Who is calling: OAuth-signed requests (see `oauth_check.rs`), personal access
//! tokens, Basic credentials and `JSESSIONID` cookie sessions; and the ways to log
//! in (the REST session resource, the `login.jsp` form, Seraph's
//! `os_authType=basic`), with the knobs that lock them down: REST login refused,
//! a CAPTCHA after failed logins, an SSO identity provider.

use super::http::{html_escape, rest_error, Ctx, Req, Resp};
use super::oauth_check::{rest_oauth, RestOAuth};
use super::signature::percent_encode;
use super::state::State;
use crate::time::jira_time;
use base64::Engine;
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    Pat,
    Basic,
    Session,
    OAuth,
}

pub(crate) struct Caller {
    pub username: String,
    pub via: Via,
}

fn caller(username: String, via: Via) -> Caller {
    Caller { username, via }
}

/// The cookie that also carries a session's XSRF token (`atl_token`).
pub(crate) const XSRF_COOKIE: &str = "atlassian.xsrf.token";

pub(crate) fn not_authenticated() -> Resp {
    let message = "You are not authenticated. Authentication required to perform this operation.";
    rest_error(401, message)
}

/// The caller of a REST resource; `Ok(None)` is anonymous. Credentials that are
/// present but wrong are an error even where anonymous access would do, as in Jira.
pub(crate) fn rest_caller(st: &mut State, ctx: &Ctx, req: &Req) -> Result<Option<Caller>, Resp> {
    match rest_oauth(st, ctx, req) {
        RestOAuth::User(user) => return Ok(user.map(|u| caller(u, Via::OAuth))),
        RestOAuth::Refused(resp) => return Err(resp),
        RestOAuth::NotAttempted => {}
    }
    if let Some(auth) = req.header("Authorization") {
        let auth = auth.trim();
        let (scheme, rest) = auth.split_once(' ').unwrap_or((auth, ""));
        match scheme.to_ascii_lowercase().as_str() {
            "bearer" => {
                let invalid = "The personal access token is not valid or has expired.";
                let user = st.pats.get(rest.trim());
                let user = user.ok_or_else(|| rest_error(401, invalid))?;
                return Ok(Some(caller(user.clone(), Via::Pat)));
            }
            "basic" => {
                let username = basic_user(st, ctx, rest)?;
                // Seraph logs the caller in for the request, in an HTTP session
                // that the answer sets as `JSESSIONID`, with the XSRF token of a
                // logged-in user as `atlassian.xsrf.token` (`..._lin`), as a Jira
                // answering a Basic REST call does.
                if session_user(st, req).is_none() {
                    st.basic_login = Some(basic_session(st, &username));
                }
                return Ok(Some(caller(username, Via::Basic)));
            }
            // An OAuth header that is not an OAuth attempt, or another scheme: the
            // cookie decides.
            _ => {}
        }
    }
    Ok(session_user(st, req).map(|u| caller(u, Via::Session)))
}

/// Why a login did not work.
enum LoginRefused {
    /// Wrong username or password, or an inactive user.
    Failed,
    /// Seraph wants a CAPTCHA solved in the browser first.
    Captcha,
}

/// Seraph's password check, with its count of failed logins and the CAPTCHA.
fn check_login(st: &mut State, username: &str, password: &str) -> Result<String, LoginRefused> {
    if let Some(limit) = st.config.captcha_after_failed_logins {
        if st.failed_logins.get(username).copied().unwrap_or(0) >= limit {
            return Err(LoginRefused::Captcha);
        }
    }
    let user = st
        .user(username)
        .filter(|u| u.password == password && u.active);
    match user.map(|u| u.username.clone()) {
        Some(user) => {
            st.failed_logins.remove(&user);
            Ok(user)
        }
        None => {
            *st.failed_logins.entry(username.to_string()).or_default() += 1;
            Err(LoginRefused::Failed)
        }
    }
}

/// The headers Seraph adds when it wants a CAPTCHA.
fn captcha_headers(resp: Resp, ctx: &Ctx) -> Resp {
    let reason = format!("CAPTCHA_CHALLENGE; login-url={}/login.jsp", ctx.base);
    resp.with_header("X-Seraph-LoginReason", "AUTHENTICATION_DENIED")
        .with_header("X-Authentication-Denied-Reason", reason)
}

/// What Seraph adds to a refused login.
fn login_failed(resp: Resp) -> Resp {
    resp.with_header("X-Seraph-LoginReason", "AUTHENTICATED_FAILED")
}

/// The user named by `Basic` credentials (the part after the scheme).
fn basic_user(st: &mut State, ctx: &Ctx, encoded: &str) -> Result<String, Resp> {
    if !st.config.basic_auth_enabled {
        let disabled = "Basic Authentication has been disabled on this instance";
        return Err(rest_error(403, disabled));
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    let (user, pass) = decoded.split_once(':').unwrap_or((&decoded, ""));
    check_login(st, user, pass).map_err(|refused| match refused {
        LoginRefused::Captcha => {
            let first = "CAPTCHA_CHALLENGE: log in through the browser first.";
            captcha_headers(rest_error(403, first), ctx)
        }
        LoginRefused::Failed => {
            login_failed(rest_error(401, "Login failed: wrong username or password."))
                .with_header("WWW-Authenticate", "Basic realm=\"protected-area\"")
        }
    })
}

/// The user of the `JSESSIONID` cookie; an unknown cookie is simply anonymous.
pub(crate) fn session_user(st: &State, req: &Req) -> Option<String> {
    let id = req.cookie("JSESSIONID")?;
    st.sessions.get(&id).map(|s| s.username.clone())
}

pub(crate) fn session_cookie(ctx: &Ctx, id: &str) -> String {
    format!("JSESSIONID={id}; Path={}; HttpOnly", ctx.cookie_path())
}

/// A page visitor's session: the cookie one, or (Seraph) a Basic login when the URL
/// carries `os_authType=basic`. Returns the session id and whether it must be set
/// as a cookie on the answer.
pub(crate) fn page_session(
    st: &mut State,
    ctx: &Ctx,
    req: &Req,
) -> Result<Option<(String, bool)>, Resp> {
    let cookie = req.cookie("JSESSIONID");
    if let Some(id) = cookie.filter(|id| st.sessions.contains_key(id)) {
        return Ok(Some((id, false)));
    }
    let wants_basic = req.query_param("os_authType").as_deref() == Some("basic");
    let credentials = req
        .header("Authorization")
        .and_then(|a| a.trim().split_once(' '));
    let basic = credentials.filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"));
    let (true, Some((_, encoded))) = (wants_basic, basic) else {
        return Ok(None);
    };
    let username = basic_user(st, ctx, encoded)?;
    Ok(Some((basic_session(st, &username), true)))
}

/// The session of Seraph's Basic logins for `username`, reused while it lasts.
fn basic_session(st: &mut State, username: &str) -> String {
    let existing = st.basic_sessions.get(username);
    let existing = existing.filter(|id| st.sessions.contains_key(*id)).cloned();
    existing.unwrap_or_else(|| {
        let id = st.new_session(username);
        st.basic_sessions.insert(username.to_string(), id.clone());
        id
    })
}

/// A Basic REST call's answer with the cookies of the session it logged in.
pub(crate) fn with_basic_login(st: &mut State, ctx: &Ctx, resp: Resp) -> Resp {
    let Some(id) = st.basic_login.take() else {
        return resp;
    };
    let Some(atl_token) = st.sessions.get(&id).map(|s| s.atl_token.clone()) else {
        return resp;
    };
    let xsrf = format!("{XSRF_COOKIE}={atl_token}; Path={}", ctx.cookie_path());
    resp.with_header("Set-Cookie", session_cookie(ctx, &id))
        .with_header("Set-Cookie", xsrf)
}

/// To the login page, coming back here afterwards (Seraph's `os_destination` is a
/// path inside the application, without the context path). With SSO, straight on
/// to the identity provider.
pub(crate) fn login_redirect(st: &State, ctx: &Ctx, req: &Req) -> Resp {
    let here = match req.query.as_str() {
        "" => req.path.clone(),
        query => format!("{}?{query}", req.path),
    };
    if let Some(idp) = &st.config.sso_login_url {
        return sso_redirect(idp, &here);
    }
    let destination = percent_encode(&here);
    let context = &ctx.context;
    Resp::redirect(&format!(
        "{context}/login.jsp?permissionViolation=true&os_destination={destination}"
    ))
}

fn sso_redirect(idp: &str, destination: &str) -> Resp {
    let sep = if idp.contains('?') { '&' } else { '?' };
    let destination = percent_encode(destination);
    Resp::redirect(&format!("{idp}{sep}RelayState={destination}"))
}

/// Login and session resources, and the few plain pages; `None` when the path is
/// not one of them.
pub(crate) fn route(st: &mut State, ctx: &Ctx, req: &Req) -> Option<Resp> {
    let resp = match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/rest/auth/1/session") => rest_login(st, ctx, req),
        ("GET", "/rest/auth/1/session") => match rest_caller(st, ctx, req) {
            Ok(Some(c)) => Resp::json(200, &session_info(st, ctx, &c.username)),
            Ok(None) => not_authenticated(),
            Err(resp) => resp,
        },
        ("DELETE", "/rest/auth/1/session") => match req.cookie("JSESSIONID") {
            Some(id) if st.sessions.remove(&id).is_some() => Resp::empty(204),
            _ => not_authenticated(),
        },
        (_, "/rest/auth/1/session") => Resp::empty(405),
        (_, "/login.jsp") if st.config.sso_login_url.is_some() => {
            let dest = req.query_param("os_destination");
            let dest = dest.or_else(|| req.form_param("os_destination"));
            let idp = st.config.sso_login_url.as_deref().unwrap_or_default();
            sso_redirect(idp, &dest.unwrap_or_default())
        }
        ("GET", "/login.jsp") => {
            let dest = req.query_param("os_destination").unwrap_or_default();
            login_page(ctx, &dest, None)
        }
        ("POST", "/login.jsp") => form_login(st, ctx, req),
        ("GET", "/") | ("GET", "/secure/Dashboard.jspa") => {
            let who = session_user(st, req).unwrap_or_else(|| "anonymous".into());
            let user = format!("<p id=\"user\">Logged in as {}</p>", html_escape(&who));
            Resp::page(200, "System Dashboard", &user).with_header("X-AUSERNAME", who)
        }
        _ => return None,
    };
    Some(resp)
}

fn session_info(st: &State, ctx: &Ctx, username: &str) -> serde_json::Value {
    json!({
        "self": format!("{}/rest/api/2/user?username={username}", ctx.base),
        "name": username,
        "loginInfo": {
            "failedLoginCount": st.failed_logins.get(username).copied().unwrap_or(0),
            "loginCount": st.login_counts.get(username).copied().unwrap_or(0),
            "previousLoginTime": jira_time(ctx.now),
        }
    })
}

fn rest_login(st: &mut State, ctx: &Ctx, req: &Req) -> Resp {
    if st.config.sso_login_url.is_some() || !st.config.rest_login {
        let off =
            "Logging in through this resource is turned off on this Jira; use its login page.";
        return rest_error(403, off);
    }
    let Some(body) = req.json_body() else {
        let shape = "The login request must be a JSON object with username and password.";
        return rest_error(400, shape);
    };
    let username = body["username"].as_str().unwrap_or("");
    let user = match check_login(st, username, body["password"].as_str().unwrap_or("")) {
        Ok(user) => user,
        Err(LoginRefused::Captcha) => {
            return captcha_headers(rest_error(403, "Login denied: CAPTCHA required."), ctx)
        }
        Err(LoginRefused::Failed) => return login_failed(rest_error(401, "Login failed")),
    };
    let id = st.new_session(&user);
    let info = session_info(st, ctx, &user);
    let session = json!({"name": "JSESSIONID", "value": id});
    Resp::json(
        200,
        &json!({"session": session, "loginInfo": info["loginInfo"]}),
    )
    .with_header("Set-Cookie", session_cookie(ctx, &id))
}

/// Only local paths are followed after a login, never another site.
fn safe_destination(ctx: &Ctx, dest: &str) -> String {
    if dest.starts_with('/') && !dest.starts_with("//") {
        format!("{}{dest}", ctx.context)
    } else {
        format!("{}/", ctx.context)
    }
}

/// `POST /login.jsp` with `os_username`, `os_password` and `os_destination`: a
/// session cookie and a redirect to the destination, or the page again.
fn form_login(st: &mut State, ctx: &Ctx, req: &Req) -> Resp {
    let username = req.form_param("os_username").unwrap_or_default();
    let password = req.form_param("os_password").unwrap_or_default();
    let dest = req.form_param("os_destination").unwrap_or_default();
    match check_login(st, &username, &password) {
        Ok(user) => {
            let id = st.new_session(&user);
            Resp::redirect(&safe_destination(ctx, &dest))
                .with_header("Set-Cookie", session_cookie(ctx, &id))
        }
        Err(LoginRefused::Captcha) => {
            let denied = "Sorry, your login was denied: answer the CAPTCHA (the stand-in cannot \
                          show one).";
            captcha_headers(login_page(ctx, &dest, Some(denied)), ctx)
        }
        Err(LoginRefused::Failed) => {
            let wrong = "Sorry, your username and password are incorrect - please try again.";
            login_failed(login_page(ctx, &dest, Some(wrong)))
        }
    }
}

fn login_page(ctx: &Ctx, dest: &str, error: Option<&str>) -> Resp {
    let error = error.map(|e| {
        let e = html_escape(e);
        format!("<div class=\"aui-message error\" id=\"login-error\">{e}</div>")
    });
    let body = format!(
        "{}<form id=\"login-form\" method=\"post\" action=\"{}/login.jsp\">\
         <label for=\"login-form-username\">Username</label>\
         <input type=\"text\" name=\"os_username\" id=\"login-form-username\">\
         <label for=\"login-form-password\">Password</label>\
         <input type=\"password\" name=\"os_password\" id=\"login-form-password\">\
         <input type=\"hidden\" name=\"os_destination\" value=\"{}\">\
         <input type=\"submit\" name=\"login\" value=\"Log In\">\
         </form>",
        error.unwrap_or_default(),
        ctx.context,
        html_escape(dest)
    );
    Resp::page(200, "Log in", &body)
}
