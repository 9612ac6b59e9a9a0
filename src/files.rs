//! Writing a small file whole or not at all: the vault's header and manifest, verify
//! checkpoints, and `-o FILE` printouts.

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
    tmp.persist(path).map_err(|e| Error::Io {
        context: format!("replace {}", path.display()),
        source: e.error,
    })?;
    sync_dir(dir)
}

/// Make a rename or removal in `dir` durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(Error::io(format!("sync {}", dir.display())))
}
