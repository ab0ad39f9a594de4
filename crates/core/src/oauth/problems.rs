//! The OAuth problem codes Jira sends (net.oauth's `OAuth.Problems`), with the HTTP
//! status each one travels with and what each means (the fix for each is the
//! CLI's to say: `error::hints`).

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

/// A short phrase saying what the problem code means.
pub fn meaning(code: &str) -> &'static str {
    match code {
        "version_rejected" => "Jira does not accept the OAuth version that was sent",
        "parameter_absent" => "a required OAuth parameter was missing",
        "parameter_rejected" => "Jira did not accept one of the OAuth parameters",
        "timestamp_refused" => "the request's timestamp is outside the window Jira accepts",
        "signature_method_rejected" => "Jira does not accept the signature method",
        "nonce_used" => "the nonce was used before",
        "token_used" => "the token was used before",
        "token_expired" => "the token has expired",
        "token_revoked" => "the token was revoked",
        "token_rejected" => "Jira does not accept the token",
        "token_not_authorized" => "the token is not authorized for this call",
        "signature_invalid" => "the signature does not match what Jira computed",
        "consumer_key_unknown" => "Jira has no consumer with that consumer key",
        "consumer_key_rejected" => "Jira rejected the consumer",
        "additional_authorization_required" => "the call needs a user's access token",
        "permission_unknown" => "the request token has not been approved yet",
        "permission_denied" => "access was denied when the request token was shown for approval",
        "user_refused" => "Jira refused the user behind the token",
        "consumer_key_refused" => "Jira refuses this consumer",
        _ => "a problem align-link does not know",
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
