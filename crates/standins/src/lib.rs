//! Local stand-ins for the far ends of align-link, served on loopback: a Jira Data
//! Center (REST checks, application links, the OAuth 1.0a RSA-SHA1 service provider)
//! and a Jira Align (REST API 2.0 and the connector's clicks). They are real HTTP
//! servers that behave as the real products do, and share no code with the client
//! they test: the Jira Align stand-in signs its calls to Jira with its own OAuth code.

pub mod align;
pub mod demo_sync;
mod http;
pub mod jira;
mod server;
mod time;
