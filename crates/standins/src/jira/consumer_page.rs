//! The admin page of a generic link's incoming authentication
//! (`AddConsumerManuallyServlet`, under
//! `/plugins/servlet/applinks/auth/conf/oauth/add-consumer-manually/{id}`): the only
//! way Jira offers to remove an incoming consumer (its REST resource has no DELETE).
//! The page's form posts `oauth-incoming-enabled`: `false` removes the consumer
//! (and the tokens issued to it), `true` stores the consumer from the form.
//!
//! Like every Applinks servlet (`AbstractApplinksServlet`), a POST must carry the
//! XSRF token, unless it says `X-Atlassian-Token: no-check`; without it the page
//! asks to confirm and nothing changes.

use super::accounts::{login_redirect, rest_caller, Via, XSRF_COOKIE};
use super::consumer::parse_public_key;
use super::http::{html_escape, method_not_allowed, Ctx, Req, Resp};
use super::state::{random_token, Consumer, State};

pub(crate) const PREFIX: &str = "/plugins/servlet/applinks/auth/conf/oauth/add-consumer-manually/";

pub(crate) fn route(st: &mut State, ctx: &Ctx, req: &Req) -> Resp {
    let id = req.path.strip_prefix(PREFIX).unwrap_or("");
    let id = id.trim_matches('/').to_string();
    let modifying = matches!(req.method.as_str(), "POST" | "PUT" | "DELETE");
    let no_check = req.header("X-Atlassian-Token") == Some("no-check");
    if modifying && !no_check && !xsrf_valid(st, req) {
        let missing = "<p id=\"xsrf-error\">Your session or its XSRF token is missing: \
                       confirm to retry the operation.</p>";
        return Resp::page(200, "XSRF Security Token Missing", missing);
    }
    let caller = match rest_caller(st, ctx, req) {
        Ok(Some(c)) => c,
        Ok(None) => return login_redirect(st, ctx, req),
        Err(resp) => return resp,
    };
    if !st.user(&caller.username).is_some_and(|u| u.admin) {
        return Resp::page(401, "Unauthorized", "<p>You must be an administrator.</p>");
    }
    if caller.via == Via::Session {
        let websudo = "/secure/admin/WebSudoAuthenticate!default.jspa";
        return Resp::redirect(&format!("{}{websudo}", ctx.context));
    }
    if st.link(&id).is_none() {
        return Resp::page(404, "Not found", "<p>No such application link.</p>");
    }
    match req.method.as_str() {
        "GET" => form_page(st, ctx, req, &id, None),
        "POST" => save(st, ctx, req, &id),
        _ => method_not_allowed(&req.method),
    }
}

/// The XSRF token sent must be the session's, or the one of the XSRF cookie.
fn xsrf_valid(st: &State, req: &Req) -> bool {
    let sent = req
        .form_param("atl_token")
        .or_else(|| req.query_param("atl_token"))
        .filter(|t| !t.is_empty());
    let Some(sent) = sent else { return false };
    let session = req
        .cookie("JSESSIONID")
        .and_then(|id| st.sessions.get(&id).map(|s| s.atl_token.clone()));
    session.as_deref() == Some(sent.as_str()) || req.cookie(XSRF_COOKIE).as_deref() == Some(&sent)
}

fn form_page(st: &State, ctx: &Ctx, req: &Req, id: &str, error: Option<&str>) -> Resp {
    let consumer = st.link(id).and_then(|l| l.consumer.as_ref());
    let value = |f: fn(&Consumer) -> String| consumer.map(f).unwrap_or_default();
    let xsrf = req
        .cookie("JSESSIONID")
        .and_then(|sid| st.sessions.get(&sid))
        .map(|s| s.atl_token.clone())
        .or_else(|| req.cookie(XSRF_COOKIE))
        .unwrap_or_else(|| random_token(40));
    let error = error.map(|e| format!("<div class=\"error\">{}</div>", html_escape(e)));
    let error = error.unwrap_or_default();
    let body = format!(
        "<h1>Incoming Authentication</h1>{error}\
         <form id=\"add-consumer-manually\" method=\"post\" action=\"{ctx_path}{PREFIX}{id}\">\
         <input type=\"hidden\" name=\"atl_token\" value=\"{xsrf}\">\
         <input type=\"hidden\" id=\"oauth-incoming-enabled\" name=\"oauth-incoming-enabled\" value=\"true\">\
         <input type=\"text\" name=\"key\" value=\"{key}\">\
         <input type=\"text\" name=\"consumerName\" value=\"{name}\">\
         <textarea name=\"publicKey\">{public_key}</textarea>\
         <input type=\"submit\" value=\"Save\"></form>",
        ctx_path = ctx.context,
        key = html_escape(&value(|c| c.key.clone())),
        name = html_escape(&value(|c| c.name.clone())),
        public_key = if consumer.is_some() { "(configured)" } else { "" },
    );
    Resp::page(200, "Incoming Authentication", &body)
        .with_header("Set-Cookie", format!("{XSRF_COOKIE}={xsrf}; Path=/"))
}

fn save(st: &mut State, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    let field = |name: &str| req.form_param(name).filter(|v| !v.trim().is_empty());
    let again = |st: &State, error: &str| form_page(st, ctx, req, id, Some(error));
    let Some(enabled) = field("oauth-incoming-enabled") else {
        return again(st, "Choose whether incoming OAuth is enabled.");
    };
    if enabled != "true" {
        let removed = st.link_mut(id).and_then(|l| l.consumer.take());
        if let Some(key) = removed.map(|c| c.key) {
            st.access_tokens.retain(|t| t.consumer_key != key);
            st.request_tokens.retain(|_, t| t.consumer_key != key);
        }
        return Resp::redirect(&format!("./{id}?message=Incoming%20OAuth%20disabled"));
    }
    let (Some(key), Some(name), Some(pem)) =
        (field("key"), field("consumerName"), field("publicKey"))
    else {
        return again(st, "The consumer key, name and public key are required.");
    };
    let Some(public_key_der) = parse_public_key(&pem) else {
        return again(st, "The public key is not valid.");
    };
    let consumer = Consumer {
        key,
        name,
        description: field("description").unwrap_or_default(),
        public_key_der,
        callback: field("callback"),
        two_lo_allowed: field("two-lo-enabled").as_deref() == Some("true"),
        executing_two_lo_user: field("two-lo-execute-as"),
    };
    if let Some(link) = st.link_mut(id) {
        link.consumer = Some(consumer);
    }
    Resp::redirect(&format!("./{id}?message=Incoming%20OAuth%20enabled"))
}
