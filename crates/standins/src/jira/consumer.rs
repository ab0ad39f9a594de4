//! The incoming OAuth consumer of a link
//! (`/rest/applinks-oauth/1.0/applicationlink/{id}/authentication/consumer`): the
//! consumer key and RSA public key Jira trusts for signed requests. As in
//! `OAuthApplicationLinkResource`: GET and PUT only (WebSudo, administrators);
//! for a generic link only `key` and `publicKey` are read (the 2-legged fields are
//! ignored); its refusals are translated text, not i18n keys.

use super::applinks::{not_found, require_admin, status_error, web_url};
use super::http::{Ctx, Req, Resp};
use super::state::{Consumer, State};
use base64::Engine;
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey};
use serde_json::json;

pub(crate) const PREFIX: &str = "/rest/applinks-oauth/1.0/applicationlink/";

/// `rest` is the path after [`PREFIX`].
pub(crate) fn route(st: &mut State, ctx: &Ctx, req: &Req, rest: &str) -> Resp {
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let [id, "authentication", "consumer"] = segs.as_slice() else {
        return status_error(req, 404, &["No such applinks-oauth resource."]);
    };
    if let Err(resp) = require_admin(st, ctx, req) {
        return resp;
    }
    match req.method.as_str() {
        "PUT" => put_consumer(st, req, id),
        "GET" => get_consumer(st, req, id),
        _ => Resp::empty(405),
    }
}

/// The DER SubjectPublicKeyInfo of a pasted key, the way Jira reads it: `-----...-----`
/// markers and whitespace removed, base64-decoded, parsed as X.509. PKCS#1 keys and
/// anything else fail.
pub(crate) fn parse_public_key(text: &str) -> Option<Vec<u8>> {
    let mut s = text.to_string();
    while let Some(start) = s.find("-----") {
        let end = s[start + 5..].find("-----").map(|e| start + 5 + e + 5)?;
        s.replace_range(start..end, " ");
    }
    let b64: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let padded = base64::engine::general_purpose::STANDARD.decode(&b64);
    let bare = base64::engine::general_purpose::STANDARD_NO_PAD.decode(b64.trim_end_matches('='));
    let der = padded.or(bare).ok()?;
    let key = rsa::RsaPublicKey::from_public_key_der(&der).ok()?;
    Some(key.to_public_key_der().ok()?.as_bytes().to_vec())
}

fn put_consumer(st: &mut State, req: &Req, id: &str) -> Resp {
    let Some(link_name) = st.link(id).map(|l| l.name.clone()) else {
        return not_found(req, id);
    };
    let Some(body) = req.json_body() else {
        return status_error(req, 400, &["The body must be a JSON consumer."]);
    };
    let text = |k: &str| {
        body[k]
            .as_str()
            .filter(|s| !s.trim().is_empty())
            .map(String::from)
    };
    let generic = st.link(id).is_some_and(|l| l.type_id == "generic");
    let required = [
        ("key", "The consumer key is required."),
        ("name", "The consumer name is required."),
        ("publicKey", "The public key is required."),
    ];
    let missing: Vec<&str> = required
        .iter()
        .filter(|(k, _)| text(k).is_none() && !(generic && *k == "name"))
        .map(|(_, message)| *message)
        .collect();
    if !missing.is_empty() {
        return status_error(req, 400, &missing);
    }
    let (key, pem) = (
        text("key").unwrap_or_default(),
        text("publicKey").unwrap_or_default(),
    );
    let Some(public_key_der) = parse_public_key(&pem) else {
        let invalid =
            format!("The public key of the consumer of application link {id} is not valid.");
        return status_error(req, 400, &[&invalid]);
    };
    let callback = text("callback");
    if callback.as_deref().is_some_and(|c| web_url(c).is_none()) {
        return status_error(req, 400, &["The callback must be an absolute http(s) URL."]);
    }
    // Consumers are stored by key: the same key elsewhere moves to this link.
    for l in st.links.iter_mut() {
        if l.consumer.as_ref().is_some_and(|c| c.key == key) {
            l.consumer = None;
        }
    }
    let consumer = Consumer {
        name: text("name").unwrap_or(link_name),
        description: text("description").unwrap_or_default(),
        key,
        public_key_der,
        callback,
        two_lo_allowed: !generic && body["twoLOAllowed"].as_bool().unwrap_or(false),
        executing_two_lo_user: text("executingTwoLOUser").filter(|_| !generic),
    };
    if let Some(link) = st.link_mut(id) {
        link.consumer = Some(consumer);
    }
    Resp::empty(201)
}

fn get_consumer(st: &State, req: &Req, id: &str) -> Resp {
    let Some(link) = st.link(id) else {
        return not_found(req, id);
    };
    let Some(c) = &link.consumer else {
        let none = "No incoming OAuth consumer is configured on this link.";
        return status_error(req, 404, &[none]);
    };
    let body = json!({"consumers": [{
        "key": c.key,
        "name": c.name,
        "description": c.description,
        "publicKey": base64::engine::general_purpose::STANDARD.encode(&c.public_key_der),
        "callback": c.callback,
        "signatureMethod": "RSA_SHA1",
        "twoLOAllowed": c.two_lo_allowed,
        "executingTwoLOUser": c.executing_two_lo_user,
        "twoLOImpersonationAllowed": false,
        "outgoing": false,
    }]});
    Resp::negotiated(req, 200, "consumers", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_keys_are_refused() {
        assert!(parse_public_key("hello").is_none());
        assert!(
            parse_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
                .is_none()
        );
    }
}
