use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rsa::pkcs1::{EncodeRsaPublicKey, LineEnding};

use super::*;
use crate::error::ErrorKind;
use crate::keys;

const TEST_KEY: &str = include_str!("../../../../tests/data/test-key-2048.pem");

const PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA8ncdDrQ0B8mcEsFZx0eb
Mi380mfsI/EvPQO1949sn6POHMo4ZuMJjNw0vtYb0I6oV/2DLkP9IgbKeK78yZ8G
1T5aP//JI1zn1XlSBPD/rDBnCYV5WKS2KiJi203A4PQEZnKBhm4At9OPrvB06EUd
SzdTC8NMP3LljIJoAZY3OX8A6OS38XaM1Vx2abS7ivn5Jcy6w+w9X9p+W6blQ0sK
OCnC0NIc+bSM4F7njRd1y3WIda290XEHx0Ddm4tYDScpu9t72eSYp+OFLT44uGYw
p1+TyWQV6WvYAPX6YpJGpL/7pQATDZyZQBDY8O9a7kPCuw0jxCe+1wBWg2zp1/Rp
ywIDAQAB
-----END PUBLIC KEY-----
";

fn env(name: &str) -> Option<String> {
    match name {
        "JIRA_ADMIN_TOKEN" => Some("token-from-env".into()),
        "EMPTY" => Some(String::new()),
        _ => None,
    }
}

pub(super) fn parse(text: &str) -> Result<Answers> {
    Answers::parse(text, Path::new("answers.toml"), &env)
}

/// Parses `text`, expecting a usage error; returns (message, hint).
pub(super) fn fail(text: &str) -> (String, String) {
    let err = parse(text).expect_err("expected an error");
    assert_eq!(err.kind, ErrorKind::Usage, "{}", err.message);
    (err.message.clone(), err.hint_text().unwrap_or_default())
}

#[test]
fn a_full_file_parses() {
    let text = format!(
        r#"
[jira]
url = "https://jira.example.com/jira/"
admin_token = {{ env = "JIRA_ADMIN_TOKEN" }}
admin_username = "admin"
admin_password = "literal"
test_project = "ALIGN"

[service_account]
username = "svc-jira-align"
password = "pw"

[align]
url = "https://example.jiraalign.com"
application_name = "Jira Align"
connector_name = "Jira Data Center"

[keys]
source = "align"
consumer_key = "JiraAlign42"
public_key = """{PUBLIC_KEY}"""

[oauth]
approval = "service-account"
"#
    );
    let a = parse(&text).unwrap();
    assert_eq!(a.path.as_deref(), Some(Path::new("answers.toml")));
    assert_eq!(
        a.jira.url.as_ref().unwrap().as_str(),
        "https://jira.example.com/jira"
    );
    assert_eq!(
        a.jira.admin_token.as_ref().unwrap().expose(),
        "token-from-env"
    );
    assert_eq!(a.jira.admin_username.as_deref(), Some("admin"));
    assert_eq!(a.jira.admin_password.as_ref().unwrap().expose(), "literal");
    assert_eq!(a.jira.test_project.as_deref(), Some("ALIGN"));
    assert_eq!(
        a.service_account.username.as_deref(),
        Some("svc-jira-align")
    );
    assert_eq!(a.service_account.password.as_ref().unwrap().expose(), "pw");
    assert_eq!(
        a.align.url.as_ref().unwrap().as_str(),
        "https://example.jiraalign.com/"
    );
    assert_eq!(a.align.application_name.as_deref(), Some("Jira Align"));
    assert_eq!(a.align.connector_name.as_deref(), Some("Jira Data Center"));
    assert_eq!(a.keys.source, Some(KeySource::Align));
    assert_eq!(a.keys.consumer_key.as_deref(), Some("JiraAlign42"));
    assert_eq!(a.keys.bits, None);
    assert_eq!(a.keys.public_key.as_deref(), Some(PUBLIC_KEY));
    assert_eq!(a.keys.public_key_origin.as_deref(), Some("keys.public_key"));
    assert_eq!(a.oauth.approval, Some(Approval::ServiceAccount));
    // parse() knows no file mode, so literal secrets raise no warning.
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
}

#[test]
fn an_empty_file_and_empty_answers_have_nothing() {
    let a = parse("# nothing yet\n").unwrap();
    assert!(a.jira.url.is_none() && a.keys.source.is_none() && a.oauth.approval.is_none());
    let e = Answers::default();
    assert!(e.path.is_none() && e.warnings.is_empty() && e.align.url.is_none());
}

#[test]
fn secrets_are_redacted() {
    let a = parse("[jira]\nadmin_password = \"hunter2\"\n").unwrap();
    assert!(!format!("{a:?}").contains("hunter2"));
    let s = Secret::new("hunter2");
    assert_eq!(format!("{s} {s:?}"), "<redacted> <redacted>");
    assert_eq!(Secret::from("x".to_string()).expose(), "x");
}

#[test]
fn unknown_key_names_table_and_lists_keys() {
    let (msg, hint) = fail("[jira]\nurl = \"https://j.example.com\"\n\n\n\n\nusr = \"x\"\n");
    assert_eq!(msg, "answers.toml:7:1: unknown key `jira.usr`");
    assert!(hint.contains("did you mean `url`?"), "{hint}");
    assert!(
        hint.contains("url, admin_token, admin_username, admin_password, test_project"),
        "{hint}"
    );
}

#[test]
fn unknown_table_and_stray_key() {
    let (msg, hint) = fail("[jiraa]\nurl = \"x\"\n");
    assert_eq!(msg, "answers.toml:1:2: unknown table `[jiraa]`");
    assert!(hint.contains("did you mean [jira]?"), "{hint}");
    let (msg, hint) = fail("url = \"https://x.example.com\"\n");
    assert_eq!(msg, "answers.toml:1:1: unknown key `url`");
    assert_eq!(hint, "put it under [jira] or [align]");
}

#[test]
fn table_given_as_value() {
    let (msg, _) = fail("keys = \"generate\"\n");
    assert_eq!(
        msg,
        "answers.toml:1:1: keys: expected a table, found a string"
    );
}

#[test]
fn wrong_type_names_key_and_types() {
    let (msg, hint) = fail("[keys]\nbits = \"3072\"\n");
    assert_eq!(
        msg,
        "answers.toml:2:8: keys.bits: expected an integer, found a string"
    );
    assert_eq!(hint, "drop the quotes: bits = 3072");
    let (msg, _) = fail("[align]\n  url = 42\n");
    assert_eq!(
        msg,
        "answers.toml:2:9: align.url: expected a string, found an integer"
    );
    let (msg, _) = fail("[keys]\nbits.x = 1\n");
    assert_eq!(
        msg,
        "answers.toml:2:1: keys.bits: expected an integer, found a table"
    );
}

/// A TOML date is not text: refused on a name, a URL and a secret alike (an
/// earlier serde reader took its text as the value).
#[test]
fn a_date_is_refused_where_text_is_wanted() {
    let (msg, _) = fail("[align]\napplication_name = 1979-05-27T07:32:00Z\n");
    assert_eq!(
        msg,
        "answers.toml:2:20: align.application_name: expected a string, found a datetime"
    );
    let (msg, _) = fail("[jira]\nurl = 1979-05-27\n");
    assert_eq!(
        msg,
        "answers.toml:2:7: jira.url: expected a string, found a datetime"
    );
    let (msg, _) = fail("[jira]\nadmin_token = 1979-05-27T07:32:00Z\n");
    assert_eq!(
        msg,
        "answers.toml:2:15: jira.admin_token: expected a string or { env = \"NAME\" }, found a datetime"
    );
}

/// Of two bad values, the one earlier in the file is reported.
#[test]
fn the_first_problem_in_the_file_is_the_one_reported() {
    let (msg, _) = fail("[align]\nurl = \"not a url\"\n[jira]\nurl = \"bad\"\n");
    assert!(msg.starts_with("answers.toml:2:7: align.url: "), "{msg}");
    let (msg, _) = fail("[jira]\nurl = \"bad\"\n[align]\nurl = \"not a url\"\n");
    assert!(msg.starts_with("answers.toml:2:7: jira.url: "), "{msg}");
}

#[test]
fn missing_env_var() {
    let (msg, hint) = fail(
        "[jira]\nurl = \"https://j.example.com\"\n\nadmin_token = { env = \"JIRA_TOKEN_X\" }\n",
    );
    assert_eq!(
        msg,
        "answers.toml:4:15: jira.admin_token: environment variable JIRA_TOKEN_X is not set"
    );
    assert_eq!(hint, "export JIRA_TOKEN_X=... or put the value in the file");
}

#[test]
fn every_missing_env_var_is_named_at_once() {
    let (msg, hint) = fail(
        "[jira]\nadmin_token = { env = \"JIRA_TOKEN_X\" }\n\
         [service_account]\npassword = { env = \"SVC_PASSWORD_X\" }\n",
    );
    assert_eq!(
        msg,
        "2 environment variables the answers name are not set:\n  \
         answers.toml:2:15: jira.admin_token: environment variable JIRA_TOKEN_X is not set\n  \
         answers.toml:4:12: service_account.password: environment variable SVC_PASSWORD_X is not set"
    );
    assert!(hint.contains("export each"), "{hint}");
}

#[test]
fn empty_env_var() {
    let (msg, hint) = fail("[service_account]\npassword = { env = \"EMPTY\" }\n");
    assert_eq!(
        msg,
        "answers.toml:2:12: service_account.password: environment variable EMPTY is set but empty"
    );
    assert_eq!(hint, "export EMPTY=... or put the value in the file");
}

#[test]
fn malformed_env_tables() {
    let (msg, _) = fail("[jira]\nadmin_password = { var = \"X\" }\n");
    assert_eq!(
        msg,
        "answers.toml:2:18: jira.admin_password: unknown key `var` in { env = \"NAME\" }"
    );
    let (msg, _) = fail("[jira]\nadmin_password = { env = \"1X\" }\n");
    assert!(
        msg.starts_with(
            "answers.toml:2:18: jira.admin_password: `1X` is not an environment variable name"
        ),
        "{msg}"
    );
    let (msg, _) = fail("[jira]\nadmin_password = { env = 5 }\n");
    assert_eq!(
        msg,
        "answers.toml:2:18: jira.admin_password: env: expected a string, found an integer"
    );
    let (msg, _) = fail("[jira]\nadmin_password = 5\n");
    assert_eq!(
        msg,
        "answers.toml:2:18: jira.admin_password: expected a string or { env = \"NAME\" }, found an integer"
    );
    let (msg, _) = fail("[jira]\nadmin_password = \"\"\n");
    assert_eq!(msg, "answers.toml:2:18: jira.admin_password: is empty");
}

#[test]
fn bad_urls_say_why() {
    let cases = [
        (
            "jira.example.com",
            "`jira.example.com` is not a URL (it has no scheme such as https://)",
        ),
        (
            "ftp://jira.example.com",
            "`ftp://jira.example.com` has the scheme `ftp`; the scheme must be http or https",
        ),
        (
            "https://jira.example.com/?os_authType=basic",
            "`https://jira.example.com/?os_authType=basic` has a query (`?os_authType=basic`); a base URL has none",
        ),
        (
            "https://jira.example.com/#top",
            "`https://jira.example.com/#top` has a fragment (`#top`); a base URL has none",
        ),
        ("https://", "`https://` is not a URL (empty host)"),
    ];
    for (value, why) in cases {
        let (msg, hint) = fail(&format!("[jira]\nurl = \"{value}\"\n"));
        assert_eq!(msg, format!("answers.toml:2:7: jira.url: {why}"));
        assert!(!hint.is_empty());
    }
    let (_, hint) = fail("[align]\nurl = \"example.jiraalign.com\"\n");
    assert_eq!(
        hint,
        "write the full address with its scheme: https://example.jiraalign.com"
    );
}

#[test]
fn url_with_credentials_is_refused_without_echo() {
    let (msg, _) = fail("[jira]\nurl = \"https://admin:s3cret@jira.example.com\"\n");
    assert_eq!(
        msg,
        "answers.toml:2:7: jira.url: the URL holds a user name or password"
    );
}

#[test]
fn url_trailing_slashes_are_trimmed() {
    let a = parse("[jira]\nurl = \"http://localhost:8080/jira//\"\n[align]\nurl = \"https://a.example.com\"\n").unwrap();
    assert_eq!(a.jira.url.unwrap().as_str(), "http://localhost:8080/jira");
    assert_eq!(a.align.url.unwrap().as_str(), "https://a.example.com/");
}

#[test]
fn consumer_key_with_space_or_symbol() {
    let (msg, hint) = fail("[keys]\nconsumer_key = \"Jira Align\"\n");
    assert_eq!(
        msg,
        "answers.toml:2:16: keys.consumer_key: `Jira Align` contains a space at position 5; \
         only letters and digits (A-Z, a-z, 0-9) are allowed"
    );
    assert!(hint.contains("letters and digits only"), "{hint}");
    let (msg, _) = fail("[keys]\nconsumer_key = \"jira-align\"\n");
    assert!(
        msg.starts_with(
            "answers.toml:2:16: keys.consumer_key: `jira-align` contains '-' at position 5"
        ),
        "{msg}"
    );
    let (msg, _) = fail("[keys]\nconsumer_key = \"\"\n");
    assert_eq!(msg, "answers.toml:2:16: keys.consumer_key: `` is empty");
}

#[test]
fn bits_must_be_an_allowed_size() {
    let (msg, hint) = fail("[keys]\nbits = 1024\n");
    assert_eq!(
        msg,
        "answers.toml:2:8: keys.bits: 1024 is not an allowed key size"
    );
    assert_eq!(hint, "use 2048, 3072 or 4096 (3072 when absent)");
    assert_eq!(
        parse("[keys]\nbits = 4096\n").unwrap().keys.bits,
        Some(4096)
    );
}

#[test]
fn project_key_must_match() {
    let (msg, hint) = fail("[jira]\ntest_project = \"align\"\n");
    assert_eq!(
        msg,
        "answers.toml:2:16: jira.test_project: `align` is not a Jira project key: an \
         upper-case letter, then one or more upper-case letters, digits or _"
    );
    assert_eq!(hint, "project keys are upper-case: ALIGN");
    for bad in ["A", "1AB", "AB-C", ""] {
        assert!(
            parse(&format!("[jira]\ntest_project = \"{bad}\"\n")).is_err(),
            "{bad}"
        );
    }
    assert!(parse("[jira]\ntest_project = \"A_1\"\n").is_ok());
}

#[test]
fn public_key_and_file_both_set() {
    let text = format!(
        "[keys]\nsource = \"align\"\npublic_key = \"\"\"{PUBLIC_KEY}\"\"\"\npublic_key_file = \"k.pem\"\n"
    );
    let (msg, hint) = fail(&text);
    assert_eq!(
        msg,
        "answers.toml:13:1: keys.public_key_file: keys.public_key and keys.public_key_file are both set"
    );
    assert!(hint.starts_with("keep one of them"));
}

#[test]
fn public_key_file_missing_names_the_path() {
    let (msg, hint) = Answers::parse(
        "[keys]\nsource = \"align\"\npublic_key_file = \"align-public.pem\"\n",
        Path::new("conf/answers.toml"),
        &env,
    )
    .map(|_| ())
    .map_err(|e| (e.message.clone(), e.hint_text().unwrap()))
    .unwrap_err();
    assert_eq!(
        msg,
        "conf/answers.toml:3:19: keys.public_key_file: conf/align-public.pem does not exist"
    );
    assert_eq!(
        hint,
        "check the path; a relative path is taken from the answers file's directory (conf)"
    );
}

#[test]
fn public_key_file_is_read_relative_to_the_answers_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("align.pem"), PUBLIC_KEY).unwrap();
    let answers = dir.path().join("answers.toml");
    fs::write(&answers, "[keys]\npublic_key_file = \"align.pem\"\n").unwrap();
    let a = Answers::load(&answers).unwrap();
    assert_eq!(a.keys.public_key.as_deref(), Some(PUBLIC_KEY));
    let origin = dir.path().join("align.pem").display().to_string();
    assert_eq!(a.keys.public_key_origin, Some(origin));
    // A public key without a source means Jira Align made the pair.
    assert_eq!(a.keys.source, Some(KeySource::Align));

    // The answers file and the prompts read a key by one rule: keys::parse_public_key.
    let pkcs1 = keys::private_key_from_pem(TEST_KEY)
        .unwrap()
        .to_public_key()
        .to_pkcs1_pem(LineEnding::LF)
        .unwrap();
    fs::write(dir.path().join("bad.pem"), pkcs1).unwrap();
    fs::write(&answers, "[keys]\npublic_key_file = \"bad.pem\"\n").unwrap();
    let err = Answers::load(&answers).unwrap_err();
    let shown = dir.path().join("bad.pem").display().to_string();
    assert!(
        err.message.ends_with(&format!(
            ":2:19: keys.public_key_file: {shown}: {}",
            keys::PublicKeyError::Pkcs1
        )),
        "{}",
        err.message
    );
}

#[test]
fn public_key_contradicts_generate() {
    let text = format!("[keys]\nsource = \"generate\"\npublic_key = \"\"\"{PUBLIC_KEY}\"\"\"\n");
    let (msg, hint) = fail(&text);
    assert_eq!(
        msg,
        "answers.toml:3:1: keys.public_key: a public key is given, but keys.source = \
         \"generate\" (at answers.toml:2:10) says align-link makes the key pair itself"
    );
    assert!(hint.contains("source = \"align\""), "{hint}");
}

/// Review of issue 15's merges: the cross-check of keys.source holds wherever
/// the file puts keys.preflight (checked before keys.source, it lost both).
#[test]
fn the_key_source_checks_hold_with_preflight_first() {
    let text = format!(
        "[keys]\npreflight = true\nsource = \"generate\"\npublic_key = \"\"\"{PUBLIC_KEY}\"\"\"\n"
    );
    let (msg, _) = fail(&text);
    assert!(
        msg.starts_with("answers.toml:4:1: keys.public_key: a public key is given, but"),
        "{msg}"
    );
    let a = parse("[keys]\npreflight = false\nsource = \"align\"\nbits = 2048\n").unwrap();
    assert_eq!(
        a.warnings,
        ["answers.toml:4:1: keys.bits is ignored: with keys.source = \"align\", Jira Align made the key pair"]
    );
}

#[test]
fn public_key_text_is_checked_without_echo() {
    let (msg, _) = fail(
        "[keys]\nsource = \"align\"\npublic_key = \"-----BEGIN PRIVATE KEY-----\\nMIIEsecretstuff\\n-----END PRIVATE KEY-----\"\n",
    );
    assert_eq!(
        msg,
        format!(
            "answers.toml:3:14: keys.public_key: {}",
            keys::PublicKeyError::PrivateKey
        )
    );
    assert!(!msg.contains("secretstuff"));
    let (msg, _) = fail("[keys]\npublic_key = \"not a key!\"\n");
    assert!(
        msg.starts_with("answers.toml:2:14: keys.public_key: The key is not valid base64"),
        "{msg}"
    );
    // Bare base64, as Jira itself returns keys, is accepted.
    let bare: String = PUBLIC_KEY
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    assert!(parse(&format!("[keys]\npublic_key = \"{bare}\"\n")).is_ok());
}

#[test]
fn bits_with_align_source_warns() {
    let a = parse("[keys]\nsource = \"align\"\nbits = 2048\n").unwrap();
    assert_eq!(
        a.warnings,
        ["answers.toml:3:1: keys.bits is ignored: with keys.source = \"align\", Jira Align made the key pair"]
    );
}

#[test]
fn bad_choices_suggest() {
    let (msg, hint) = fail("[oauth]\napproval = \"service_account\"\n");
    assert_eq!(
        msg,
        "answers.toml:2:12: oauth.approval: \"service_account\" is not one of \
         \"service-account\", \"browser\", \"manual\""
    );
    assert_eq!(hint, "did you mean \"service-account\"?");
    let (msg, hint) = fail("[keys]\nsource = \"jira\"\n");
    assert_eq!(
        msg,
        "answers.toml:2:10: keys.source: \"jira\" is not one of \"generate\", \"align\""
    );
    assert_eq!(hint, "use one of \"generate\", \"align\"");
}

#[test]
fn invalid_toml_gives_position() {
    let (msg, hint) = fail("[jira]\nurl = \"https://x\n");
    assert!(msg.starts_with("answers.toml:2:"), "{msg}");
    assert!(msg.contains("not valid TOML: "), "{msg}");
    assert!(hint.contains("align-link answers-example"));
    let (msg, _) = fail("[jira]\nurl = \"a\"\nurl = \"b\"\n");
    assert!(
        msg.starts_with("answers.toml:3:1: not valid TOML: duplicate key"),
        "{msg}"
    );
}

#[test]
fn literal_secret_in_readable_file_warns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("answers.toml");
    fs::write(
        &path,
        "[jira]\nadmin_token = \"t0ken\"\n[service_account]\npassword = { env = \"HOME\" }\n\
         [align]\napi_token = \"al1gn\"\n",
    )
    .unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let a = Answers::load(&path).unwrap();
    let shown = path.display().to_string();
    // One warning for the file (as the sandbox's printed answers, saved 644,
    // would otherwise get one per secret), naming each secret and its place.
    assert_eq!(
        a.warnings,
        [format!(
            "{shown} can be read by group or others (mode 644) and holds secrets written in \
             it: jira.admin_token ({shown}:2:15), align.api_token ({shown}:6:13). Run \
             `chmod 600 {shown}`, or write each as {{ env = \"NAME\" }} and export NAME"
        )]
    );
    assert!(!a.warnings[0].contains("t0ken") && !a.warnings[0].contains("al1gn"));

    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    assert!(Answers::load(&path).unwrap().warnings.is_empty());
}

#[test]
fn load_reports_missing_file() {
    let err = Answers::load(Path::new("/nonexistent/answers.toml")).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Usage);
    assert_eq!(
        err.message,
        "answers file /nonexistent/answers.toml does not exist"
    );
}

#[test]
fn errors_never_show_secret_values() {
    // An error after a literal secret: the message names keys, not values.
    let (msg, hint) = fail("[jira]\nadmin_password = \"hunter2\"\nadmin_token = 7\n");
    assert!(!msg.contains("hunter2") && !hint.contains("hunter2"));
    let (msg, hint) = fail("[jira]\nadmin_token = [\"hunter2\"]\n");
    assert!(!msg.contains("hunter2") && !hint.contains("hunter2"));
}

#[test]
fn control_characters_in_key_and_table_names_are_escaped_in_errors() {
    for text in [
        "[\"jira\\u001b[2J\"]\nurl = \"https://x.example.com\"\n",
        "[jira]\n\"evil\\u001b]0;pwned\\u0007\" = 1\n",
        "\"top\\u001b[31m\" = 1\n",
    ] {
        let err = Answers::parse(text, Path::new("answers.toml"), &|_| None).unwrap_err();
        let shown = format!("{} {}", err.message, err.hint_text().unwrap_or_default());
        assert!(!shown.contains('\u{1b}'), "{shown:?}");
        assert!(
            shown.contains("\\u{1b}"),
            "the escape is shown, escaped: {shown:?}"
        );
    }
}
