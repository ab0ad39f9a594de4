//! The operator's story, with the Jira Align stand-in and a real Jira stand-in side
//! by side: connector, key, application link, OAuth handshake, project mapping,
//! activation and sync; and the same with a PAT and with Basic credentials.

use super::support::*;
use align_link_standins::align::{AlignStandIn, ConnectorAuth, ConnectorForm};
use align_link_standins::jira::JiraStandIn;
use base64::Engine;
use rsa::pkcs8::DecodePublicKey;

fn oauth_form(j: &JiraStandIn) -> ConnectorForm {
    ConnectorForm {
        consumer_key: Some(CONSUMER.into()),
        ..form(j, ConnectorAuth::OAuth)
    }
}

fn assert_align_features(a: &AlignStandIn, program_id: u32) {
    let synced = features_of(a, "ALIGN");
    let keys: Vec<&str> = synced
        .iter()
        .map(|f| f["externalKey"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["ALIGN-1", "ALIGN-2", "ALIGN-3"]);
    assert_eq!(synced[0]["title"], "Set up the connector");
    assert!(synced.iter().all(|f| f["programId"] == program_id));
    assert!(synced.iter().all(|f| f["jiraProjectKey"] == "ALIGN"));
}

#[test]
fn oauth_operator_story_ends_with_synced_features() {
    let j = start_jira();
    let a = start_align();
    let demo = j.demo().clone();

    // Steps 4-6 in Jira Align: the connector, its key pair, Save.
    let id = a.create_connector(oauth_form(&j));
    let public_key = a.generate_key(id);
    assert!(!public_key.contains("-----"), "no header lines");
    let lines: Vec<&str> = public_key.lines().collect();
    assert!(lines.len() > 1 && lines[..lines.len() - 1].iter().all(|l| l.len() == 64));
    let der = base64::engine::general_purpose::STANDARD
        .decode(public_key.replace('\n', ""))
        .unwrap();
    rsa::RsaPublicKey::from_public_key_der(&der).expect("SPKI DER");
    a.save_connector(id);
    let view = a.connector(id).unwrap();
    assert_eq!(view.service_light, "green");
    assert_eq!(view.public_key.as_deref(), Some(public_key.as_str()));
    assert!(view.saved && !view.active && view.authorized_account.is_none());

    // Steps 9-15 in Jira, over its REST API; the link holds the same key.
    link_jira(&j, &a.url(), CONSUMER, &public_key);
    let link = &j.links()[0];
    assert_eq!(link.consumer.as_ref().unwrap().public_key_der, der);

    // Activation before authorization names the reason.
    a.map_project(id, "ALIGN", 1).unwrap();
    let early = a.activate(id).unwrap_err();
    assert!(early.contains("not authorized"), "{early}");

    // Steps 17-20: the handshake, approved as the service account.
    let outcome = a
        .authorize(id, &demo.service_username, &demo.service_password)
        .unwrap();
    assert_eq!(outcome.account, "svc-jira-align");
    assert_eq!(outcome.expires_in, Some(157_680_000));
    let tokens = j.access_tokens();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].username, "svc-jira-align");
    assert_eq!(tokens[0].consumer_key, CONSUMER);
    a.save_connector(id);
    let view = a.connector(id).unwrap();
    assert_eq!(view.authorized_account.as_deref(), Some("svc-jira-align"));
    assert_eq!(
        a.test_now(id).unwrap_err(),
        "Test Now applies to Basic authentication"
    );

    // Steps 23-24: Activate syncs the mapped project with the OAuth token.
    assert_eq!(a.activate(id), Ok(3));
    assert!(a.connector(id).unwrap().active);
    assert_align_features(&a, 1);
    assert_eq!(a.features().len(), 253);
    // A second pass updates rather than duplicates.
    a.deactivate(id);
    assert!(!a.connector(id).unwrap().active);
    assert_eq!(a.activate(id), Ok(0));
    assert_eq!(features_of(&a, "ALIGN").len(), 3);

    // The sync really signs with the token: once Jira revokes (deletes) it,
    // Activate fails.
    j.revoke_access_tokens();
    a.deactivate(id);
    let revoked = a.activate(id).unwrap_err();
    assert!(revoked.contains("token_rejected (HTTP 401)"), "{revoked}");
    assert!(!a.connector(id).unwrap().active);

    // Reauthorize: a fresh token, and syncing works again.
    a.authorize(id, &demo.service_username, &demo.service_password)
        .unwrap();
    assert_eq!(a.activate(id), Ok(0));
}

#[test]
fn authorize_reports_jiras_problem_when_the_keys_differ() {
    let j = start_jira();
    let a = start_align();
    let demo = j.demo().clone();
    let id = a.create_connector(oauth_form(&j));
    let pasted = a.generate_key(id);
    link_jira(&j, &a.url(), CONSUMER, &pasted);
    // The operator clicked Generate New Key again after pasting the first key.
    let newer = a.generate_key(id);
    assert_ne!(pasted, newer);
    let err = a
        .authorize(id, &demo.service_username, &demo.service_password)
        .unwrap_err();
    assert!(err.contains("signature_invalid (HTTP 401)"), "{err}");
    assert!(a.connector(id).unwrap().authorized_account.is_none());
    assert!(j.access_tokens().is_empty());

    // Another consumer key than the link's: Jira does not know it.
    let other = a.create_connector(ConnectorForm {
        consumer_key: Some("SomeOtherKey".into()),
        ..oauth_form(&j)
    });
    a.generate_key(other);
    let err = a
        .authorize(other, &demo.service_username, &demo.service_password)
        .unwrap_err();
    assert!(err.contains("consumer_key_unknown"), "{err}");

    // A wrong service password fails at the login, and says so.
    let j2 = start_jira();
    let fourth = a.create_connector(oauth_form(&j2));
    let key = a.generate_key(fourth);
    link_jira(&j2, &a.url(), CONSUMER, &key);
    let err = a
        .authorize(fourth, &demo.service_username, "wrong")
        .unwrap_err();
    assert!(err.contains("login") && err.contains("HTTP 401"), "{err}");
}

#[test]
fn pat_and_basic_connectors_sync_and_test_now_is_for_basic() {
    let j = start_jira();
    let a = start_align();
    let demo = j.demo().clone();

    let pat = a.create_connector(ConnectorForm {
        secret: Some(demo.service_token.clone()),
        ..form(&j, ConnectorAuth::Pat)
    });
    a.save_connector(pat);
    a.map_project(pat, "ALIGN", 2).unwrap();
    assert!(a.test_now(pat).unwrap_err().contains("Basic"));
    assert_eq!(a.activate(pat), Ok(3));
    assert_align_features(&a, 2);

    let basic = a.create_connector(ConnectorForm {
        username: Some(demo.service_username.clone()),
        secret: Some(demo.service_password.clone()),
        ..form(&j, ConnectorAuth::Basic)
    });
    assert_eq!(a.test_now(basic).as_deref(), Ok("svc-jira-align"));
    // A program belongs to one connector.
    let taken = a.map_project(basic, "ALIGN", 2).unwrap_err();
    assert!(taken.contains("already belongs to connector"), "{taken}");
    assert!(a.map_project(basic, "ALIGN", 999).is_err());
    a.map_project(basic, "ALIGN", 3).unwrap();
    // Same issues, already synced: updated (moved to program 3), not duplicated.
    assert_eq!(a.activate(basic), Ok(0));
    assert_align_features(&a, 3);

    // A wrong password: Test Now and Activate both fail with Jira's reason.
    let wrong = a.create_connector(ConnectorForm {
        username: Some(demo.service_username.clone()),
        secret: Some("wrong".into()),
        ..form(&j, ConnectorAuth::Basic)
    });
    assert!(a.test_now(wrong).unwrap_err().contains("HTTP 401"));
    a.map_project(wrong, "ALIGN", 4).unwrap();
    assert!(a.activate(wrong).unwrap_err().contains("HTTP 401"));

    // An expired PAT: Deactivate, paste the new one, Save, Activate.
    let old = a.create_connector(ConnectorForm {
        secret: Some("expired-token".into()),
        ..form(&j, ConnectorAuth::Pat)
    });
    a.map_project(old, "ALIGN", 5).unwrap();
    let err = a.activate(old).unwrap_err();
    assert!(
        err.contains("not valid") && err.contains("HTTP 401"),
        "{err}"
    );
    a.update_secret(old, &demo.service_token).unwrap();
    a.save_connector(old);
    assert_eq!(a.activate(old), Ok(0));
    assert!(
        a.update_secret(old, "x").is_err(),
        "active: deactivate first"
    );

    // A project Jira does not have.
    let nowhere = a.create_connector(ConnectorForm {
        secret: Some(demo.service_token.clone()),
        ..form(&j, ConnectorAuth::Pat)
    });
    a.map_project(nowhere, "NOPE", 6).unwrap();
    let err = a.activate(nowhere).unwrap_err();
    assert!(err.contains("NOPE") && err.contains("HTTP 400"), "{err}");
}

#[test]
fn the_jira_stand_in_accepts_the_service_accounts_pat() {
    let j = start_jira();
    let token = j.demo().service_token.clone();
    assert_eq!(token, "demo-svc-pat-0123456789");
    let me = client()
        .get(format!("{}/rest/api/2/myself", j.url()))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(json(me)["name"], "svc-jira-align");
    let admin_only = client()
        .get(format!(
            "{}/rest/api/2/mypermissions?permissions=ADMINISTER",
            j.url()
        ))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(
        json(admin_only)["permissions"]["ADMINISTER"]["havePermission"],
        false
    );
}

#[test]
fn the_callback_page_wants_a_pending_handshake() {
    let j = start_jira();
    let a = start_align();
    let id = a.create_connector(oauth_form(&j));
    let missing = client()
        .get(format!("{}/oauth/callback", a.url()))
        .send()
        .unwrap();
    assert_eq!(missing.status(), 400);
    let stray = client()
        .get(format!(
            "{}/oauth/callback?connector={id}&oauth_token=abc&oauth_verifier=def",
            a.url()
        ))
        .send()
        .unwrap();
    assert_eq!(stray.status(), 400);
    assert!(stray
        .text()
        .unwrap()
        .contains("Authorize Jira OAuth Access"));
    let no_key = a.authorize(id, "svc-jira-align", "svc-pass").unwrap_err();
    assert!(no_key.contains("Generate New Key"), "{no_key}");
}
