//! Reading a vault as a person of this ledger: `ls`, `vault verify` and `get`.

use std::path::{Path, PathBuf};

use super::open_as;
use crate::error::{Error, Result};
use crate::ledger::{Draft, StoredEntry};
use crate::model::{Body, SignRole, VaultFile, VaultGet};
use crate::msg::{path as p_, Msg};
use crate::{Secrets, Session, Signed};
use baitai_vault::{self as vault, FileEntry, Vault};

/// What to decrypt, and where.
pub struct GetRequest {
    /// Where the medium's file system is mounted.
    pub mount: PathBuf,
    /// Files or directories; all when empty.
    pub names: Vec<String>,
    /// The directory the files are decrypted into, created private (`0700`) if it does not
    /// exist; an existing path that is not a directory is a usage error.
    pub out: PathBuf,
    /// Overwrite files already in `out` (`--overwrite`); otherwise one there is refused
    /// (exit 3, `no-overwrite`).
    pub overwrite: bool,
}

impl Session {
    /// Open a vault as a person of this ledger (`ls`, `vault verify`): after their passphrase,
    /// with their own key slot (their current key, or one held before a key change). The mount
    /// must be on the device registered for the medium the vault names (exit 6), the manifest
    /// signed with a key the ledger records for its writer, and the vault the one the ledger
    /// last recorded for that medium (exit 5). Only a wrong passphrase is recorded here; `get`
    /// records its own access.
    pub fn open_vault(
        &mut self,
        mount: &Path,
        who: &str,
        secrets: &mut dyn Secrets,
        command: &str,
    ) -> Result<(Vault, Signed)> {
        let header = vault::read_header(mount)?;
        let person = self.active_person(who)?;
        let number = self.medium(&header.body.medium)?.number;
        self.check_vault_medium(&number, mount)?;
        let signed = self.authenticate(&person, SignRole::Actor, secrets, command)?;
        let v = open_as(mount, &signed)?;
        self.check_writer(&v)?;
        self.check_bound(&number, &v)?;
        Ok((v, signed))
    }

    /// The manifest's signer must be a person of this ledger with a key the ledger records
    /// for them (their key now, or one they held before a key change).
    pub(crate) fn check_writer(&self, v: &Vault) -> Result<()> {
        let m = &v.manifest.body;
        let known = self
            .ledger
            .keys_of(&m.writer)?
            .iter()
            .any(|k| k.to_hex().eq_ignore_ascii_case(&m.writer_key));
        if known {
            return Ok(());
        }
        Err(Error::Vault(
            Msg::UnknownWriter {
                writer: m.writer.to_string().into(),
            }
            .into(),
        ))
    }

    /// `get`: decrypt files to `out` and record the access to protected data (000 10(11)) as
    /// a `vault.get` entry naming each file. Opened as [`Session::open_vault`] is; refused
    /// (exit 3) after destruction or transfer, and for a file already in `out` without
    /// `overwrite`. The entry is committed after the files are written.
    pub fn get(
        &mut self,
        who: &str,
        req: &GetRequest,
        secrets: &mut dyn Secrets,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(StoredEntry, Vec<FileEntry>)> {
        let (mount, names, out, overwrite) = (&req.mount, &req.names, &req.out, req.overwrite);
        check_out_dir(out)?;
        let (v, signed) = self.open_vault(mount, who, secrets, "get")?;
        let wanted = select(&v, names)?;
        let number = self.medium(&v.header.body.medium)?.number;
        let body = Body::VaultGet(VaultGet {
            vault_id: v.header.body.vault_id.clone(),
            files: wanted
                .iter()
                .map(|f| VaultFile {
                    name: f.name.clone(),
                    size: f.size,
                })
                .collect(),
            bytes: wanted.iter().map(|f| f.size).sum(),
            manifest_sha256: hex::encode(v.manifest.file_hash),
        });
        let draft = Draft {
            medium: Some(number),
            actor: Some(signed.person.id.clone()),
            body,
        };
        self.precheck(&draft)?;
        baitai_vault::create_private_dir(out)?;
        v.extract(&wanted, out, overwrite, progress)?;
        let entry = self
            .ledger
            .write(|w| w.commit(draft, &[(SignRole::Actor, &signed.key)]))?;
        Ok((entry, wanted))
    }
}

/// The named files, or all of them; an unknown name is a usage error.
pub fn select(v: &Vault, names: &[String]) -> Result<Vec<FileEntry>> {
    if names.is_empty() {
        return Ok(v.files().to_vec());
    }
    names
        .iter()
        .map(|n| {
            let n = n.trim_end_matches('/');
            let matching: Vec<FileEntry> = v
                .files()
                .iter()
                .filter(|f| f.name == n || f.name.starts_with(&format!("{n}/")))
                .cloned()
                .collect();
            if matching.is_empty() {
                Err(Error::usage(Msg::NotInVault { name: n.into() }))
            } else {
                Ok(matching)
            }
        })
        .collect::<Result<Vec<_>>>()
        .map(|v| v.into_iter().flatten().collect())
}

/// `--out` must be a directory or not exist yet: checked before any passphrase is asked for.
pub fn check_out_dir(out: &Path) -> Result<()> {
    match std::fs::metadata(out) {
        Ok(m) if !m.is_dir() => Err(Error::usage(Msg::OutNotDir { path: p_(out) })),
        _ => Ok(()),
    }
}
