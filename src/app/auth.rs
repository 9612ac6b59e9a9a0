//! Authentication: open a person's sealed key with their passphrase, recording failures.

use jiff::Timestamp;
use serde::Serialize;

use super::Session;
use crate::crypto::sealed::OpenError;
use crate::crypto::{Passphrase, PersonKey};
use crate::error::{Error, Result};
use crate::ledger::Draft;
use crate::lifecycle::Person;
use crate::model::{AuthFailure, Body, PersonId, SignRole};

/// Where passphrases come from: files and the terminal for the CLI, memory for the demo.
pub trait Secrets {
    /// The passphrase of an existing person signing in the given capacity.
    fn passphrase(&mut self, person: &Person, capacity: SignRole) -> Result<Passphrase>;
    /// A new passphrase for `who` (checked against the policy by the caller).
    fn new_passphrase(&mut self, who: &str) -> Result<Passphrase>;
}

/// A person who proved their passphrase, with their unlocked signing key.
pub struct Signed {
    pub person: Person,
    pub key: PersonKey,
}

/// Shown to a person when they unlock (004 2.1.1.1(j)(k)): their last use and any failed
/// attempts since.
#[derive(Debug, Clone, Serialize)]
pub struct LoginNotice {
    pub person: PersonId,
    pub name: String,
    pub last_use: Option<String>,
    pub last_use_kind: Option<String>,
    pub failed_attempts: Vec<String>,
}

/// Associated data binding a sealed key to its public key.
pub fn key_binding(public: &crate::crypto::PublicKey) -> String {
    format!("baitai-person-key-v1:{}", public.to_hex())
}

impl Session {
    pub fn authenticate(
        &mut self,
        person: &Person,
        capacity: SignRole,
        secrets: &mut dyn Secrets,
        command: &str,
    ) -> Result<Signed> {
        let sealed = self.ledger.sealed_key(&person.id)?;
        let pass = secrets.passphrase(person, capacity)?;
        match sealed.open(&pass, &key_binding(&person.public_key)) {
            Ok(key) if key.public() == person.public_key => {
                self.notices.push(self.notice(person)?);
                Ok(Signed {
                    person: person.clone(),
                    key,
                })
            }
            Ok(_) => Err(Error::Integrity(format!(
                "the stored key of {} does not match their public key in the ledger",
                person.id
            ))),
            Err(OpenError::WrongPassphrase) => {
                self.record_failure(person, command)?;
                Err(Error::Auth(format!(
                    "wrong passphrase for {} ({}); the failed attempt is recorded",
                    person.name, person.id
                )))
            }
            Err(OpenError::Other(e)) => Err(e),
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
