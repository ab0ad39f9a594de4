//! OAuth 1.0a with RSA-SHA1, client side: signing requests, reading Jira's
//! answers and explaining the problems it reports.

pub mod problems;
pub mod proxy;
pub mod response;
pub mod sign;

pub use response::{
    parse_token_response, OAuthProblem, ProblemContext, TokenAnswerError, TokenResponse,
};
pub use sign::{normalize_base_uri, oauth_encode, OAuthExtras, SignedRequest, Signer};

#[cfg(test)]
mod problem_tests;
#[cfg(test)]
mod tests;
