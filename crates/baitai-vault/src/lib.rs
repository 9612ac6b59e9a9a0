//! The encrypted vault on a medium: `MOUNT/BAITAI/` with a header, a manifest and one object
//! per file (docs/format.md).

mod content;
mod direct;
pub mod format;
pub mod keys;
mod medium;
pub mod names;
mod open;
mod pipeline;
pub mod stream;

use std::fs;
use std::path::{Path, PathBuf};

use rand::RngCore;

pub use format::{FileEntry, Header, HeaderBody, Manifest, ManifestBody};
pub use keys::{DataKey, Slot, SlotRole};
pub use medium::{apply_recorded_staged, create_private_dir, read_header};

use baitai_core::crypto::{Cipher, KdfParams, Passphrase, PersonKey, PublicKey};
use baitai_core::error::{Error, Result};
use baitai_core::model::{Classification, PersonId};

const DIR: &str = "BAITAI";
const HEADER_FILE: &str = "vault.hdr";
const MANIFEST_FILE: &str = "vault.mf";
/// A new header and its manifest, written beside the live pair before the ledger records
/// them, and renamed into place after (format.md §5.3).
const NEXT_HEADER_FILE: &str = "vault.hdr.next";
const NEXT_MANIFEST_FILE: &str = "vault.mf.next";
const OBJECTS: &str = "obj";

/// Where a vault lives on a mounted medium.
pub fn vault_dir(mount: &Path) -> PathBuf {
    mount.join(DIR)
}

pub fn exists(mount: &Path) -> bool {
    vault_dir(mount).join(HEADER_FILE).exists()
}

/// One writer at a time on a mounted medium's vault: an exclusive `flock` on the mount
/// directory, held until dropped. A second `put` to the same medium waits, then opens the
/// vault as the first one left it, instead of overwriting its manifest.
pub struct WriteLock {
    _dir: fs::File,
}

pub fn lock_for_writing(mount: &Path) -> Result<WriteLock> {
    let dir = fs::File::open(mount).map_err(Error::io(format!("open {}", mount.display())))?;
    rustix::fs::flock(&dir, rustix::fs::FlockOperation::LockExclusive).map_err(|e| Error::Io {
        context: format!("lock {} for writing", mount.display()),
        source: e.into(),
    })?;
    Ok(WriteLock { _dir: dir })
}

/// How to open a vault.
pub enum Opener<'a> {
    Person {
        id: &'a PersonId,
        key: &'a PersonKey,
    },
    Passphrase(&'a Passphrase),
}

pub struct NewVault<'a> {
    pub medium: String,
    pub org: String,
    pub classification: Classification,
    pub cipher: Cipher,
    pub writer: (&'a PersonId, &'a PersonKey),
    /// Custodians who get an escrow slot (004 1.5.2.4).
    pub escrow: Vec<(PersonId, PublicKey)>,
    pub passphrase: Option<(&'a Passphrase, KdfParams)>,
    pub now: String,
}

/// An unlocked vault.
pub struct Vault {
    dir: PathBuf,
    pub header: Header,
    dk: DataKey,
    pub manifest: Manifest,
    /// The manifest file as published, so a put can put it back without reading the medium.
    manifest_raw: Vec<u8>,
    /// The manifest was read from `vault.mf.next`: a header change was interrupted between
    /// its two renames, and [`Vault::settle`] finishes it.
    from_next: bool,
}

/// A header without some recipients' slots and the manifest signed again to match (the
/// signature binds the header's hash), not yet published.
pub struct Rekeyed {
    header: Header,
    manifest_raw: Vec<u8>,
    manifest: Manifest,
}

impl Rekeyed {
    pub fn header(&self) -> &Header {
        &self.header
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }
}

/// Objects written to the medium and the signed manifest that lists them, not yet published.
pub struct Staged {
    raw: Vec<u8>,
    manifest: Manifest,
    added: Vec<FileEntry>,
}

impl Staged {
    pub fn added(&self) -> &[FileEntry] {
        &self.added
    }

    /// The manifest as it will be once published.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }
}

fn random_hex<const N: usize>() -> ([u8; N], String) {
    let mut b = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut b);
    (b, hex::encode(b))
}

/// One file to add: its name in the vault and where to read it.
pub struct Source {
    pub name: String,
    pub path: PathBuf,
}

#[cfg(test)]
mod tests;
