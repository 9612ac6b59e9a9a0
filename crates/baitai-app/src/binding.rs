//! The vault bound to its medium and its ledger: before anything is read from a vault, or
//! deleted from it, its manifest must be the one the ledger last recorded for that medium, on
//! the medium it names.
//!
//! The vault alone cannot tell an older manifest copied back over the current one, a manifest
//! re-signed by someone who holds a key slot, or a whole vault copied from another medium:
//! each is genuine in itself. The ledger records the vault's ID and the SHA-256 of every
//! manifest a put publishes, so the comparison is exact.

use std::path::Path;

use super::Session;
use crate::error::{Error, Result};
use crate::lifecycle::Holding;
use crate::model::{Body, MediumNumber, PersonId};
use crate::msg::{path as p_, Msg};
use baitai_core::text::Text;
use baitai_vault::Vault;

/// What the ledger last recorded of a medium's live vault (since its last erase or wipe).
#[derive(Debug, Clone)]
pub(crate) struct RecordedVault {
    /// The vault's ID (hex), fixed when it was made: a vault with another ID on the medium was
    /// copied from elsewhere or replaced.
    pub vault_id: String,
    /// The SHA-256 (hex) of the manifest file the last put or re-key published: the only
    /// manifest the medium may hold now.
    pub manifest_sha256: String,
    /// That manifest's version number, against which a manifest ahead of the ledger (a put
    /// whose entry did not land) is told from a rolled-back one. Absent in entries written
    /// before schema 3.
    pub manifest_seq: Option<u64>,
    /// Who signed that manifest: the handler of the put, or the custodian of the re-key.
    pub writer: PersonId,
    /// The entry that recorded that manifest (`vault.put` or `vault.rekey`).
    pub seq: u64,
    /// Who holds a key slot in it, as that put recorded.
    pub recipients: Vec<PersonId>,
}

/// A live vault that still carries a key slot for someone since revoked: they can open it
/// with their own passphrase, offline, until the slot is removed (a wipe, an erase).
#[derive(Debug, Clone, serde::Serialize)]
pub struct RevokedSlots {
    /// The medium whose vault it is.
    pub medium: MediumNumber,
    /// The vault's ID (hex), as the ledger last recorded it.
    pub vault_id: String,
    /// The revoked people who still hold a key slot in it: `vault rekey` on the mounted
    /// medium, or `return --path`, removes them.
    pub revoked: Vec<PersonId>,
}

/// How the vault on the medium stands against the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Binding {
    /// The manifest is exactly the one last recorded.
    Recorded,
    /// Ahead of the ledger, signed by the person who has the medium out: a put whose entry did
    /// not land (the process died between publishing and committing), or several in a row if
    /// the put that would have recorded the first died the same way. Their next put records
    /// the files.
    Unrecorded {
        /// Who signed the unrecorded manifest: the holder of the medium.
        writer: PersonId,
    },
}

impl Session {
    /// The live vault the ledger records on `number`, if any.
    pub(crate) fn recorded_vault(&self, number: &MediumNumber) -> Result<Option<RecordedVault>> {
        let mut live = None;
        for e in self.ledger.medium_entries(number)? {
            match e.body {
                Body::VaultPut(p) => {
                    live = Some(RecordedVault {
                        vault_id: p.vault_id,
                        manifest_sha256: p.manifest_sha256,
                        manifest_seq: p.manifest_seq,
                        writer: e.actor.clone().unwrap_or_else(|| PersonId(String::new())),
                        seq: e.seq,
                        recipients: p.recipients,
                    })
                }
                Body::VaultRekey(k) => {
                    if let Some(r) = live.as_mut().filter(|r| r.vault_id == k.vault_id) {
                        r.manifest_sha256 = k.manifest_sha256;
                        r.manifest_seq = Some(k.manifest_seq);
                        r.writer = e.actor.clone().unwrap_or_else(|| PersonId(String::new()));
                        r.seq = e.seq;
                        r.recipients = k.recipients;
                    }
                }
                Body::VaultErase(_) | Body::Wipe(_) | Body::Register(_) => live = None,
                _ => {}
            }
        }
        Ok(live)
    }

    /// The revoked people who still hold a slot in the live vault on `number`, if any.
    pub fn revoked_slots_on(&self, number: &MediumNumber) -> Result<Option<RevokedSlots>> {
        let Some(r) = self.recorded_vault(number)? else {
            return Ok(None);
        };
        let dir = self.directory()?;
        let revoked: Vec<PersonId> = r
            .recipients
            .into_iter()
            .filter(|p| dir.get(p).is_some_and(|p| !p.is_active()))
            .collect();
        Ok((!revoked.is_empty()).then(|| RevokedSlots {
            medium: number.clone(),
            vault_id: r.vault_id,
            revoked,
        }))
    }

    /// Every live vault that still carries a revoked person's slot.
    pub fn revoked_slots(&self) -> Result<Vec<RevokedSlots>> {
        let mut out = Vec::new();
        for m in self.ledger.media()? {
            out.extend(self.revoked_slots_on(&m)?);
        }
        Ok(out)
    }

    /// Refuse (exit 6) a mount whose device is registered as another medium than `named` (the
    /// medium the vault names, or `--medium` for a new one), saying which medium it is; then one
    /// that is not the device registered for `named`.
    pub(crate) fn check_vault_medium(&self, named: &MediumNumber, mount: &Path) -> Result<()> {
        let seen = crate::device::mount_identities(mount)?;
        if !seen.is_empty() {
            if let Some(other) = self.other_medium_on(&seen, named)? {
                let named_t = || Text::from(named.to_string());
                let other = Text::from(other.to_string());
                let why: Text = match baitai_vault::exists(mount) {
                    true => Msg::VaultCopiedFrom { named: named_t() }.into(),
                    false => Msg::NotThisMedium {
                        named: named_t(),
                        other: other.clone(),
                    }
                    .into(),
                };
                return Err(Error::Device(
                    Msg::MountedIsOther {
                        path: p_(mount),
                        other,
                        why,
                    }
                    .into(),
                ));
            }
        }
        self.check_seen_device(named, mount, &seen)
    }

    /// The medium in service, other than `named`, that a device seen at a mount is registered
    /// as. Only the registrations of this very device are folded: a put or get must not read
    /// every medium's history.
    fn other_medium_on(
        &self,
        seen: &[crate::model::DeviceIdentity],
        named: &MediumNumber,
    ) -> Result<Option<MediumNumber>> {
        let this_device: Vec<_> = self
            .ledger
            .registrations_of(seen)?
            .into_iter()
            .filter(|e| match &e.body {
                Body::Register(r) => r
                    .device
                    .as_ref()
                    .is_some_and(|d| seen.iter().any(|id| crate::device::same_device(d, id))),
                _ => false,
            })
            .collect();
        let in_service =
            super::acts::devices_in_service(this_device, |m| self.ledger.medium_state(m))?;
        Ok(in_service.into_iter().map(|(m, _)| m).find(|m| m != named))
    }

    /// Whether the vault on the medium is the one the ledger last recorded for `number`, or
    /// puts ahead of it by the person who has it out.
    pub(crate) fn check_bound(&self, number: &MediumNumber, v: &Vault) -> Result<Binding> {
        let body = &v.manifest.body;
        if body.medium != number.0 || v.header.body.medium != number.0 {
            return Err(Error::Vault(
                Msg::VaultNamesOther {
                    vault: (&v.header.body.medium).into(),
                    medium: number.to_string().into(),
                }
                .into(),
            ));
        }
        let sha = hex::encode(v.manifest.file_hash);
        let recorded = self.recorded_vault(number)?;
        if let Some(r) = &recorded {
            if r.vault_id != v.header.body.vault_id {
                return Err(Error::Vault(
                    Msg::VaultNotRecorded {
                        found: (&v.header.body.vault_id).into(),
                        medium: number.to_string().into(),
                        recorded: (&r.vault_id).into(),
                        entry: r.seq.to_string().into(),
                    }
                    .into(),
                ));
            }
            if r.manifest_sha256 == sha {
                return Ok(Binding::Recorded);
            }
        }
        // Later than the record: every put killed between publishing and committing leaves one
        // more version, and the next put builds on it. A version older than the record, or the
        // record's own re-signed, is never ahead. With no vault recorded, a vault the ledger
        // never knew on this medium (a first put killed before its entry landed).
        let ahead = match &recorded {
            Some(r) => r.manifest_seq.is_some_and(|s| body.seq > s),
            // An erased or wiped vault copied back (its ID is on record) must not come back.
            None => !self.ever_recorded(number, &v.header.body.vault_id)?,
        };
        if ahead && self.is_holders_key(number, v)? {
            return Ok(Binding::Unrecorded {
                writer: body.writer.clone(),
            });
        }
        if let Some(r) = recorded
            .as_ref()
            .filter(|r| v.staged_matches(&r.manifest_sha256))
        {
            return Err(Error::Vault(
                Msg::RekeyUnfinished {
                    medium: number.to_string().into(),
                    entry: r.seq.to_string().into(),
                }
                .into(),
            ));
        }
        let (medium, version, writer) = (
            Text::from(number.to_string()),
            Text::from(body.seq.to_string()),
            Text::from(body.writer.to_string()),
        );
        Err(Error::Vault(match recorded {
            Some(r) => Msg::RolledBack {
                version,
                writer,
                medium,
                entry: r.seq.to_string().into(),
                recorded_writer: r.writer.to_string().into(),
            }
            .into(),
            None => Msg::UnrecordedVault {
                medium,
                version,
                writer,
            }
            .into(),
        }))
    }

    /// Whether the ledger knows this vault on `number` from a put, a re-key or an erase, or
    /// from a read in an earlier life of the medium (before a wipe or an erase). A read of the
    /// vault as it stands now does not count: it may be the unrecorded first put being read
    /// back before the next put records it.
    fn ever_recorded(&self, number: &MediumNumber, vault_id: &str) -> Result<bool> {
        let mut read = false;
        for e in self.ledger.medium_entries(number)? {
            match &e.body {
                Body::VaultPut(p) if p.vault_id == vault_id => return Ok(true),
                Body::VaultRekey(k) if k.vault_id == vault_id => return Ok(true),
                Body::VaultErase(x) if x.vault_id == vault_id => return Ok(true),
                Body::VaultGet(g) if g.vault_id == vault_id => read = true,
                Body::VaultErase(_) | Body::WipeStart(_) | Body::Wipe(_) if read => {
                    return Ok(true)
                }
                _ => {}
            }
        }
        Ok(false)
    }

    /// Whether the manifest is signed, with their key now, by the person who has the medium out.
    fn is_holders_key(&self, number: &MediumNumber, v: &Vault) -> Result<bool> {
        let body = &v.manifest.body;
        let holder = match self.ledger.medium_state(number)?.map(|s| s.holding) {
            Some(Holding::Out(o)) => o.holder,
            _ => return Ok(false),
        };
        if holder != body.writer {
            return Ok(false);
        }
        Ok(self
            .directory()?
            .get(&holder)
            .is_some_and(|p| p.public_key.to_hex().eq_ignore_ascii_case(&body.writer_key)))
    }
}
