//! Key material for the OAuth consumer: the consumer key, the RSA key pair Jira
//! Align signs with, and checks on a public key before it is pasted into Jira.

mod public;

pub use public::{parse_public_key, PublicKeyError};

use std::sync::mpsc::{channel, Receiver};
use std::thread::JoinHandle;

use base64::Engine as _;
use crypto_bigint::BoxedUint;
use crypto_primes::hazmat::{SetBits, SmallPrimesSieveFactory};
use rand::distributions::Alphanumeric;
use rand::rngs::OsRng;
use rand::Rng;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::der::zeroize::Zeroizing;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// NIST's recommendation beyond 2030, and still quick to generate.
pub const DEFAULT_KEY_BITS: usize = 3072;

/// Smaller keys are weak; larger ones buy nothing, since the scheme hashes with SHA-1 anyway.
pub const ACCEPTED_KEY_BITS: [usize; 3] = [2048, 3072, 4096];

/// [`ACCEPTED_KEY_BITS`] for messages: "2048, 3072 or 4096".
pub fn accepted_key_bits_text() -> String {
    let [small, middle, large] = ACCEPTED_KEY_BITS;
    format!("{small}, {middle} or {large}")
}

/// About 190 bits of entropy.
pub const CONSUMER_KEY_LEN: usize = 32;

/// The applinks database column is 255 characters.
pub const CONSUMER_KEY_MAX_LEN: usize = 255;

/// Letters and digits only, because the setup guide forbids spaces and symbols.
pub fn generate_consumer_key() -> String {
    OsRng
        .sample_iter(&Alphanumeric)
        .take(CONSUMER_KEY_LEN)
        .map(char::from)
        .collect()
}

/// `Err` carries the reason as a phrase that follows "the consumer key ...", e.g.
/// "contains a space at position 7".
pub fn check_consumer_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("is empty".to_string());
    }
    if let Some((index, c)) = key
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
    {
        let position = index + 1;
        let what = match c {
            ' ' => "a space".to_string(),
            '\t' => "a tab".to_string(),
            '\n' | '\r' => "a line break".to_string(),
            c if c.is_whitespace() => format!("a non-breaking or other space (U+{:04X})", c as u32),
            c if c.is_control() => format!("a control character (U+{:04X})", c as u32),
            c => format!("'{c}'"),
        };
        return Err(format!(
            "contains {what} at position {position}; only letters and digits (A-Z, a-z, 0-9) are allowed"
        ));
    }
    let len = key.chars().count();
    if len > CONSUMER_KEY_MAX_LEN {
        return Err(format!(
            "is {len} characters long; at most {CONSUMER_KEY_MAX_LEN} are allowed"
        ));
    }
    Ok(())
}

fn check_key_bits(bits: usize) -> Result<(), AppError> {
    if ACCEPTED_KEY_BITS.contains(&bits) {
        return Ok(());
    }
    Err(AppError::usage(format!(
        "unsupported RSA key size {bits}: use {} bits",
        accepted_key_bits_text()
    ))
    .hint(format!(
        "leave the size out to get the default of {DEFAULT_KEY_BITS} bits"
    )))
}

/// F4, what Jira and everyone use.
const PUBLIC_EXPONENT: u32 = 65_537;

/// Threads drawing primes at once: as many as a two-core machine runs.
const PRIME_THREADS: usize = 2;

/// `bits` must be one of [`ACCEPTED_KEY_BITS`]; anything else is a usage error.
pub fn generate_private_key(bits: usize) -> Result<RsaPrivateKey, AppError> {
    check_key_bits(bits)?;
    key_from_pooled_primes(bits)
        .map_err(|err| AppError::failed(format!("could not generate a {bits}-bit RSA key: {err}")))
}

/// The time to find a prime varies widely, so the first two finds of two threads'
/// draws wait for the typical draw rather than for the sum of two.
fn key_from_pooled_primes(bits: usize) -> rsa::Result<RsaPrivateKey> {
    let (primes, _threads) = draw_primes(bits / 2);
    let p = next_suitable(&primes, bits / 2);
    let mut q = next_suitable(&primes, bits / 2);
    while q == p {
        q = next_suitable(&primes, bits / 2);
    }
    // The threads end once their draw in flight finds nobody to send to.
    drop(primes);
    let key = RsaPrivateKey::from_p_q(p, q, BigUint::from(PUBLIC_EXPONENT))?;
    // Each prime has its top two bits set, so p * q is never a bit short.
    assert_eq!(key.n().bits(), bits, "p * q is a bit short");
    key.validate()?;
    Ok(key)
}

/// Threads drawing `bits`-bit primes until the receiver is dropped.
fn draw_primes(bits: usize) -> (Receiver<BigUint>, Vec<JoinHandle<()>>) {
    let (sender, primes) = channel();
    let threads = (0..PRIME_THREADS)
        .filter_map(|_| {
            let sender = sender.clone();
            // A thread that cannot start leaves the drawing to the other, or to
            // `next_suitable` itself.
            std::thread::Builder::new()
                .name("prime-draw".into())
                .spawn(move || while sender.send(draw_prime(bits)).is_ok() {})
                .ok()
        })
        .collect();
    (primes, threads)
}

/// One random `bits`-bit prime with its top two bits set.
fn draw_prime(bits: usize) -> BigUint {
    let bits = u32::try_from(bits).expect("an accepted key size");
    let prime: BoxedUint = crypto_primes::sieve_and_find(
        &mut OsRng,
        SmallPrimesSieveFactory::new(bits, SetBits::TwoMsb),
        crypto_primes::is_prime_with_rng,
    )
    .expect("the sieve makes candidates for ever");
    BigUint::from_bytes_be(&prime.to_be_bytes())
}

/// The next prime p drawn that suits e = 65537: gcd(e, p - 1) = 1, which for a
/// prime e means p is not 1 modulo e (`from_p_q` would refuse the pair).
fn next_suitable(primes: &Receiver<BigUint>, bits: usize) -> BigUint {
    loop {
        let prime = primes
            .recv()
            // No thread could start: draw here.
            .unwrap_or_else(|_| draw_prime(bits));
        if &prime % PUBLIC_EXPONENT != BigUint::from(1u32) {
            return prime;
        }
    }
}

/// A key pair made on its own thread, so that the run's network work hides the prime draws.
pub struct PendingKey {
    bits: usize,
    handle: std::thread::JoinHandle<Result<(RsaPrivateKey, std::time::Duration), AppError>>,
}

impl PendingKey {
    pub fn start(bits: usize) -> Result<PendingKey, AppError> {
        check_key_bits(bits)?;
        let handle = std::thread::Builder::new()
            .name("keygen".into())
            .spawn(move || {
                let started = std::time::Instant::now();
                generate_private_key(bits).map(|key| (key, started.elapsed()))
            })
            .map_err(|err| AppError::failed(format!("cannot start the key generation: {err}")))?;
        Ok(PendingKey { bits, handle })
    }

    pub fn bits(&self) -> usize {
        self.bits
    }

    /// The key and how long its generation took (not how long this waited).
    pub fn wait(self) -> Result<(RsaPrivateKey, std::time::Duration), AppError> {
        self.handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// PKCS#8 PEM, wiped when dropped.
pub fn private_key_to_pem(key: &RsaPrivateKey) -> Zeroizing<String> {
    key.to_pkcs8_pem(LineEnding::LF)
        .expect("an RSA private key always encodes as PKCS#8")
}

/// PKCS#8 or PKCS#1 PEM; encrypted keys are refused with the command that decrypts them.
pub fn private_key_from_pem(pem: &str) -> Result<RsaPrivateKey, String> {
    const DECRYPT: &str = "the private key is encrypted with a passphrase; align-link needs it \
                           unencrypted (`openssl pkey -in key.pem -out plain.pem`)";
    let blocks = public::pem_blocks(pem).map_err(|err| err.to_string())?;
    let Some(block) = blocks.iter().find(|b| b.label.ends_with("PRIVATE KEY")) else {
        return Err("no `BEGIN PRIVATE KEY` or `BEGIN RSA PRIVATE KEY` block found".to_string());
    };
    if block.label == "ENCRYPTED PRIVATE KEY" || block.body.contains("Proc-Type:") {
        return Err(DECRYPT.to_string());
    }
    let der = public::decode_base64(&block.body, block.body_line).map_err(|err| err.to_string())?;
    match block.label.as_str() {
        "PRIVATE KEY" => RsaPrivateKey::from_pkcs8_der(&der)
            .map_err(|err| format!("not a valid PKCS#8 RSA private key: {err}")),
        "RSA PRIVATE KEY" => RsaPrivateKey::from_pkcs1_der(&der)
            .map_err(|err| format!("not a valid PKCS#1 RSA private key: {err}")),
        other => Err(format!(
            "a `BEGIN {other}` key is not an RSA key in PKCS#8 or PKCS#1 form"
        )),
    }
}

/// SPKI PEM: the form Jira's consumer settings accept.
pub fn public_key_to_pem(key: &RsaPublicKey) -> String {
    key.to_public_key_pem(LineEnding::LF)
        .expect("an RSA public key always encodes as SPKI")
}

pub fn public_key_der(key: &RsaPublicKey) -> Vec<u8> {
    key.to_public_key_der()
        .expect("an RSA public key always encodes as SPKI")
        .into_vec()
}

/// OpenSSH style, so users can check it by hand: `openssl pkey -pubin -in pub.pem
/// -outform DER | openssl dgst -sha256 -binary | base64` without the `=` padding.
pub fn fingerprint(key: &RsaPublicKey) -> String {
    let digest = Sha256::digest(public_key_der(key));
    format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
    )
}

pub fn key_bits(key: &RsaPublicKey) -> usize {
    key.n().bits()
}

#[cfg(test)]
mod tests;
