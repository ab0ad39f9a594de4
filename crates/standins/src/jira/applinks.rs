//! Application Links (`/rest/applinks/...`). Administrators only, XML unless the
//! client accepts JSON, as in Jira. Their incoming consumer is in `consumer.rs`.

use super::accounts::{rest_caller, Via};
use super::http::{Ctx, Req, Resp};
use super::state::{Link, State};
use md5::{Digest, Md5};
use serde_json::{json, Value};

const OAUTH_PROVIDER: &str = "com.atlassian.applinks.api.auth.types.OAuthAuthenticationProvider";
const BASIC_PROVIDER: &str = "com.atlassian.applinks.api.auth.types.BasicAuthenticationProvider";

/// Java's `UUID.nameUUIDFromBytes` (MD5, version 3, IETF variant) of the rpcUrl
/// without its trailing slash: the id Jira gives a generic link, so it is predictable.
pub fn application_id(rpc_url: &str) -> String {
    let normalised = rpc_url.trim().trim_end_matches('/');
    let mut b: [u8; 16] = Md5::digest(normalised.as_bytes()).into();
    b[6] = (b[6] & 0x0f) | 0x30;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut id: String = b.iter().map(|x| format!("{x:02x}")).collect();
    for at in [20, 16, 12, 8] {
        id.insert(at, '-');
    }
    id
}

/// Applinks' error entity: the status and its messages.
pub(crate) fn status_error(req: &Req, status: u16, messages: &[&str]) -> Resp {
    let body = json!({"status": status, "message": messages});
    Resp::negotiated(req, status, "status", &body)
}

pub(crate) fn not_found(req: &Req, id: &str) -> Resp {
    status_error(
        req,
        404,
        &[&format!("No application link with id {id} was found.")],
    )
}

fn no_resource(req: &Req) -> Resp {
    status_error(req, 404, &["No such applinks resource."])
}

/// A 200 with `value` as JSON or, by default, as XML under `root`.
fn found(req: &Req, root: &str, value: &Value) -> Resp {
    Resp::negotiated(req, 200, root, value)
}

/// Administrators only; a cookie session would also need WebSudo, which the stand-in
/// (like a script) never has.
pub(crate) fn require_admin(st: &mut State, ctx: &Ctx, req: &Req) -> Result<(), Resp> {
    let fail = |status: u16, message: &str| {
        let body = json!({"message": message, "status-code": status});
        Resp::negotiated(req, status, "status", &body)
    };
    let Some(caller) = rest_caller(st, ctx, req)? else {
        return Err(fail(
            401,
            "Client must be authenticated to access this resource.",
        ));
    };
    if !st.user(&caller.username).is_some_and(|u| u.admin) {
        return Err(fail(
            403,
            "You must be a Jira administrator to access this resource.",
        ));
    }
    if caller.via == Via::Session {
        return Err(fail(401, "This resource requires WebSudo."));
    }
    Ok(())
}

pub(crate) fn route(st: &mut State, ctx: &Ctx, req: &Req) -> Resp {
    let rest = req.path.strip_prefix("/rest/applinks/").unwrap_or("");
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let Some((ver, tail)) = segs.split_first() else {
        return no_resource(req);
    };
    if !matches!(*ver, "1.0" | "2.0" | "3.0" | "latest") {
        return no_resource(req);
    }
    if req.method == "GET" && tail == ["manifest"] {
        return manifest(ctx, req);
    }
    if let Err(resp) = require_admin(st, ctx, req) {
        return resp;
    }
    match (req.method.as_str(), tail) {
        ("PUT", ["applicationlink"]) => create(st, ctx, req),
        ("GET", ["applicationlink"]) => {
            let links: Vec<Value> = st.links.iter().map(|l| link_json(ctx, l)).collect();
            found(req, "applicationLinks", &json!({"applicationLinks": links}))
        }
        ("GET", ["applicationlink", id]) => match st.link(id) {
            Some(l) => found(req, "applicationLink", &link_json(ctx, l)),
            None => not_found(req, id),
        },
        ("POST" | "PUT", ["applicationlink", id]) => update(st, ctx, req, id),
        ("DELETE", ["applicationlink", id]) => {
            let before = st.links.len();
            st.links.retain(|l| l.id != *id);
            if st.links.len() == before {
                not_found(req, id)
            } else {
                let deleted = "The application link was deleted.";
                found(
                    req,
                    "status",
                    &json!({"status-code": 200, "message": deleted}),
                )
            }
        }
        ("GET", ["applinks"]) => {
            let links: Vec<Value> = st.links.iter().map(|l| link_json(ctx, l)).collect();
            found(req, "applinks", &Value::Array(links))
        }
        ("GET", ["listApplicationlinks"]) => {
            let list: Vec<Value> = st.links.iter().map(|l| list_entry(ctx, l)).collect();
            found(req, "listEntity", &json!({ "list": list }))
        }
        ("GET", ["status", id]) if st.config.status_resource => match st.link(id) {
            Some(l) => found(req, "status", &status(l)),
            None => not_found(req, id),
        },
        _ => no_resource(req),
    }
}

/// `DefaultApplinkStatusService`: the local compatibility check comes first, and a
/// generic link always fails it (`DefaultApplinkCompatibilityVerifier`), so its
/// status is `working: false` with a `NON_ATLASSIAN`/`GENERIC_LINK` error
/// (`RestApplinkStatus`, `RestApplinkError`); the remote side is never asked.
fn status(l: &Link) -> Value {
    let incoming = l.consumer.is_some();
    let two_lo = l.consumer.as_ref().is_some_and(|c| c.two_lo_allowed);
    let local = json!({
        "incoming": {"enabled": incoming, "twoLoEnabled": two_lo, "twoLoImpersonationEnabled": false},
        "outgoing": {"enabled": false, "twoLoEnabled": false, "twoLoImpersonationEnabled": false},
    });
    let minimal = json!({
        "id": l.id,
        "name": l.name,
        "displayUrl": l.display_url,
        "rpcUrl": l.rpc_url,
        "type": l.type_id,
    });
    let generic = l.type_id == "generic";
    json!({
        "link": minimal,
        "working": !generic,
        "localAuthentication": local,
        "remoteAuthentication": null,
        "error": generic.then(|| json!({"category": "NON_ATLASSIAN", "type": "GENERIC_LINK"})),
    })
}

fn link_json(ctx: &Ctx, l: &Link) -> Value {
    json!({
        "id": l.id,
        "name": l.name,
        "rpcUrl": l.rpc_url,
        "displayUrl": l.display_url,
        "typeId": l.type_id,
        "type": l.type_id,
        "system": false,
        "self": format!("{}/rest/applinks/3.0/applicationlink/{}", ctx.base, l.id),
    })
}

fn list_entry(ctx: &Ctx, l: &Link) -> Value {
    let inbound: Vec<&str> = l.consumer.iter().map(|_| OAUTH_PROVIDER).collect();
    json!({
        "application": link_json(ctx, l),
        "configuredInboundAuthenticators": inbound,
        "configuredOutboundAuthenticators": [],
        "hasIncomingAuthenticationProviders": l.consumer.is_some(),
        "hasOutgoingAuthenticationProviders": false,
    })
}

fn manifest(ctx: &Ctx, req: &Req) -> Resp {
    let body = json!({
        "id": application_id(&ctx.base),
        "name": "Jira stand-in",
        "typeId": "jira",
        "version": "9.12.2",
        "buildNumber": 9_120_002,
        "applinksVersion": "9.1.2",
        "inboundAuthenticationTypes": [OAUTH_PROVIDER, BASIC_PROVIDER],
        "outboundAuthenticationTypes": [OAUTH_PROVIDER],
        "publicSignup": false,
        "url": ctx.base,
    });
    found(req, "manifest", &body)
}

/// An absolute http(s) URL, trimmed and without a trailing slash.
pub(crate) fn web_url(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches('/');
    let u = url::Url::parse(s).ok()?;
    (matches!(u.scheme(), "http" | "https") && u.host_str().is_some()).then(|| s.to_string())
}

/// The `displayUrl` of a link's JSON: `None` when absent or blank, the 400 when
/// it is not an absolute http(s) URL.
fn display_url(req: &Req, body: &Value) -> Result<Option<String>, Resp> {
    match body["displayUrl"].as_str().filter(|s| !s.trim().is_empty()) {
        None => Ok(None),
        Some(d) => web_url(d).map(Some).ok_or_else(|| {
            let invalid = "applinks.error.url.invalid: displayUrl must be an absolute http(s) URL.";
            status_error(req, 400, &[invalid])
        }),
    }
}

fn no_json(req: &Req) -> Resp {
    status_error(req, 400, &["The body must be a JSON application link."])
}

fn create(st: &mut State, ctx: &Ctx, req: &Req) -> Resp {
    let Some(body) = req.json_body() else {
        return no_json(req);
    };
    let Some(rpc_url) = body["rpcUrl"].as_str().and_then(web_url) else {
        let invalid = "applinks.error.url.invalid: rpcUrl must be an absolute http(s) URL.";
        return status_error(req, 400, &[invalid]);
    };
    let id = application_id(&rpc_url);
    if st.link(&id).is_some() {
        let duplicate =
            format!("applinks.error.duplicate.url: a link to {rpc_url} already exists.");
        return status_error(req, 400, &[&duplicate]);
    }
    let display_url = match display_url(req, &body) {
        Ok(display) => display.unwrap_or_else(|| rpc_url.clone()),
        Err(resp) => return resp,
    };
    let wanted = body["name"]
        .as_str()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let wanted = wanted.map(String::from).unwrap_or_else(|| {
        let url = url::Url::parse(&rpc_url).ok();
        url.and_then(|u| u.host_str().map(String::from))
            .unwrap_or_default()
    });
    // Jira silently renames a clash: "NAME - 2", "NAME - 3", ...
    let mut name = wanted.clone();
    let mut n = 2;
    while st.links.iter().any(|l| l.name == name) {
        name = format!("{wanted} - {n}");
        n += 1;
    }
    let type_id = body["typeId"].as_str().unwrap_or("generic").to_string();
    st.links.push(Link {
        id: id.clone(),
        name,
        rpc_url,
        display_url,
        type_id,
        consumer: None,
    });
    let href = format!("{}/rest/applinks/3.0/applicationlink/{id}", ctx.base);
    let body = json!({"resources-created": [{"href": href}], "status-code": 201});
    Resp::negotiated(req, 201, "status", &body).with_header("Location", href)
}

fn update(st: &mut State, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    let Some(body) = req.json_body() else {
        return no_json(req);
    };
    let Some(current) = st.link(id) else {
        return not_found(req, id);
    };
    if body["rpcUrl"]
        .as_str()
        .is_some_and(|rpc| application_id(rpc) != current.id)
    {
        let fixed = "applinks.error.rpcurl.cannot.change: the rpcUrl of a link cannot be \
                     changed; delete and recreate it.";
        return status_error(req, 400, &[fixed]);
    }
    let name = body["name"]
        .as_str()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if let Some(name) = name.filter(|n| st.links.iter().any(|l| l.id != id && l.name == *n)) {
        let taken = format!("applinks.error.duplicate.name: another link is called {name}.");
        return status_error(req, 400, &[&taken]);
    }
    let display = match display_url(req, &body) {
        Ok(display) => display,
        Err(resp) => return resp,
    };
    let Some(link) = st.link_mut(id) else {
        return not_found(req, id);
    };
    if let Some(name) = name {
        link.name = name.to_string();
    }
    if let Some(display) = display {
        link.display_url = display;
    }
    found(req, "applicationLink", &link_json(ctx, link))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Computed independently with Python: uuid.UUID(bytes=md5(url).digest(), version=3).
    #[test]
    fn ids_follow_java_name_uuid() {
        assert_eq!(
            application_id("https://example.jiraalign.com/"),
            "e81a394f-4f0c-3683-a3a7-00dbafea917a"
        );
        assert_eq!(
            application_id("http://align.test"),
            "965d4ed1-f941-3dda-a485-4743dccbc744"
        );
    }
}
