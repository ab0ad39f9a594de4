//! `align-link renew`: a new key pair under the same consumer key (or Jira Align's
//! new public key) on the link, then the handshake again and a signed call with
//! the new token; every check and consent before the first change.

use crate::config::RunConfig;
use crate::error::Result;

pub fn run(config: RunConfig) -> Result<i32> {
    crate::ops::renew::renew(config)
}
