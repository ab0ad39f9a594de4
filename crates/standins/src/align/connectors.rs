//! Jira connectors as Administration > Connectors > Jira Settings keeps them, and the
//! operator's clicks that stay inside Jira Align: create, Generate New Key, Save,
//! Manage Projects, Deactivate; plus the OAuth callback page Jira redirects to.

use super::http::{html_escape, Req, Resp};
use super::{AlignStandIn, ConnectorForm, ConnectorView, ProjectMapping, State};
use base64::Engine;
use rsa::pkcs8::EncodePublicKey;
use rsa::RsaPrivateKey;
use std::sync::Arc;

/// Width of the lines of the public key Jira Align shows.
const KEY_LINE: usize = 64;
/// Size of the key pair Generate New Key makes.
const KEY_BITS: usize = 2048;

/// An OAuth handshake in flight: the request token, and what the callback brought.
pub(crate) struct Pending {
    pub request_token: String,
    /// `Some("denied")` when the user clicked Deny.
    pub verifier: Option<String>,
}

pub(crate) struct Connector {
    pub id: u32,
    pub form: ConnectorForm,
    pub private_key: Option<Arc<RsaPrivateKey>>,
    /// The public key as shown in the UI (bare base64, 64-character lines).
    pub public_key: Option<String>,
    pub pending: Option<Pending>,
    pub access_token: Option<String>,
    pub authorized_account: Option<String>,
    pub token_expires_in: Option<u64>,
    pub saved: bool,
    pub active: bool,
    pub projects: Vec<ProjectMapping>,
}

impl Connector {
    pub fn view(&self) -> ConnectorView {
        ConnectorView {
            id: self.id,
            name: self.form.name.clone(),
            jira_link: self.form.jira_link.clone(),
            jira_url: self.form.jira_api_url.clone(),
            auth: self.form.auth,
            consumer_key: self.form.consumer_key.clone(),
            username: self.form.username.clone(),
            public_key: self.public_key.clone(),
            authorized_account: self.authorized_account.clone(),
            token_expires_in: self.token_expires_in,
            service_light: "green".into(),
            saved: self.saved,
            active: self.active,
            projects: self.projects.clone(),
        }
    }
}

impl State {
    pub fn connector(&self, id: u32) -> Option<&Connector> {
        self.connectors.iter().find(|c| c.id == id)
    }

    pub fn connector_mut(&mut self, id: u32) -> Option<&mut Connector> {
        self.connectors.iter_mut().find(|c| c.id == id)
    }
}

/// The public key as Jira Align shows it: base64 of the SPKI DER in 64-character
/// lines, without `-----BEGIN` and `-----END` lines.
pub(crate) fn shown_public_key(key: &RsaPrivateKey) -> String {
    let der = key
        .to_public_key()
        .to_public_key_der()
        .expect("an RSA public key encodes as SPKI");
    let der = der.as_bytes();
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    b64.as_bytes()
        .chunks(KEY_LINE)
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn no_connector(id: u32) -> String {
    format!("there is no Jira connector with Connector ID {id}")
}

impl AlignStandIn {
    /// Fills out and creates a Jira connector; returns its Connector ID. The stand-in's
    /// Service Light is always green (the service is activated).
    pub fn create_connector(&self, form: ConnectorForm) -> u32 {
        let mut st = self.state();
        let id = st.next_connector_id;
        st.next_connector_id += 1;
        st.connectors.push(Connector {
            id,
            form,
            private_key: None,
            public_key: None,
            pending: None,
            access_token: None,
            authorized_account: None,
            token_expires_in: None,
            saved: false,
            active: false,
            projects: Vec::new(),
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
        assert!(
            self.state().connector(connector_id).is_some(),
            "{}",
            no_connector(connector_id)
        );
        // Slow: made without holding the lock.
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), KEY_BITS)
            .expect("2048-bit RSA key generation succeeds");
        let shown = shown_public_key(&key);
        let mut st = self.state();
        let c = st
            .connector_mut(connector_id)
            .expect("connectors are never removed");
        c.private_key = Some(Arc::new(key));
        c.public_key = Some(shown.clone());
        c.saved = false;
        shown
    }

    /// Save: nothing is checked, as in the UI; the view shows it as saved.
    pub fn save_connector(&self, connector_id: u32) {
        if let Some(c) = self.state().connector_mut(connector_id) {
            c.saved = true;
        }
    }

    /// Changes the password (Basic) or personal access token (PAT) of a connector,
    /// as an operator does when it expired. Like the UI, this wants the connector
    /// deactivated first; Save and Activate again afterwards.
    pub fn update_secret(&self, connector_id: u32, secret: &str) -> Result<(), String> {
        let mut st = self.state();
        let c = st
            .connector_mut(connector_id)
            .ok_or_else(|| no_connector(connector_id))?;
        if c.active {
            return Err("deactivate the connector before changing its authentication".into());
        }
        c.form.secret = Some(secret.to_string());
        c.saved = false;
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
        let Some(program) = st.data.programs.iter().find(|p| p.id == program_id) else {
            return Err(format!("there is no program with ID {program_id}"));
        };
        let program_title = program.title;
        if st.connector(connector_id).is_none() {
            return Err(no_connector(connector_id));
        }
        if let Some(other) = st
            .connectors
            .iter()
            .find(|c| c.id != connector_id && c.projects.iter().any(|m| m.program_id == program_id))
        {
            return Err(format!(
                "the program {program_title} (ID {program_id}) already belongs to connector {}",
                other.id
            ));
        }
        let key = project_key.trim();
        if key.is_empty() {
            return Err("the Jira project key is empty".into());
        }
        let c = st
            .connector_mut(connector_id)
            .expect("checked above while holding the lock");
        c.projects
            .retain(|m| !m.project_key.eq_ignore_ascii_case(key));
        c.projects.push(ProjectMapping {
            project_key: key.to_string(),
            program_id,
        });
        Ok(())
    }

    /// Deactivate: syncing stops; authentication and mappings stay.
    pub fn deactivate(&self, connector_id: u32) {
        if let Some(c) = self.state().connector_mut(connector_id) {
            c.active = false;
        }
    }

    pub fn connector(&self, id: u32) -> Option<ConnectorView> {
        self.state().connector(id).map(Connector::view)
    }

    pub fn connectors(&self) -> Vec<ConnectorView> {
        self.state()
            .connectors
            .iter()
            .map(Connector::view)
            .collect()
    }
}

/// `GET /oauth/callback?connector=ID&oauth_token=T&oauth_verifier=V`: where Jira
/// sends the browser after Allow (or Deny). Records the verifier on the connector
/// whose handshake is waiting for this token.
pub(crate) fn callback(st: &mut State, req: &Req) -> Resp {
    let page = |status: u16, text: &str| {
        Resp::html(
            status,
            "Jira OAuth access",
            &format!("<p id=\"oauth-callback\">{}</p>", html_escape(text)),
        )
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
    let Some(c) = st.connector_mut(id) else {
        return page(404, &no_connector(id));
    };
    match c.pending.as_mut() {
        Some(p) if p.request_token == token => {
            let denied = verifier == "denied";
            p.verifier = Some(verifier);
            if denied {
                page(200, "Access was denied in Jira. Close this tab.")
            } else {
                page(
                    200,
                    "Jira OAuth access received. Jira Align is completing the authorization; \
                     you may close this tab.",
                )
            }
        }
        _ => page(
            400,
            "No Jira OAuth authorization is waiting for this token on this connector; \
             click Authorize Jira OAuth Access again.",
        ),
    }
}
