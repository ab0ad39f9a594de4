//! Where setup keeps the private key and the access token: the OS credential
//! store (here the in-memory one, in this process), or, when none answers,
//! owner-only files, and `unlink` leaves neither behind.

use std::os::unix::fs::PermissionsExt;

use align_link::commands;
use align_link::config::{RawOptions, RunConfig};
use align_link::domain::SecretStore;
use align_link::store::memory_keyring::MemoryKeyring;

use crate::support::{assert_success, stdout, write_private, Env};

const SECRET_FILES: [&str; 2] = ["private-key.pem", "access-token.toml"];

/// The standard answers with the secrets written in (this process cannot set
/// the variables the binary's runs get).
fn literal_answers(env: &Env) -> std::path::PathBuf {
    let demo = env.jira.demo();
    let path = env.dir.path().join("literal.toml");
    write_private(
        &path,
        &format!(
            "[jira]\nurl = \"{}\"\nadmin_token = \"{}\"\ntest_project = \"{}\"\n\n\
             [service_account]\nusername = \"{}\"\npassword = \"{}\"\n\n\
             [align]\nurl = \"https://acme.jiraalign.com\"\n\n[keys]\nbits = 3072\n\n\
             [secrets]\nstore = \"keyring\"\n",
            env.jira.url(),
            demo.admin_token,
            demo.test_project_key,
            demo.service_username,
            demo.service_password,
        ),
    );
    path
}

#[test]
fn setup_keeps_the_secrets_in_the_credential_store_and_unlink_removes_them() {
    let memory = MemoryKeyring::install();
    let env = Env::new();
    let state = env.state_dir();
    let config = || {
        RunConfig::from_raw(RawOptions {
            answers: Some(literal_answers(&env)),
            yes: true,
            state_dir: Some(state.clone()),
            ..RawOptions::default()
        })
        .unwrap()
    };
    assert_eq!(commands::setup::run(config()).unwrap(), 0);
    for file in SECRET_FILES {
        assert!(!state.join(file).exists(), "{file} was written");
    }
    let entries = memory.entries_under(&state);
    let accounts: Vec<&str> = entries.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(accounts.len(), 2, "{accounts:?}");
    assert!(accounts.iter().any(|a| a.ends_with("private-key")));
    assert!(accounts.iter().any(|a| a.ends_with("access-token")));
    // What status and show print, and unlink's list.
    let mut store = align_link::store::Store::open(&state).unwrap();
    store.set_secret_store(SecretStore::Keyring);
    assert!(store
        .place_of("private-key.pem")
        .starts_with("the OS credential store"));
    let places = commands::secret_locations(&state, Some(SecretStore::Keyring)).unwrap();
    assert!(
        places.iter().all(|(_, _, p)| p.kind() == "keyring"),
        "{places:?}"
    );

    assert_eq!(commands::unlink::run(config(), false).unwrap(), 0);
    assert!(memory.entries_under(&state).is_empty());
    for file in SECRET_FILES {
        assert!(!state.join(file).exists());
    }
}

#[test]
fn with_no_credential_store_setup_uses_private_files_and_says_so() {
    let env = Env::new();
    let state = env.state_dir();
    // No D-Bus session: the Secret Service cannot answer.
    let run = |args: &[&str]| {
        env.cmd(args)
            .env("ALIGN_LINK_SECRET_STORE", "auto")
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .output()
            .unwrap()
    };
    let setup = run(&["setup", "--yes"]);
    assert_success(&setup);
    let text = stdout(&setup);
    assert!(text.contains("no credential store answered"), "{text}");
    for file in SECRET_FILES {
        let mode = std::fs::metadata(state.join(file))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{file}");
    }
    let status = run(&["status"]);
    let text = stdout(&status);
    assert!(
        text.contains("private-key.pem (readable by you only"),
        "{text}"
    );
    let json = run(&["status", "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["secrets"]["access_token"]["store"], "file");

    assert_success(&run(&["unlink", "--yes"]));
    for file in SECRET_FILES {
        assert!(!state.join(file).exists(), "{file} left behind");
    }
}
