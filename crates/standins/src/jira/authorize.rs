//! The authorize servlet (`AuthorizeServlet`, `TokenLoaderImpl`,
//! `AuthorizationRendererImpl`, `PostAuthorization`): the page a logged-in user
//! sees for a request token, and their approve or deny.
//!
//! Order of checks: on POST the XSRF token first (403 page); then the request
//! token (unknown, used or expired: the problem's status and `WWW-Authenticate`,
//! with an HTML error page); then the login (a redirect to the login page); then
//! the page or the decision.

use super::accounts::{login_redirect, page_session, session_cookie, XSRF_COOKIE};
use super::config::AuthorizeMarkup;
use super::http::{html_escape, method_not_allowed, Ctx, Req, Resp};
use super::oauth_check::{problem_status, Message, Problem};
use super::signature::percent_encode;
use super::state::{random_token, Approval, State};

/// Jira's XSRF parameter name.
const XSRF_PARAM: &str = "atl_token";
/// Length of the verifier (`AuthorizeServlet.VERIFIER_LENGTH`).
const VERIFIER_LENGTH: usize = 6;

pub(crate) fn route(st: &mut State, ctx: &Ctx, req: &Req) -> Resp {
    let resp = match req.method.as_str() {
        "GET" | "HEAD" => get(st, ctx, req),
        "POST" => post(st, ctx, req),
        other => method_not_allowed(other),
    };
    resp.with_header("X-Frame-Options", "SAMEORIGIN")
}

/// A parameter from the query or the form body (the servlet's `getParameter`).
fn param(req: &Req, name: &str) -> Option<String> {
    req.query_param(name).or_else(|| req.form_param(name))
}

fn error_page(status: u16, message: &str) -> Resp {
    let message = html_escape(message);
    let body =
        format!("<h1>Cannot authorize this application</h1><p class=\"error\">{message}</p>");
    Resp::page(status, "OAuth Error", &body)
}

/// `TokenLoaderImpl`: the request token to decide on, or why not.
fn load_token(st: &State, req: &Req) -> Result<String, Problem> {
    let msg = Message::of(req);
    msg.require(&["oauth_token"])?;
    let token = msg.get("oauth_token").unwrap_or_default();
    // Unknown, an access token, or of a consumer that is gone (its tokens with it).
    let rt = st.request_tokens.get(token);
    let Some(rt) = rt.filter(|rt| st.consumer(&rt.consumer_key).is_some()) else {
        return Err(Problem::new("token_rejected"));
    };
    if rt.approval != Approval::Pending {
        return Err(Problem::new("token_used"));
    }
    if rt.issued.elapsed() >= st.config.request_token_ttl {
        return Err(Problem::new("token_expired"));
    }
    Ok(token.to_string())
}

/// The problem's status and `WWW-Authenticate` (no form body), and a page.
fn token_problem(ctx: &Ctx, problem: &Problem) -> Resp {
    let text = match problem.code.as_str() {
        "token_rejected" => "The request token is not valid.",
        "token_used" => "This request token has already been approved or denied.",
        "token_expired" => "The request token has expired. Start again from the application.",
        _ => "The request could not be processed.",
    };
    error_page(problem_status(&problem.code), text)
        .with_header("WWW-Authenticate", problem.www_authenticate(ctx))
}

fn get(st: &mut State, ctx: &Ctx, req: &Req) -> Resp {
    let token = match load_token(st, req) {
        Ok(token) => token,
        Err(problem) => return token_problem(ctx, &problem),
    };
    let (sid, set_cookie) = match page_session(st, ctx, req) {
        Ok(Some(session)) => session,
        Ok(None) => return login_redirect(st, ctx, req),
        Err(resp) => return resp,
    };
    with_session(page(st, ctx, req, &sid, &token), ctx, &sid, set_cookie)
}

/// `XsrfTokenValidator.validateFormEncodedToken`: the posted `atl_token` must be the
/// logged-in session's token, or without a session the one in the XSRF cookie.
fn xsrf_valid(st: &State, req: &Req, session: Option<&str>) -> bool {
    let Some(sent) = param(req, XSRF_PARAM).filter(|t| !t.is_empty()) else {
        return false;
    };
    match session.and_then(|id| st.sessions.get(id)) {
        Some(s) => s.atl_token == sent,
        None => req.cookie(XSRF_COOKIE).as_deref() == Some(sent.as_str()),
    }
}

fn post(st: &mut State, ctx: &Ctx, req: &Req) -> Resp {
    // Seraph (a filter) logs the user in before the servlet runs.
    let session = match page_session(st, ctx, req) {
        Ok(session) => session,
        Err(resp) => return resp,
    };
    if !xsrf_valid(st, req, session.as_ref().map(|(sid, _)| sid.as_str())) {
        return error_page(403, "Xsrf token validation failed");
    }
    let token = match load_token(st, req) {
        Ok(token) => token,
        Err(problem) => return token_problem(ctx, &problem),
    };
    let Some((sid, set_cookie)) = session else {
        return login_redirect(st, ctx, req);
    };
    let resp = decide(st, ctx, req, &sid, &token);
    with_session(resp, ctx, &sid, set_cookie)
}

fn with_session(resp: Resp, ctx: &Ctx, sid: &str, set: bool) -> Resp {
    if set {
        resp.with_header("Set-Cookie", session_cookie(ctx, sid))
    } else {
        resp
    }
}

/// `PostAuthorization`: approve when `approve` is there, else deny when `deny` is,
/// else the page again.
fn decide(st: &mut State, ctx: &Ctx, req: &Req, sid: &str, token: &str) -> Resp {
    let approve = param(req, "approve").is_some();
    if !approve && param(req, "deny").is_none() {
        return page(st, ctx, req, sid, token);
    }
    let username = st.sessions[sid].username.clone();
    let verifier = random_token(VERIFIER_LENGTH);
    let Some(rt) = st.request_tokens.get_mut(token) else {
        return token_problem(ctx, &Problem::new("token_rejected"));
    };
    let verifier_given = verifier.clone();
    rt.approval = match approve {
        true => Approval::Approved {
            username,
            verifier: verifier_given,
        },
        false => Approval::Denied,
    };
    let (one_a, own_callback, consumer) = (rt.one_a, rt.callback.clone(), rt.consumer_key.clone());
    let consumer = st
        .consumer(&consumer)
        .map(|(link, c)| (link.name.clone(), c.callback.clone()));
    let (app, consumer_callback) = consumer.unwrap_or_default();
    let callback = if one_a {
        // `oob` left no callback of its own: the consumer's configured one is used.
        own_callback.or(consumer_callback)
    } else {
        let given = param(req, "oauth_callback").filter(|c| !c.is_empty());
        given.or(consumer_callback)
    };
    let Some(callback) = callback else {
        return done_page(&app, approve, one_a.then_some(verifier.as_str()));
    };
    let mut query = format!("oauth_token={}", percent_encode(token));
    if one_a {
        let sent = if approve { verifier.as_str() } else { "denied" };
        query.push_str(&format!("&oauth_verifier={}", percent_encode(sent)));
    }
    let sep = if callback.contains('?') { '&' } else { '?' };
    Resp::redirect(&format!("{callback}{sep}{query}"))
}

/// The page shown when there is no callback to go back to.
fn done_page(app: &str, approved: bool, verifier: Option<&str>) -> Resp {
    let app = html_escape(app);
    let body = match (approved, verifier) {
        (true, Some(v)) => format!(
            "<p>You have allowed <strong>{app}</strong> to access Jira. Give it this \
             verification code: <span id=\"oauth-verifier\">{v}</span></p>"
        ),
        (true, None) => format!(
            "<p>You have allowed <strong>{app}</strong> to access Jira. Go back to it to \
             finish.</p>"
        ),
        (false, _) => format!(
            "<p id=\"oauth-denied\">You have denied <strong>{app}</strong> access to Jira.</p>"
        ),
    };
    let title = if approved {
        "Access Approved"
    } else {
        "Access Denied"
    };
    Resp::page(200, title, &body)
}

/// `AuthorizationRendererImpl`: the page with the token, the XSRF token under its
/// parameter name, the consumer and the callback given, if any. The XSRF token is
/// also set as the `atlassian.xsrf.token` cookie.
fn page(st: &State, ctx: &Ctx, req: &Req, sid: &str, token: &str) -> Resp {
    let session = &st.sessions[sid];
    let display = st.user(&session.username).map(|u| u.display_name.as_str());
    let consumer = st
        .request_tokens
        .get(token)
        .and_then(|rt| st.consumer(&rt.consumer_key));
    let app = consumer.map(|(link, _)| link.name.as_str());
    let mut fields = vec![("oauth_token", token.to_string())];
    if let Some(cb) = param(req, "oauth_callback") {
        fields.push(("oauth_callback", cb));
    }
    let markup = st.config.authorize_markup;
    if markup != AuthorizeMarkup::CookieOnly {
        fields.push((XSRF_PARAM, session.atl_token.clone()));
    }
    let action = format!("{}/plugins/servlet/oauth/authorize", ctx.context);
    let body = format!(
        "\n<h1>Welcome, {user}</h1>\n\
         <p>The application <strong id=\"oauth-application-name\">{app}</strong> would like \
         to read and change your data in Jira on your behalf.</p>\n{form}\n",
        user = html_escape(display.unwrap_or_default()),
        app = html_escape(app.unwrap_or_default()),
        form = form(markup, &action, &fields),
    );
    let cookie = format!(
        "{XSRF_COOKIE}={}; Path={}",
        session.atl_token,
        ctx.cookie_path()
    );
    Resp::page(200, "Request Access", &body).with_header("Set-Cookie", cookie)
}

/// The form in the given markup style: hidden fields, then Allow and Deny.
fn form(markup: AuthorizeMarkup, action: &str, hidden: &[(&str, String)]) -> String {
    let input = |kind: &str, name: &str, value: &str| {
        let attrs = [("type", kind), ("name", name), ("value", value)];
        tag(markup, "input", &attrs)
    };
    let open = [
        ("id", "oauth-authorize-form"),
        ("method", "post"),
        ("action", action),
    ];
    let mut lines = vec![tag(markup, "form", &open)];
    lines.extend(
        hidden
            .iter()
            .map(|(name, value)| input("hidden", name, value)),
    );
    lines.push(input("submit", "approve", "Allow"));
    lines.push(input("submit", "deny", "Deny"));
    let close = if markup == AuthorizeMarkup::UpperCase {
        "</FORM>"
    } else {
        "</form>"
    };
    lines.push(close.to_string());
    lines.join("\n")
}

fn tag(markup: AuthorizeMarkup, name: &str, attrs: &[(&str, &str)]) -> String {
    if markup == AuthorizeMarkup::Scattered {
        let spacing = ["\n    ", "\n\t", "\n      "];
        let mut out = format!("<{name}");
        for (i, (k, v)) in attrs.iter().rev().enumerate() {
            let value = html_escape(v).replace('_', "&#95;").replace('-', "&#x2D;");
            let eq = [" = ", "= ", " ="][i % 3];
            out.push_str(&format!("{}{k}{eq}\"{value}\"", spacing[i % 3]));
        }
        return out + "\n>";
    }
    let upper = markup == AuthorizeMarkup::UpperCase;
    let case = |s: &str| {
        if upper {
            s.to_ascii_uppercase()
        } else {
            s.to_string()
        }
    };
    let attrs: Vec<String> = attrs
        .iter()
        .map(|(k, v)| match markup {
            // Our values never hold spaces, quotes, `=`, `<`, `>` or backticks.
            AuthorizeMarkup::Unquoted => format!("{k}={v}"),
            AuthorizeMarkup::SingleQuoted => format!("{k}='{}'", html_escape(v)),
            _ => format!("{}=\"{}\"", case(k), html_escape(v)),
        })
        .collect();
    format!("<{} {}>", case(name), attrs.join(" "))
}
