//! Jira's OAuth 1.0a handshake (RSA-SHA1), apart from the screens: each [`Leg`] is
//! reported as it completes, so steps 17 to 20 are recorded one by one.

mod approve;
pub(in crate::jira) mod login;
pub mod page;

use reqwest::Method;
use url::Url;

use super::{endpoint, expect_success};
use crate::error::{AppError, Result};
use crate::http::{Auth, ClientError, Http, Request};
use crate::oauth::{parse_token_response, OAuthExtras, ProblemContext, Signer, TokenResponse};

pub use approve::ServiceAccountApproval;
pub use login::Session;

pub const AUTHORIZE_PATH: &str = "plugins/servlet/oauth/authorize";

pub struct Provider<'a> {
    pub http: &'a Http,
    pub base: &'a Url,
    pub signer: &'a Signer,
    pub problem_context: ProblemContext,
}

impl Provider<'_> {
    /// Leg 1: POST, with `oauth_callback` (a loopback URL, or `oob`).
    pub fn request_token(&self, callback: &str) -> Result<TokenResponse> {
        let extras = OAuthExtras {
            callback: Some(callback.to_string()),
            ..OAuthExtras::default()
        };
        let path = "plugins/servlet/oauth/request-token";
        self.token_call(path, extras, "getting a request token")
    }

    pub fn authorize_url(&self, request_token: &str) -> Url {
        let mut url = endpoint(self.base, AUTHORIZE_PATH);
        url.query_pairs_mut()
            .append_pair("oauth_token", request_token);
        url
    }

    /// Leg 3: POST, trading the approved request token and its verifier.
    pub fn access_token(&self, request_token: &str, verifier: &str) -> Result<TokenResponse> {
        let extras = OAuthExtras {
            token: Some(request_token.to_string()),
            verifier: Some(crate::domain::Secret::new(verifier)),
            ..OAuthExtras::default()
        };
        let what = "exchanging the request token for an access token";
        self.token_call("plugins/servlet/oauth/access-token", extras, what)
    }

    fn token_call(&self, path: &str, extras: OAuthExtras, what: &str) -> Result<TokenResponse> {
        let request = Request {
            accept_json: false,
            ..Request::new(Method::POST, endpoint(self.base, path))
                .auth(Auth::OAuth(self.signer, extras))
        };
        let response =
            expect_success(self.http.send(&request)?, what, Some(&self.problem_context))?;
        parse_token_response(&response.body).map_err(|err| {
            let mut err = ClientError::from(err).context(what);
            if let ClientError::OAuth(failure) = &mut err {
                failure.context = self.problem_context.clone();
            }
            err.into()
        })
    }
}

#[derive(Debug)]
pub enum Leg<'a> {
    RequestToken {
        authorize_url: &'a Url,
        /// False when a callback was sent but Jira answered as OAuth 1.0.
        callback_confirmed: bool,
        out_of_band: bool,
    },
    Approved,
    AccessToken(&'a TokenResponse),
}

/// Leg 2: scripted as the service account, in a browser, or a person typing the code.
pub trait Approver {
    /// The `oauth_callback` to send; None for out of band (`oob`).
    fn callback(&self) -> Option<String>;
    /// Done beside leg 1 (the service account's login).
    fn prepare(&mut self) -> Result<()> {
        Ok(())
    }
    fn approve(&mut self, request_token: &str, authorize_url: &Url) -> Result<String>;
}

pub struct Started {
    pub request: TokenResponse,
    /// None: out of band (`oob`).
    pub callback: Option<String>,
}

/// An error from `on_leg` stops the handshake.
pub fn run(
    provider: &Provider,
    approver: &mut dyn Approver,
    on_leg: &mut dyn FnMut(Leg<'_>) -> Result<()>,
) -> Result<TokenResponse> {
    let started = start(provider, approver)?;
    finish(provider, approver, started, on_leg)
}

/// Leg 1 and the approver's preparation, in one round trip; leg 1's failure comes first.
pub fn start(provider: &Provider, approver: &mut dyn Approver) -> Result<Started> {
    let callback = approver.callback();
    let (request, prepared) = std::thread::scope(|s| {
        let request = s.spawn(|| provider.request_token(callback.as_deref().unwrap_or("oob")));
        let prepared = approver.prepare();
        let request = request
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (request, prepared)
    });
    let request = request?;
    prepared?;
    Ok(Started { request, callback })
}

/// Legs 2 and 3, after `start` by the same approver.
pub fn finish(
    provider: &Provider,
    approver: &mut dyn Approver,
    started: Started,
    on_leg: &mut dyn FnMut(Leg<'_>) -> Result<()>,
) -> Result<TokenResponse> {
    let Started { request, callback } = started;
    let authorize_url = provider.authorize_url(&request.token);
    on_leg(Leg::RequestToken {
        authorize_url: &authorize_url,
        callback_confirmed: request.callback_confirmed || callback.is_none(),
        out_of_band: callback.is_none(),
    })?;
    let verifier = approver.approve(&request.token, &authorize_url)?;
    let verifier = verifier.trim();
    if verifier.is_empty() {
        return Err(AppError::failed("the approval gave an empty verifier")
            .hint("Rerun step 17 and approve again."));
    }
    on_leg(Leg::Approved)?;
    let access = provider.access_token(&request.token, verifier)?;
    on_leg(Leg::AccessToken(&access))?;
    Ok(access)
}

#[cfg(test)]
mod fake_jira_tests;
#[cfg(test)]
mod tests;
