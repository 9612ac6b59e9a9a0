//! The encrypted vault on a medium: `MOUNT/BAITAI/` with a header, a manifest and one object
//! per file (docs/format.md).

pub mod format;
pub mod keys;
pub mod names;
mod pipeline;
pub mod stream;

use std::collections::HashSet;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rand::RngCore;

pub use format::{FileEntry, Header, HeaderBody, Manifest, ManifestBody};
pub use keys::{DataKey, Slot, SlotRole};

use crate::crypto::{Cipher, KdfParams, Passphrase, PersonKey, PublicKey};
use crate::error::{Error, Result};
use crate::files::{sync_dir, write_atomic};
use crate::model::{Classification, PersonId};

const DIR: &str = "BAITAI";
const HEADER_FILE: &str = "vault.hdr";
const MANIFEST_FILE: &str = "vault.mf";
const OBJECTS: &str = "obj";

/// Where a vault lives on a mounted medium.
pub fn vault_dir(mount: &Path) -> PathBuf {
    mount.join(DIR)
}

pub fn exists(mount: &Path) -> bool {
    vault_dir(mount).join(HEADER_FILE).exists()
}

/// Read the header without any key: marking, medium, cipher, slots.
pub fn read_header(mount: &Path) -> Result<Header> {
    let path = vault_dir(mount).join(HEADER_FILE);
    let raw = fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::usage(format!("no baitai vault in {}", mount.display()))
        }
        _ => Error::Io {
            context: format!("read {}", path.display()),
            source: e,
        },
    })?;
    Header::parse(raw)
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

impl Vault {
    pub fn create(mount: &Path, v: NewVault) -> Result<Vault> {
        if exists(mount) {
            return Err(Error::refused(
                "vault-exists",
                format!("{} already holds a vault", mount.display()),
            ));
        }
        let dir = vault_dir(mount);
        fs::create_dir_all(dir.join(OBJECTS))
            .map_err(Error::io(format!("create {}", dir.display())))?;
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
        )];
        for (id, key) in &v.escrow {
            if id != writer_id {
                slots.push(Slot::for_recipient(
                    v.cipher,
                    &vault_id,
                    &dk,
                    id,
                    SlotRole::Escrow,
                    key,
                ));
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
        })
    }

    /// Unlock with a person's key or a passphrase; authenticate header and manifest.
    pub fn open(mount: &Path, opener: Opener) -> Result<Vault> {
        let header = read_header(mount)?;
        let cipher = header.cipher();
        let dk = match opener {
            Opener::Person { id, key } => header
                .body
                .slots
                .iter()
                .find_map(|s| s.open_recipient(cipher, &header.vault_id, id, key)),
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
        .ok_or_else(|| Error::Auth("wrong passphrase or not a recipient of this vault".into()))?;
        header.check_mac(&dk)?;
        let dir = vault_dir(mount);
        let raw = fs::read(dir.join(MANIFEST_FILE))
            .map_err(|e| Error::Integrity(format!("vault manifest is missing: {e}")))?;
        let manifest = Manifest::decode(&raw, &header, &dk)?;
        Ok(Vault {
            dir,
            header,
            dk,
            manifest,
        })
    }

    pub fn files(&self) -> &[FileEntry] {
        &self.manifest.body.files
    }

    pub fn cipher(&self) -> Cipher {
        self.header.cipher()
    }

    fn object_key(&self, f: &FileEntry) -> Result<(zeroize::Zeroizing<[u8; 32]>, [u8; 16])> {
        let object = format::parse_id(&f.object)?;
        let nonce = format::parse_id(&f.nonce)?;
        Ok((
            self.dk.object_key(&self.header.vault_id, &object, &nonce),
            nonce,
        ))
    }

    fn object_path(&self, f: &FileEntry) -> Result<PathBuf> {
        format::parse_id(&f.object)?;
        Ok(self.dir.join(OBJECTS).join(&f.object))
    }

    /// Add files. Names already present are refused unless `replace`; nothing is written until
    /// every name checks out. The manifest is replaced atomically after all objects are on
    /// disk, so an interruption leaves the previous vault intact.
    pub fn add(
        &mut self,
        sources: &[Source],
        replace: bool,
        writer: (&PersonId, &PersonKey),
        now: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<FileEntry>> {
        let mut seen = HashSet::new();
        for s in sources {
            names::check(&s.name).map_err(|_| {
                Error::usage(format!(
                    "cannot store {:?}: not a plain relative name",
                    s.name
                ))
            })?;
            if !seen.insert(s.name.as_str()) {
                return Err(Error::usage(format!("{} is given twice", s.name)));
            }
            if !replace && self.files().iter().any(|f| f.name == s.name) {
                return Err(Error::refused(
                    "no-overwrite",
                    format!(
                        "{} is already in the vault; use --replace to replace it",
                        s.name
                    ),
                ));
            }
        }
        let mut added = Vec::new();
        for s in sources {
            added.push(self.write_object(s, writer.0, now, progress)?);
        }
        let mut body = self.manifest.body.clone();
        let replaced: Vec<FileEntry> = body
            .files
            .iter()
            .filter(|f| seen.contains(f.name.as_str()))
            .cloned()
            .collect();
        body.files.retain(|f| !seen.contains(f.name.as_str()));
        body.files.extend(added.iter().cloned());
        body.seq += 1;
        body.writer = writer.0.clone();
        body.writer_key = writer.1.public().to_hex();
        let (raw, manifest) = Manifest::encode(&body, &self.header, &self.dk, writer.1)?;
        write_atomic(&self.dir.join(MANIFEST_FILE), &raw)?;
        self.manifest = manifest;
        for f in &replaced {
            let _ = fs::remove_file(self.object_path(f)?);
        }
        self.remove_orphans();
        Ok(added)
    }

    fn write_object(
        &self,
        s: &Source,
        by: &PersonId,
        now: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<FileEntry> {
        let (object, object_hex) = random_hex::<16>();
        let (nonce, nonce_hex) = random_hex::<16>();
        let key = self.dk.object_key(&self.header.vault_id, &object, &nonce);
        let meta = fs::metadata(&s.path)
            .map_err(|e| Error::usage(format!("cannot read {}: {e}", s.path.display())))?;
        let mut input = fs::File::open(&s.path)
            .map_err(|e| Error::usage(format!("cannot read {}: {e}", s.path.display())))?;
        let final_path = self.dir.join(OBJECTS).join(&object_hex);
        let tmp = tempfile::NamedTempFile::new_in(self.dir.join(OBJECTS))
            .map_err(Error::io("create an object on the medium"))?;
        let mut out = BufWriter::with_capacity(1 << 20, tmp.as_file());
        let streamed = stream::encrypt(
            &mut input,
            &mut out,
            self.cipher(),
            &key,
            &nonce,
            progress,
            &s.path.display().to_string(),
        )?;
        out.flush().map_err(Error::io("write to the medium"))?;
        drop(out);
        tmp.as_file()
            .sync_all()
            .map_err(Error::io("flush the medium"))?;
        tmp.persist(&final_path).map_err(|e| Error::Io {
            context: "store an object".into(),
            source: e.error,
        })?;
        Ok(FileEntry {
            name: s.name.clone(),
            size: streamed.size,
            sha256: hex::encode(streamed.sha256),
            object: object_hex,
            nonce: nonce_hex,
            added_by: by.clone(),
            added_at: now.to_string(),
            mtime: meta
                .modified()
                .ok()
                .and_then(|m| jiff::Timestamp::try_from(m).ok())
                .map(crate::time::to_store),
        })
    }

    /// Objects left by an interrupted `put` are not in the manifest: remove them.
    fn remove_orphans(&self) {
        let keep: HashSet<&str> = self.files().iter().map(|f| f.object.as_str()).collect();
        if let Ok(rd) = fs::read_dir(self.dir.join(OBJECTS)) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if !keep.contains(name.as_str()) {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }

    /// Decrypt one file into `out`, checking length and SHA-256 against the manifest.
    pub fn read_file(
        &self,
        f: &FileEntry,
        out: &mut impl Write,
        progress: &mut dyn FnMut(u64),
    ) -> Result<()> {
        let (key, nonce) = self.object_key(f)?;
        let path = self.object_path(f)?;
        let mut input = fs::File::open(&path).map_err(|_| {
            Error::Integrity(format!("{}: its object is missing from the medium", f.name))
        })?;
        let got = stream::decrypt(
            &mut input,
            out,
            self.cipher(),
            &key,
            &nonce,
            progress,
            &f.name,
        )?;
        if got.size != f.size || hex::encode(got.sha256) != f.sha256 {
            return Err(Error::Integrity(format!(
                "{}: content does not match the manifest",
                f.name
            )));
        }
        Ok(())
    }

    /// Authenticate every byte of every file; one result per file.
    pub fn verify(&self, progress: &mut dyn FnMut(u64)) -> Vec<(String, Result<()>)> {
        self.files()
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    self.read_file(f, &mut std::io::sink(), progress),
                )
            })
            .collect()
    }

    /// Decrypt files into `out`. Each goes to a temporary file in its target directory and is
    /// renamed into place only after its last chunk authenticates.
    pub fn extract(
        &self,
        wanted: &[FileEntry],
        out: &Path,
        overwrite: bool,
        progress: &mut dyn FnMut(u64),
    ) -> Result<()> {
        for f in wanted {
            let target = safe_target(out, &f.name)?;
            if target.exists() && !overwrite {
                return Err(Error::refused(
                    "no-overwrite",
                    format!("{} exists; use --overwrite to replace it", target.display()),
                ));
            }
        }
        for f in wanted {
            let target = safe_target(out, &f.name)?;
            let parent = target.parent().unwrap_or(out);
            fs::create_dir_all(parent)
                .map_err(Error::io(format!("create {}", parent.display())))?;
            safe_target(out, &f.name)?;
            let tmp = tempfile::Builder::new()
                .prefix(".baitai-")
                .suffix(".partial")
                .tempfile_in(parent)
                .map_err(Error::io(format!("write in {}", parent.display())))?;
            // Straight to the file: the stream writes whole batches, and a buffer here would
            // keep the last plaintext batch in memory that is never zeroized.
            self.read_file(f, &mut tmp.as_file(), progress)?;
            tmp.as_file()
                .sync_all()
                .map_err(Error::io(format!("flush {}", target.display())))?;
            tmp.persist(&target).map_err(|e| Error::Io {
                context: format!("write {}", target.display()),
                source: e.error,
            })?;
        }
        Ok(())
    }

    /// Crypto-erase: overwrite the header (the only copy of the wrapped key) and the manifest,
    /// then remove them. The objects stay, undecryptable; a full wipe is still required.
    pub fn erase(mount: &Path) -> Result<Header> {
        let header = read_header(mount)?;
        let dir = vault_dir(mount);
        for name in [HEADER_FILE, MANIFEST_FILE] {
            let p = dir.join(name);
            if let Ok(meta) = fs::metadata(&p) {
                let mut noise = vec![0u8; meta.len() as usize];
                rand::rngs::OsRng.fill_bytes(&mut noise);
                let mut f = fs::OpenOptions::new()
                    .write(true)
                    .open(&p)
                    .map_err(Error::io(format!("open {}", p.display())))?;
                f.write_all(&noise)
                    .and_then(|_| f.sync_all())
                    .map_err(Error::io(format!("overwrite {}", p.display())))?;
                fs::remove_file(&p).map_err(Error::io(format!("remove {}", p.display())))?;
            }
        }
        sync_dir(&dir)?;
        Ok(header)
    }
}

/// The path for a vault name under `out`, refusing any existing component that is a symlink
/// (so extraction never follows a link out of `out`).
fn safe_target(out: &Path, name: &str) -> Result<PathBuf> {
    names::check(name)?;
    let mut p = out.to_path_buf();
    for part in name.split('/') {
        p.push(part);
        if let Ok(m) = fs::symlink_metadata(&p) {
            if m.file_type().is_symlink() {
                return Err(Error::refused(
                    "symlink",
                    format!(
                        "{} is a symbolic link; refusing to write through it",
                        p.display()
                    ),
                ));
            }
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests;
