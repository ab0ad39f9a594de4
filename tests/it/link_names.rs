//! Issue 18: link names that cannot collide. Jira names a new link that takes
//! another's name "NAME - 2" and refuses a rename to a taken name
//! (`applinks.error.duplicate.name`), so the name is settled before the first
//! write: "Jira Align" when free, else "Jira Align (HOST)"; a name given in the
//! answers that another link has is refused, with nothing written.

use crate::support::{self, assert_exit, stderr, stdout, Env};

#[test]
fn two_jira_align_sites_on_one_jira_both_complete_with_default_names() {
    let env = Env::new();
    env.setup();
    env.rewrite_answers(
        "url = \"https://acme.jiraalign.com\"",
        "url = \"https://acme-sandbox.jiraalign.com\"",
    );
    let second = env.dir.path().join("sandbox-profile");
    let output = env.cmd_in(&second, &["setup", "--yes"]).output().unwrap();
    support::assert_success(&output);
    let mut names: Vec<String> = env.jira.links().into_iter().map(|l| l.name).collect();
    names.sort();
    assert_eq!(
        names,
        ["Jira Align", "Jira Align (acme-sandbox.jiraalign.com)"],
        "{}",
        stdout(&output)
    );
    // Each profile's plan then says there is nothing to change.
    let plan = env.cmd_in(&second, &["plan"]).output().unwrap();
    assert!(stdout(&plan).contains("No changes."), "{}", stdout(&plan));
}

#[test]
fn a_given_name_another_link_has_is_refused_before_any_write() {
    let env = Env::new();
    env.setup();
    env.rewrite_answers(
        "url = \"https://acme.jiraalign.com\"",
        "url = \"https://acme-sandbox.jiraalign.com\"\napplication_name = \"jira align\"",
    );
    let writes = env.jira.write_count();
    let second = env.dir.path().join("sandbox-profile");
    let plan = env.cmd_in(&second, &["plan"]).output().unwrap();
    assert!(
        stdout(&plan).contains("another application link in Jira is already called"),
        "{}",
        stdout(&plan)
    );
    let refused = env.cmd_in(&second, &["setup", "--yes"]).output().unwrap();
    assert_exit(&refused, 2);
    let err = stderr(&refused);
    assert!(err.contains("align.application_name"), "{err}");
    assert!(err.contains("(acme-sandbox.jiraalign.com)"), "{err}");
    assert_eq!(env.jira.write_count(), writes, "nothing written");
    assert_eq!(env.jira.links().len(), 1);
}
