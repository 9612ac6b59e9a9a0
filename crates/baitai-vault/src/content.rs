//! The files in a vault: added as encrypted objects under a newly signed manifest, read back
//! and checked against it, verified, and extracted.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::direct::{DirectReader, DirectWriter, Landed, SourceReader};
use crate::medium::{create_private_dir, open_regular, safe_target};
use crate::msg::{path as p_, Msg};
use crate::{
    format, names, random_hex, stream, FileEntry, Manifest, Source, Staged, Vault, MANIFEST_FILE,
    OBJECTS,
};
use baitai_core::crypto::{Cipher, KeyDevice};
use baitai_core::error::{Error, Result, Rule};
use baitai_core::files::{sync_dir, write_atomic};
use baitai_core::model::PersonId;
use baitai_core::text::Text;

impl Vault {
    /// The files the vault holds, as its current manifest lists them.
    pub fn files(&self) -> &[FileEntry] {
        &self.manifest.body.files
    }

    /// The cipher the vault was created with (its header names it).
    pub fn cipher(&self) -> Cipher {
        self.header.cipher()
    }

    pub(crate) fn object_key(
        &self,
        f: &FileEntry,
    ) -> Result<(zeroize::Zeroizing<[u8; 32]>, [u8; 16])> {
        let object = format::parse_id(&f.object)?;
        let nonce = format::parse_id(&f.nonce)?;
        Ok((
            self.dk.object_key(&self.header.vault_id, &object, &nonce),
            nonce,
        ))
    }

    pub(crate) fn object_path(&self, f: &FileEntry) -> Result<PathBuf> {
        format::parse_id(&f.object)?;
        Ok(self.dir.join(OBJECTS).join(&f.object))
    }

    /// Add files: [`Vault::stage`], then [`Vault::publish`], then remove what the new manifest
    /// no longer lists.
    pub fn add(
        &mut self,
        sources: &[Source],
        replace: bool,
        writer: (&PersonId, &dyn KeyDevice),
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
        writer: (&PersonId, &dyn KeyDevice),
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
        // By fold: on Windows and macOS two names that differ only in case or Unicode form are
        // one file, so a vault must never hold both.
        let mut folds: HashMap<String, &str> = self
            .files()
            .iter()
            .map(|f| (names::fold(&f.name), f.name.as_str()))
            .collect();
        for s in sources {
            names::check(&s.name).map_err(|_| {
                Error::usage(Msg::NotPlainName {
                    name: format!("{:?}", s.name).into(),
                })
            })?;
            if let Some(why) = names::not_portable(&s.name) {
                return Err(Error::usage(Msg::NotPortable {
                    name: format!("{:?}", s.name).into(),
                    why,
                }));
            }
            if !seen.insert(s.name.as_str()) {
                return Err(Error::usage(Msg::GivenTwice {
                    name: (&s.name).into(),
                }));
            }
            match folds.insert(names::fold(&s.name), s.name.as_str()) {
                Some(other) if other != s.name => {
                    return Err(Error::usage(Msg::CaseClash {
                        name: format!("{:?}", s.name).into(),
                        other: format!("{other:?}").into(),
                    }))
                }
                Some(_) | None => {}
            }
            if !replace && self.files().iter().any(|f| f.name == s.name) {
                return Err(Error::refused(
                    Rule::NoOverwrite,
                    Msg::AlreadyInVault {
                        name: (&s.name).into(),
                    },
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
        let meta = fs::metadata(&s.path).map_err(|e| cannot_read(&s.path, e))?;
        let mut input =
            SourceReader::new(fs::File::open(&s.path).map_err(|e| cannot_read(&s.path, e))?);
        let final_path = self.dir.join(OBJECTS).join(&object_hex);
        let tmp = tempfile::NamedTempFile::new_in(self.dir.join(OBJECTS))
            .map_err(Error::io(Msg::IoCreateObject))?;
        let mut out =
            DirectWriter::new(tmp.as_file(), meta.len()).map_err(Error::io(Msg::IoWriteMedium))?;
        let mut shown = OnTheMedium::new(out.landed(), progress);
        let streamed = stream::encrypt(
            &mut input,
            &mut out,
            self.cipher(),
            &key,
            &nonce,
            &mut |n| shown.handed(n),
            &s.path.display().to_string(),
        )?;
        out.flush_telling(&mut || shown.update())
            .map_err(Error::io(Msg::IoWriteMedium))?;
        drop(out);
        tmp.as_file()
            .sync_all()
            .map_err(Error::io(Msg::IoFlushMedium))?;
        shown.all_landed();
        let stored = tmp.persist(&final_path).map_err(|e| Error::Io {
            context: Msg::IoStoreObject.into(),
            source: e.error,
        })?;
        baitai_core::files::sync_renamed(&stored, &final_path)?;
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
        let name = || Text::from(&f.name);
        let (input, _) = open_regular(&path, Msg::PartObject { name: name() }.into(), |_| {
            Error::Vault(Msg::ObjectMissing { name: name() }.into())
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
            return Err(Error::Vault(Msg::ContentMismatch { name: name() }.into()));
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

    /// Every name in the vault, by its fold ([`names::fold`]).
    fn folds(&self) -> HashMap<String, Vec<&str>> {
        let mut folds: HashMap<String, Vec<&str>> = HashMap::new();
        for f in self.files() {
            folds.entry(names::fold(&f.name)).or_default().push(&f.name);
        }
        folds
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
        let folds = self.folds();
        for f in wanted {
            // Only a hostile (or pre-rule) vault holds two names one file system takes for one.
            if let Some(other) = folds
                .get(&names::fold(&f.name))
                .into_iter()
                .flatten()
                .find(|n| **n != f.name)
            {
                return Err(Error::Vault(
                    Msg::ExtractCaseClash {
                        name: format!("{:?}", f.name).into(),
                        other: format!("{other:?}").into(),
                    }
                    .into(),
                ));
            }
            let target = safe_target(out, &f.name)?;
            if target.exists() && !overwrite {
                return Err(Error::refused(
                    Rule::NoOverwrite,
                    Msg::TargetExists { path: p_(&target) },
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
                .map_err(Error::io(Msg::IoWriteIn { path: p_(parent) }))?;
            baitai_core::files::keep_private(tmp.path(), false)
                .map_err(Error::io(Msg::IoRestrict { path: p_(&target) }))?;
            let mut w = DirectWriter::new(tmp.as_file(), f.size)
                .map_err(Error::io(Msg::IoWrite { path: p_(&target) }))?;
            self.read_file(f, &mut w, progress)?;
            w.flush()
                .map_err(Error::io(Msg::IoWrite { path: p_(&target) }))?;
            drop(w);
            tmp.as_file()
                .sync_all()
                .map_err(Error::io(Msg::IoFlush { path: p_(&target) }))?;
            let written = tmp.persist(&target).map_err(|e| Error::Io {
                context: Msg::IoWrite { path: p_(&target) }.into(),
                source: e.error,
            })?;
            baitai_core::files::sync_renamed(&written, &target)?;
        }
        Ok(())
    }
}

/// A source file `put` cannot read: the user's mistake, not the medium's.
fn cannot_read(path: &Path, e: std::io::Error) -> Error {
    Error::usage(Msg::CannotRead {
        path: p_(path),
        cause: e.to_string().into(),
    })
}

/// A `put`'s progress as the medium sees it: plaintext bytes whose sealed bytes the writer's
/// completed writes hold, never more than were handed to it. Counting handed bytes instead made
/// the bar run up to three blocks (12 MiB) ahead of a slow stick.
struct OnTheMedium<'a> {
    landed: Landed,
    handed: u64,
    shown: u64,
    progress: &'a mut dyn FnMut(u64),
}

impl<'a> OnTheMedium<'a> {
    fn new(landed: Landed, progress: &'a mut dyn FnMut(u64)) -> Self {
        OnTheMedium {
            landed,
            handed: 0,
            shown: 0,
            progress,
        }
    }

    /// `n` more plaintext bytes were handed to the writer.
    fn handed(&mut self, n: u64) {
        self.handed += n;
        self.update();
    }

    /// Show what the completed writes hold now (a block has landed, say).
    fn update(&mut self) {
        self.show(stream::plain_in(self.landed.bytes()).min(self.handed));
    }

    /// After the file's sync: everything handed is on the medium.
    fn all_landed(&mut self) {
        self.show(self.handed);
    }

    fn show(&mut self, upto: u64) {
        if upto > self.shown {
            (self.progress)(upto - self.shown);
            self.shown = upto;
        }
    }
}
