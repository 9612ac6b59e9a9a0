//! Revoked people's key slots removed from the vaults of media back in storage (`vault rekey`,
//! and `return --path` on its own), each removal recorded as a `vault.rekey` entry.
//!
//! A revoked custodian keeps their escrow slot in every vault made while they were active and
//! could open it offline with their own passphrase. Removing the slot rewrites the header and
//! signs the manifest again (its signature binds the header); the data key stays, since a vault
//! back in storage is never written again before a wipe (docs/format.md §5.3).

use std::path::Path;

use super::vault::open_as;
use super::{Secrets, Session, Signed};
use crate::error::Result;
use crate::ledger::{Draft, StoredEntry};
use crate::model::{Body, MediumNumber, PersonId, SignRole, VaultRekey};
use baitai_vault::{self as vault, Header};

/// What a re-key did.
#[derive(Debug)]
pub enum Rekeyed {
    /// The slots were removed (or re-addressed) and the `vault.rekey` entry committed.
    Removed {
        /// The signed `vault.rekey` entry naming the new manifest.
        entry: Box<StoredEntry>,
        /// The revoked people whose slots were taken out of the header.
        removed: Vec<PersonId>,
        /// The people whose slots were made again for their key on a token.
        readdressed: Vec<PersonId>,
    },
    /// A re-key the ledger had recorded (entry `entry`) but that was not yet in place on the
    /// medium: it is now.
    Finished {
        /// The sequence number of the `vault.rekey` entry that recorded it.
        entry: u64,
    },
    /// No revoked person holds a slot: nothing was written.
    NothingToRemove,
}

/// What became of revoked people's slots on a medium received back with `--path`.
#[derive(Debug)]
pub enum SlotsAtReturn {
    /// The vault (if any) carries no revoked person's slot.
    NoneRevoked,
    /// The slots were removed (or re-addressed) under the returning custodian's passphrase,
    /// right after the return entry.
    Removed {
        /// The signed `vault.rekey` entry.
        entry: Box<StoredEntry>,
        /// The revoked people whose slots were taken out.
        removed: Vec<PersonId>,
        /// The people whose slots were made again for their key on a token.
        readdressed: Vec<PersonId>,
    },
    /// The return is recorded but the slots are still there, and why: a custodian runs
    /// `vault rekey` on the mounted medium to remove them.
    Left {
        /// The revoked people who still hold a slot (as far as the ledger or the header shows).
        revoked: Vec<PersonId>,
        /// Why they could not be removed: no `--path`, an unreadable header, or the error the
        /// re-key met.
        why: baitai_core::text::Text,
    },
}

impl Session {
    /// The people whose key moved to a token (`person token`) and whose recipient slot in this
    /// header is still addressed to their old key, with the key it must be made for now: their
    /// token cannot open it (issue 21). Read without a key.
    pub(crate) fn stale_in_header(
        &self,
        header: &Header,
    ) -> Result<Vec<(PersonId, crate::crypto::PublicKey)>> {
        let dir = self.directory()?;
        let mut stale = Vec::new();
        for slot in &header.body.slots {
            let vault::Slot::Recipient {
                person,
                recipient_key,
                ..
            } = slot
            else {
                continue;
            };
            let Some(p) = dir.get(person) else { continue };
            let now = p.encryption_key.to_sec1();
            let moved = p.is_active() && p.token.is_some();
            if moved && hex::decode(recipient_key).ok() != Some(now) {
                stale.push((p.id.clone(), p.encryption_key));
            }
        }
        Ok(stale)
    }

    /// The revoked people who hold a recipient slot in this header (read without a key).
    pub(crate) fn revoked_in_header(&self, header: &Header) -> Result<Vec<PersonId>> {
        let dir = self.directory()?;
        Ok(header
            .recipients()
            .into_iter()
            .filter(|p| dir.get(p).is_some_and(|p| !p.is_active()))
            .collect())
    }

    /// `vault rekey`: an active custodian removes every revoked person's key slot from the
    /// vault at `mount`, on a medium back in storage, and records `vault.rekey` (or finishes a
    /// re-key already recorded). The mounted device must be the one registered for the medium
    /// the vault names (exit 6), and the vault the one the ledger last recorded (exit 5).
    /// When there is a slot to remove, a person who is not a custodian or a medium not in
    /// storage is refused (exit 3) before the passphrase is asked. The custodian must hold a
    /// slot in the vault to open it (exit 4 otherwise).
    pub fn vault_rekey(
        &mut self,
        mount: &Path,
        custodian: &str,
        secrets: &mut dyn Secrets,
    ) -> Result<Rekeyed> {
        let header = vault::read_header(mount)?;
        let number = self.medium(&header.body.medium)?.number;
        self.check_vault_medium(&number, mount)?;
        let person = self.active_person(custodian)?;
        let revoked = self.revoked_in_header(&header)?;
        let stale = self.stale_in_header(&header)?;
        if !revoked.is_empty() || !stale.is_empty() {
            // The rules first (a custodian, the medium in storage), before any passphrase.
            let ids = stale.into_iter().map(|(p, _)| p).collect();
            self.precheck(&Draft {
                medium: Some(number.clone()),
                actor: Some(person.id.clone()),
                body: rekey_body(
                    &header,
                    &header.body.vault_id,
                    revoked,
                    ids,
                    String::new(),
                    0,
                ),
            })?;
        }
        let signed = self.authenticate(&person, SignRole::Actor, secrets, "vault rekey")?;
        self.rekey_signed(mount, &number, &signed)
    }

    /// Open the vault with the custodian's own slot, check it against the ledger, and remove
    /// the revoked people's slots: the new header and manifest are staged beside the live
    /// pair, the `vault.rekey` entry that names the new manifest is committed, and only then
    /// is the staged pair put in place (format.md §5.3). A re-key the ledger recorded but did
    /// not put in place is finished instead.
    pub(super) fn rekey_signed(
        &mut self,
        mount: &Path,
        number: &MediumNumber,
        signed: &Signed,
    ) -> Result<Rekeyed> {
        let _lock = vault::lock_for_writing(mount)?;
        let mut v = open_as(mount, signed)?;
        self.check_writer(&v)?;
        let mut finished = None;
        if let Some(r) = self.recorded_vault(number)? {
            if v.staged_matches(&r.manifest_sha256) {
                vault::apply_recorded_staged(mount)?;
                finished = Some(r.seq);
                v = open_as(mount, signed)?;
                self.check_writer(&v)?;
            }
        }
        self.check_bound(number, &v)?;
        v.settle()?;
        v.discard_staged()?;
        let removed = self.revoked_in_header(&v.header)?;
        let stale = self.stale_in_header(&v.header)?;
        if removed.is_empty() && stale.is_empty() {
            return Ok(
                finished.map_or(Rekeyed::NothingToRemove, |entry| Rekeyed::Finished {
                    entry,
                }),
            );
        }
        let next = v.rekeyed(&removed, &stale, (&signed.person.id, &signed.key))?;
        let readdressed: Vec<PersonId> = stale.into_iter().map(|(p, _)| p).collect();
        let body = rekey_body(
            next.header(),
            &v.header.body.vault_id,
            removed.clone(),
            readdressed.clone(),
            hex::encode(next.manifest().file_hash),
            next.manifest().body.seq,
        );
        v.stage_rekeyed(&next)?;
        // Whatever happens to the commit, the staged pair stays: if the entry landed, the
        // next re-key finds it recorded and puts it in place; if not, it is discarded then.
        let entry = self.commit_signed(number, &signed.person.id, signed, body)?;
        v.apply_staged(next)?;
        Ok(Rekeyed::Removed {
            entry: Box::new(entry),
            removed,
            readdressed,
        })
    }
}

fn rekey_body(
    header: &Header,
    vault_id: &str,
    removed: Vec<PersonId>,
    readdressed: Vec<PersonId>,
    manifest_sha256: String,
    manifest_seq: u64,
) -> Body {
    Body::VaultRekey(VaultRekey {
        vault_id: vault_id.to_string(),
        recipients: header
            .recipients()
            .into_iter()
            .filter(|p| !removed.contains(p))
            .collect(),
        removed,
        readdressed,
        passphrase_slot: header.has_passphrase_slot(),
        manifest_sha256,
        manifest_seq,
    })
}
