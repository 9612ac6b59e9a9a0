//! Files written whole or not at all (the vault's header and manifest, verify checkpoints,
//! `-o FILE` printouts), the aligned buffers that direct I/O to a file or a medium needs, and
//! the few opening options that differ between Unix and Windows.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::msg::Msg;

/// Write `bytes` to `path` through a temporary file in the same directory: write, fsync,
/// rename over `path`, fsync the directory. A crash leaves the old file or the new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        // Said here, because tempfile's own error would name its temporary file instead.
        return Err(Error::Io {
            context: Msg::WriteFile {
                path: path.display().to_string().into(),
            }
            .into(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("there is no directory {}", dir.display()),
            ),
        });
    }
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(Error::io(Msg::WriteIn {
        path: dir.display().to_string().into(),
    }))?;
    keep_private(tmp.path(), false).map_err(Error::io(Msg::Restrict {
        path: path.display().to_string().into(),
    }))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(Error::io(Msg::WriteFile {
            path: path.display().to_string().into(),
        }))?;
    let file = tmp.persist(path).map_err(|e| Error::Io {
        context: Msg::Replace {
            path: path.display().to_string().into(),
        }
        .into(),
        source: e.error,
    })?;
    sync_renamed(&file, path)?;
    sync_dir(dir)
}

/// Flush a file again after it was renamed into place. On FAT (vfat, exFAT) a file's size and
/// first cluster live in its directory entry, and a rename writes a new entry that only a flush
/// of the file itself stores: flushing the directory does not. Without this, a USB stick pulled
/// out after a finished write comes back with the renamed file at 0 bytes (tests/usb_vm.rs).
pub fn sync_renamed(file: &std::fs::File, path: &Path) -> Result<()> {
    file.sync_all().map_err(Error::io(Msg::Flush {
        path: path.display().to_string().into(),
    }))
}

/// Make a rename or removal in `dir` durable.
#[cfg(unix)]
pub fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(Error::io(Msg::SyncDir {
            path: dir.display().to_string().into(),
        }))
}

/// Nothing to do on Windows: a directory cannot be opened as a file there (it would need
/// FILE_FLAG_BACKUP_SEMANTICS and write access to flush), and NTFS journals renames itself.
#[cfg(windows)]
pub fn sync_dir(_dir: &Path) -> Result<()> {
    Ok(())
}

/// Create a new file (never an existing one, nor through a link) only this user may read or
/// write: mode 0600 on Unix, a protected ACL granting this user alone on Windows.
pub fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let file = o.open(path)?;
    keep_private(path, false)?;
    Ok(file)
}

/// Restrict a file (or, with `folder`, a folder) this process just created to this user, where
/// its creation could not: on Windows a protected ACL granting this user alone, so it does not
/// inherit its parent's; nothing on Unix, where the mode was set as it was created (tempfile's
/// files are 0600). A volume without ACLs (a FAT stick) is left as it is.
pub fn keep_private(path: &Path, folder: bool) -> std::io::Result<()> {
    #[cfg(windows)]
    {
        let object = if folder {
            crate::acl::Object::Folder
        } else {
            crate::acl::Object::File
        };
        crate::acl::restrict_to_user(path, object)
    }
    #[cfg(unix)]
    {
        let _ = (path, folder);
        Ok(())
    }
}

/// Create `dir` and any missing parents, the new ones this user's alone: 0700 on Unix, a
/// protected ACL on Windows ([`keep_private`]). Folders that already exist are left as they are.
pub fn create_private_dir_all(dir: &Path) -> std::io::Result<()> {
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
        .collect();
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)?;
    for d in missing.iter().rev() {
        keep_private(d, true)?;
    }
    Ok(())
}

/// This user's baitai directory of one kind: `$XDG_DATA_HOME/baitai` for the ledger,
/// `$XDG_STATE_HOME/baitai` for checkpoints and pins (`xdg` names the variable). Without it,
/// `%LOCALAPPDATA%\baitai` on Windows for both, else `~/.local/share/baitai` or
/// `~/.local/state/baitai` (`home_rel`). None when none of these is set.
pub fn user_dir(xdg: &str, home_rel: &str) -> Option<PathBuf> {
    let set = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = set(xdg);
    #[cfg(windows)]
    let base = base.or_else(|| set("LOCALAPPDATA"));
    let base = base.or_else(|| set("HOME").map(|h| h.join(home_rel)))?;
    Some(base.join("baitai"))
}

/// `p` without Windows' verbatim prefix: `canonicalize` there returns `\\?\C:\dir`, which people
/// neither type nor recognise, so it becomes `C:\dir` (and `\\?\UNC\server\share` becomes
/// `\\server\share`). A verbatim path with no drive or share is kept. Unchanged elsewhere.
pub fn without_verbatim(p: PathBuf) -> PathBuf {
    #[cfg(windows)]
    {
        let s = p.to_string_lossy();
        if let Some(rest) = s.strip_prefix(r"\\?\UNC\") {
            return PathBuf::from(format!(r"\\{rest}"));
        }
        if let Some(rest) = s.strip_prefix(r"\\?\") {
            let b = rest.as_bytes();
            if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
                return PathBuf::from(rest);
            }
        }
    }
    p
}

/// The file at a medium's root that Windows writers lock, since a folder cannot be locked there
/// (`baitai_vault::lock_for_writing`). Empty, and left in place: a return check by path does
/// not count it as data.
pub const WINDOWS_LOCK_FILE: &str = ".baitai-write.lock";

/// Direct I/O needs buffers, offsets and lengths aligned to the logical block size; 4 KiB
/// covers every common device.
pub const ALIGN: usize = 4096;

/// A byte buffer whose start is aligned for direct I/O. It is zeroized on drop: it may hold
/// plaintext, or what a read-back found on a medium.
pub struct AlignedBuf {
    raw: Vec<u8>,
    start: usize,
    len: usize,
}

impl AlignedBuf {
    /// `len` is rounded up to a multiple of [`ALIGN`].
    pub fn new(len: usize) -> AlignedBuf {
        let len = len.div_ceil(ALIGN).max(1) * ALIGN;
        let raw = vec![0u8; len + ALIGN];
        let start = raw.as_ptr().align_offset(ALIGN);
        AlignedBuf { raw, start, len }
    }

    /// Bytes in the buffer: the length asked for, rounded up to a multiple of [`ALIGN`].
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the buffer holds no bytes (never, as built: a buffer is at least one block).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The aligned bytes, to write from or compare.
    pub fn as_slice(&self) -> &[u8] {
        &self.raw[self.start..self.start + self.len]
    }

    /// The aligned bytes, to read into or fill.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut self.raw[self.start..self.start + self.len]
    }
}

impl Drop for AlignedBuf {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.raw);
    }
}

#[cfg(all(test, windows))]
mod windows_tests {
    use super::*;

    #[test]
    fn verbatim_prefixes_are_dropped_from_drive_and_share_paths_only() {
        let w = |s: &str| without_verbatim(PathBuf::from(s)).display().to_string();
        assert_eq!(w(r"\\?\C:\Users\a\ledger.db"), r"C:\Users\a\ledger.db");
        assert_eq!(w(r"\\?\UNC\server\share\x"), r"\\server\share\x");
        assert_eq!(w(r"\\?\Volume{1234}\x"), r"\\?\Volume{1234}\x");
        assert_eq!(w(r"E:\BAITAI"), r"E:\BAITAI");
    }

    #[test]
    fn new_private_files_and_folders_let_nobody_else_in() {
        use crate::acl::grants_others;
        let tmp = tempfile::tempdir().unwrap();
        let nested = tmp.path().join("a").join("b");
        create_private_dir_all(&nested).unwrap();
        assert!(!grants_others(&tmp.path().join("a")).unwrap());
        assert!(!grants_others(&nested).unwrap());
        let file = nested.join("ledger.db");
        create_private_file(&file).unwrap();
        assert!(!grants_others(&file).unwrap());
        let atomic = nested.join("checkpoint");
        write_atomic(&atomic, b"x").unwrap();
        assert!(!grants_others(&atomic).unwrap());
        // What SQLite creates beside the ledger inherits the folder's one entry on Windows;
        // Wine does not model inheritance (its files take their Unix mode), so that is not
        // checked here. The folder itself lets nobody else in, on both.
    }

    #[test]
    fn the_user_directory_is_under_local_app_data() {
        if std::env::var_os("XDG_STATE_HOME").is_none() {
            let d = user_dir("XDG_STATE_HOME", ".local/state").unwrap();
            assert!(d.ends_with(r"AppData\Local\baitai"), "{}", d.display());
        }
    }
}
