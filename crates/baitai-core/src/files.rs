//! Files written whole or not at all (the vault's header and manifest, verify checkpoints,
//! `-o FILE` printouts), and the aligned buffers that direct I/O to a file or a medium needs.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

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
            context: format!("write {}", path.display()),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("there is no directory {}", dir.display()),
            ),
        });
    }
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(Error::io(format!("write in {}", dir.display())))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(Error::io(format!("write {}", path.display())))?;
    let file = tmp.persist(path).map_err(|e| Error::Io {
        context: format!("replace {}", path.display()),
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
    file.sync_all()
        .map_err(Error::io(format!("flush {}", path.display())))
}

/// Make a rename or removal in `dir` durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(Error::io(format!("sync {}", dir.display())))
}

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
