//! Unit tests for key handling, on fixed keys made once with openssl.

use super::*;
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};

/// 2048-bit test key (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`).
const TEST_PRIVATE_PEM: &str = include_str!("../../../../tests/data/test-key-2048.pem");

/// Its public half, as `openssl pkey -pubout` prints it.
const TEST_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA+jVct7hOuDONcLatwYhU
InD2GxmLS6r8XrDvp9FFnT3diapbbYXapRFc0dklaWvH4j2AGnYGHxhOmOb9sw+s
VWm1gQ18FopeJylv6ZBbPanOSvHeVV+1yLBbY/h8Qb8aZi7wWB1hTYJD8R55rVNJ
wki2ulRQbOKjZB/zRy1pKZnXpXFEAvYlk7XvS0v8+IjnvtZVm/B2bS8WAO3xlz93
5SHXVpZUyII63jBCdzqnGIOI5krldVnAv3ySfUcyMt20Ca/wd7PfzAIUHB/gCmLk
pAWR/k7Afeal49mBKzcmluhaD2P+8PIy7A969ifW/6t3035Br2k1cux1W8FLrtki
PQIDAQAB
-----END PUBLIC KEY-----
";

/// `openssl pkey -pubin -in pub.pem -outform DER | openssl dgst -sha256 -binary | base64`,
/// padding stripped.
const TEST_FINGERPRINT: &str = "SHA256:2jdSiEJggHU7KE+Omg1FGDRjV7iB7mJJ3JdH4spEgoE";

const EC_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECWs+pmFeSISXr9zaIu8jujo4hPpK
osB37/Me3+cIfG8i3q4JDBGEDYU47bMDlsyjDK6P5Ap0yDwRMZxLlmz2dg==
-----END PUBLIC KEY-----";

const ED25519_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAMeAxzsijXzWilCwxmMqOljYMRcNSXyWJ0B9agSAZhpU=
-----END PUBLIC KEY-----";

const RSA_1024_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCozXZAQsxy7it1OtlGtNYOoji0
SFg+iX0ddsT9Y9JRsieSTgC0A33Txtb6n4y6p7jrILDatvFLZy9b9+YcYtVaQ0o3
gG07zCJUoiOdGXpQbgNq7+rwSRssfILYt7lgfVCqyhjCUhJIuuxsMJIGuOi1wCWC
jNOnbIetf4Qc5za32wIDAQAB
-----END PUBLIC KEY-----";

/// A self-signed EC certificate (`openssl req -new -x509`).
const CERTIFICATE_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBbDCCAROgAwIBAgIUe3356FydZZUnAn2QYgnjuXyVHj4wCgYIKoZIzj0EAwIw
DDEKMAgGA1UEAwwBdDAeFw0yNjExMjkwMDIwMzFaFw0zNjExMjYwMDIwMzFaMAwx
CjAIBgNVBAMMAXQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQJaz6mYV5IhJev
3Noi7yO6OjiE+kqiwHfv8x7f5wh8byLergkMEYQNhTjtswOWzKMMro/kCnTIPBEx
nEuWbPZ2o1MwUTAdBgNVHQ4EFgQUqjQeRHydqUBdgO/w7Sab/QzCkU0wHwYDVR0j
BBgwFoAUqjQeRHydqUBdgO/w7Sab/QzCkU0wDwYDVR0TAQH/BAUwAwEB/zAKBggq
hkjOPQQDAgNHADBEAiBSUD9GB1XVKpJIktjRnxW4OBG449eB67OejdNj4HRL9AIg
J0RslgxUze8mCKb2O5x0w2PyY9IFEcoA3BBkY5YlA10=
-----END CERTIFICATE-----";

fn test_key() -> RsaPrivateKey {
    private_key_from_pem(TEST_PRIVATE_PEM).unwrap()
}

/// The base64 body of a PEM block on one line, as Jira shows keys.
fn bare(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

fn pem_of(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

#[test]
fn generated_consumer_keys_are_32_alphanumerics_and_differ() {
    let a = generate_consumer_key();
    let b = generate_consumer_key();
    assert_eq!(a.len(), 32);
    assert!(a.chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
    assert_ne!(a, b);
    assert_eq!(check_consumer_key(&a), Ok(()));
}

#[test]
fn consumer_key_checks_name_the_problem_and_position() {
    assert_eq!(check_consumer_key("JiraAlign2024"), Ok(()));
    assert_eq!(check_consumer_key("").unwrap_err(), "is empty");
    let err = check_consumer_key("jira al").unwrap_err();
    assert!(err.starts_with("contains a space at position 5"), "{err}");
    let err = check_consumer_key("abc-def").unwrap_err();
    assert!(
        err.starts_with("contains '-' at position 4; only letters and digits"),
        "{err}"
    );
    assert!(check_consumer_key("a\tb")
        .unwrap_err()
        .contains("a tab at position 2"));
    assert!(check_consumer_key("ab\n")
        .unwrap_err()
        .contains("a line break at position 3"));
    assert!(check_consumer_key("é1")
        .unwrap_err()
        .contains("'é' at position 1"));
    assert!(check_consumer_key("a\u{a0}b")
        .unwrap_err()
        .contains("U+00A0"));
    assert_eq!(check_consumer_key(&"a".repeat(255)), Ok(()));
    let err = check_consumer_key(&"a".repeat(256)).unwrap_err();
    assert_eq!(err, "is 256 characters long; at most 255 are allowed");
}

#[test]
fn key_generation_accepts_only_supported_sizes() {
    for bad in [0, 1024, 2000, 3000, 8192] {
        let err = generate_private_key(bad).unwrap_err();
        assert_eq!(err.exit_code(), crate::error::EXIT_USAGE);
        assert!(err.message.contains(&bad.to_string()), "{}", err.message);
        let err = PendingKey::start(bad).err().unwrap();
        assert_eq!(err.exit_code(), crate::error::EXIT_USAGE);
    }
    assert!(ACCEPTED_KEY_BITS.contains(&DEFAULT_KEY_BITS));
}

#[test]
fn private_key_pem_round_trips_in_pkcs8_and_pkcs1() {
    let key = test_key();
    let pem = private_key_to_pem(&key);
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert_eq!(private_key_from_pem(&pem).unwrap(), key);
    let pkcs1 = key.to_pkcs1_pem(LineEnding::CRLF).unwrap();
    assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    assert_eq!(private_key_from_pem(&pkcs1).unwrap(), key);
    // Re-wrapped at 76 columns with CRLF, as mail clients do.
    let rewrapped = pem_of("PRIVATE KEY", &base64_body(&pem)).replace('\n', "\r\n");
    assert_eq!(private_key_from_pem(&rewrapped).unwrap(), key);
}

fn base64_body(pem: &str) -> Vec<u8> {
    public::decode_base64(
        &pem.lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<Vec<_>>()
            .join("\n"),
        2,
    )
    .unwrap()
}

#[test]
fn private_key_from_pem_explains_failures() {
    assert!(private_key_from_pem(TEST_PUBLIC_PEM)
        .unwrap_err()
        .contains("no `BEGIN PRIVATE KEY`"));
    let encrypted =
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----";
    assert!(private_key_from_pem(encrypted)
        .unwrap_err()
        .contains("encrypted"));
    let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----";
    assert!(private_key_from_pem(legacy)
        .unwrap_err()
        .contains("encrypted"));
    let truncated = &TEST_PRIVATE_PEM[..200];
    assert!(private_key_from_pem(truncated)
        .unwrap_err()
        .contains("no `END PRIVATE KEY`"));
}

#[test]
fn public_key_pem_is_spki_with_lf_and_matches_openssl() {
    let public = test_key().to_public_key();
    let pem = public_key_to_pem(&public);
    assert_eq!(pem, TEST_PUBLIC_PEM);
    assert!(!pem.contains('\r'));
    assert_eq!(public_key_der(&public), base64_body(TEST_PUBLIC_PEM));
    assert_eq!(key_bits(&public), 2048);
}

#[test]
fn fingerprint_equals_openssl_value() {
    let public = parse_public_key(TEST_PUBLIC_PEM).unwrap();
    assert_eq!(fingerprint(&public), TEST_FINGERPRINT);
    assert_eq!(fingerprint(&test_key().to_public_key()), TEST_FINGERPRINT);
}

#[test]
fn parse_accepts_pem_bare_base64_crlf_and_wrapping() {
    let expected = test_key().to_public_key();
    let one_line = bare(TEST_PUBLIC_PEM);
    let inputs = [
        TEST_PUBLIC_PEM.to_string(),
        TEST_PUBLIC_PEM.replace('\n', "\r\n"),
        format!("  Here is the key:\n{TEST_PUBLIC_PEM}\nthanks\n"),
        one_line.clone(),
        one_line.trim_end_matches('=').to_string(),
        format!(
            "\r\n  {}  \r\n",
            one_line
                .as_bytes()
                .chunks(50)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join("\r\n ")
        ),
    ];
    for input in inputs {
        assert_eq!(
            parse_public_key(&input).as_ref(),
            Ok(&expected),
            "{input:?}"
        );
    }
}

#[test]
fn parse_rejects_pkcs1_public_key_saying_how_to_convert_it() {
    let public = test_key().to_public_key();
    let pkcs1_pem = public.to_pkcs1_pem(LineEnding::LF).unwrap();
    let err = parse_public_key(&pkcs1_pem).unwrap_err();
    assert_eq!(err, PublicKeyError::Pkcs1);
    let text = err.to_string();
    assert!(
        text.contains("applinks.invalid.consumer.publickey"),
        "{text}"
    );
    assert!(
        text.contains("openssl rsa -RSAPublicKey_in -in key.pem -pubout"),
        "{text}"
    );
    // The bare body of a PKCS#1 key is recognised too.
    assert_eq!(
        parse_public_key(&bare(&pkcs1_pem)),
        Err(PublicKeyError::Pkcs1)
    );
}

#[test]
fn parse_refuses_private_keys_in_every_form() {
    let key = test_key();
    let pkcs1 = key.to_pkcs1_pem(LineEnding::LF).unwrap();
    let inputs = [
        TEST_PRIVATE_PEM.to_string(),
        pkcs1.to_string(),
        bare(TEST_PRIVATE_PEM),
        bare(&pkcs1),
        format!("{TEST_PUBLIC_PEM}{TEST_PRIVATE_PEM}"),
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----"
            .to_string(),
        "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none".to_string(),
    ];
    for input in inputs {
        assert_eq!(parse_public_key(&input), Err(PublicKeyError::PrivateKey));
    }
    let text = PublicKeyError::PrivateKey.to_string();
    assert!(text.contains("PRIVATE key: never paste it"), "{text}");
    assert!(text.contains("public half"), "{text}");
    // The message never echoes the key back.
    assert!(!text.contains("MIIE"));
}

#[test]
fn parse_refuses_certificates_and_requests() {
    assert_eq!(
        parse_public_key(CERTIFICATE_PEM),
        Err(PublicKeyError::Certificate)
    );
    assert_eq!(
        parse_public_key(&bare(CERTIFICATE_PEM)),
        Err(PublicKeyError::Certificate)
    );
    assert!(PublicKeyError::Certificate
        .to_string()
        .contains("openssl x509 -in cert.pem -pubkey -noout"));
    let csr = CERTIFICATE_PEM.replace("CERTIFICATE", "CERTIFICATE REQUEST");
    assert_eq!(
        parse_public_key(&csr),
        Err(PublicKeyError::CertificateRequest)
    );
    assert!(PublicKeyError::CertificateRequest
        .to_string()
        .contains("openssl req"));
}

#[test]
fn parse_refuses_non_rsa_keys_naming_the_algorithm() {
    let err = parse_public_key(EC_PUBLIC_PEM).unwrap_err();
    assert!(matches!(&err, PublicKeyError::NotRsa { algorithm } if algorithm.contains("EC")));
    assert!(err.to_string().contains("RSA-SHA1"));
    let err = parse_public_key(&bare(ED25519_PUBLIC_PEM)).unwrap_err();
    assert_eq!(
        err,
        PublicKeyError::NotRsa {
            algorithm: "Ed25519".into()
        }
    );
    let ssh = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host";
    assert_eq!(parse_public_key(ssh), Err(PublicKeyError::OpenSsh));
    let ssh2 = "---- BEGIN SSH2 PUBLIC KEY ----\nAAAAB3NzaC1yc2E=\n---- END SSH2 PUBLIC KEY ----";
    assert_eq!(parse_public_key(ssh2), Err(PublicKeyError::OpenSsh));
    assert!(PublicKeyError::OpenSsh
        .to_string()
        .contains("ssh-keygen -e -m PKCS8"));
}

#[test]
fn parse_points_at_invalid_base64() {
    let mut lines: Vec<String> = TEST_PUBLIC_PEM.lines().map(String::from).collect();
    lines[2].replace_range(8..9, "!");
    let err = parse_public_key(&lines.join("\n")).unwrap_err();
    assert_eq!(
        err,
        PublicKeyError::InvalidBase64 {
            detail: "unexpected '!' at line 3, column 9".into()
        }
    );
    assert!(err.to_string().contains("Copy the key again"));
    let url_safe = bare(TEST_PUBLIC_PEM).replace('+', "-");
    let err = parse_public_key(&url_safe).unwrap_err().to_string();
    assert!(err.contains("URL-safe"), "{err}");
    // Cut off mid-way: the length no longer fits.
    let cut = &bare(TEST_PUBLIC_PEM)[..101];
    let err = parse_public_key(cut).unwrap_err();
    assert!(
        matches!(
            err,
            PublicKeyError::InvalidBase64 { .. } | PublicKeyError::NotPublicKey { .. }
        ),
        "{err:?}"
    );
    let cut = &bare(TEST_PUBLIC_PEM)[..100];
    assert_eq!(
        parse_public_key(cut),
        Err(PublicKeyError::NotPublicKey { bytes: 75 })
    );
}

#[test]
fn parse_reports_pem_structure_problems() {
    let no_end = TEST_PUBLIC_PEM.replace("-----END PUBLIC KEY-----", "");
    let err = parse_public_key(&no_end).unwrap_err();
    assert!(
        matches!(&err, PublicKeyError::MalformedPem { detail } if detail.contains("no `END PUBLIC KEY`")),
        "{err:?}"
    );
    let mismatched = TEST_PUBLIC_PEM.replace("END PUBLIC KEY", "END RSA PUBLIC KEY");
    assert!(matches!(
        parse_public_key(&mismatched),
        Err(PublicKeyError::MalformedPem { .. })
    ));
    let two = format!("{TEST_PUBLIC_PEM}{EC_PUBLIC_PEM}");
    assert_eq!(
        parse_public_key(&two),
        Err(PublicKeyError::MultiplePem { count: 2 })
    );
    let pgp = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQINBF==\n-----END PGP PUBLIC KEY BLOCK-----";
    assert_eq!(
        parse_public_key(pgp),
        Err(PublicKeyError::UnexpectedPem {
            label: "PGP PUBLIC KEY BLOCK".into()
        })
    );
}

#[test]
fn parse_refuses_empty_small_and_damaged_keys() {
    assert_eq!(parse_public_key(""), Err(PublicKeyError::Empty));
    assert_eq!(parse_public_key(" \r\n\t"), Err(PublicKeyError::Empty));
    let empty_block = "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----";
    assert_eq!(parse_public_key(empty_block), Err(PublicKeyError::Empty));
    assert!(PublicKeyError::Empty
        .to_string()
        .contains("BEGIN PUBLIC KEY"));
    let err = parse_public_key(RSA_1024_PUBLIC_PEM).unwrap_err();
    assert_eq!(err, PublicKeyError::TooSmall { bits: 1024 });
    assert!(err.to_string().contains("at least 2048"));
    let junk = pem_of("PUBLIC KEY", b"not a key at all");
    assert_eq!(
        parse_public_key(&junk),
        Err(PublicKeyError::NotPublicKey { bytes: 16 })
    );
    assert!(PublicKeyError::NotPublicKey { bytes: 16 }
        .to_string()
        .contains("SubjectPublicKeyInfo"));
}

#[test]
fn every_error_message_is_a_sentence_with_a_fix() {
    let all = [
        PublicKeyError::Empty,
        PublicKeyError::Pkcs1,
        PublicKeyError::PrivateKey,
        PublicKeyError::Certificate,
        PublicKeyError::CertificateRequest,
        PublicKeyError::OpenSsh,
        PublicKeyError::NotRsa {
            algorithm: "DSA".into(),
        },
        PublicKeyError::UnexpectedPem { label: "X".into() },
        PublicKeyError::MultiplePem { count: 3 },
        PublicKeyError::MalformedPem { detail: "d".into() },
        PublicKeyError::InvalidBase64 { detail: "d".into() },
        PublicKeyError::NotPublicKey { bytes: 3 },
        PublicKeyError::DamagedRsaKey { detail: "d".into() },
        PublicKeyError::TooSmall { bits: 512 },
    ];
    for err in all {
        let text = err.to_string();
        assert!(text.ends_with('.'), "{text}");
        assert!(text.chars().next().unwrap().is_uppercase(), "{text}");
        let fix_words = [
            "paste",
            "Paste",
            "Convert",
            "Copy",
            "Generate",
            "give",
            "Extract",
            "Let align-link",
        ];
        assert!(
            fix_words.iter().any(|w| text.contains(w)),
            "no fix in: {text}"
        );
    }
}

#[test]
fn generated_keys_are_whole_and_sign() {
    let pending = PendingKey::start(2048).unwrap();
    assert_eq!(pending.bits(), 2048);
    let (key, _took) = pending.wait().unwrap();
    assert_eq!(key.size() * 8, 2048);
    assert_eq!(key.e(), &rsa::BigUint::from(65_537u32));
    assert_eq!(key.primes().len(), 2);
    assert_ne!(key.primes()[0], key.primes()[1]);
    key.validate().unwrap();
    let public = RsaPublicKey::from(&key);
    let digest = Sha256::digest(b"align-link");
    let signature = key
        .sign(rsa::Pkcs1v15Sign::new::<Sha256>(), &digest)
        .unwrap();
    public
        .verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &digest, &signature)
        .unwrap();

    // `openssl rsa -check` tests p and q for primality and every CRT value:
    // a judge independent of the crate that made the key.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key.pem");
    std::fs::write(&path, private_key_to_pem(&key).as_bytes()).unwrap();
    let output = std::process::Command::new("openssl")
        .args(["rsa", "-check", "-noout", "-in"])
        .arg(&path)
        .output()
        .expect("openssl is installed (.ci/run installs it)");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said.contains("RSA key ok"), "{said}");
}

#[test]
fn drawn_primes_suit_the_key_and_the_draws_end_once_not_taken() {
    let (primes, threads) = super::draw_primes(256);
    assert_eq!(threads.len(), super::PRIME_THREADS);
    for _ in 0..4 {
        let prime = super::next_suitable(&primes, 256);
        assert_eq!(prime.bits(), 256);
        // The top two bits set: two such primes make a modulus of full size.
        assert_eq!(&prime >> 254usize, rsa::BigUint::from(3u32));
        assert_ne!(&prime % 65_537u32, rsa::BigUint::from(1u32));
    }
    drop(primes);
    // Each thread ends after its draw in flight (milliseconds at 256 bits).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !threads.iter().all(|thread| thread.is_finished()) {
        assert!(std::time::Instant::now() < deadline, "a draw went on");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn a_prime_that_is_one_modulo_e_is_passed_over() {
    // 917519 = 14 * 65537 + 1 is prime, and e = 65537 has no inverse modulo
    // 917518; 1310759 is a prime that suits.
    let (sender, primes) = std::sync::mpsc::channel();
    for prime in [917_519u32, 1_310_759] {
        sender.send(rsa::BigUint::from(prime)).unwrap();
    }
    assert_eq!(
        super::next_suitable(&primes, 21),
        rsa::BigUint::from(1_310_759u32)
    );
}
