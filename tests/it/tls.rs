//! Jira behind HTTPS with a private CA: refused without `--ca-cert`, trusted with it.
//! A Python relay terminates TLS in front of the Jira stand-in, with a certificate
//! that openssl makes for 127.0.0.1.

use crate::support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use support::{assert_exit, assert_success, stderr, Env};

pub struct Relay(Child);

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl is needed for this test (apt-get install openssl)");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A private CA (`ca.pem`) and a server certificate for 127.0.0.1 that it signed
/// (`server.pem`, key `key.pem`), as a company PKI would issue.
pub fn make_certificates(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=Test Private CA",
            "-keyout",
            "ca-key.pem",
            "-out",
            "ca.pem",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "key.pem",
            "-out",
            "server.csr",
        ],
    );
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca-key.pem",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "san.ext",
            "-out",
            "server.pem",
        ],
    );
}

/// A self-signed certificate for 127.0.0.1 as `openssl req -x509` makes it
/// (CA:TRUE), with its key, as `server.pem` and `key.pem` in `dir`.
fn make_self_signed(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "90",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            "key.pem",
            "-out",
            "server.pem",
        ],
    );
}

/// Starts the relay; returns it with its port.
pub fn start_relay(dir: &Path, target: &str) -> (Relay, u16) {
    let target_port = target.rsplit(':').next().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/tls_proxy.py");
    let mut child = Command::new("python3")
        .arg(script)
        .arg(dir.join("server.pem"))
        .arg(dir.join("key.pem"))
        .arg(target_port)
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is needed for this test");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line.trim().parse().expect("the relay prints its port");
    (Relay(child), port)
}

#[test]
fn a_private_ca_is_trusted_only_with_ca_cert() {
    let env = Env::new();
    make_certificates(env.dir.path());
    let (_relay, port) = start_relay(env.dir.path(), &env.jira.url());
    env.rewrite_answers(
        &format!("url = \"{}\"", env.jira.url()),
        &format!("url = \"https://127.0.0.1:{port}\""),
    );

    let refused = env.run(&["step", "7", "--yes"]);
    assert_exit(&refused, 1);
    let err = stderr(&refused);
    assert!(err.to_lowercase().contains("certificate"), "{err}");
    assert!(err.contains("--ca-cert"), "the hint names the flag: {err}");

    let ca = env.dir.path().join("ca.pem");
    let trusted = env.run(&["step", "7", "--yes", "--ca-cert", ca.to_str().unwrap()]);
    assert_success(&trusted);
    assert!(
        support::stdout(&trusted)
            .contains("signed in with the administrator's personal access token"),
        "{}",
        support::stdout(&trusted)
    );
}

/// What doctor reads of the chain: a company CA is not one Jira Align's cloud
/// trusts, and a one-day certificate is about to expire.
#[test]
fn the_public_trust_check_flags_a_private_ca_and_near_expiry() {
    use align_link::doctor::{tls, Verdict};

    let env = Env::new();
    make_certificates(env.dir.path());
    let (_relay, port) = start_relay(env.dir.path(), &env.jira.url());
    let url = url::Url::parse(&format!("https://127.0.0.1:{port}/")).unwrap();
    let check = tls::check(&url, std::time::Duration::from_secs(5));
    assert_eq!(check.verdict, Verdict::Fail, "{check:?}");
    assert!(
        check.detail.contains("issued by CN=Test Private CA"),
        "{check:?}"
    );
    assert!(
        check
            .detail
            .contains("a private CA that no public root vouches for"),
        "{check:?}"
    );
    assert!(
        check.detail.ends_with("it expires in 0 day(s)")
            || check.detail.ends_with("it expires in 1 day(s)"),
        "{check:?}"
    );
    assert!(check.fix.unwrap().contains("public CA"));
}

#[test]
fn the_public_trust_check_recognises_a_self_signed_certificate() {
    use align_link::doctor::{tls, Verdict};

    let env = Env::new();
    let dir = env.dir.path();
    make_self_signed(dir);
    let (_relay, port) = start_relay(dir, &env.jira.url());
    let url = url::Url::parse(&format!("https://127.0.0.1:{port}/")).unwrap();
    let check = tls::check(&url, std::time::Duration::from_secs(5));
    assert_eq!(check.verdict, Verdict::Fail, "{check:?}");
    assert!(check.detail.contains(": it is self-signed"), "{check:?}");
}

/// Issue 18: a staging Jira's self-signed `openssl req -x509` certificate
/// (CA:TRUE, which webpki refuses as a CA used as an end entity) given to
/// `--ca-cert` is trusted as pinned for that host: a whole setup completes,
/// and says what Jira Align will make of it.
#[test]
fn a_self_signed_certificate_given_to_ca_cert_completes_a_setup() {
    let env = Env::new();
    let dir = env.dir.path();
    make_self_signed(dir);
    let (_relay, port) = start_relay(dir, &env.jira.url());
    // The relay terminates TLS as a reverse proxy does; Jira's connector is told
    // the public scheme and port (server.xml), so it sees the URLs clients call.
    let public = format!("https://127.0.0.1:{port}");
    env.jira.set_base_url(Some(public.clone()));
    env.jira.set_proxied_origin(Some(public));
    env.rewrite_answers(
        &format!("url = \"{}\"", env.jira.url()),
        &format!("url = \"https://127.0.0.1:{port}\""),
    );
    let refused = env.run(&["step", "7", "--yes"]);
    assert_exit(&refused, 1);

    let pinned = dir.join("server.pem");
    let output = env.run(&["setup", "--yes", "--ca-cert", pinned.to_str().unwrap()]);
    assert_success(&output);
    assert!(
        stderr(&output).contains("trusted as pinned for this host"),
        "{}",
        stderr(&output)
    );
    assert_eq!(env.jira.links().len(), 1);
    assert_eq!(env.step_status(20), "done");
}
