//! The consumer key (step 4) and the RSA key pair (step 5), made once and reused.

use std::time::Instant;

use rsa::RsaPublicKey;

use super::Outcome;
use crate::context::{inputs, Ctx};
use crate::domain::{ConnectorAuth, KeySource};
use crate::error::{AppError, Result};
use crate::keys;
use crate::prompt::Question;
use crate::state::{ConsumerFacts, State, StepStatus, ACCESS_TOKEN_FILE, PRIVATE_KEY_FILE};
use crate::ui;

/// Steps whose result depends on the consumer key and public key.
pub(super) const DEPENDENT_STEPS: [u8; 11] = [13, 14, 15, 17, 18, 19, 20, 21, 22, 23, 24];

/// Step 5's choice, in the order offered (the sandbox's default second).
const SOURCES: [(KeySource, &str); 2] = [
    (KeySource::Align, "Jira Align (Generate New Key)"),
    (KeySource::Generate, "align-link (its own key pair)"),
];

/// Step 5 asks, in a terminal, when neither the answers file nor an earlier run decided.
pub(super) fn decide_key_source(ctx: &mut Ctx) -> Result<KeySource> {
    if source_decided(ctx) {
        return Ok(ctx.key_source());
    }
    ui::info(
        "Jira Align can make the key pair (Generate New Key on the connector form); align-link then installs its public key on the Jira link. Or align-link makes the pair and completes the OAuth handshake itself.",
    );
    // The sandbox has no Jira Align screen to generate a key on: its own key is the way there.
    let default = if ctx.config().sandbox {
        ui::info("In the sandbox, align-link's own key pair is the default.");
        1
    } else {
        0
    };
    let labels = SOURCES.map(|(_, label)| label);
    let choice = ctx
        .prompter()
        .pick(inputs::KEY_SOURCE.prompt, &labels, default)?;
    let (source, _) = SOURCES[choice];
    ctx.remember(&inputs::KEY_SOURCE, source.as_str());
    Ok(source)
}

/// The consumer key: the answers file's, else the one chosen before, else a new
/// one; a change resets the steps that used the old one.
pub fn choose_consumer_key(ctx: &mut Ctx) -> Result<String> {
    let previous = ctx.state().consumer.as_ref().map(|c| c.key.clone());
    let key = ctx
        .wanted_consumer_key()
        .unwrap_or_else(keys::generate_consumer_key);
    if let Err(reason) = keys::check_consumer_key(&key) {
        return Err(AppError::usage(format!("keys.consumer_key: {reason}"))
            .hint("Use letters and digits only, or leave keys.consumer_key out and align-link makes one."));
    }
    let changed = previous.as_ref().is_some_and(|old| *old != key);
    match &previous {
        Some(_) if changed => {
            ui::warn("the consumer key changed: steps 13 to 24 must run again with the new one")
        }
        Some(_) => ui::ok("reusing the consumer key chosen earlier"),
        None => ui::ok("consumer key chosen"),
    }
    ctx.update_state(|state| {
        if changed {
            reset_dependents(state);
        }
        let consumer = state
            .consumer
            .get_or_insert_with(|| ConsumerFacts::new(key.clone()));
        consumer.key = key.clone();
    })?;
    Ok(key)
}

pub fn key_pair(ctx: &mut Ctx) -> Result<Outcome> {
    let auth = ctx.connector_auth();
    if auth != ConnectorAuth::OAuth {
        return Ok(Outcome::Skipped(format!(
            "the connector signs in with {}: no key pair is needed",
            auth.label()
        )));
    }
    let key = ctx.consumer_key()?;
    match decide_key_source(ctx)? {
        KeySource::Generate => generated_pair(ctx, key),
        KeySource::Align => align_public_key(ctx, key),
    }
}

fn generated_pair(ctx: &mut Ctx, consumer_key: String) -> Result<Outcome> {
    let existing = ctx.store().exists(PRIVATE_KEY_FILE);
    if !existing {
        if let Some(bits) = ctx.run().pending_key.as_ref().map(|p| p.bits()) {
            ui::ok(&format!(
                "making a {bits}-bit RSA key pair while the next steps talk to Jira; it is saved before its first use"
            ));
            return Ok(Outcome::Done(format!("{bits}-bit key pair being made")));
        }
    }
    // `setup` keeps the pair it finds; only `step 5` offers a new one.
    let keep = existing
        && (!ctx.run().single_step
            || ctx.prompter().confirm(
                "A key pair exists already. Keep it? (a new one means redoing steps 13-24)",
                true,
            )?);
    if !keep {
        let bits = wanted_bits(ctx);
        let started = Instant::now();
        let private = keys::generate_private_key(bits)?;
        return save_new_pair(ctx, &consumer_key, private, bits, started.elapsed())
            .map(Outcome::Done);
    }
    let private = ctx.private_key()?;
    ui::ok("reusing the key pair made earlier");
    let public = RsaPublicKey::from(&*private);
    show_public_half(ctx, &consumer_key, &public).map(Outcome::Done)
}

fn wanted_bits(ctx: &Ctx) -> usize {
    ctx.given_key_bits().unwrap_or(keys::DEFAULT_KEY_BITS)
}

/// OAuth with align-link's own key pair.
pub(crate) fn pair_of_our_own(ctx: &Ctx) -> bool {
    ctx.connector_auth() == ConnectorAuth::OAuth && ctx.key_source() == KeySource::Generate
}

fn public_half_saved(ctx: &Ctx) -> bool {
    let consumer = ctx.state().consumer.as_ref();
    consumer.is_some_and(|c| c.public_key_pem.is_some())
}

/// Whether step 5 will decide who makes the pair without asking (as
/// `decide_key_source` does).
fn source_decided(ctx: &Ctx) -> bool {
    ctx.known(&inputs::KEY_SOURCE).is_some() || !ctx.interactive()
}

/// At the start of a run that will make a new key pair: starts it on threads of
/// its own (never a key nobody uses).
pub fn start_early(ctx: &mut Ctx) {
    if ctx.run().pending_key.is_some()
        || !source_decided(ctx)
        || !pair_of_our_own(ctx)
        || ctx.store().exists(PRIVATE_KEY_FILE)
        || (ctx.state().step_status(5) == StepStatus::Done && public_half_saved(ctx))
    {
        return;
    }
    // A size we do not make is left for step 5 to report.
    ctx.run_mut().pending_key = keys::PendingKey::start(wanted_bits(ctx)).ok();
}

/// Where the key is first needed: waits for the pair started early, if any,
/// and saves it with its public half.
pub fn settle_key(ctx: &mut Ctx) -> Result<()> {
    let Some(pending) = ctx.run_mut().pending_key.take() else {
        return restore_public_half(ctx);
    };
    let bits = pending.bits();
    let (private, took) = pending.wait()?;
    let consumer_key = ctx.consumer_key()?;
    let was_done = ctx.state().step_status(5) == StepStatus::Done;
    let made = save_new_pair(ctx, &consumer_key, private, bits, took)?;
    // Step 5 said "being made": it now says what was made.
    if was_done {
        ctx.record(5, StepStatus::Done, Some(made))?;
    }
    Ok(())
}

/// A run killed between saving a private key and recording its public half:
/// the half is derived again from the key on disk.
fn restore_public_half(ctx: &mut Ctx) -> Result<()> {
    if public_half_saved(ctx) || !pair_of_our_own(ctx) || !ctx.store().exists(PRIVATE_KEY_FILE) {
        return Ok(());
    }
    let private = ctx.private_key()?;
    let public = RsaPublicKey::from(private.as_ref());
    let consumer_key = ctx.consumer_key()?;
    ui::info("The saved private key's public half was not recorded (an earlier run stopped in between): recording it now.");
    show_public_half(ctx, &consumer_key, &public).map(drop)
}

/// A new pair saved: the old public half forgotten first, then the private key
/// written and the public half recorded. Says what was made.
pub(crate) fn save_new_pair(
    ctx: &mut Ctx,
    consumer_key: &str,
    private: rsa::RsaPrivateKey,
    bits: usize,
    took: std::time::Duration,
) -> Result<String> {
    if ctx.store().exists(PRIVATE_KEY_FILE) || public_half_saved(ctx) {
        forget_public_half(ctx)?;
    }
    ctx.store().write_secret(
        PRIVATE_KEY_FILE,
        keys::private_key_to_pem(&private).as_bytes(),
    )?;
    ui::ok(&format!(
        "made a {bits}-bit RSA key pair in {:.2} s; private key saved in {}",
        took.as_secs_f64(),
        ctx.store().secret_location(PRIVATE_KEY_FILE)
    ));
    show_public_half(ctx, consumer_key, &RsaPublicKey::from(&private))
}

/// `bits` from the key itself (a key align-link made has exactly the size it was asked for).
fn show_public_half(ctx: &mut Ctx, consumer_key: &str, public: &RsaPublicKey) -> Result<String> {
    let bits = keys::key_bits(public);
    let (pem, fingerprint) =
        record_public_key(ctx, consumer_key, KeySource::Generate, public, Some(bits))?;
    ui::info("Public key (goes on the Jira link at step 14):");
    ui::info(&pem);
    ui::fields(&[("Fingerprint", fingerprint.clone())]);
    ui::info(
        "align-link keeps this pair and completes the OAuth authorization itself (steps 17-20).",
    );
    Ok(format!("{bits}-bit key pair, {fingerprint}"))
}

/// Jira Align made the pair ("Generate New Key"): take its public half.
fn align_public_key(ctx: &mut Ctx, consumer_key: String) -> Result<Outcome> {
    ui::info(
        "In the Jira Align connector, click Generate New Key and copy the public key it shows.",
    );
    let saved = ctx
        .state()
        .consumer
        .as_ref()
        .and_then(|c| c.public_key_pem.clone());
    let (text, origin) = match (ctx.given_public_key(), saved) {
        (Some((text, origin)), _) => (text.to_string(), origin.to_string()),
        (None, Some(kept)) if !ctx.interactive() => (kept, "the saved state".into()),
        (None, _) => {
            let prompt = "Paste Jira Align's public key (one line of base64 is fine)";
            (paste_public_key(ctx, prompt)?, "the pasted key".into())
        }
    };
    let public = given_public_key(&text, &origin)?;
    let (_, fingerprint) = record_public_key(ctx, &consumer_key, KeySource::Align, &public, None)?;
    // A token of our own would belong to a key we no longer use.
    ctx.store().remove(PRIVATE_KEY_FILE)?;
    ctx.store().remove(ACCESS_TOKEN_FILE)?;
    ui::fields(&[("Fingerprint", fingerprint.clone())]);
    Ok(Outcome::Done(format!(
        "Jira Align's public key, {fingerprint}"
    )))
}

/// Jira Align's public key, pasted at the prompt (checked as it is typed).
pub(crate) fn paste_public_key(ctx: &mut Ctx, prompt: &str) -> Result<String> {
    let check = |value: &str| {
        keys::parse_public_key(value)
            .map(drop)
            .map_err(|e| e.to_string())
    };
    let question = Question::new("keys.public_key", prompt).validate(&check);
    ctx.prompter().ask(&question)
}

/// Jira Align's public key as given (`origin`: where it was given), or what to fix.
pub(crate) fn given_public_key(text: &str, origin: &str) -> Result<RsaPublicKey> {
    keys::parse_public_key(text).map_err(|err| {
        AppError::usage(format!("{origin}: {err}"))
            .hint("Copy the public key again from Jira Align's connector (Generate New Key).")
    })
}

/// The public key this profile saved, or step 5 to rerun.
pub(super) fn saved_public_key(pem: &str) -> Result<RsaPublicKey> {
    keys::parse_public_key(pem).map_err(|err| {
        AppError::failed(format!("the saved public key is unreadable: {err}")).hint("Rerun step 5.")
    })
}

/// Records `public` as the consumer's public key: its PEM and fingerprint.
fn record_public_key(
    ctx: &mut Ctx,
    consumer_key: &str,
    source: KeySource,
    public: &RsaPublicKey,
    bits: Option<usize>,
) -> Result<(String, String)> {
    let pem = keys::public_key_to_pem(public);
    let fingerprint = keys::fingerprint(public);
    set_public_key(ctx, consumer_key, source, &pem, &fingerprint, bits)?;
    Ok((pem, fingerprint))
}

pub(crate) fn set_public_key(
    ctx: &mut Ctx,
    consumer_key: &str,
    source: KeySource,
    pem: &str,
    fingerprint: &str,
    bits: Option<usize>,
) -> Result<()> {
    ctx.update_state(|state| {
        let consumer = state
            .consumer
            .get_or_insert_with(|| ConsumerFacts::new(consumer_key.to_string()));
        if consumer
            .fingerprint
            .as_deref()
            .is_some_and(|old| old != fingerprint)
        {
            consumer.installed_at = None;
        }
        consumer.key_source = Some(source);
        consumer.public_key_pem = Some(pem.to_string());
        consumer.fingerprint = Some(fingerprint.to_string());
        consumer.bits = bits;
    })
}

/// Before a new private key replaces the old: the old public half is forgotten
/// and the steps built on it pending, so a killed run never installs a public
/// key whose private half is gone.
pub(crate) fn forget_public_half(ctx: &mut Ctx) -> Result<()> {
    ctx.update_state(|state| {
        let replaced = Some("a new key pair replaces the old one".into());
        state.record(5, StepStatus::Pending, replaced);
        reset_dependents(state);
        if let Some(consumer) = state.consumer.as_mut() {
            consumer.public_key_pem = None;
            consumer.fingerprint = None;
            consumer.installed_at = None;
        }
    })
}

fn reset_dependents(state: &mut State) {
    for step in DEPENDENT_STEPS {
        if state.step_status(step) != StepStatus::Pending {
            state.record(step, StepStatus::Pending, Some("inputs changed".into()));
        }
    }
    state.token = None;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::Answers;
    use crate::config::{RawOptions, RunConfig};
    use crate::prompt::Prompter;
    use crate::state::{State, STATE_FILE};
    use crate::store::Store;

    /// An operator who answers "no, make a new key pair".
    struct ReplaceTheKey;

    impl Prompter for ReplaceTheKey {
        fn interactive(&self) -> bool {
            true
        }
        fn ask(&mut self, question: &Question) -> Result<String> {
            panic!("unexpected question {}", question.key)
        }
        fn confirm(&mut self, _prompt: &str, _default: bool) -> Result<bool> {
            Ok(false)
        }
        fn select(&mut self, prompt: &str, _options: &[&str], _default: usize) -> Result<usize> {
            panic!("unexpected choice {prompt}")
        }
    }

    #[test]
    fn the_old_public_half_is_forgotten_before_a_new_private_key_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut state = State::default();
        let mut consumer = ConsumerFacts::new("abc123");
        consumer.key_source = Some(KeySource::Generate);
        consumer.public_key_pem = Some("the old public key".into());
        consumer.fingerprint = Some("SHA256:old".into());
        consumer.installed_at = Some("2026-01-01T00:00:00Z".into());
        state.consumer = Some(consumer);
        for step in [4, 5, 13, 14, 15, 20] {
            state.record(step, StepStatus::Done, None);
        }
        store.save(STATE_FILE, &state).unwrap();
        // The new private key cannot be written: as if the run died right there.
        std::fs::create_dir(store.path(PRIVATE_KEY_FILE)).unwrap();

        let config = RunConfig::from_raw(RawOptions::default()).unwrap();
        let mut answers = Answers::default();
        answers.keys.bits = Some(2048);
        let mut ctx = Ctx::new(
            config,
            answers,
            store.clone(),
            Box::new(ReplaceTheKey),
            None,
        )
        .unwrap();
        ctx.run_mut().single_step = true;
        assert!(key_pair(&mut ctx).is_err());

        // What the next run reads: step 5 to do again, from the key on disk, and
        // no public key left that could be installed without its private half.
        let saved: State = store.load(STATE_FILE).unwrap();
        for step in [5, 13, 14, 15, 20] {
            assert_eq!(saved.step_status(step), StepStatus::Pending, "step {step}");
        }
        assert_eq!(saved.step_status(4), StepStatus::Done);
        let consumer = saved.consumer.unwrap();
        assert_eq!(consumer.key, "abc123");
        assert_eq!(consumer.public_key_pem, None);
        assert_eq!(consumer.fingerprint, None);
        assert_eq!(consumer.installed_at, None);
    }
}
