//! The integration tests, in one test binary: each test binary links reqwest,
//! rustls and rsa again, and on a two-core machine linking is most of CI's time.
//! Each module is one subject; `support` holds the shared fixtures.

mod memory_keyring;
mod support;

mod align_e2e;
mod answers_errors;
mod answers_example;
mod changed_inputs;
mod cli_conventions;
mod completions;
mod consent;
mod doctor;
mod doctor_outage;
mod drift;
mod fault_proxy;
mod faults;
mod first_hour;
mod handshake_driver;
mod hostile;
mod import_loops;
mod jira_checks_e2e;
mod keep_answers;
mod kill_recovery;
mod kill_rerun;
mod link_names;
mod link_status;
mod model;
mod oauth_problems;
mod ownership;
mod ownership_edges;
mod plan;
mod prewrite;
mod profile_lock;
mod profile_safety;
mod prompter_flows;
mod pty;
mod read_only_pty;
mod reads_once;
mod sandbox_demo;
mod secret_store;
mod setup_e2e;
mod signature_crosscheck;
mod style;
mod suggestions;
mod terminal_pty;
mod tls;
mod unlink_local;
mod unlink_renew;
mod untrusted_files;
mod variants;
