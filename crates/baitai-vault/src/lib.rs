//! The encrypted vault on a medium: `MOUNT/BAITAI/` with a header, a manifest and one object
//! per file (docs/format.md).

mod direct;
pub mod format;
pub mod keys;
pub mod names;
mod pipeline;
pub mod stream;

use std::collections::HashSet;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use direct::{DirectReader, DirectWriter};
use rand::RngCore;

pub use format::{FileEntry, Header, HeaderBody, Manifest, ManifestBody};
pub use keys::{DataKey, Slot, SlotRole};

use baitai_core::crypto::{Cipher, KdfParams, Passphrase, PersonKey, PublicKey};
use baitai_core::error::{Error, Result, Rule};
use baitai_core::files::{sync_dir, write_atomic};
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

/// The vault directory, refused when it is a symbolic link: a hostile medium could point it
/// at a directory of the user's, which `put` would then write into.
fn own_vault_dir(mount: &Path) -> Result<PathBuf> {
    let dir = vault_dir(mount);
    for d in [dir.clone(), dir.join(OBJECTS)] {
        if fs::symlink_metadata(&d).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::Vault(format!(
                "{} on the medium is a symbolic link, not a directory of the vault",
                d.display()
            )));
        }
    }
    Ok(dir)
}

/// Read the header without any key: marking, medium, cipher, slots.
pub fn read_header(mount: &Path) -> Result<Header> {
    let path = own_vault_dir(mount)?.join(HEADER_FILE);
    let raw = read_small(&path, format::MAX_HEADER_FILE, "header", |e| {
        match e.kind() {
            std::io::ErrorKind::NotFound => {
                Error::usage(format!("no baitai vault in {}", mount.display()))
            }
            _ => Error::Io {
                context: format!("read {}", path.display()),
                source: e,
            },
        }
    })?;
    Header::parse(raw)
}

/// Open a file of the vault for reading, refusing anything but a regular file: a hostile medium
/// decides what its names are, and a FIFO would block a plain open forever while a link to
/// `/dev/zero` would never end. `O_NONBLOCK` lets the open return whatever the file is; it
/// changes nothing for reads of a regular file. Returns the file and its length.
fn open_regular(
    path: &Path,
    what: &str,
    unopenable: impl FnOnce(std::io::Error) -> Error,
) -> Result<(fs::File, u64)> {
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
        .map_err(unopenable)?;
    let meta = file
        .metadata()
        .map_err(Error::io(format!("look at {}", path.display())))?;
    if !meta.is_file() {
        return Err(Error::Vault(format!(
            "{what} ({}) is not a regular file",
            path.display()
        )));
    }
    Ok((file, meta.len()))
}

/// Read a header or manifest whole, refusing a file longer than `max` before reading it (and
/// reading at most one byte more, should it grow meanwhile), so its size on a hostile medium
/// cannot decide how much we allocate.
fn read_small(
    path: &Path,
    max: usize,
    what: &str,
    unopenable: impl FnOnce(std::io::Error) -> Error,
) -> Result<Vec<u8>> {
    let what = format!("vault {what}");
    let too_long = || Error::Vault(format!("{what} is longer than {max} bytes"));
    let (file, len) = open_regular(path, &what, unopenable)?;
    if len > max as u64 {
        return Err(too_long());
    }
    let mut raw = Vec::with_capacity(len as usize);
    file.take(max as u64 + 1)
        .read_to_end(&mut raw)
        .map_err(Error::io(format!("read {}", path.display())))?;
    if raw.len() > max {
        return Err(too_long());
    }
    Ok(raw)
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

impl Vault {
    pub fn create(mount: &Path, v: NewVault) -> Result<Vault> {
        if exists(mount) {
            return Err(Error::refused(
                Rule::VaultExists,
                format!("{} already holds a vault", mount.display()),
            ));
        }
        let dir = own_vault_dir(mount)?;
        fs::create_dir_all(dir.join(OBJECTS))
            .map_err(Error::io(format!("create {}", dir.display())))?;
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
    /// from `vault.mf.next`). For writers, under [`lock_for_writing`].
    pub fn settle(&mut self) -> Result<()> {
        if !self.from_next {
            return Ok(());
        }
        fs::rename(
            self.dir.join(NEXT_MANIFEST_FILE),
            self.dir.join(MANIFEST_FILE),
        )
        .map_err(Error::io(
            "finish an interrupted change of the vault header",
        ))?;
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
        let mut removed = false;
        for name in [NEXT_HEADER_FILE, NEXT_MANIFEST_FILE] {
            let p = self.dir.join(name);
            let Ok(meta) = fs::symlink_metadata(&p) else {
                continue;
            };
            if meta.is_dir() {
                return Err(Error::Vault(format!(
                    "{} on the medium is a directory, not a file of the vault; remove it",
                    p.display()
                )));
            }
            fs::remove_file(&p).map_err(Error::io(format!("remove {}", p.display())))?;
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
        signer: (&PersonId, &PersonKey),
    ) -> Result<Rekeyed> {
        let mut body = self.header.body.clone();
        body.slots
            .retain(|s| !matches!(s, Slot::Recipient { person, .. } if drop.contains(person)));
        if body.slots.is_empty() {
            return Err(Error::Vault(
                "removing those key slots would leave nobody able to open the vault".into(),
            ));
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
        read_small(&path, format::MAX_MANIFEST, "staged manifest", |e| {
            Error::Io {
                context: format!("read {}", path.display()),
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

    /// Add files: [`Vault::stage`], then [`Vault::publish`], then remove what the new manifest
    /// no longer lists.
    pub fn add(
        &mut self,
        sources: &[Source],
        replace: bool,
        writer: (&PersonId, &PersonKey),
        now: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<FileEntry>> {
        let staged = self.stage(sources, replace, writer, now, progress)?;
        let added = self.publish(staged)?;
        self.remove_unlisted();
        Ok(added)
    }

    /// Write the objects of `sources` and sign the manifest that would list them, without
    /// publishing it: the vault still reads as before until [`Vault::publish`]. Names already
    /// present are refused unless `replace`, before anything is written; if a source fails,
    /// the objects already written are removed.
    pub fn stage(
        &mut self,
        sources: &[Source],
        replace: bool,
        writer: (&PersonId, &PersonKey),
        now: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Staged> {
        let names = self.check_new_names(sources, replace)?;
        let mut added = Vec::new();
        for s in sources {
            match self.write_object(s, writer.0, now, progress) {
                Ok(f) => added.push(f),
                Err(e) => {
                    for f in &added {
                        let _ = fs::remove_file(self.object_path(f)?);
                    }
                    return Err(e);
                }
            }
        }
        // Each object was flushed and renamed; the renames must reach the medium before the
        // manifest that lists them does.
        sync_dir(&self.dir.join(OBJECTS))?;
        let mut body = self.manifest.body.clone();
        body.files.retain(|f| !names.contains(f.name.as_str()));
        body.files.extend(added.iter().cloned());
        body.seq += 1;
        body.writer = writer.0.clone();
        body.writer_key = writer.1.public().to_hex();
        let (raw, manifest) = Manifest::encode(&body, &self.header, &self.dk, writer.1)?;
        Ok(Staged {
            raw,
            manifest,
            added,
        })
    }

    /// Names that are plain, given once, and new unless `replace`.
    fn check_new_names<'a>(
        &self,
        sources: &'a [Source],
        replace: bool,
    ) -> Result<HashSet<&'a str>> {
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
                    Rule::NoOverwrite,
                    format!(
                        "{} is already in the vault; use --replace to replace it",
                        s.name
                    ),
                ));
            }
        }
        Ok(seen)
    }

    /// Make a staged manifest the vault's (one atomic rename). The objects of replaced files
    /// stay until [`Vault::remove_unlisted`], so the previous manifest can still be restored.
    pub fn publish(&mut self, staged: Staged) -> Result<Vec<FileEntry>> {
        write_atomic(&self.dir.join(MANIFEST_FILE), &staged.raw)?;
        // `vault.mf` now goes with the header; whatever `vault.mf.next` holds is stale.
        self.from_next = false;
        self.manifest = staged.manifest;
        self.manifest_raw = staged.raw;
        Ok(staged.added)
    }

    /// Put back a manifest that [`Vault::publish`] replaced: for a put whose ledger entry
    /// could not be committed after all.
    pub fn restore_manifest(&self, raw: &[u8]) -> Result<()> {
        write_atomic(&self.dir.join(MANIFEST_FILE), raw)
    }

    /// The manifest file as last read or published, to restore with
    /// [`Vault::restore_manifest`].
    pub fn manifest_raw(&self) -> &[u8] {
        &self.manifest_raw
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
        let mut input = DirectReader::new(
            fs::File::open(&s.path)
                .map_err(|e| Error::usage(format!("cannot read {}: {e}", s.path.display())))?,
        );
        let final_path = self.dir.join(OBJECTS).join(&object_hex);
        let tmp = tempfile::NamedTempFile::new_in(self.dir.join(OBJECTS))
            .map_err(Error::io("create an object on the medium"))?;
        let mut out = DirectWriter::new(tmp.as_file(), meta.len())
            .map_err(Error::io("write to the medium"))?;
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
                .map(baitai_core::time::to_store),
        })
    }

    /// Remove the objects the manifest does not list: those of replaced files, and those left
    /// by an interrupted or failed `put`.
    pub fn remove_unlisted(&self) {
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
        let (input, _) = open_regular(&path, &format!("{}: its object", f.name), |_| {
            Error::Vault(format!("{}: its object is missing from the medium", f.name))
        })?;
        let mut input = DirectReader::new(input);
        let got = stream::decrypt(
            &mut input,
            out,
            self.cipher(),
            &key,
            &nonce,
            progress,
            &f.name,
        )?;
        // As bytes: the manifest's hex may be in either case (docs/format.md, conventions).
        if got.size != f.size || hex::decode(&f.sha256).ok().as_deref() != Some(&got.sha256[..]) {
            return Err(Error::Vault(format!(
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
    /// renamed into place only after its last chunk authenticates. Directories it creates, `out`
    /// among them, are the reader's alone ([`create_private_dir`]); files are 0600.
    pub fn extract(
        &self,
        wanted: &[FileEntry],
        out: &Path,
        overwrite: bool,
        progress: &mut dyn FnMut(u64),
    ) -> Result<()> {
        create_private_dir(out)?;
        for f in wanted {
            let target = safe_target(out, &f.name)?;
            if target.exists() && !overwrite {
                return Err(Error::refused(
                    Rule::NoOverwrite,
                    format!("{} exists; use --overwrite to replace it", target.display()),
                ));
            }
        }
        for f in wanted {
            let target = safe_target(out, &f.name)?;
            let parent = target.parent().unwrap_or(out);
            create_private_dir(parent)?;
            safe_target(out, &f.name)?;
            let tmp = tempfile::Builder::new()
                .prefix(".baitai-")
                .suffix(".partial")
                .tempfile_in(parent)
                .map_err(Error::io(format!("write in {}", parent.display())))?;
            let mut w = DirectWriter::new(tmp.as_file(), f.size)
                .map_err(Error::io(format!("write {}", target.display())))?;
            self.read_file(f, &mut w, progress)?;
            w.flush()
                .map_err(Error::io(format!("write {}", target.display())))?;
            drop(w);
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
        for name in [
            HEADER_FILE,
            MANIFEST_FILE,
            NEXT_HEADER_FILE,
            NEXT_MANIFEST_FILE,
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
            fs::remove_file(&p).map_err(Error::io(format!("remove {}", p.display())))?;
        }
        sync_dir(&dir)?;
        Ok(header)
    }
}

/// The manifest that goes with the header: `vault.mf`, or, when that does not authenticate
/// against it, `vault.mf.next` (a header change interrupted between its renames). Returns the
/// file, the manifest and whether it came from `vault.mf.next`.
fn read_manifest(dir: &Path, header: &Header, dk: &DataKey) -> Result<(Vec<u8>, Manifest, bool)> {
    let read = |name: &str| {
        read_small(&dir.join(name), format::MAX_MANIFEST, "manifest", |e| {
            Error::Vault(format!("vault manifest is missing: {e}"))
        })
    };
    let current = read(MANIFEST_FILE).and_then(|raw| {
        let m = Manifest::decode(&raw, header, dk)?;
        Ok((raw, m))
    });
    let err = match current {
        Ok((raw, m)) => return Ok((raw, m, false)),
        Err(e) => e,
    };
    if fs::symlink_metadata(dir.join(NEXT_MANIFEST_FILE)).is_err() {
        return Err(err);
    }
    let raw = read(NEXT_MANIFEST_FILE)?;
    match Manifest::decode(&raw, header, dk) {
        Ok(m) => Ok((raw, m, true)),
        Err(_) => Err(err),
    }
}

/// Rename a staged pair into place: `vault.hdr.next` over `vault.hdr` (if it is still there),
/// then `vault.mf.next` over `vault.mf`. Interrupted after the header, [`read_manifest`] finds
/// the manifest in `vault.mf.next`.
fn apply_staged_pair(dir: &Path) -> Result<()> {
    let next_header = dir.join(NEXT_HEADER_FILE);
    if fs::symlink_metadata(&next_header).is_ok() {
        fs::rename(&next_header, dir.join(HEADER_FILE))
            .map_err(Error::io("put the vault's new header in place"))?;
        sync_dir(dir)?;
    }
    fs::rename(dir.join(NEXT_MANIFEST_FILE), dir.join(MANIFEST_FILE))
        .map_err(Error::io("put the vault's new manifest in place"))?;
    sync_dir(dir)
}

/// Apply the staged pair, then overwrite the old header's blocks. The re-key is recorded and
/// in place by then, so a failed overwrite is not an error: what is left of the old header on
/// the medium is what a wipe removes anyway.
fn apply_and_scrub(dir: &Path) -> Result<()> {
    let old = old_header_for_overwrite(dir)?;
    apply_staged_pair(dir)?;
    if let Some(f) = old {
        let _ = overwrite_open_file(&f, &dir.join(HEADER_FILE));
    }
    Ok(())
}

/// Apply a staged re-key that the ledger already records (the caller checked it with
/// [`Vault::staged_matches`]): an apply interrupted after the commit.
pub fn apply_recorded_staged(mount: &Path) -> Result<()> {
    apply_and_scrub(&own_vault_dir(mount)?)
}

/// The live header, opened for writing before a staged header replaces it (never through a
/// link), so its blocks can be overwritten after the rename. `None` when there is no staged
/// header to replace it.
fn old_header_for_overwrite(dir: &Path) -> Result<Option<fs::File>> {
    if fs::symlink_metadata(dir.join(NEXT_HEADER_FILE)).is_err() {
        return Ok(None);
    }
    let p = dir.join(HEADER_FILE);
    match fs::symlink_metadata(&p) {
        Ok(m) if m.is_file() => fs::OpenOptions::new()
            .write(true)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
            .open(&p)
            .map(Some)
            .map_err(Error::io(format!("open {}", p.display()))),
        _ => Ok(None),
    }
}

/// Create `dir` and any missing parents as 0700/// Create `dir` and any missing parents as 0700: decrypted files are protected information, and
/// a directory others can list shows their names. Directories that already exist keep their
/// mode; the files themselves are written 0600 (`tempfile`'s default, kept by the rename).
pub fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(Error::io(format!("create {}", dir.display())))
}

/// Overwrite a regular file with random bytes and flush it, a megabyte at a time whatever its
/// length. `O_NOFOLLOW` refuses a link put in its place since it was looked at.
fn overwrite_with_noise(p: &Path) -> Result<()> {
    let f = fs::OpenOptions::new()
        .write(true)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(p)
        .map_err(Error::io(format!("open {}", p.display())))?;
    overwrite_open_file(&f, p)
}

/// Overwrite an open file with random bytes from its start and flush it; `p` names it in errors.
fn overwrite_open_file(mut f: &fs::File, p: &Path) -> Result<()> {
    let overwrite = |source| Error::Io {
        context: format!("overwrite {}", p.display()),
        source,
    };
    let mut left = f.metadata().map_err(overwrite)?.len();
    let mut noise = vec![0u8; left.min(1 << 20) as usize];
    while left > 0 {
        let n = left.min(noise.len() as u64) as usize;
        rand::rngs::OsRng.fill_bytes(&mut noise[..n]);
        f.write_all(&noise[..n]).map_err(overwrite)?;
        left -= n as u64;
    }
    f.sync_all().map_err(overwrite)
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
                    Rule::Symlink,
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
