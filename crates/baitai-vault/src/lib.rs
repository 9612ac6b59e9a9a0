//! The encrypted vault on a medium: `MOUNT/BAITAI/` with a header, a manifest and one object
//! per file (docs/format.md).

mod content;
mod direct;
pub mod format;
pub mod keys;
mod medium;
pub mod msg;
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

use baitai_core::crypto::{Cipher, KdfParams, KeyDevice, Passphrase, PublicKey};
use baitai_core::error::{Error, Result};
use baitai_core::model::{Classification, PersonId};
use msg::Msg;

const DIR: &str = "BAITAI";
const HEADER_FILE: &str = "vault.hdr";
const MANIFEST_FILE: &str = "vault.mf";
/// A new header and its manifest, written beside the live pair before the ledger records
/// them, and renamed into place after (format.md §5.3).
const NEXT_HEADER_FILE: &str = "vault.hdr.next";
const NEXT_MANIFEST_FILE: &str = "vault.mf.next";
/// The live header moved aside while the staged one takes its name, where a file that is open
/// cannot be renamed over (Windows); overwritten with noise and removed after (format.md §5.3).
const OLD_HEADER_FILE: &str = "vault.hdr.old";
const OBJECTS: &str = "obj";

/// Where a vault lives on a mounted medium.
pub fn vault_dir(mount: &Path) -> PathBuf {
    mount.join(DIR)
}

/// Whether the mounted medium holds a vault (its header file exists, or the live header moved
/// aside by a re-key interrupted on Windows).
pub fn exists(mount: &Path) -> bool {
    let dir = vault_dir(mount);
    dir.join(HEADER_FILE).exists() || dir.join(OLD_HEADER_FILE).exists()
}

/// One writer at a time on a mounted medium's vault: an exclusive `flock` on the mount
/// directory, held until dropped. A second `put` to the same medium waits, then opens the
/// vault as the first one left it, instead of overwriting its manifest.
///
/// On Windows a directory cannot be locked, so the lock is a byte-range lock (`LockFileEx`,
/// which FAT and exFAT removable drives support) on the file [`WINDOWS_LOCK_FILE`] at the
/// mount's root; the file is left there, since removing it could race another writer.
pub struct WriteLock {
    _held: fs::File,
}

/// The file at a mount's root that Windows writers lock (see [`WriteLock`]).
pub use baitai_core::files::WINDOWS_LOCK_FILE;

/// Take the write lock on the mounted medium's vault, waiting while another process holds it.
#[cfg(unix)]
pub fn lock_for_writing(mount: &Path) -> Result<WriteLock> {
    let dir = fs::File::open(mount).map_err(Error::io(baitai_core::msg::Msg::IoOpen {
        path: msg::path(mount),
    }))?;
    rustix::fs::flock(&dir, rustix::fs::FlockOperation::LockExclusive).map_err(|e| Error::Io {
        context: Msg::IoLock {
            path: msg::path(mount),
        }
        .into(),
        source: e.into(),
    })?;
    Ok(WriteLock { _held: dir })
}

/// Take the write lock on the mounted medium's vault, waiting while another process holds it.
#[cfg(windows)]
// File::lock is Rust 1.89; Windows builds need that toolchain (docs/architecture.md).
#[allow(clippy::incompatible_msrv)]
pub fn lock_for_writing(mount: &Path) -> Result<WriteLock> {
    let p = mount.join(WINDOWS_LOCK_FILE);
    let file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&p)
        .map_err(Error::io(baitai_core::msg::Msg::IoOpen {
            path: msg::path(&p),
        }))?;
    file.lock().map_err(Error::io(Msg::IoLock {
        path: msg::path(mount),
    }))?;
    Ok(WriteLock { _held: file })
}

/// How to open a vault.
pub enum Opener<'a> {
    /// A person of the ledger, with the key their recipient slot was made for.
    Person {
        /// Who they are; their slot names them.
        id: &'a PersonId,
        /// Their private key, which opens the slot.
        key: &'a dyn KeyDevice,
    },
    /// An outside recipient, with the passphrase the passphrase slot was made with.
    Passphrase(&'a Passphrase),
}

/// What a new vault is made with.
pub struct NewVault<'a> {
    /// The medium number, written into the header and the manifest.
    pub medium: String,
    /// The organisation, written into the header.
    pub org: String,
    /// The classification, whose marking the header carries in the clear.
    pub classification: Classification,
    /// The cipher its objects are encrypted with.
    pub cipher: Cipher,
    /// Who creates it: they get the writer slot and sign the first manifest.
    pub writer: (&'a PersonId, &'a dyn KeyDevice),
    /// Custodians who get an escrow slot (004 1.5.2.4).
    pub escrow: Vec<(PersonId, PublicKey)>,
    /// A passphrase slot for an outside recipient, with the Argon2id parameters to stretch it with.
    pub passphrase: Option<(&'a Passphrase, KdfParams)>,
    /// When, in the stored time form (written into the header).
    pub now: String,
}

/// An unlocked vault.
pub struct Vault {
    dir: PathBuf,
    /// The header: who can open it and with which cipher; readable without a key.
    pub header: Header,
    dk: DataKey,
    /// The current manifest: the files and who signed the list.
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
    /// The header without the removed slots.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The manifest signed again for that header.
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
    /// The files this stage adds, as the staged manifest lists them.
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
    /// Its name inside the vault (relative, `/`-separated).
    pub name: String,
    /// Where to read it from.
    pub path: PathBuf,
}

#[cfg(test)]
mod tests;
