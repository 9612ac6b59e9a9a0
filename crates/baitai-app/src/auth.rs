//! Authentication: open a person's sealed key with their passphrase, or their key on a token
//! with its PIN, recording failures.

use jiff::Timestamp;
use serde::Serialize;

use super::Session;
use crate::crypto::sealed::OpenError;
use crate::crypto::{KeyDevice, Passphrase, PersonKey, PublicKey, Signature};
use crate::error::{Error, Result};
use crate::ledger::Draft;
use crate::lifecycle::Person;
use crate::model::{AuthFailure, Body, PersonId, SignRole};
use crate::msg::Msg;
use baitai_core::text::Text;

/// Where passphrases come from: files and the terminal for the CLI, memory for the demo.
pub trait Secrets {
    /// The passphrase of an existing person signing in the given capacity; for a person whose
    /// key is on a token (`person.token` is set), their token's PIN, from the same source.
    fn passphrase(&mut self, person: &Person, capacity: SignRole) -> Result<Passphrase>;
    /// The PIN of the token a new key is made on (`person add --token`, `person token`),
    /// whose label is `label`.
    fn token_pin(&mut self, label: &str) -> Result<Passphrase> {
        Err(Error::usage(Msg::NoTokenPin {
            label: format!("{label:?}").into(),
        }))
    }
    /// A new passphrase for `who` (checked against the policy by the caller).
    fn new_passphrase(&mut self, who: &str) -> Result<Passphrase>;
    /// After a wrong passphrase (already recorded): whether to ask `person` again, with
    /// `left` tries remaining. Only a person at a prompt can try again; a file stays wrong.
    fn again(&mut self, _person: &Person, _capacity: SignRole, _left: usize) -> bool {
        false
    }
}

/// Tries at one prompt before the command gives up (each wrong one is recorded and counts
/// toward the lock, as separate commands would).
const TRIES: usize = 3;

/// A person's unlocked key: sealed in the ledger and opened with their passphrase, or on a
/// token and opened with its PIN (issue 21).
pub enum Key {
    /// A key unsealed in memory.
    Sealed(PersonKey),
    /// A key that stays on its token; every use goes through the token.
    Token(crate::token::TokenKey),
}

impl std::fmt::Debug for Key {
    /// By the public key only: the private half never shows.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Sealed(k) => write!(f, "Sealed({})", k.public().to_hex()),
            Key::Token(t) => write!(f, "{t:?}"),
        }
    }
}

impl Key {
    fn device(&self) -> &dyn KeyDevice {
        match self {
            Key::Sealed(k) => k,
            Key::Token(t) => t,
        }
    }
}

impl KeyDevice for Key {
    fn public(&self) -> PublicKey {
        self.device().public()
    }
    fn agreement_public(&self) -> PublicKey {
        self.device().agreement_public()
    }
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<Signature> {
        self.device().sign_digest(digest)
    }
    fn agree(&self, peer: &p256::PublicKey) -> Result<zeroize::Zeroizing<[u8; 32]>> {
        self.device().agree(peer)
    }
}

/// A person who proved their passphrase (or their token's PIN), with their unlocked key and
/// the sealed keys they held before a key change (which open older vaults but never sign).
pub struct Signed {
    /// Who proved their passphrase, as the ledger names them.
    pub person: Person,
    /// Their current key, unlocked: it signs entries and vault manifests, and agrees the keys
    /// that open their key slots.
    pub key: Key,
    /// The keys they held before each `person passwd`, newest last: tried in turn to open a
    /// vault made for them before a key change; never used to sign.
    pub(crate) retired: Vec<PersonKey>,
}

/// After this many failed attempts in a row a person is locked (002 第5(2)ア)…
const LOCK_AFTER: usize = 5;
/// …for this long after the last of them, or until an admin lifts it (`person unlock`).
const LOCK_MINUTES: i64 = 15;

/// How far ahead of this machine's clock a failed attempt may be dated and still count.
const CLOCK_SKEW_MINUTES: i64 = 5;

/// Why a person may not try a passphrase now.
#[derive(Debug, Clone)]
pub(crate) struct Lock {
    /// How many failed attempts in a row, since the person's last signature or last unlock.
    pub failures: usize,
    /// When the lock lapses on its own: `LOCK_MINUTES` after the last failed attempt.
    pub until: Timestamp,
}

/// Shown to a person when they unlock (004 2.1.1.1(j)(k)): their last use and any failed
/// attempts since.
#[derive(Debug, Clone, Serialize)]
pub struct LoginNotice {
    /// Who unlocked their key.
    pub person: PersonId,
    /// Their name (氏名), for the notice line.
    pub name: String,
    /// When they last signed an entry, in any role (RFC 3339 in the ledger's zone); `None`
    /// for a first use.
    pub last_use: Option<String>,
    /// The kind of that entry (`medium.checkout`, `vault.put`…).
    pub last_use_kind: Option<String>,
    /// The times of the `person.auth_failure` entries naming them since that last use: if
    /// they did not make those attempts, someone else tried their passphrase.
    pub failed_attempts: Vec<String>,
}

/// The associated data (`baitai-person-key-v1:` and the public key in hex) a person's private
/// key is sealed under, so a sealed key opens only for the person whose public key it names
/// and cannot be moved to another person's row (docs/ledger.md §6).
pub fn key_binding(public: &crate::crypto::PublicKey) -> String {
    format!("baitai-person-key-v1:{}", public.to_hex())
}

impl Session {
    /// Authenticate a person signing in `capacity` (actor, approver or witness): refuse them
    /// if repeated failures lock them (exit 4, before any prompt), ask `secrets` for their
    /// passphrase and open their sealed key. A wrong passphrase commits a
    /// `person.auth_failure` entry naming `command` and fails with exit 4; a key that does not
    /// match the ledger's public key is an integrity error (exit 5). On success their last use
    /// and failed attempts since are added to [`Session::notices`].
    pub fn authenticate(
        &mut self,
        person: &Person,
        capacity: SignRole,
        secrets: &mut dyn Secrets,
        command: &str,
    ) -> Result<Signed> {
        self.authenticate_after(person, capacity, secrets, command, None)
    }

    /// Authenticate two people for one act (an actor and their approver or witness), as
    /// [`Session::authenticate`] does each; the first one's key is derived while the second
    /// types their passphrase, so the two waits overlap instead of adding up (issue 20).
    pub fn authenticate_two(
        &mut self,
        first: (&Person, SignRole),
        second: (&Person, SignRole),
        secrets: &mut dyn Secrets,
        command: &str,
    ) -> Result<(Signed, Signed)> {
        let (a, b) = (first.0, second.0);
        // A token does its own work behind its PIN; only sealed keys have a derivation to
        // overlap.
        if a.token.is_some() || b.token.is_some() {
            let a = self.authenticate(a, first.1, secrets, command)?;
            return Ok((a, self.authenticate(b, second.1, secrets, command)?));
        }
        self.refuse_locked(a)?;
        self.refuse_locked(b)?;
        let pass_a = secrets.passphrase(a, first.1)?;
        let sealed_a = self.ledger.sealed_key(&a.id)?;
        let binding_a = key_binding(&a.public_key);
        let (opened_a, pass_b) = std::thread::scope(|scope| {
            let deriving = scope.spawn(|| sealed_a.open_ring(&pass_a, &binding_a));
            let pass_b = secrets.passphrase(b, second.1);
            (deriving.join(), pass_b)
        });
        let opened_a = opened_a.map_err(|_| Error::Other(Msg::KeyDerivationStopped.into()))?;
        let outcome_a = self.accept_ring(a, opened_a, command)?;
        let signed_a = self.authenticate_after(a, first.1, secrets, command, Some(outcome_a))?;
        let outcome_b = self.authenticate_with(b, &pass_b?, command)?;
        let signed_b = self.authenticate_after(b, second.1, secrets, command, Some(outcome_b))?;
        Ok((signed_a, signed_b))
    }

    /// The tries of [`Session::authenticate`]; `first` is the outcome of a passphrase already
    /// tried (by [`Session::authenticate_two`]), which counts as the first try.
    fn authenticate_after(
        &mut self,
        person: &Person,
        capacity: SignRole,
        secrets: &mut dyn Secrets,
        command: &str,
        mut first: Option<Option<Signed>>,
    ) -> Result<Signed> {
        for left in (0..TRIES).rev() {
            let outcome = match first.take() {
                Some(outcome) => outcome,
                None => {
                    self.refuse_locked(person)?;
                    let pass = secrets.passphrase(person, capacity)?;
                    self.authenticate_with(person, &pass, command)?
                }
            };
            if let Some(signed) = outcome {
                return Ok(signed);
            }
            if left == 0 || !secrets.again(person, capacity, left) {
                break;
            }
        }
        let (name, id) = (Text::from(&person.name), Text::from(person.id.to_string()));
        Err(Error::Auth(match person.token.is_some() {
            true => Msg::WrongPinFor { name, id }.into(),
            false => Msg::WrongPassphraseFor { name, id }.into(),
        }))
    }

    /// Refuse, before any passphrase is asked, a person locked by repeated failures.
    fn refuse_locked(&self, person: &Person) -> Result<()> {
        match self.lock(person)? {
            Some(l) => Err(Error::Auth(
                Msg::Locked {
                    name: (&person.name).into(),
                    id: person.id.to_string().into(),
                    failures: l.failures.to_string().into(),
                    until: crate::time::show_full(l.until, &self.tz).into(),
                }
                .into(),
            )),
            None => Ok(()),
        }
    }

    /// The lock on a person, if there is one now: `LOCK_AFTER` failures since their last
    /// signature or the last unlock, the last of them less than `LOCK_MINUTES` ago. Failures
    /// are unsigned rows, so a forged one can lock only the person it names.
    pub(crate) fn lock(&self, person: &Person) -> Result<Option<Lock>> {
        let since = self.ledger.last_success_or_unlock(&person.id)?;
        // A real failure is recorded when it happens: one dated ahead was written by someone
        // with the file, and must not lock anyone (least of all every admin) for a day.
        let now = crate::time::now();
        let latest = now + jiff::SignedDuration::from_mins(CLOCK_SKEW_MINUTES);
        let failures: Vec<_> = self
            .ledger
            .auth_failures_since(&person.id, since)?
            .into_iter()
            .filter(|f| f.time <= latest)
            .collect();
        let Some(last) = failures.last() else {
            return Ok(None);
        };
        let until = last.time + jiff::SignedDuration::from_mins(LOCK_MINUTES);
        if failures.len() < LOCK_AFTER || now >= until {
            return Ok(None);
        }
        Ok(Some(Lock {
            failures: failures.len(),
            until,
        }))
    }

    /// Open the person's key ring with a passphrase already in hand; None for a wrong
    /// passphrase, recorded as a failed attempt.
    fn authenticate_with(
        &mut self,
        person: &Person,
        pass: &Passphrase,
        command: &str,
    ) -> Result<Option<Signed>> {
        if let Some(info) = &person.token {
            return self.authenticate_token(person, info, pass, command);
        }
        let sealed = self.ledger.sealed_key(&person.id)?;
        let opened = sealed.open_ring(pass, &key_binding(&person.public_key));
        self.accept_ring(person, opened, command)
    }

    /// A sealed key ring as opened: the person's signing key if it is theirs, None for a wrong
    /// passphrase (recorded as a failed attempt).
    fn accept_ring(
        &mut self,
        person: &Person,
        opened: std::result::Result<crate::crypto::sealed::KeyRing, OpenError>,
        command: &str,
    ) -> Result<Option<Signed>> {
        match opened {
            Ok(ring) if ring.current.public() == person.public_key => {
                self.notices.push(self.notice(person)?);
                Ok(Some(Signed {
                    person: person.clone(),
                    key: Key::Sealed(ring.current),
                    retired: ring.retired,
                }))
            }
            Ok(_) => Err(Error::Integrity(
                Msg::StoredKeyMismatch {
                    id: person.id.to_string().into(),
                }
                .into(),
            )),
            Err(OpenError::WrongPassphrase) => {
                self.record_failure(person, command)?;
                Ok(None)
            }
            Err(OpenError::Other(e)) => Err(e),
        }
    }

    /// Open the person's key on their token with its PIN; None for a wrong PIN, recorded as
    /// a failed attempt like a wrong passphrase. The token's own lock is one clear line.
    fn authenticate_token(
        &mut self,
        person: &Person,
        info: &crate::model::TokenInfo,
        pin: &Passphrase,
        command: &str,
    ) -> Result<Option<Signed>> {
        let who = format!("{} ({})", person.name, person.id);
        match crate::token::TokenKey::open(info, &person.public_key, pin, &who) {
            Ok(key) => {
                self.notices.push(self.notice(person)?);
                // A moved person's old sealed keys stay in the file for vaults made before the
                // move; they are not asked for here (that would need the old passphrase too).
                Ok(Some(Signed {
                    person: person.clone(),
                    key: Key::Token(key),
                    retired: Vec::new(),
                }))
            }
            Err(crate::token::LoginError::WrongPin) => {
                self.record_failure(person, command)?;
                Ok(None)
            }
            Err(crate::token::LoginError::Other(e)) => Err(e),
        }
    }

    fn record_failure(&mut self, person: &Person, command: &str) -> Result<()> {
        let draft = Draft {
            medium: None,
            actor: Some(person.id.clone()),
            body: Body::AuthFailure(AuthFailure {
                id: person.id.clone(),
                command: command.to_string(),
            }),
        };
        self.ledger.write(|w| w.commit(draft, &[]))?;
        Ok(())
    }

    fn notice(&self, person: &Person) -> Result<LoginNotice> {
        let last = self.ledger.last_signed_by(&person.id)?;
        let after = last.as_ref().map(|e| e.seq).unwrap_or(0);
        let failures = self.ledger.auth_failures_since(&person.id, after)?;
        let show = |t: Timestamp| crate::time::show_full(t, &self.tz);
        Ok(LoginNotice {
            person: person.id.clone(),
            name: person.name.clone(),
            last_use: last.as_ref().map(|e| show(e.time)),
            last_use_kind: last.as_ref().map(|e| e.kind.clone()),
            failed_attempts: failures.iter().map(|e| show(e.time)).collect(),
        })
    }
}
