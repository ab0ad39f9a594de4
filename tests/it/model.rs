//! The model of the Jira side through the library against the Jira stand-in:
//! observe, diff and apply, from nothing to the wanted link and back to nothing
//! (what `unlink` will do), each write read back.

use crate::support;

use align_link::domain::Secret;
use align_link::http::{Credential, Http, HttpOptions};
use align_link::jira::admin::JiraAdmin;
use align_link::model::{self, observe, ChangeKind, Desired, WantedConsumer, WantedLink};
use align_link::state::InstalledFacts;
use url::Url;

fn applied_in_order(admin: &JiraAdmin, changes: &[model::Change]) {
    let mut created = None;
    for change in changes {
        if let model::apply::Applied::LinkCreated { link_id } =
            model::apply(admin, change, created.as_deref()).unwrap()
        {
            created = Some(link_id);
        }
    }
}

#[test]
fn from_nothing_to_the_wanted_link_and_back() {
    let env = support::Env::new();
    let http = Http::new(HttpOptions::default()).unwrap();
    let base = Url::parse(&env.jira.url()).unwrap();
    let token = Secret::new(env.jira.demo().admin_token.clone());
    let admin = JiraAdmin::new(&http, base, Credential::Token(token));
    let align = Url::parse("https://acme.jiraalign.com").unwrap();
    let pem = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/test-key-2048.pem"),
    )
    .unwrap();
    let public = rsa::RsaPublicKey::from(&align_link::keys::private_key_from_pem(&pem).unwrap());
    let desired = Desired::Present(WantedLink {
        name: "Jira Align".into(),
        align_url: align.clone(),
        consumer: Some(WantedConsumer {
            key: Some("ModelKey1".into()),
            public_key_pem: Some(align_link::keys::public_key_to_pem(&public)),
            fingerprint: Some(align_link::keys::fingerprint(&public)),
        }),
    });

    let observed = observe::find_link(&admin, &align).unwrap();
    let changes = model::diff(observed.as_ref(), &desired, &InstalledFacts::default());
    let kinds: Vec<_> = changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChangeKind::CreateLink, ChangeKind::SetConsumer]);
    applied_in_order(&admin, &changes);
    assert_eq!(env.jira.write_count(), 2);

    let observed = observe::find_link(&admin, &align)
        .unwrap()
        .expect("the link");
    assert_eq!(observed.consumer.as_ref().unwrap().key, "ModelKey1");
    assert!(
        model::diff(Some(&observed), &desired, &InstalledFacts::default()).is_empty(),
        "applied: nothing left to change"
    );

    let owned = InstalledFacts {
        link_id: Some(observed.id().to_string()),
        consumer_key: Some("ModelKey1".into()),
        fingerprint: Some(align_link::keys::fingerprint(&public)),
        ..InstalledFacts::default()
    };
    let changes = model::diff(Some(&observed), &Desired::Absent, &owned);
    let kinds: Vec<_> = changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChangeKind::DeleteConsumer, ChangeKind::DeleteLink]);
    assert!(changes.iter().all(|c| c.destructive && !c.needs_consent()));
    applied_in_order(&admin, &changes);
    assert!(observe::find_link(&admin, &align).unwrap().is_none());
    assert!(env.jira.links().is_empty());
}

/// A consumer with a name, description and callback of its own, seeded through
/// Jira's REST API as another tool would.
fn put_full_consumer(env: &support::Env, link_id: &str, key: &str, pem: &str) {
    let url = format!(
        "{}/rest/applinks-oauth/1.0/applicationlink/{link_id}/authentication/consumer",
        env.jira.url()
    );
    let response = reqwest::blocking::Client::new()
        .put(url)
        .bearer_auth(&env.jira.demo().admin_token)
        .header("Accept", "application/json")
        .json(&serde_json::json!({
            "key": key, "name": "Their tool", "description": "kept by another team",
            "publicKey": pem, "callback": "https://tool.example.com/oauth/done",
        }))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
}

#[test]
fn the_preflights_restore_puts_the_previous_consumer_back_as_jira_gave_it() {
    let env = support::Env::new();
    let http = Http::new(HttpOptions::default()).unwrap();
    let base = Url::parse(&env.jira.url()).unwrap();
    let token = Secret::new(env.jira.demo().admin_token.clone());
    let admin = JiraAdmin::new(&http, base, Credential::Token(token));
    let align = Url::parse("https://acme.jiraalign.com").unwrap();
    let link_id = admin.create_link("Jira Align", &align).unwrap();
    let pem = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/test-key-2048.pem"),
    )
    .unwrap();
    let public = rsa::RsaPublicKey::from(&align_link::keys::private_key_from_pem(&pem).unwrap());
    let their_pem = align_link::keys::public_key_to_pem(&public);
    put_full_consumer(&env, &link_id, "TheirKey", &their_pem);
    let previous = observe::read_consumer(&admin, &link_id).unwrap().unwrap();
    let as_jira_gave_it = admin.consumer(&link_id).unwrap().unwrap().as_read;
    assert_eq!(
        as_jira_gave_it["callback"],
        "https://tool.example.com/oauth/done"
    );

    // The preflight's temporary key, then the way back.
    let temporary = align_link::keys::generate_private_key(2048).unwrap();
    admin
        .set_consumer(
            &link_id,
            "TheirKey",
            "Jira Align",
            &align_link::keys::public_key_to_pem(&rsa::RsaPublicKey::from(&temporary)),
        )
        .unwrap();
    let restore = model::diff::restore_consumer(&link_id, Some(&previous));
    model::apply(&admin, &restore, None).unwrap();
    let back = admin.consumer(&link_id).unwrap().unwrap();
    assert_eq!(back.as_read, as_jira_gave_it, "every field as it was");
    let links = env.jira.links();
    assert_eq!(
        links[0].consumer.as_ref().unwrap().public_key_der,
        align_link::keys::public_key_der(&public)
    );

    // A consumer Jira gave without a public key cannot be put back: said, not sent.
    let mut keyless = previous.clone();
    keyless.as_read.remove("publicKey");
    keyless.public_key_pem = None;
    let writes = env.jira.write_count();
    let restore = model::diff::restore_consumer(&link_id, Some(&keyless));
    let err = model::apply(&admin, &restore, None).unwrap_err();
    assert!(
        err.message.contains("without a public key"),
        "{}",
        err.message
    );
    assert_eq!(env.jira.write_count(), writes, "nothing sent");
}
