//! REST API 2.0 under `/rest/align/api/2/`: authentication (API 2.0 bearer token,
//! or Basic `email:API token`), read-only collections as bare JSON arrays of at most
//! 100 items (`$top`, `$skip`, `$filter` on Features), single items, and 404 with
//! an empty body for any route it does not know.

use super::data::{seeded_user, Data, DEMO_USER_EMAIL};
use super::http::{Req, Resp};
use super::state::{lock, Shared, State};
use base64::Engine;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

pub(crate) const API_PREFIX: &str = "/rest/align/api/2/";
/// Largest page the API returns, whatever `$top` asks for.
pub const MAX_PAGE: usize = 100;

/// Answers one request under `/rest/align/api/`.
pub(crate) fn route(shared: &Shared, req: &Req) -> Resp {
    let mut st = lock(shared);
    if let Some(resp) = rate_limited(&mut st, shared.retry_after_secs) {
        return resp;
    }
    let owner = match authenticate(&shared.api_token, req) {
        Ok(owner) => owner,
        Err(resp) => return resp,
    };
    let Some(rest) = req.path.strip_prefix(API_PREFIX) else {
        // API 1.0 (removed in 10.130.0) and anything else under /rest/align/api/.
        return Resp::empty(404);
    };
    let rest = rest.to_ascii_lowercase();
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let known = match segs.as_slice() {
        // The names alone: an empty table answers without seeding the data.
        [resource] | [resource, _] => Data::default().collection(resource).is_some(),
        _ => false,
    };
    if !known {
        return Resp::empty(404);
    }
    if req.method != "GET" {
        return Resp::empty(405).with_header("Allow", "GET");
    }
    match segs.as_slice() {
        ["users", "current"] => match seeded_user(owner) {
            Some(u) => Resp::json(200, &u),
            None => unauthorized("The token's owner no longer exists."),
        },
        [resource] => collection(st.data(), resource, req),
        [resource, id] => {
            let data = st.data();
            let found = id.parse::<u64>().ok().and_then(|id| {
                let items = data.collection(resource)?;
                items.iter().find(|item| item["id"] == id)
            });
            found.map_or_else(|| Resp::empty(404), |item| Resp::json(200, item))
        }
        _ => Resp::empty(404),
    }
}

/// Every n-th API request is refused while the knob is on, and so is any request
/// before the announced `Retry-After` has passed.
fn rate_limited(st: &mut State, wait: u64) -> Option<Resp> {
    let refusal = || {
        let message = format!("Too many requests. Retry after {wait} second(s).");
        Resp::json(429, &json!({"status": 429, "message": message}))
            .with_header("Retry-After", wait.to_string())
    };
    let now = Instant::now();
    if st.limited_until.is_some_and(|until| now < until) {
        st.early_retries += 1;
        return Some(refusal());
    }
    st.api_requests += 1;
    let every = u64::from(st.rate_limit_every);
    (every > 0 && st.api_requests % every == 0).then(|| {
        st.limited_until = Some(now + Duration::from_secs(wait));
        refusal()
    })
}

fn unauthorized(message: &str) -> Resp {
    Resp::json(401, &json!({"status": 401, "message": message}))
        .with_header("WWW-Authenticate", "Bearer")
}

/// The id of the user an API 2.0 token `user:ID|secret` belongs to.
pub(crate) fn token_owner(token: &str) -> Option<u32> {
    token.strip_prefix("user:")?.split('|').next()?.parse().ok()
}

/// Compares without leaking how much of the secret matched through timing.
fn same_secret(a: &str, b: &str) -> bool {
    let pairs = a.bytes().zip(b.bytes());
    a.len() == b.len() && pairs.fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The id of the calling user, or the 401 to answer. Nothing of the credentials is
/// ever echoed back.
fn authenticate(api_token: &str, req: &Req) -> Result<u32, Resp> {
    let owner = token_owner(api_token).unwrap_or(1);
    let Some(auth) = req.header("Authorization").map(str::trim) else {
        return Err(unauthorized(
            "Authentication required: send Authorization: Bearer <API 2.0 token>.",
        ));
    };
    let (scheme, value) = auth.split_once(' ').unwrap_or((auth, ""));
    let value = value.trim();
    match scheme.to_ascii_lowercase().as_str() {
        "bearer" => {
            if !value.starts_with("user:") {
                return Err(unauthorized(
                    "This is not an API 2.0 token (they start with user:). API 1.0 keys \
                     no longer work: generate an API token on your profile page.",
                ));
            }
            if same_secret(value, api_token) {
                Ok(owner)
            } else {
                Err(unauthorized("The API token is not valid."))
            }
        }
        "basic" => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(value)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_default();
            let (user, secret) = decoded.split_once(':').unwrap_or((&decoded, ""));
            if !user.contains('@') {
                return Err(unauthorized(
                    "Basic authentication takes your email address and an API token; \
                     API 1.0 user names and keys no longer work.",
                ));
            }
            if user.eq_ignore_ascii_case(DEMO_USER_EMAIL) && same_secret(secret, api_token) {
                Ok(owner)
            } else {
                Err(unauthorized("The email address or API token is not valid."))
            }
        }
        _ => Err(unauthorized(
            "Unsupported authentication scheme: use Bearer with an API 2.0 token.",
        )),
    }
}

/// A non-negative whole number option such as `$top`, or the 400 to answer.
fn number_option(req: &Req, name: &str) -> Result<Option<usize>, Resp> {
    match req.query_param(name) {
        None => Ok(None),
        Some(v) => v.trim().parse::<usize>().map(Some).map_err(|_| {
            let wrong = format!("The query option {name} must be a non-negative whole number.");
            Resp::text(400, &wrong)
        }),
    }
}

/// The key of `jiraProjectKey eq 'KEY'`, the one filter the stand-in understands.
pub(crate) fn project_key_filter(filter: &str) -> Option<String> {
    let mut words = filter.trim().splitn(3, char::is_whitespace);
    let (field, op, value) = (words.next()?, words.next()?, words.next()?.trim());
    if !field.eq_ignore_ascii_case("jiraProjectKey") || !op.eq_ignore_ascii_case("eq") {
        return None;
    }
    let inner = value.strip_prefix('\'')?.strip_suffix('\'')?;
    if inner.contains('\'') {
        return None;
    }
    Some(inner.to_string())
}

fn collection(data: &Data, resource: &str, req: &Req) -> Resp {
    let (skip, top) = match (number_option(req, "$skip"), number_option(req, "$top")) {
        (Ok(skip), Ok(top)) => (skip.unwrap_or(0), top.unwrap_or(MAX_PAGE).min(MAX_PAGE)),
        (Err(resp), _) | (_, Err(resp)) => return resp,
    };
    let filter = req.query_param("$filter").filter(|f| !f.trim().is_empty());
    let project_key = match (&filter, resource) {
        (None, _) => None,
        (Some(f), "features") => match project_key_filter(f) {
            Some(key) => Some(key),
            None => return filter_refused(),
        },
        (Some(_), _) => return filter_refused(),
    };
    let Some(items) = data.collection(resource) else {
        return Resp::empty(404);
    };
    let matching = items.iter().filter(|item| {
        project_key
            .as_deref()
            .is_none_or(|key| item["jiraProjectKey"] == key)
    });
    let page: Vec<Value> = matching.skip(skip).take(top).cloned().collect();
    Resp::json(200, &Value::Array(page))
}

fn filter_refused() -> Resp {
    Resp::text(
        400,
        "Invalid $filter: the stand-in supports only jiraProjectKey eq 'KEY' on Features.",
    )
}

#[cfg(test)]
mod tests {
    use super::{project_key_filter, token_owner};

    #[test]
    fn filters_and_token_owners() {
        assert_eq!(
            project_key_filter("jiraProjectKey eq 'ALIGN'").as_deref(),
            Some("ALIGN")
        );
        assert_eq!(
            project_key_filter("  JIRAPROJECTKEY EQ 'A B'").as_deref(),
            Some("A B")
        );
        assert_eq!(project_key_filter("jiraProjectKey ne 'ALIGN'"), None);
        assert_eq!(project_key_filter("jiraProjectKey eq ALIGN"), None);
        assert_eq!(project_key_filter("title eq 'x'"), None);
        assert_eq!(token_owner("user:1|abc"), Some(1));
        assert_eq!(token_owner("user:42|a|b"), Some(42));
        assert_eq!(token_owner("abc"), None);
    }
}
