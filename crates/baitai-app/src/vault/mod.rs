//! Vault commands tied to the ledger: put and erase here, reading (ls, get, verify) in `read`.

mod read;

use std::path::{Path, PathBuf};

pub use read::{check_out_dir, select, GetRequest};

use super::{Secrets, Session, Signed};
use crate::crypto::{Cipher, Passphrase};
use crate::error::{Error, Result, Rule};
use crate::ledger::{Draft, StoredEntry};
use crate::model::*;
use crate::msg::{path as p_, Msg};
use baitai_vault::{self as vault, FileEntry, NewVault, Opener, Source, Vault};

/// What `put` was asked: files to encrypt into the vault on a mounted medium.
pub struct PutRequest {
    /// Where the medium's file system is mounted; the vault is `MOUNT/BAITAI/`. For a medium
    /// registered with a device, it must be on that device (exit 6).
    pub mount: PathBuf,
    /// What to add, from [`sources`].
    pub sources: Vec<Source>,
    /// Needed for the first put, when the medium has no vault yet.
    pub medium: Option<String>,
    /// For a new vault; `None` means AES-256-GCM. An existing vault must not be asked for
    /// another.
    pub cipher: Option<Cipher>,
    /// Replace a file of the same name already in the vault (`--replace`); without it such a
    /// file is refused (exit 3, `no-overwrite`) before anything is written.
    pub replace: bool,
    /// A passphrase slot for an outside recipient (first put only).
    pub recipient_passphrase: Option<Passphrase>,
}

/// What a put did.
pub struct PutReport {
    /// The signed `vault.put` entry, with the names and sizes of the files added.
    pub entry: StoredEntry,
    /// The files this put added or replaced, as the manifest lists them.
    pub added: Vec<FileEntry>,
    /// Whether this put made the vault (the medium held none before).
    pub created: bool,
    /// The vault as it stands after the put, opened as the handler.
    pub vault: Vault,
}

/// Expand files and directories into vault names: a directory keeps its own name and the
/// relative paths below it. Symbolic links are refused, never followed.
pub fn sources(paths: &[PathBuf]) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::symlink_metadata(p).map_err(|e| {
            Error::usage(vault::msg::Msg::CannotRead {
                path: p_(p),
                cause: e.to_string().into(),
            })
        })?;
        let base = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .ok_or_else(|| Error::usage(Msg::NoFileName { path: p_(p) }))?;
        if meta.file_type().is_symlink() {
            return Err(Error::usage(Msg::GiveLinkTarget { path: p_(p) }));
        }
        if meta.is_dir() {
            walk(p, &base, &mut out)?;
        } else if meta.is_file() {
            out.push(Source {
                name: base,
                path: p.clone(),
            });
        } else {
            return Err(Error::usage(Msg::NotFileOrDir { path: p_(p) }));
        }
    }
    if out.is_empty() {
        return Err(Error::usage(Msg::NoFilesToPut));
    }
    Ok(out)
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<Source>) -> Result<()> {
    let cannot_list = |e: std::io::Error| {
        Error::usage(Msg::CannotList {
            path: p_(dir),
            cause: e.to_string().into(),
        })
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(cannot_list)?
        .collect::<std::io::Result<_>>()
        .map_err(cannot_list)?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = format!("{prefix}/{}", e.file_name().to_string_lossy());
        let ft = e
            .file_type()
            .map_err(Error::io(baitai_core::msg::Msg::IoLookAt {
                path: p_(&e.path()),
            }))?;
        if ft.is_symlink() {
            return Err(Error::usage(Msg::NoLinks {
                path: p_(&e.path()),
            }));
        } else if ft.is_dir() {
            walk(&e.path(), &name, out)?;
        } else if ft.is_file() {
            out.push(Source {
                name,
                path: e.path(),
            });
        }
    }
    Ok(())
}

fn put_body(v: &Vault, staged: &vault::Staged, unrecorded: Vec<VaultFile>) -> Body {
    let added = staged.added();
    Body::VaultPut(VaultPut {
        vault_id: v.header.body.vault_id.clone(),
        cipher: v.cipher().name().to_string(),
        added: added
            .iter()
            .map(|f| VaultFile {
                name: f.name.clone(),
                size: f.size,
            })
            .collect(),
        bytes: added.iter().map(|f| f.size).sum(),
        total_files: staged.manifest().body.files.len() as u64,
        manifest_sha256: hex::encode(staged.manifest().file_hash),
        manifest_seq: Some(staged.manifest().body.seq),
        recipients: v.header.recipients(),
        passphrase_slot: v.header.has_passphrase_slot(),
        unrecorded,
    })
}

impl Session {
    /// The medium a put goes to: the vault's own, or `--medium` for a new vault.
    fn put_medium(&self, req: &PutRequest) -> Result<MediumNumber> {
        let from_vault = if vault::exists(&req.mount) {
            Some(vault::read_header(&req.mount)?.body.medium)
        } else {
            None
        };
        let named = req
            .medium
            .as_deref()
            .map(|m| self.medium(m))
            .transpose()?
            .map(|s| s.number);
        match (from_vault, named) {
            (Some(v), Some(n)) if v != n.0 => Err(Error::Device(
                Msg::VaultBelongsTo {
                    path: p_(&req.mount),
                    vault: v.into(),
                    medium: n.to_string().into(),
                }
                .into(),
            )),
            (Some(v), _) => Ok(self.medium(&v)?.number),
            (None, Some(n)) => Ok(n),
            (None, None) => Err(Error::usage(Msg::NoVaultYet {
                path: p_(&req.mount),
            })),
        }
    }

    /// A medium registered with a device must be the one mounted where the files go.
    pub(crate) fn check_mount_device(
        &self,
        number: &MediumNumber,
        mount: &std::path::Path,
    ) -> Result<()> {
        let seen = crate::device::mount_identities(mount)?;
        self.check_seen_device(number, mount, &seen)
    }

    /// [`Session::check_mount_device`] with the identities already read at `mount`.
    pub(crate) fn check_seen_device(
        &self,
        number: &MediumNumber,
        mount: &std::path::Path,
        seen: &[crate::model::DeviceIdentity],
    ) -> Result<()> {
        let Some(recorded) = self.registration(number)?.device else {
            return Ok(());
        };
        let Some(first) = seen.first() else {
            #[cfg(windows)]
            return Err(crate::device::unavailable(Msg::DeviceCheckUnderMount {
                medium: number.to_string().into(),
            }));
            #[cfg(unix)]
            return Err(Error::Device(
                Msg::NotBlockDevice {
                    path: p_(mount),
                    medium: number.to_string().into(),
                }
                .into(),
            ));
        };
        if seen
            .iter()
            .any(|id| crate::device::same_device(&recorded, id))
        {
            return Ok(());
        }
        if first.capacity_bytes != recorded.capacity_bytes {
            // Most often the stick is not mounted, and the folder is on the system disk.
            let size = crate::units::human_bytes;
            return Err(Error::Device(
                Msg::OtherSize {
                    path: p_(mount),
                    medium: number.to_string().into(),
                    size: size(first.capacity_bytes).into(),
                    recorded: size(recorded.capacity_bytes).into(),
                }
                .into(),
            ));
        }
        crate::device::check_identity(&number.0, &recorded, first)
    }

    /// `put`: the handler who has the medium out encrypts files into its vault, creating it on
    /// the first put (with every active custodian's escrow slot), and records `vault.put`
    /// with each file's name and size, so a lost medium's contents are known (000 12). The
    /// mount must be on the registered device (exit 6) and an existing vault must be the one
    /// the ledger last recorded (exit 5); refused (exit 3) unless the medium is out with this
    /// handler, or with no active custodian to hold the escrow slot (`escrow`). `progress` is
    /// called with the bytes encrypted so far. The entry and the new manifest land together;
    /// a vault this put created is removed again if the put fails.
    pub fn put(
        &mut self,
        handler: &str,
        req: PutRequest,
        secrets: &mut dyn Secrets,
        progress: &mut dyn FnMut(u64),
    ) -> Result<PutReport> {
        if !req.mount.is_dir() {
            return Err(Error::usage(Msg::NotADirectory {
                path: p_(&req.mount),
            }));
        }
        check_new_vault_options(&req.mount, req.cipher, req.recipient_passphrase.is_some())?;
        crate::device::mounts::refuse_read_only_mount(&req.mount)?;
        let number = self.put_medium(&req)?;
        self.check_vault_medium(&number, &req.mount)?;
        let person = self.active_person(handler)?;
        // Check the rules with a placeholder body before asking for the passphrase.
        let probe = Body::VaultPut(VaultPut {
            vault_id: String::new(),
            cipher: String::new(),
            added: Vec::new(),
            bytes: 0,
            total_files: 0,
            manifest_sha256: String::new(),
            manifest_seq: None,
            recipients: Vec::new(),
            passphrase_slot: false,
            unrecorded: Vec::new(),
        });
        self.precheck(&Draft {
            medium: Some(number.clone()),
            actor: Some(person.id.clone()),
            body: probe,
        })?;
        let signed = self.authenticate(&person, SignRole::Actor, secrets, "put")?;
        let now = crate::time::to_store(crate::time::now());
        let _lock = vault::lock_for_writing(&req.mount)?;
        let created = !vault::exists(&req.mount);
        let dir_was_there = vault::vault_dir(&req.mount).exists();
        let done = self.write_and_record(&req, &number, &signed, created, &now, progress);
        if done.is_err() && created && !dir_was_there {
            // A vault this put made but could not fill or record (a source gone or unreadable,
            // the medium full, the ledger refusing) would stay on the medium with no entry.
            let _ = std::fs::remove_dir_all(vault::vault_dir(&req.mount));
        }
        let (entry, added, vault) = done?;
        Ok(PutReport {
            entry,
            added,
            created,
            vault,
        })
    }

    /// Encrypt the files, then commit the ledger entry and publish the vault's new manifest
    /// in one step: the manifest is renamed into place inside the ledger's write transaction,
    /// just before it commits, so a crash leaves both as they were or both updated, except
    /// in the moment between that rename and the commit.
    fn write_and_record(
        &mut self,
        req: &PutRequest,
        number: &MediumNumber,
        signed: &Signed,
        create: bool,
        now: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(StoredEntry, Vec<FileEntry>, Vault)> {
        let (mut v, staged) = self.write_files(req, number, signed, create, now, progress)?;
        let previous = v.manifest_raw().to_vec();
        let added = staged.added().to_vec();
        let unrecorded = self.unrecorded_files(number, &v, &added)?;
        let draft = Draft {
            medium: Some(number.clone()),
            actor: Some(signed.person.id.clone()),
            body: put_body(&v, &staged, unrecorded),
        };
        let mut published = false;
        let committed = self.ledger.write(|w| {
            let entry = w.commit(draft, &[(SignRole::Actor, &signed.key)])?;
            // Set first: publishing can fail after its rename (flushing the directory), and
            // putting the old manifest back is harmless if the rename never happened.
            published = true;
            v.publish(staged)?;
            Ok(entry)
        });
        match committed {
            Ok(entry) => {
                v.remove_unlisted();
                Ok((entry, added, v))
            }
            Err(e) => {
                // The entry did not commit after the manifest went in: put it back. Unless the
                // server may have it after all: a manifest put back behind a recorded entry
                // would read as a rolled-back vault, while one ahead of a missed entry is taken
                // as the holder's unrecorded put and recorded by their next one.
                if published && !matches!(e, Error::OutcomeUnknown(_)) {
                    v.restore_manifest(&previous)?;
                }
                Err(e)
            }
        }
    }

    /// Create or open the vault and encrypt the sources into it.
    fn write_files(
        &self,
        req: &PutRequest,
        number: &MediumNumber,
        signed: &Signed,
        create: bool,
        now: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(Vault, vault::Staged)> {
        let person = &signed.person.id;
        let mut v = if create {
            self.create_vault(req, number, signed, now)?
        } else {
            let mut v = open_as(&req.mount, signed)?;
            // Before anything is staged or deleted: an older or foreign manifest would make
            // this put drop the objects of every file added since.
            self.check_bound(number, &v)?;
            v.settle()?;
            v.discard_staged()?;
            v
        };
        let staged = v.stage(
            &req.sources,
            req.replace,
            (person, &signed.key),
            now,
            progress,
        )?;
        Ok((v, staged))
    }

    fn create_vault(
        &self,
        req: &PutRequest,
        number: &MediumNumber,
        signed: &Signed,
        now: &str,
    ) -> Result<Vault> {
        let state = self.medium(&number.0)?;
        let escrow = self
            .directory()?
            .people
            .values()
            .filter(|p| p.is_active() && p.has(Role::Custodian))
            .map(|p| (p.id.clone(), p.encryption_key))
            .collect::<Vec<_>>();
        if escrow.is_empty() {
            return Err(Error::refused(Rule::Escrow, Msg::NoEscrow));
        }
        if let Some(p) = &req.recipient_passphrase {
            if let Some(why) = p.policy_violation() {
                return Err(Error::usage(Msg::RecipientPassphrase { why }));
            }
        }
        Vault::create(
            &req.mount,
            NewVault {
                medium: number.0.clone(),
                org: self.settings.org.clone(),
                classification: state.classification,
                cipher: req.cipher.unwrap_or(Cipher::Aes256Gcm),
                writer: (&signed.person.id, &signed.key),
                escrow,
                passphrase: req
                    .recipient_passphrase
                    .as_ref()
                    .map(|p| (p, self.settings.kdf)),
                now: now.to_string(),
            },
        )
    }

    /// 暗号消去: an active custodian destroys the key slots of a returned medium's vault and
    /// records `vault.erase`. Refused (exit 3) unless the medium is in storage; the erase
    /// happens inside the write transaction, so a refusal leaves the vault as it was. The
    /// medium's data state does not change: crypto-erase is not a verified wipe.
    pub fn vault_erase(
        &mut self,
        mount: &Path,
        custodian: &str,
        secrets: &mut dyn Secrets,
    ) -> Result<StoredEntry> {
        let header = vault::read_header(mount)?;
        let state = self.medium(&header.body.medium)?;
        let person = self.active_person(custodian)?;
        let draft = Draft {
            medium: Some(state.number),
            actor: Some(person.id.clone()),
            body: Body::VaultErase(VaultErase {
                vault_id: header.body.vault_id.clone(),
            }),
        };
        self.precheck(&draft)?;
        let signed = self.authenticate(&person, SignRole::Actor, secrets, "vault erase")?;
        let _lock = vault::lock_for_writing(mount)?;
        // Erase inside the write transaction, after the rules passed there: a refusal then
        // leaves the vault as it was, instead of erased with no record.
        self.ledger.write(|w| {
            let entry = w.commit(draft, &[(SignRole::Actor, &signed.key)])?;
            Vault::erase(mount)?;
            Ok(entry)
        })
    }

    /// Files in the vault as it stands before this put that the ledger does not record, when
    /// its manifest is not the one the ledger last recorded for the medium. This put replaces
    /// the files in `adding`, so they are left out.
    fn unrecorded_files(
        &self,
        medium: &MediumNumber,
        v: &Vault,
        adding: &[FileEntry],
    ) -> Result<Vec<VaultFile>> {
        let sha = hex::encode(v.manifest.file_hash);
        let recorded = self.recorded_vault(medium)?;
        if recorded
            .is_some_and(|r| r.vault_id == v.header.body.vault_id && r.manifest_sha256 == sha)
        {
            return Ok(Vec::new());
        }
        let known = self.recorded_files(medium)?;
        Ok(v.files()
            .iter()
            .filter(|f| !adding.iter().any(|a| a.name == f.name))
            .filter(|f| !known.iter().any(|k| k.name == f.name && k.size == f.size))
            .map(|f| VaultFile {
                name: f.name.clone(),
                size: f.size,
            })
            .collect())
    }

    /// What the ledger records as put on a medium since it was last proven clean (or
    /// registered): shown to an approver before they sign (003 第4-4(2)).
    pub fn recorded_files(&self, medium: &MediumNumber) -> Result<Vec<VaultFile>> {
        let mut files: Vec<VaultFile> = Vec::new();
        for e in self.ledger.medium_entries(medium)? {
            match e.body {
                Body::Register(_) => files.clear(),
                Body::Return(r) if r.check.proves_clean() => files.clear(),
                Body::Wipe(w) if w.result == WipeResult::Passed => files.clear(),
                Body::VaultPut(p) => {
                    let now = p.added.into_iter().chain(p.unrecorded);
                    for a in now {
                        files.retain(|f| f.name != a.name);
                        files.push(a);
                    }
                }
                _ => {}
            }
        }
        Ok(files)
    }
}

/// `--cipher` and an outside recipient's passphrase shape a new vault; for one that exists they
/// would be ignored, so they are refused instead, before any passphrase is asked for.
pub fn check_new_vault_options(
    mount: &Path,
    cipher: Option<Cipher>,
    recipient: bool,
) -> Result<()> {
    if !vault::exists(mount) {
        return Ok(());
    }
    let have = vault::read_header(mount)?.cipher();
    if cipher.is_some_and(|c| c != have) {
        return Err(Error::usage(Msg::KeepsCipher {
            path: p_(mount),
            cipher: have.name().into(),
        }));
    }
    if recipient {
        return Err(Error::usage(Msg::RecipientOnCreate { path: p_(mount) }));
    }
    Ok(())
}

/// Open a vault as a person: with their key now, else with a key they held before a key
/// change (vaults made for them before it still name that key in their slot).
pub(super) fn open_as(mount: &Path, signed: &Signed) -> Result<Vault> {
    let id = &signed.person.id;
    let mut refused = None;
    let current: &dyn crate::crypto::KeyDevice = &signed.key;
    let retired = signed
        .retired
        .iter()
        .rev()
        .map(|k| k as &dyn crate::crypto::KeyDevice);
    for key in std::iter::once(current).chain(retired) {
        match Vault::open(mount, Opener::Person { id, key }) {
            Err(Error::Auth(m)) => refused = Some(Error::Auth(m)),
            other => return other,
        }
    }
    Err(refused.unwrap_or_else(|| Error::Auth(Msg::NotRecipient.into())))
}
