use url::Url;

use super::*;
use crate::jira::admin::AppLink;
use crate::state::InstalledFacts;

fn url() -> Url {
    Url::parse("https://acme.jiraalign.com").unwrap()
}

fn wanted(key: &str, fingerprint: &str) -> Desired {
    Desired::Present(WantedLink {
        name: "Jira Align".into(),
        align_url: url(),
        consumer: Some(WantedConsumer {
            key: Some(key.into()),
            public_key_pem: Some("PEM".into()),
            fingerprint: Some(fingerprint.into()),
        }),
    })
}

fn link(name: &str, consumer: Option<(&str, &str)>) -> ObservedLink {
    ObservedLink {
        link: AppLink {
            id: "L1".into(),
            name: name.into(),
            rpc_url: "https://acme.jiraalign.com".into(),
            display_url: None,
            type_id: Some("generic".into()),
        },
        consumer: consumer.map(|(key, fingerprint)| ObservedConsumer {
            key: key.into(),
            public_key_pem: Some("PEM".into()),
            fingerprint: Some(fingerprint.into()),
            key_problem: None,
            as_read: serde_json::Map::new(),
        }),
        status: None,
    }
}

fn kinds(changes: &[Change]) -> Vec<ChangeKind> {
    changes.iter().map(|c| c.kind).collect()
}

#[test]
fn nothing_there_yet_creates_the_link_then_sets_the_consumer() {
    let changes = diff(None, &wanted("K", "SHA256:a"), &InstalledFacts::default());
    assert_eq!(
        kinds(&changes),
        [ChangeKind::CreateLink, ChangeKind::SetConsumer]
    );
    assert!(changes.iter().all(|c| !c.destructive && !c.needs_consent()));
    assert_eq!(
        changes[0].description,
        "create the application link \"Jira Align\" to https://acme.jiraalign.com"
    );
}

#[test]
fn what_is_wanted_already_there_is_no_change() {
    let observed = link("Jira Align", Some(("K", "SHA256:a")));
    assert!(diff(
        Some(&observed),
        &wanted("K", "SHA256:a"),
        &InstalledFacts::default()
    )
    .is_empty());
}

#[test]
fn another_consumer_is_replaced_only_with_consent() {
    let observed = link("Jira Align", Some(("Theirs", "SHA256:b")));
    let changes = diff(
        Some(&observed),
        &wanted("K", "SHA256:a"),
        &InstalledFacts::default(),
    );
    assert_eq!(kinds(&changes), [ChangeKind::ReplaceConsumer]);
    let change = &changes[0];
    assert!(change.destructive && !change.ours && change.needs_consent());
    assert_eq!(
        change.old.as_ref().unwrap().consumer_key.as_deref(),
        Some("Theirs")
    );
    assert_eq!(
        change.new.as_ref().unwrap().fingerprint.as_deref(),
        Some("SHA256:a")
    );
    assert!(
        change.description.contains("key Theirs -> K"),
        "{}",
        change.description
    );
    assert!(change.description.contains("SHA256:b -> SHA256:a"));
}

#[test]
fn our_own_consumer_with_another_key_is_repaired_without_asking() {
    let observed = link("Jira Align", Some(("K", "SHA256:old")));
    let owned = InstalledFacts {
        link_id: Some("L1".into()),
        consumer_key: Some("K".into()),
        fingerprint: Some("SHA256:old".into()),
        ..InstalledFacts::default()
    };
    let changes = diff(Some(&observed), &wanted("K", "SHA256:a"), &owned);
    assert_eq!(kinds(&changes), [ChangeKind::ReplaceConsumer]);
    assert!(changes[0].destructive && changes[0].ours && !changes[0].needs_consent());
    assert!(!changes[0].description.contains("key K ->"));
}

#[test]
fn the_same_consumer_key_with_a_public_key_this_profile_did_not_install_needs_consent() {
    // Another profile with the same consumer key replaced ours: its key pair, not ours.
    let observed = link("Jira Align", Some(("K", "SHA256:theirs")));
    let owned = InstalledFacts {
        link_id: Some("L1".into()),
        consumer_key: Some("K".into()),
        fingerprint: Some("SHA256:a".into()),
        ..InstalledFacts::default()
    };
    let changes = diff(Some(&observed), &wanted("K", "SHA256:a"), &owned);
    assert_eq!(kinds(&changes), [ChangeKind::ReplaceConsumer]);
    assert!(changes[0].needs_consent());
    let changes = diff(Some(&observed), &Desired::Absent, &owned);
    assert_eq!(kinds(&changes)[0], ChangeKind::DeleteConsumer);
    assert!(changes[0].needs_consent(), "removing it needs consent too");
    // An unreadable public key is never claimed.
    let mut unreadable = link("Jira Align", Some(("K", "SHA256:a")));
    unreadable.consumer.as_mut().unwrap().fingerprint = None;
    let changes = diff(Some(&unreadable), &Desired::Absent, &owned);
    assert!(changes[0].needs_consent());
}

#[test]
fn a_link_of_another_name_is_renamed_with_consent_unless_ours() {
    let observed = link("Their Align", Some(("K", "SHA256:a")));
    let changes = diff(
        Some(&observed),
        &wanted("K", "SHA256:a"),
        &InstalledFacts::default(),
    );
    assert_eq!(kinds(&changes), [ChangeKind::RenameLink]);
    assert!(changes[0].needs_consent());
    let owned = InstalledFacts {
        link_id: Some("L1".into()),
        consumer_key: None,
        fingerprint: None,
        ..InstalledFacts::default()
    };
    let changes = diff(Some(&observed), &wanted("K", "SHA256:a"), &owned);
    assert!(!changes[0].needs_consent());
}

#[test]
fn absent_removes_the_consumer_then_the_link() {
    let observed = link("Jira Align", Some(("K", "SHA256:a")));
    let owned = InstalledFacts {
        link_id: Some("L1".into()),
        consumer_key: Some("K".into()),
        fingerprint: Some("SHA256:a".into()),
        ..InstalledFacts::default()
    };
    let changes = diff(Some(&observed), &Desired::Absent, &owned);
    assert_eq!(
        kinds(&changes),
        [ChangeKind::DeleteConsumer, ChangeKind::DeleteLink]
    );
    assert!(changes.iter().all(|c| c.destructive && c.ours));
    assert!(diff(None, &Desired::Absent, &owned).is_empty());
}

#[test]
fn a_key_not_made_yet_shows_the_step_that_makes_it() {
    let desired = Desired::Present(WantedLink {
        name: "Jira Align".into(),
        align_url: url(),
        consumer: Some(WantedConsumer::default()),
    });
    let changes = diff(None, &desired, &InstalledFacts::default());
    assert!(changes[1].description.contains("(chosen at step 4)"));
    assert!(changes[1].description.contains("(made at step 5)"));
}
