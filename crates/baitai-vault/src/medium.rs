//! The vault's files on a medium that may be hostile: read without following a link or
//! blocking on a FIFO, staged pairs put in place, old headers overwritten with noise, and
//! extraction targets that never lead out of the output directory.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rand::RngCore;

use crate::msg::{path as p_, Msg};
use crate::{
    format, names, vault_dir, DataKey, Header, Manifest, HEADER_FILE, MANIFEST_FILE,
    NEXT_HEADER_FILE, NEXT_MANIFEST_FILE, OBJECTS, OLD_HEADER_FILE,
};
use baitai_core::error::{Error, Result, Rule};
use baitai_core::files::sync_dir;
use baitai_core::text::Text;

/// The vault directory, refused when it is a symbolic link: a hostile medium could point it
/// at a directory of the user's, which `put` would then write into.
pub(crate) fn own_vault_dir(mount: &Path) -> Result<PathBuf> {
    let dir = vault_dir(mount);
    for d in [dir.clone(), dir.join(OBJECTS)] {
        if fs::symlink_metadata(&d).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::Vault(Msg::SymlinkVaultDir { path: p_(&d) }.into()));
        }
    }
    Ok(dir)
}

/// Read the header without any key: marking, medium, cipher, slots. Without `vault.hdr`, the
/// live header moved aside by a re-key interrupted on Windows (`vault.hdr.old`) is the one
/// that stands until the re-key is finished (format.md §5.3).
pub fn read_header(mount: &Path) -> Result<Header> {
    let dir = own_vault_dir(mount)?;
    let mut path = dir.join(HEADER_FILE);
    if fs::symlink_metadata(&path).is_err()
        && fs::symlink_metadata(dir.join(OLD_HEADER_FILE)).is_ok()
    {
        path = dir.join(OLD_HEADER_FILE);
    }
    let raw = read_small(
        &path,
        format::MAX_HEADER_FILE,
        Msg::PartHeader,
        |e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::usage(Msg::NoVault { path: p_(mount) }),
            _ => Error::Io {
                context: Msg::IoRead { path: p_(&path) }.into(),
                source: e,
            },
        },
    )?;
    Header::parse(raw)
}

/// Open a file of the vault for reading, refusing anything but a regular file: a hostile medium
/// decides what its names are, and a FIFO would block a plain open forever while a link to
/// `/dev/zero` would never end. `O_NONBLOCK` lets the open return whatever the file is; it
/// changes nothing for reads of a regular file. Returns the file and its length.
pub(crate) fn open_regular(
    path: &Path,
    what: Text,
    unopenable: impl FnOnce(std::io::Error) -> Error,
) -> Result<(fs::File, u64)> {
    let file = no_block_no_follow(fs::OpenOptions::new().read(true))
        .open(path)
        .map_err(unopenable)?;
    let meta = file
        .metadata()
        .map_err(Error::io(baitai_core::msg::Msg::IoLookAt {
            path: p_(path),
        }))?;
    if !meta.is_file() {
        return Err(Error::Vault(
            Msg::NotRegular {
                what,
                path: p_(path),
            }
            .into(),
        ));
    }
    Ok((file, meta.len()))
}

/// Read a header or manifest whole, refusing a file longer than `max` before reading it (and
/// reading at most one byte more, should it grow meanwhile), so its size on a hostile medium
/// cannot decide how much we allocate.
pub(crate) fn read_small(
    path: &Path,
    max: usize,
    what: Msg,
    unopenable: impl FnOnce(std::io::Error) -> Error,
) -> Result<Vec<u8>> {
    let too_long = || {
        Error::Vault(
            Msg::TooLong {
                what: what.clone().into(),
                max: max.to_string().into(),
            }
            .into(),
        )
    };
    let (file, len) = open_regular(path, what.clone().into(), unopenable)?;
    if len > max as u64 {
        return Err(too_long());
    }
    let mut raw = Vec::with_capacity(len as usize);
    file.take(max as u64 + 1)
        .read_to_end(&mut raw)
        .map_err(Error::io(Msg::IoRead { path: p_(path) }))?;
    if raw.len() > max {
        return Err(too_long());
    }
    Ok(raw)
}

/// The manifest that goes with the header: `vault.mf`, or, when that does not authenticate
/// against it, `vault.mf.next` (a header change interrupted between its renames). Returns the
/// file, the manifest and whether it came from `vault.mf.next`.
pub(crate) fn read_manifest(
    dir: &Path,
    header: &Header,
    dk: &DataKey,
) -> Result<(Vec<u8>, Manifest, bool)> {
    let read = |name: &str| {
        read_small(
            &dir.join(name),
            format::MAX_MANIFEST,
            Msg::PartManifest,
            |e| {
                Error::Vault(
                    Msg::ManifestMissing {
                        cause: e.to_string().into(),
                    }
                    .into(),
                )
            },
        )
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
        fs::rename(&next_header, dir.join(HEADER_FILE)).map_err(Error::io(Msg::IoNewHeader))?;
        sync_renamed_at(&dir.join(HEADER_FILE))?;
        sync_dir(dir)?;
    }
    fs::rename(dir.join(NEXT_MANIFEST_FILE), dir.join(MANIFEST_FILE))
        .map_err(Error::io(Msg::IoNewManifest))?;
    sync_renamed_at(&dir.join(MANIFEST_FILE))?;
    sync_dir(dir)
}

/// [`baitai_core::files::sync_renamed`] for a file renamed by path.
pub(crate) fn sync_renamed_at(path: &Path) -> Result<()> {
    // Windows flushes only a file opened for writing (FlushFileBuffers needs write access);
    // nothing is written through it.
    let f = fs::OpenOptions::new()
        .read(true)
        .write(cfg!(windows))
        .open(path)
        .map_err(Error::io(baitai_core::msg::Msg::IoOpen { path: p_(path) }))?;
    baitai_core::files::sync_renamed(&f, path)
}

/// Apply the staged pair, then overwrite the old header's blocks. The re-key is recorded and
/// in place by then, so a failed overwrite is not an error: what is left of the old header on
/// the medium is what a wipe removes anyway.
///
/// Windows cannot rename over a file that is open (FAT has no POSIX rename), so there the live
/// header first steps aside as `vault.hdr.old`, still open, and readers take it for the live
/// one until the staged header has its name ([`read_header`]).
pub(crate) fn apply_and_scrub(dir: &Path) -> Result<()> {
    let old = old_header_for_overwrite(dir)?;
    if old.is_some() && cfg!(windows) {
        fs::rename(dir.join(HEADER_FILE), dir.join(OLD_HEADER_FILE))
            .map_err(Error::io(Msg::IoOldHeaderAside))?;
        sync_dir(dir)?;
    }
    apply_staged_pair(dir)?;
    if let Some(f) = old {
        let _ = overwrite_open_file(&f, &dir.join(HEADER_FILE));
    }
    remove_old_header(dir);
    Ok(())
}

/// Overwrite and remove an old header left aside (by this apply, or by one interrupted on
/// Windows and finished now, perhaps on Linux). Only a regular file is overwritten, never
/// through a link. Best effort, as the overwrite above.
pub(crate) fn remove_old_header(dir: &Path) {
    // Without a live header under its name, the old one is still the live one.
    if fs::symlink_metadata(dir.join(HEADER_FILE)).is_err() {
        return;
    }
    let p = dir.join(OLD_HEADER_FILE);
    let Ok(meta) = fs::symlink_metadata(&p) else {
        return;
    };
    if meta.is_file() {
        let _ = overwrite_with_noise(&p);
    }
    if !meta.is_dir() && fs::remove_file(&p).is_ok() {
        let _ = sync_dir(dir);
    }
}

/// Apply a staged re-key that the ledger already records (the caller checked it with
/// [`Vault::staged_matches`](crate::Vault::staged_matches)): an apply interrupted after the
/// commit.
pub fn apply_recorded_staged(mount: &Path) -> Result<()> {
    apply_and_scrub(&own_vault_dir(mount)?)
}

/// The live header, opened for writing before a staged header replaces it (never through a
/// link), so its blocks can be overwritten after the rename. `None` when there is no staged
/// header to replace it, or no live header under its name (an apply interrupted on Windows
/// after moving it aside: [`remove_old_header`] scrubs that one).
fn old_header_for_overwrite(dir: &Path) -> Result<Option<fs::File>> {
    if fs::symlink_metadata(dir.join(NEXT_HEADER_FILE)).is_err() {
        return Ok(None);
    }
    let p = dir.join(HEADER_FILE);
    match fs::symlink_metadata(&p) {
        Ok(m) if m.is_file() => open_no_follow_for_writing(&p).map(Some),
        _ => Ok(None),
    }
}

/// Create `dir` and any missing parents as 0700: decrypted files are protected information, and
/// a directory others can list shows their names. Directories that already exist keep their
/// mode; the files themselves are written 0600 (`tempfile`'s default, kept by the rename).
pub fn create_private_dir(dir: &Path) -> Result<()> {
    baitai_core::files::create_private_dir_all(dir)
        .map_err(Error::io(baitai_core::msg::Msg::IoCreate { path: p_(dir) }))
}

/// Overwrite a regular file with random bytes and flush it, a megabyte at a time whatever its
/// length. `O_NOFOLLOW` refuses a link put in its place since it was looked at.
pub(crate) fn overwrite_with_noise(p: &Path) -> Result<()> {
    let f = open_no_follow_for_writing(p)?;
    overwrite_open_file(&f, p)
}

/// Open an existing regular file for writing, never through a link: `O_NOFOLLOW` on Unix; on
/// Windows the link itself would be opened, so a file that is not regular is refused.
fn open_no_follow_for_writing(p: &Path) -> Result<fs::File> {
    let mut o = fs::OpenOptions::new();
    o.write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut o,
        rustix::fs::OFlags::NOFOLLOW.bits() as i32,
    );
    #[cfg(windows)]
    std::os::windows::fs::OpenOptionsExt::custom_flags(&mut o, OPEN_REPARSE_POINT);
    let f = o
        .open(p)
        .map_err(Error::io(baitai_core::msg::Msg::IoOpen { path: p_(p) }))?;
    #[cfg(windows)]
    if !f.metadata().is_ok_and(|m| m.is_file()) {
        return Err(Error::Vault(Msg::LinkNotWritten { path: p_(p) }.into()));
    }
    Ok(f)
}

/// Windows' FILE_FLAG_OPEN_REPARSE_POINT: open a link (a reparse point) itself, not its target,
/// as `O_NOFOLLOW` refuses to follow one.
#[cfg(windows)]
const OPEN_REPARSE_POINT: u32 = 0x0020_0000;

/// Options that neither block on a FIFO (`O_NONBLOCK`, which changes nothing for a regular
/// file's reads) nor, on Windows, follow a link: the caller refuses what is not a regular file.
fn no_block_no_follow(o: &mut fs::OpenOptions) -> &mut fs::OpenOptions {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(o, rustix::fs::OFlags::NONBLOCK.bits() as i32);
    #[cfg(windows)]
    std::os::windows::fs::OpenOptionsExt::custom_flags(o, OPEN_REPARSE_POINT);
    o
}

/// Overwrite an open file with random bytes from its start and flush it; `p` names it in errors.
fn overwrite_open_file(mut f: &fs::File, p: &Path) -> Result<()> {
    let overwrite = |source| Error::Io {
        context: Msg::IoOverwrite { path: p_(p) }.into(),
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
pub(crate) fn safe_target(out: &Path, name: &str) -> Result<PathBuf> {
    names::check_portable(name)?;
    let mut p = out.to_path_buf();
    for part in name.split('/') {
        p.push(part);
        if let Ok(m) = fs::symlink_metadata(&p) {
            if m.file_type().is_symlink() {
                return Err(Error::refused(
                    Rule::Symlink,
                    Msg::SymlinkRefused { path: p_(&p) },
                ));
            }
        }
    }
    Ok(p)
}
