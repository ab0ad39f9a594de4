//! Jira connectors as Administration > Connectors > Jira Settings keeps them, and the
//! operator's clicks that stay inside Jira Align: create, Generate New Key, Save,
//! Manage Projects, Deactivate; plus the OAuth callback page Jira redirects to.

use super::http::{html_escape, Req, Resp};
use super::state::{AlignStandIn, Connector, ConnectorForm, ConnectorView, ProjectMapping, State};
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::RsaPrivateKey;
use std::sync::Arc;

/// Size of the key pair Generate New Key makes.
const KEY_BITS: usize = 2048;

/// The public key as Jira Align shows it: base64 of the SPKI DER in 64-character
/// lines (PEM's), without `-----BEGIN` and `-----END` lines.
pub(crate) fn shown_public_key(key: &RsaPrivateKey) -> String {
    let pem = key.to_public_key().to_public_key_pem(LineEnding::LF);
    let pem = pem.expect("an RSA public key encodes as SPKI");
    let lines: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    lines.join("\n")
}

impl AlignStandIn {
    /// Fills out and creates a Jira connector; returns its Connector ID. The stand-in's
    /// Service Light is always green (the service is activated).
    pub fn create_connector(&self, form: ConnectorForm) -> u32 {
        let mut st = self.state();
        // Connectors are never removed.
        let id = st.connectors.len() as u32 + 1;
        let shown = ConnectorView {
            id,
            name: form.name,
            jira_link: form.jira_link,
            jira_url: form.jira_api_url,
            auth: form.auth,
            consumer_key: form.consumer_key,
            username: form.username,
            public_key: None,
            authorized_account: None,
            token_expires_in: None,
            service_light: "green".into(),
            saved: false,
            active: false,
            projects: Vec::new(),
        };
        st.connectors.push(Connector {
            shown,
            secret: form.secret,
            private_key: None,
            pending: None,
            access_token: None,
        });
        id
    }

    /// Generate New Key: a fresh 2048-bit RSA pair, whose private half never leaves
    /// the stand-in. Returns the public key as the UI shows it (bare base64 of the
    /// SPKI DER, 64-character lines). A previous pair is replaced, so a token
    /// obtained with it stops working once Jira holds the new public key.
    ///
    /// Panics when no connector has this ID: the ID comes from `create_connector`.
    pub fn generate_key(&self, connector_id: u32) -> String {
        if let Err(none) = self.state().connector(connector_id) {
            panic!("{none}");
        }
        // Slow: made without holding the lock.
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), KEY_BITS)
            .expect("2048-bit RSA key generation succeeds");
        let shown = shown_public_key(&key);
        let mut st = self.state();
        let c = st
            .connector_mut(connector_id)
            .expect("connectors are never removed");
        c.private_key = Some(Arc::new(key));
        c.shown.public_key = Some(shown.clone());
        c.shown.saved = false;
        shown
    }

    /// Save: nothing is checked, as in the UI; the view shows it as saved.
    pub fn save_connector(&self, connector_id: u32) {
        if let Ok(c) = self.state().connector_mut(connector_id) {
            c.shown.saved = true;
        }
    }

    /// Changes the password (Basic) or personal access token (PAT) of a connector,
    /// as an operator does when it expired. Like the UI, this wants the connector
    /// deactivated first; Save and Activate again afterwards.
    pub fn update_secret(&self, connector_id: u32, secret: &str) -> Result<(), String> {
        let mut st = self.state();
        let c = st.connector_mut(connector_id)?;
        if c.shown.active {
            return Err("deactivate the connector before changing its authentication".into());
        }
        c.secret = Some(secret.to_string());
        c.shown.saved = false;
        Ok(())
    }

    /// Manage Projects: maps a Jira project to a program. The program must exist,
    /// and a program belongs to one connector only.
    pub fn map_project(
        &self,
        connector_id: u32,
        project_key: &str,
        program_id: u32,
    ) -> Result<(), String> {
        let mut st = self.state();
        let Some(program) = st.data().programs.iter().find(|p| p["id"] == program_id) else {
            return Err(format!("there is no program with ID {program_id}"));
        };
        let program_title = program["title"].as_str().unwrap_or_default().to_string();
        st.connector(connector_id)?;
        if let Some(other) = st.connectors.iter().find(|c| {
            c.shown.id != connector_id
                && c.shown.projects.iter().any(|m| m.program_id == program_id)
        }) {
            return Err(format!(
                "the program {program_title} (ID {program_id}) already belongs to connector {}",
                other.shown.id
            ));
        }
        let key = project_key.trim();
        if key.is_empty() {
            return Err("the Jira project key is empty".into());
        }
        let c = st
            .connector_mut(connector_id)
            .expect("checked above while holding the lock");
        c.shown
            .projects
            .retain(|m| !m.project_key.eq_ignore_ascii_case(key));
        c.shown.projects.push(ProjectMapping {
            project_key: key.to_string(),
            program_id,
        });
        Ok(())
    }

    /// Deactivate: syncing stops; authentication and mappings stay.
    pub fn deactivate(&self, connector_id: u32) {
        if let Ok(c) = self.state().connector_mut(connector_id) {
            c.shown.active = false;
        }
    }

    pub fn connector(&self, id: u32) -> Option<ConnectorView> {
        self.state().connector(id).ok().map(|c| c.shown.clone())
    }
}

/// `GET /oauth/callback?connector=ID&oauth_token=T&oauth_verifier=V`: where Jira
/// sends the browser after Allow (or Deny). Records the verifier on the connector
/// whose handshake is waiting for this token.
pub(crate) fn callback(st: &mut State, req: &Req) -> Resp {
    let page = |status: u16, text: &str| {
        let text = format!("<p id=\"oauth-callback\">{}</p>", html_escape(text));
        Resp::html(status, "Jira OAuth access", &text)
    };
    let id = req
        .query_param("connector")
        .and_then(|c| c.parse::<u32>().ok());
    let token = req.query_param("oauth_token");
    let verifier = req.query_param("oauth_verifier");
    let (Some(id), Some(token), Some(verifier)) = (id, token, verifier) else {
        return page(
            400,
            "This address is where Jira sends you back after you allow access; \
             connector, oauth_token and oauth_verifier are missing.",
        );
    };
    let c = match st.connector_mut(id) {
        Ok(c) => c,
        Err(none) => return page(404, &none),
    };
    match c.pending.as_mut() {
        Some(p) if p.request_token == token => {
            let denied = verifier == "denied";
            p.verifier = Some(verifier);
            let received = "Jira OAuth access received. Jira Align is completing the \
                            authorization; you may close this tab.";
            page(
                200,
                if denied {
                    "Access was denied in Jira. Close this tab."
                } else {
                    received
                },
            )
        }
        _ => page(
            400,
            "No Jira OAuth authorization is waiting for this token on this connector; \
             click Authorize Jira OAuth Access again.",
        ),
    }
}
