//! The prime search behind key generation: random odd numbers of the size asked,
//! each stepped forward past the multiples of the odd primes below
//! [`SIEVE_LIMIT`], and each survivor given num-bigint-dig's probable-prime test
//! (20 Miller-Rabin rounds and a Lucas test, as its own `gen_prime` does). The
//! wider sieve is the whole gain over `gen_prime`, which only rules out
//! multiples of the primes up to 53: about 45% fewer candidates reach the costly
//! test (Mertens: 1.12 / ln(limit) of odd numbers survive, 0.11 instead of 0.19).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, OnceLock};

use num_bigint_dig::prime::probably_prime;
use rand::rngs::OsRng;
use rand::RngCore as _;
use rsa::BigUint;

/// Odd primes below this rule candidates out before the probable-prime test.
const SIEVE_LIMIT: u32 = 1 << 14;

/// Odd candidates tried from one random start before drawing another (a
/// 1536-bit prime comes about every 532 odd numbers).
const WINDOW: u32 = 1 << 12;

/// The test `rsa`'s own generation gives each candidate.
const MILLER_RABIN_ROUNDS: usize = 20;

/// Threads searching at once: as many as a two-core machine runs.
const WORKERS: usize = 2;

/// The odd primes below [`SIEVE_LIMIT`], by Eratosthenes' sieve, made once.
fn sieve_primes() -> &'static [u32] {
    static PRIMES: OnceLock<Vec<u32>> = OnceLock::new();
    PRIMES.get_or_init(|| {
        let limit = SIEVE_LIMIT as usize;
        let mut composite = vec![false; limit];
        let mut primes = Vec::new();
        for n in 3..limit {
            if composite[n] || n % 2 == 0 {
                continue;
            }
            primes.push(n as u32);
            for multiple in (n * n..limit).step_by(2 * n) {
                composite[multiple] = true;
            }
        }
        primes
    })
}

/// A random odd number of exactly `bits` bits whose top two bits are set, so
/// that the product of two of them has exactly `2 * bits` bits.
fn random_start(bits: usize) -> BigUint {
    let mut bytes = vec![0u8; bits.div_ceil(8)];
    OsRng.fill_bytes(&mut bytes);
    let mut start = BigUint::from_bytes_be(&bytes);
    // Drop the bits above `bits`, then set the top two and the lowest.
    start %= BigUint::from(1u32) << bits;
    start |= (BigUint::from(3u32) << (bits - 2)) | BigUint::from(1u32);
    start
}

/// `n % divisor`, which fits in a u32.
fn remainder(n: &BigUint, divisor: u32) -> u32 {
    let bytes = (n % divisor).to_bytes_le();
    bytes
        .iter()
        .rev()
        .fold(0u32, |value, &byte| (value << 8) | u32::from(byte))
}

/// Whether `start + delta` is divisible by none of the sieve's primes, from
/// `start`'s remainders by them.
fn survives_sieve(remainders: &[u32], delta: u32) -> bool {
    remainders
        .iter()
        .zip(sieve_primes())
        .all(|(remainder, prime)| !(remainder + delta).is_multiple_of(*prime))
}

/// A probable prime of exactly `bits` bits (top two bits set), or None once
/// `stop` is set (checked between candidates).
pub fn find_prime(bits: usize, stop: &AtomicBool) -> Option<BigUint> {
    assert!(bits >= 64, "prime search is for key-sized primes");
    loop {
        let start = random_start(bits);
        let remainders: Vec<u32> = sieve_primes()
            .iter()
            .map(|&prime| remainder(&start, prime))
            .collect();
        for delta in (0..2 * WINDOW).step_by(2) {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            if !survives_sieve(&remainders, delta) {
                continue;
            }
            let candidate = &start + delta;
            if candidate.bits() != bits {
                break;
            }
            if probably_prime(&candidate, MILLER_RABIN_ROUNDS) {
                return Some(candidate);
            }
        }
    }
}

/// Prime searches on their own threads, each sending what it finds, so that
/// the first two finds make a key: the typical search, not the slower of two
/// (the time to find a prime varies widely). Dropping it stops them.
pub struct PrimeSearch {
    found: Receiver<BigUint>,
    stop: Arc<AtomicBool>,
    bits: usize,
}

impl PrimeSearch {
    pub fn start(bits: usize) -> PrimeSearch {
        let (sender, found) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        for _ in 0..WORKERS {
            let (sender, stop) = (sender.clone(), stop.clone());
            // A thread that cannot start leaves the search to the others, or
            // to `next` itself.
            let _ = std::thread::Builder::new()
                .name("prime-search".into())
                .spawn(move || {
                    while let Some(prime) = find_prime(bits, &stop) {
                        if sender.send(prime).is_err() {
                            break;
                        }
                    }
                });
        }
        PrimeSearch { found, stop, bits }
    }

    pub fn next(&self) -> BigUint {
        match self.found.recv() {
            Ok(prime) => prime,
            // No worker runs (none could start): search here.
            Err(_) => find_prime(self.bits, &AtomicBool::new(false))
                .expect("a search that is never stopped finds a prime"),
        }
    }
}

impl Drop for PrimeSearch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sieve_holds_the_odd_primes_below_its_limit() {
        let primes = sieve_primes();
        assert_eq!(&primes[..6], &[3, 5, 7, 11, 13, 17]);
        // pi(16384) = 1900, less the prime 2.
        assert_eq!(primes.len(), 1899);
        assert!(primes
            .iter()
            .all(|&p| (2..p).take_while(|d| d * d <= p).all(|d| p % d != 0)));
    }

    #[test]
    fn the_sieve_agrees_with_dividing_each_candidate() {
        let start = random_start(512);
        let remainders: Vec<u32> = sieve_primes()
            .iter()
            .map(|&p| remainder(&start, p))
            .collect();
        let mut survivors = 0;
        for delta in (0..2000u32).step_by(2) {
            let candidate = &start + delta;
            let divided = sieve_primes()
                .iter()
                .any(|&p| remainder(&candidate, p) == 0);
            assert_eq!(
                survives_sieve(&remainders, delta),
                !divided,
                "delta {delta}"
            );
            survivors += usize::from(!divided);
        }
        // About 11% of odd numbers survive: far from none and from all.
        assert!((40..250).contains(&survivors), "{survivors} of 1000");
    }

    #[test]
    fn found_primes_have_the_size_and_top_bits_asked_and_are_prime() {
        let never = AtomicBool::new(false);
        for bits in [256, 512, 768] {
            let prime = find_prime(bits, &never).unwrap();
            assert_eq!(prime.bits(), bits);
            let top_two = &prime >> (bits - 2);
            assert_eq!(top_two, BigUint::from(3u32), "the top two bits are set");
            assert!(probably_prime(&prime, 20));
        }
    }

    #[test]
    fn openssl_agrees_that_a_found_prime_is_prime() {
        // An independent judge: our own test above uses the search's own check.
        let prime = find_prime(512, &AtomicBool::new(false)).unwrap();
        let hex = prime.to_str_radix(16);
        let output = std::process::Command::new("openssl")
            .args(["prime", "-hex", &hex])
            .output()
            .expect("openssl is installed (.ci/run installs it)");
        let said = String::from_utf8_lossy(&output.stdout);
        assert!(said.trim_end().ends_with("is prime"), "{said}");
        // And the judge does judge: three times the prime is not one.
        let composite = (&prime * 3u32).to_str_radix(16);
        let output = std::process::Command::new("openssl")
            .args(["prime", "-hex", &composite])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&output.stdout);
        assert!(said.contains("is not prime"), "{said}");
    }

    #[test]
    fn a_stopped_search_ends_without_a_prime() {
        assert_eq!(find_prime(1536, &AtomicBool::new(true)), None);
    }
}
