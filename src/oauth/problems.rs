//! The OAuth problem codes Jira sends (net.oauth's `OAuth.Problems`), with the HTTP
//! status each one travels with. Shared by the client, which explains them, and by
//! the Jira stand-in, which produces them.

/// Every `oauth_problem` value Jira documents, in the order of `jira-dc.md`.
pub const ALL: &[&str] = &[
    "version_rejected",
    "parameter_absent",
    "parameter_rejected",
    "timestamp_refused",
    "signature_method_rejected",
    "nonce_used",
    "token_used",
    "token_expired",
    "token_revoked",
    "token_rejected",
    "token_not_authorized",
    "signature_invalid",
    "consumer_key_unknown",
    "consumer_key_rejected",
    "additional_authorization_required",
    "permission_unknown",
    "permission_denied",
    "user_refused",
    "consumer_key_refused",
];

/// The HTTP status Jira answers a problem with; anything unknown is 403.
pub fn http_status(problem: &str) -> u16 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_table() {
        assert_eq!(http_status("timestamp_refused"), 400);
        assert_eq!(http_status("signature_invalid"), 401);
        assert_eq!(http_status("user_refused"), 503);
        assert_eq!(http_status("something_new"), 403);
        assert_eq!(ALL.len(), 19);
    }
}
