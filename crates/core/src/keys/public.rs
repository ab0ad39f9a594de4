//! Reading a public key as Jira does (an X.509 SubjectPublicKeyInfo, PEM or bare
//! base64), but naming the usual mistakes where Jira says only
//! `applinks.invalid.consumer.publickey`.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use rsa::pkcs8::spki::SubjectPublicKeyInfoRef;
use rsa::pkcs8::PrivateKeyInfo;
use rsa::traits::PublicKeyParts;
use rsa::RsaPublicKey;
use x509_cert::der::Decode;
use x509_cert::request::CertReq;
use x509_cert::Certificate;

const MIN_PUBLIC_KEY_BITS: usize = 2048;

/// The fix most messages end with.
const PASTE: &str = "paste the `-----BEGIN PUBLIC KEY-----` block";

/// `Display` gives a full sentence with the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublicKeyError {
    #[error("The public key is empty: {PASTE} (or the bare base64 Jira shows) in full.")]
    Empty,
    #[error(
        "This is a PKCS#1 public key (`BEGIN RSA PUBLIC KEY`), which Jira refuses with \
         applinks.invalid.consumer.publickey. Convert it with \
         `openssl rsa -RSAPublicKey_in -in key.pem -pubout` and {PASTE} it prints."
    )]
    Pkcs1,
    #[error(
        "This is a PRIVATE key: never paste it anywhere; give the public half \
         (`openssl pkey -in key.pem -pubout`). If it was shared, make a new key pair."
    )]
    PrivateKey,
    #[error(
        "This is an X.509 certificate, not a public key. Extract the key with \
         `openssl x509 -in cert.pem -pubkey -noout` and {PASTE} it prints."
    )]
    Certificate,
    #[error(
        "This is a certificate signing request, not a public key. Extract the key with \
         `openssl req -in request.pem -pubkey -noout` and {PASTE} it prints."
    )]
    CertificateRequest,
    #[error(
        "This is an OpenSSH public key; Jira needs the X.509 form. Convert it with \
         `ssh-keygen -e -m PKCS8 -f key.pub` and {PASTE} it prints."
    )]
    OpenSsh,
    #[error(
        "This is an {algorithm} key, but OAuth 1.0a with Jira signs with RSA-SHA1 and \
         needs a plain RSA key. Let align-link generate an RSA key pair and use its \
         public key."
    )]
    NotRsa { algorithm: String },
    #[error("The text holds a `BEGIN {label}` block, which is not a public key: {PASTE} instead.")]
    UnexpectedPem { label: String },
    #[error("The text holds {count} PEM blocks: {PASTE} alone.")]
    MultiplePem { count: usize },
    #[error(
        "The PEM text is malformed: {detail}. Copy the whole block again, from \
         `-----BEGIN PUBLIC KEY-----` through `-----END PUBLIC KEY-----`."
    )]
    MalformedPem { detail: String },
    #[error(
        "The key is not valid base64: {detail}. Copy the key again, whole and with \
         nothing else around it."
    )]
    InvalidBase64 { detail: String },
    #[error(
        "The text decodes to {bytes} bytes, but they are not an X.509 \
         SubjectPublicKeyInfo public key: {PASTE} that align-link printed."
    )]
    NotPublicKey { bytes: usize },
    #[error("The RSA public key is damaged ({detail}). Copy it again, whole.")]
    DamagedRsaKey { detail: String },
    #[error(
        "The RSA key has only {bits} bits; at least {MIN_PUBLIC_KEY_BITS} are needed. \
         Generate a new key pair (align-link makes 3072-bit keys)."
    )]
    TooSmall { bits: usize },
}

pub fn parse_public_key(text: &str) -> Result<RsaPublicKey, PublicKeyError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(PublicKeyError::Empty);
    }
    if looks_like_openssh(text) {
        return Err(PublicKeyError::OpenSsh);
    }
    if text.starts_with("PuTTY-User-Key-File") {
        return Err(PublicKeyError::PrivateKey);
    }
    let blocks = pem_blocks(text)?;
    if blocks.is_empty() {
        let der = decode_base64(text, 1)?;
        return classify_der(&der);
    }
    // A private key anywhere in the paste is the one mistake that matters most.
    if blocks.iter().any(|b| b.label.contains("PRIVATE KEY")) {
        return Err(PublicKeyError::PrivateKey);
    }
    if blocks.len() > 1 {
        return Err(PublicKeyError::MultiplePem {
            count: blocks.len(),
        });
    }
    let block = &blocks[0];
    match block.label.as_str() {
        "PUBLIC KEY" => classify_der(&decode_base64(&block.body, block.body_line)?),
        "RSA PUBLIC KEY" => Err(PublicKeyError::Pkcs1),
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
            Err(PublicKeyError::Certificate)
        }
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
            Err(PublicKeyError::CertificateRequest)
        }
        other => Err(PublicKeyError::UnexpectedPem {
            label: other.to_string(),
        }),
    }
}

pub(crate) struct PemBlock {
    pub label: String,
    pub body: String,
    /// The line number of the body's first line in the original text.
    pub body_line: usize,
}

/// Ignores text around the blocks (people paste with a sentence before or after) and
/// line lengths, unlike strict RFC 7468 parsers: pasted keys are often re-wrapped.
pub(crate) fn pem_blocks(text: &str) -> Result<Vec<PemBlock>, PublicKeyError> {
    let mut blocks = Vec::new();
    let mut current: Option<PemBlock> = None;
    for (index, raw_line) in text.lines().enumerate() {
        let line = raw_line.trim();
        if let Some(label) = armour_label(line, "BEGIN") {
            if let Some(open) = &current {
                return Err(PublicKeyError::MalformedPem {
                    detail: format!(
                        "a new `BEGIN {label}` line starts on line {} before `END {}`",
                        index + 1,
                        open.label
                    ),
                });
            }
            current = Some(PemBlock {
                label: label.to_string(),
                body: String::new(),
                body_line: index + 2,
            });
        } else if let Some(label) = armour_label(line, "END") {
            let Some(block) = current.take() else {
                return Err(PublicKeyError::MalformedPem {
                    detail: format!("line {} has `END {label}` without a BEGIN line", index + 1),
                });
            };
            if block.label != label {
                return Err(PublicKeyError::MalformedPem {
                    detail: format!("`BEGIN {}` is closed by `END {label}`", block.label),
                });
            }
            blocks.push(block);
        } else if let Some(block) = &mut current {
            // Keep every line, blank ones too, so error line numbers stay right.
            if index + 1 > block.body_line {
                block.body.push('\n');
            }
            block.body.push_str(line);
        }
    }
    if let Some(block) = current {
        return Err(PublicKeyError::MalformedPem {
            detail: format!(
                "`BEGIN {0}` has no `END {0}` line (was the end cut off?)",
                block.label
            ),
        });
    }
    Ok(blocks)
}

fn armour_label<'a>(line: &'a str, word: &str) -> Option<&'a str> {
    line.strip_prefix("-----")?
        .strip_suffix("-----")?
        .strip_prefix(word)?
        .strip_prefix(' ')
        .map(str::trim)
}

fn looks_like_openssh(text: &str) -> bool {
    const PREFIXES: &[&str] = &["ssh-rsa ", "ssh-dss ", "ssh-ed25519 ", "ecdsa-sha2-", "sk-"];
    PREFIXES.iter().any(|p| text.starts_with(p)) || text.contains("BEGIN SSH2 PUBLIC KEY")
}

/// `first_line` is the line number of `text`'s first line in what the user pasted.
pub(crate) fn decode_base64(text: &str, first_line: usize) -> Result<Vec<u8>, PublicKeyError> {
    let mut compact = String::with_capacity(text.len());
    for (line_index, line) in text.lines().enumerate() {
        for (col_index, c) in line.chars().enumerate() {
            if c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=') {
                compact.push(c);
            } else if !c.is_whitespace() {
                let hint = match c {
                    '-' | '_' => " (URL-safe base64 is not accepted)",
                    _ => "",
                };
                return Err(PublicKeyError::InvalidBase64 {
                    detail: format!(
                        "unexpected '{c}' at line {}, column {}{hint}",
                        first_line + line_index,
                        col_index + 1
                    ),
                });
            }
        }
    }
    if compact.is_empty() {
        return Err(PublicKeyError::Empty);
    }
    // Jira and some tools drop the `=` padding; accept it either way.
    let engine = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    engine.decode(&compact).map_err(|err| {
        let detail = match err {
            base64::DecodeError::InvalidByte(offset, b) => format!(
                "misplaced '{}' at base64 character {}",
                char::from(b),
                offset + 1
            ),
            base64::DecodeError::InvalidLength(len) => {
                format!("{len} base64 characters cannot be a whole value (was the key cut off?)")
            }
            base64::DecodeError::InvalidLastSymbol(offset, _) => format!(
                "the last characters (near base64 character {}) are wrong \
                 (was the key cut off?)",
                offset + 1
            ),
            base64::DecodeError::InvalidPadding => "the `=` padding is wrong".to_string(),
        };
        PublicKeyError::InvalidBase64 { detail }
    })
}

fn classify_der(der: &[u8]) -> Result<RsaPublicKey, PublicKeyError> {
    if let Ok(spki) = SubjectPublicKeyInfoRef::try_from(der) {
        if spki.algorithm.oid != rsa::pkcs1::ALGORITHM_OID {
            return Err(PublicKeyError::NotRsa {
                algorithm: algorithm_name(&spki.algorithm.oid.to_string()),
            });
        }
        let key = RsaPublicKey::try_from(spki).map_err(|err| PublicKeyError::DamagedRsaKey {
            detail: err.to_string(),
        })?;
        let bits = key.n().bits();
        if bits < MIN_PUBLIC_KEY_BITS {
            return Err(PublicKeyError::TooSmall { bits });
        }
        return Ok(key);
    }
    if PrivateKeyInfo::try_from(der).is_ok() || rsa::pkcs1::RsaPrivateKey::try_from(der).is_ok() {
        return Err(PublicKeyError::PrivateKey);
    }
    if rsa::pkcs1::RsaPublicKey::try_from(der).is_ok() {
        return Err(PublicKeyError::Pkcs1);
    }
    if Certificate::from_der(der).is_ok() {
        return Err(PublicKeyError::Certificate);
    }
    if CertReq::from_der(der).is_ok() {
        return Err(PublicKeyError::CertificateRequest);
    }
    Err(PublicKeyError::NotPublicKey { bytes: der.len() })
}

fn algorithm_name(oid: &str) -> String {
    const NAMES: [(&str, &str); 6] = [
        ("1.2.840.10045.2.1", "elliptic-curve (EC)"),
        ("1.3.101.112", "Ed25519"),
        ("1.3.101.113", "Ed448"),
        ("1.3.101.110", "X25519"),
        ("1.2.840.10040.4.1", "DSA"),
        ("1.2.840.113549.1.1.10", "RSASSA-PSS (restricted RSA)"),
    ];
    let known = NAMES.iter().find(|(known, _)| *known == oid);
    known.map_or_else(
        || format!("unknown algorithm (OID {oid})"),
        |(_, name)| name.to_string(),
    )
}
