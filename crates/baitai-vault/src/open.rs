//! A vault as a whole: created, opened, its header changed (re-keyed), and crypto-erased.

use std::fs;
use std::path::Path;

use crate::medium::{
    apply_and_scrub, overwrite_with_noise, own_vault_dir, read_header, read_manifest, read_small,
};
use crate::msg::{path as p_, Msg};
use crate::{
    exists, format, random_hex, vault_dir, DataKey, Header, HeaderBody, Manifest, ManifestBody,
    NewVault, Opener, Rekeyed, Slot, SlotRole, Vault, HEADER_FILE, MANIFEST_FILE, NEXT_HEADER_FILE,
    NEXT_MANIFEST_FILE, OBJECTS, OLD_HEADER_FILE,
};
use baitai_core::crypto::{KeyDevice, PublicKey};
use baitai_core::error::{Error, Result, Rule};
use baitai_core::files::{sync_dir, write_atomic};
use baitai_core::model::PersonId;
use baitai_core::text::Text;

impl Vault {
    /// Create a vault on the mounted medium: a new data key wrapped in a slot for the writer, one
    /// for each escrow custodian and one for the passphrase if given, and an empty manifest signed
    /// by the writer. Refused when the medium already holds a vault.
    pub fn create(mount: &Path, v: NewVault) -> Result<Vault> {
        if exists(mount) {
            return Err(Error::refused(
                Rule::VaultExists,
                Msg::AlreadyHoldsVault { path: p_(mount) },
            ));
        }
        let dir = own_vault_dir(mount)?;
        fs::create_dir_all(dir.join(OBJECTS)).map_err(Error::io(
            baitai_core::msg::Msg::IoCreate { path: p_(&dir) },
        ))?;
        // The new directories must outlive a power cut as surely as the files put in them.
        sync_dir(&dir)?;
        sync_dir(mount)?;
        let dk = DataKey::generate();
        let (vault_id, id_hex) = random_hex::<16>();
        let (writer_id, writer_key) = v.writer;
        let mut slots = vec![Slot::for_recipient(
            v.cipher,
            &vault_id,
            &dk,
            writer_id,
            SlotRole::Writer,
            &writer_key.agreement_public(),
        )?];
        for (id, key) in &v.escrow {
            if id != writer_id {
                slots.push(Slot::for_recipient(
                    v.cipher,
                    &vault_id,
                    &dk,
                    id,
                    SlotRole::Escrow,
                    key,
                )?);
            }
        }
        if let Some((pass, kdf)) = v.passphrase {
            slots.push(Slot::for_passphrase(v.cipher, &vault_id, &dk, pass, kdf)?);
        }
        let header = Header::encode(
            HeaderBody {
                vault_id: id_hex.clone(),
                medium: v.medium.clone(),
                org: v.org,
                marking: v.classification.marking(),
                classification: v.classification.clone(),
                cipher: v.cipher,
                created: v.now,
                slots,
            },
            &dk,
        )?;
        let body = ManifestBody {
            vault_id: id_hex,
            seq: 0,
            medium: v.medium,
            classification: v.classification,
            writer: writer_id.clone(),
            writer_key: writer_key.public().to_hex(),
            files: Vec::new(),
        };
        let (raw, manifest) = Manifest::encode(&body, &header, &dk, writer_key)?;
        // The manifest first: a header without a manifest is not yet a vault.
        write_atomic(&dir.join(MANIFEST_FILE), &raw)?;
        write_atomic(&dir.join(HEADER_FILE), &header.raw)?;
        Ok(Vault {
            dir,
            header,
            dk,
            manifest,
            manifest_raw: raw,
            from_next: false,
        })
    }

    /// Unlock with a person's key or a passphrase; authenticate header and manifest.
    pub fn open(mount: &Path, opener: Opener) -> Result<Vault> {
        let header = read_header(mount)?;
        let cipher = header.cipher();
        let dk = match &opener {
            Opener::Person { id, key } => {
                let mut found = None;
                for s in &header.body.slots {
                    if let Some(k) = s.open_recipient(cipher, &header.vault_id, id, *key)? {
                        found = Some(k);
                        break;
                    }
                }
                found
            }
            Opener::Passphrase(pass) => {
                let mut found = None;
                for s in &header.body.slots {
                    if let Some(k) = s.open_passphrase(cipher, &header.vault_id, pass)? {
                        found = Some(k);
                        break;
                    }
                }
                found
            }
        }
        .ok_or_else(|| Error::Auth(unopened(&header, &opener)))?;
        header.check_mac(&dk)?;
        let dir = vault_dir(mount);
        let (raw, manifest, from_next) = read_manifest(&dir, &header, &dk)?;
        Ok(Vault {
            dir,
            header,
            dk,
            manifest,
            manifest_raw: raw,
            from_next,
        })
    }

    /// Finish a header change that was interrupted between its renames (the manifest was read
    /// from `vault.mf.next`). For writers, under [`lock_for_writing`](crate::lock_for_writing).
    pub fn settle(&mut self) -> Result<()> {
        if !self.from_next {
            return Ok(());
        }
        fs::rename(
            self.dir.join(NEXT_MANIFEST_FILE),
            self.dir.join(MANIFEST_FILE),
        )
        .map_err(Error::io(Msg::IoFinishInterrupted))?;
        crate::medium::sync_renamed_at(&self.dir.join(MANIFEST_FILE))?;
        crate::medium::remove_old_header(&self.dir);
        self.from_next = false;
        sync_dir(&self.dir)
    }

    /// Remove a header and manifest staged by a change the ledger never recorded: the caller
    /// has checked that the live pair is the one the ledger records. Anything but a file or a
    /// link under those names is refused, named, rather than removed.
    pub fn discard_staged(&self) -> Result<()> {
        if self.from_next {
            return Ok(());
        }
        crate::medium::remove_old_header(&self.dir);
        let mut removed = false;
        for name in [NEXT_HEADER_FILE, NEXT_MANIFEST_FILE] {
            let p = self.dir.join(name);
            let Ok(meta) = fs::symlink_metadata(&p) else {
                continue;
            };
            if meta.is_dir() {
                return Err(Error::Vault(Msg::StagedIsDir { path: p_(&p) }.into()));
            }
            fs::remove_file(&p).map_err(Error::io(Msg::IoRemove { path: p_(&p) }))?;
            removed = true;
        }
        if removed {
            sync_dir(&self.dir)?;
        }
        Ok(())
    }

    /// The header without the recipient slots of `drop`, and the manifest signed again for it
    /// by `signer` as the next version. The data key stays (format.md §5.3 says why).
    pub fn without_recipients(
        &self,
        drop: &[PersonId],
        signer: (&PersonId, &dyn KeyDevice),
    ) -> Result<Rekeyed> {
        self.rekeyed(drop, &[], signer)
    }

    /// The header without the recipient slots of `drop` and with the slots of each person in
    /// `readdress` made again for the key given (a person whose key moved to a token), and the
    /// manifest signed again for it by `signer`. The data key stays (format.md §5.3).
    pub fn rekeyed(
        &self,
        drop: &[PersonId],
        readdress: &[(PersonId, PublicKey)],
        signer: (&PersonId, &dyn KeyDevice),
    ) -> Result<Rekeyed> {
        let mut body = self.header.body.clone();
        body.slots
            .retain(|s| !matches!(s, Slot::Recipient { person, .. } if drop.contains(person)));
        let cipher = self.header.cipher();
        for slot in body.slots.iter_mut() {
            let Slot::Recipient { person, role, .. } = &*slot else {
                continue;
            };
            if let Some((_, key)) = readdress.iter().find(|(p, _)| p == person) {
                *slot = Slot::for_recipient(
                    cipher,
                    &self.header.vault_id,
                    &self.dk,
                    person,
                    *role,
                    key,
                )?;
            }
        }
        if body.slots.is_empty() {
            return Err(Error::Vault(Msg::NobodyLeft.into()));
        }
        let header = Header::encode(body, &self.dk)?;
        let mut m = self.manifest.body.clone();
        m.seq += 1;
        m.writer = signer.0.clone();
        m.writer_key = signer.1.public().to_hex();
        let (manifest_raw, manifest) = Manifest::encode(&m, &header, &self.dk, signer.1)?;
        Ok(Rekeyed {
            header,
            manifest_raw,
            manifest,
        })
    }

    /// Whether a staged manifest (`vault.mf.next`) lies beside the live pair with this SHA-256
    /// (hex): a re-key the ledger recorded but whose apply was interrupted.
    pub fn staged_matches(&self, sha256_hex: &str) -> bool {
        if self.from_next {
            return false;
        }
        let path = self.dir.join(NEXT_MANIFEST_FILE);
        read_small(&path, format::MAX_MANIFEST, Msg::PartStagedManifest, |e| {
            Error::Io {
                context: Msg::IoRead { path: p_(&path) }.into(),
                source: e,
            }
        })
        .is_ok_and(|raw| {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&raw)).eq_ignore_ascii_case(sha256_hex)
        })
    }

    /// Write a re-keyed header and its manifest beside the live pair (`vault.hdr.next`,
    /// `vault.mf.next`), each flushed: the vault still reads as before until
    /// [`Vault::apply_staged`].
    pub fn stage_rekeyed(&self, r: &Rekeyed) -> Result<()> {
        write_atomic(&self.dir.join(NEXT_MANIFEST_FILE), &r.manifest_raw)?;
        write_atomic(&self.dir.join(NEXT_HEADER_FILE), &r.header.raw)
    }

    /// Make the staged pair the vault's, once the ledger records it: the header, then the
    /// manifest. The old header (the only copy of the removed slots on the medium) is
    /// overwritten with noise where it lies, so the file system cannot give it back.
    pub fn apply_staged(&mut self, r: Rekeyed) -> Result<()> {
        apply_and_scrub(&self.dir)?;
        self.header = r.header;
        self.manifest = r.manifest;
        self.manifest_raw = r.manifest_raw;
        self.from_next = false;
        Ok(())
    }

    /// Crypto-erase: overwrite the header (the only copy of the wrapped key) and the manifest,
    /// then remove them. The objects stay, undecryptable; a full wipe is still required.
    pub fn erase(mount: &Path) -> Result<Header> {
        let header = read_header(mount)?;
        let dir = vault_dir(mount);
        for name in [
            HEADER_FILE,
            MANIFEST_FILE,
            NEXT_HEADER_FILE,
            NEXT_MANIFEST_FILE,
            OLD_HEADER_FILE,
        ] {
            let p = dir.join(name);
            let Ok(meta) = fs::symlink_metadata(&p) else {
                continue;
            };
            // A hostile medium can make these names links to a file of the erasing user's:
            // overwrite only a regular file, never through a link, and just remove the rest.
            if meta.is_file() {
                overwrite_with_noise(&p)?;
            }
            fs::remove_file(&p).map_err(Error::io(Msg::IoRemove { path: p_(&p) }))?;
        }
        sync_dir(&dir)?;
        Ok(header)
    }
}

/// Why no slot opened, in words that say what to do: whose slots the vault has (read from the
/// header, which anyone holding the medium can read anyway), rather than a bare "wrong
/// passphrase" for a person whose passphrase was right but who holds no slot.
fn unopened(header: &Header, opener: &Opener) -> Text {
    let holders = header
        .body
        .slots
        .iter()
        .map(|s| -> Text {
            match s {
                Slot::Recipient { person, role, .. } => Msg::HolderSlot {
                    person: person.to_string().into(),
                    role: match role {
                        SlotRole::Writer => Msg::RoleWriter,
                        SlotRole::Escrow => Msg::RoleEscrow,
                    }
                    .into(),
                }
                .into(),
                Slot::Passphrase { .. } => Msg::HolderPassphrase.into(),
            }
        })
        .reduce(|list, item| Msg::ListMore { list, item }.into())
        .unwrap_or_else(|| Text::plain(""));
    let id_of = |id: &PersonId| Text::from(id.to_string());
    match opener {
        Opener::Person { id, .. } => {
            let named = header
                .body
                .slots
                .iter()
                .any(|s| matches!(s, Slot::Recipient { person, .. } if person == *id));
            match named {
                true => Msg::SlotStale {
                    id: id_of(id),
                    holders,
                }
                .into(),
                false => Msg::NoSlot {
                    id: id_of(id),
                    holders,
                }
                .into(),
            }
        }
        Opener::Passphrase(_) => match header.has_passphrase_slot() {
            true => Msg::WrongPassphrase.into(),
            false => Msg::NoPassphraseSlot { holders }.into(),
        },
    }
}
