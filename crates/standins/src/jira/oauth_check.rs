//! Checking an OAuth-signed request the way Jira's service provider does (net.oauth's
//! validator order: single parameters, version, required parameters, signature
//! method, timestamp, nonce, consumer, signature), and the error answers it sends.

use super::http::{form_pairs, Req, Resp};
use super::signature::{
    normalise_base_uri, parse_oauth_header, percent_encode, signature_base_string, verify_rsa_sha1,
};
use super::state::State;
use super::Ctx;
use std::collections::HashSet;

/// Seconds a request timestamp may differ from the stand-in's clock.
pub(crate) const TIMESTAMP_WINDOW: i64 = 300;

/// The HTTP status Jira answers an OAuth problem with.
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

/// An OAuth error answer: status from the problem, `WWW-Authenticate` naming it, and
/// a form-encoded `oauth_problem=...` body with any extra fields.
pub(crate) fn problem(ctx: &Ctx, code: &str, extra: &[(&str, String)]) -> Resp {
    let mut body = format!("oauth_problem={}", percent_encode(code));
    for (k, v) in extra {
        body.push_str(&format!("&{}={}", percent_encode(k), percent_encode(v)));
    }
    Resp::new(problem_status(code), "text/plain;charset=UTF-8", body).with_header(
        "WWW-Authenticate",
        format!("OAuth realm=\"{}\", oauth_problem=\"{code}\"", ctx.base),
    )
}

/// A request whose signature checked out.
pub(crate) struct Signed {
    pub consumer_key: String,
    pub token: Option<String>,
    pub params: Vec<(String, String)>,
}

impl Signed {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every parameter of the request: the OAuth header, the query and a form body.
fn collect_params(req: &Req) -> Vec<(String, String)> {
    let mut params = req
        .header("Authorization")
        .and_then(parse_oauth_header)
        .unwrap_or_default();
    params.extend(req.query_pairs());
    if req.is_form() {
        params.extend(form_pairs(&req.body));
    }
    params
}

pub(crate) fn validate(st: &mut State, ctx: &Ctx, req: &Req) -> Result<Signed, Resp> {
    let params = collect_params(req);
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let mut seen = HashSet::new();
    for (k, _) in &params {
        if k.starts_with("oauth_") && !seen.insert(k.as_str()) {
            return Err(problem(
                ctx,
                "parameter_rejected",
                &[("oauth_parameters_rejected", k.clone())],
            ));
        }
    }
    if let Some(v) = get("oauth_version") {
        if v != "1.0" {
            return Err(problem(
                ctx,
                "version_rejected",
                &[("oauth_acceptable_versions", "1.0-1.0".into())],
            ));
        }
    }
    let required = [
        "oauth_consumer_key",
        "oauth_signature_method",
        "oauth_signature",
        "oauth_timestamp",
        "oauth_nonce",
    ];
    let absent: Vec<&str> = required.into_iter().filter(|n| get(n).is_none()).collect();
    if !absent.is_empty() {
        return Err(problem(
            ctx,
            "parameter_absent",
            &[("oauth_parameters_absent", absent.join("&"))],
        ));
    }
    let (consumer_key, method, signature, nonce) = (
        get("oauth_consumer_key").unwrap_or_default().to_string(),
        get("oauth_signature_method").unwrap_or_default(),
        get("oauth_signature").unwrap_or_default(),
        get("oauth_nonce").unwrap_or_default(),
    );
    if method != "RSA-SHA1" {
        return Err(problem(
            ctx,
            "signature_method_rejected",
            &[("oauth_acceptable_signature_methods", "RSA-SHA1".into())],
        ));
    }
    let Ok(timestamp) = get("oauth_timestamp").unwrap_or_default().parse::<i64>() else {
        return Err(problem(
            ctx,
            "parameter_rejected",
            &[("oauth_parameters_rejected", "oauth_timestamp".into())],
        ));
    };
    if (timestamp - ctx.now).abs() > TIMESTAMP_WINDOW {
        let range = format!(
            "{}-{}",
            ctx.now - TIMESTAMP_WINDOW,
            ctx.now + TIMESTAMP_WINDOW
        );
        return Err(problem(
            ctx,
            "timestamp_refused",
            &[("oauth_acceptable_timestamps", range)],
        ));
    }
    if !st.use_nonce(&consumer_key, timestamp, nonce, ctx.now) {
        return Err(problem(ctx, "nonce_used", &[]));
    }
    let Some((_, consumer)) = st.consumer(&consumer_key) else {
        return Err(problem(ctx, "consumer_key_unknown", &[]));
    };
    if st.rejected_consumers.contains(&consumer_key) {
        return Err(problem(ctx, "consumer_key_rejected", &[]));
    }
    if st.refused_consumers.contains(&consumer_key) {
        return Err(problem(ctx, "consumer_key_refused", &[]));
    }
    // Jira rebuilds the URL from the base URL it believes in, not from the request.
    let uri = normalise_base_uri(&ctx.base, &req.path);
    let base_string = signature_base_string(&req.method, &uri, &params);
    if !verify_rsa_sha1(&consumer.public_key_der, &base_string, signature) {
        return Err(problem(
            ctx,
            "signature_invalid",
            &[
                ("oauth_signature", signature.to_string()),
                ("oauth_signature_base_string", base_string),
                ("oauth_signature_method", "RSA-SHA1".into()),
            ],
        ));
    }
    let token = get("oauth_token").map(String::from);
    Ok(Signed {
        consumer_key,
        token,
        params,
    })
}

/// The user a signed REST call acts as (`None`: anonymous 2-legged call).
pub(crate) fn signed_rest_user(
    st: &mut State,
    ctx: &Ctx,
    req: &Req,
) -> Result<Option<String>, Resp> {
    let signed = validate(st, ctx, req)?;
    let Some(token) = signed.token else {
        // 2-legged OAuth only when the link allows it, acting as its chosen user.
        let (_, consumer) = st
            .consumer(&signed.consumer_key)
            .ok_or_else(|| problem(ctx, "consumer_key_unknown", &[]))?;
        if !consumer.two_lo_allowed {
            return Err(problem(ctx, "additional_authorization_required", &[]));
        }
        let user = consumer.executing_two_lo_user.clone();
        if user.as_deref().is_some_and(|u| !st.user_active(u)) {
            return Err(problem(ctx, "user_refused", &[]));
        }
        return Ok(user);
    };
    if let Some(at) = st.access_tokens.iter().find(|a| a.token == token) {
        if at.consumer_key != signed.consumer_key {
            return Err(problem(ctx, "token_rejected", &[]));
        }
        if at.revoked {
            return Err(problem(ctx, "token_revoked", &[]));
        }
        if !st.user_active(&at.username) {
            return Err(problem(ctx, "user_refused", &[]));
        }
        return Ok(Some(at.username.clone()));
    }
    match st.request_tokens.get(&token) {
        Some(rt) if !rt.exchanged => Err(problem(ctx, "token_not_authorized", &[])),
        _ => Err(problem(ctx, "token_rejected", &[])),
    }
}
