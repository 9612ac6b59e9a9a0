//! Reading and writing a whole medium past the page cache: `O_DIRECT` with aligned buffers,
//! or `fdatasync` + `posix_fadvise(DONTNEED)` where the kernel refuses `O_DIRECT`.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::msg::{with_cause, Msg};
use baitai_core::error::{Error, Result};
pub use baitai_core::model::CacheBypass;
use rustix::fs::{fadvise, Advice, OFlags};

// Kept in `files` so that the vault, which writes through direct I/O too, needs nothing of
// the device layer.
pub use baitai_core::files::{AlignedBuf, ALIGN};

/// A whole medium as a run of bytes: what the wipe engine writes and reads back.
/// Tests put layers in between (a counterfeit device that aliases high blocks onto low ones).
pub trait Medium: Send + Sync {
    /// The medium's size in bytes: every pass writes and reads exactly this much.
    fn len(&self) -> u64;
    /// Whether the medium has no bytes at all (a wipe refuses such a medium).
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Write `buf` at byte `offset`; it need not be durable until [`Medium::flush`].
    fn write_at(&mut self, offset: u64, buf: &[u8]) -> io::Result<()>;
    /// Make everything written so far durable on the device.
    fn flush(&mut self) -> io::Result<()>;
    /// Read from the device itself, never from the page cache.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()>;
    /// How reads avoid the page cache on this medium, for the record.
    fn cache_bypass(&self) -> CacheBypass;
    /// Bytes at the end that could not use direct I/O because they are not block aligned.
    fn buffered_tail(&self) -> u64 {
        0
    }
}

/// An image file or block device opened for a whole-medium pass.
pub struct DeviceFile {
    path: PathBuf,
    direct: Option<File>,
    buffered: File,
    len: u64,
    /// Where direct I/O stops: the length rounded down to [`ALIGN`].
    direct_end: u64,
}

impl DeviceFile {
    /// Open for reading and writing. A block device is opened exclusively, so the kernel
    /// itself refuses one that is mounted or otherwise in use.
    pub fn open_rw(path: &Path) -> Result<DeviceFile> {
        DeviceFile::open(path, true)
    }

    /// Open for reading only, as a return check does: no exclusive open, so a mounted medium can be
    /// checked too.
    pub fn open_read(path: &Path) -> Result<DeviceFile> {
        DeviceFile::open(path, false)
    }

    fn open(path: &Path, write: bool) -> Result<DeviceFile> {
        let meta = std::fs::metadata(path).map_err(|e| {
            Error::Device(with_cause(
                Msg::Open {
                    path: path.display().to_string().into(),
                },
                e,
            ))
        })?;
        let block = meta.file_type().is_block_device();
        // One exclusive open is enough to keep mounts and other exclusive openers out; a second
        // exclusive open of our own would be refused.
        let exclusive = if block && write {
            OFlags::EXCL
        } else {
            OFlags::empty()
        };
        let opts = |flags: OFlags| {
            let mut o = OpenOptions::new();
            o.read(true).write(write).custom_flags(flags.bits() as i32);
            o
        };
        let buffered = opts(exclusive)
            .open(path)
            .map_err(|e| open_error(path, e))?;
        let direct = opts(OFlags::DIRECT).open(path).ok();
        let len = device_len(&buffered, path)?;
        let mut dev = DeviceFile {
            path: path.to_path_buf(),
            direct,
            buffered,
            len,
            direct_end: len - len % ALIGN as u64,
        };
        if dev.direct.is_some() && !dev.direct_read_works()? {
            dev.direct = None;
            log::info!(
                "{} does not read back through O_DIRECT; using fdatasync and fadvise",
                path.display()
            );
        }
        Ok(dev)
    }

    /// Some file systems accept `O_DIRECT` at open and refuse it (EINVAL) at the first read.
    /// Any other error is the device's, and is reported, not papered over.
    fn direct_read_works(&mut self) -> Result<bool> {
        let (Some(f), true) = (&self.direct, self.direct_end > 0) else {
            return Ok(false);
        };
        let mut probe = AlignedBuf::new(ALIGN);
        match f.read_exact_at(probe.as_mut_slice(), 0) {
            Ok(()) => Ok(true),
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::INVAL.raw_os_error()) => {
                Ok(false)
            }
            Err(e) => Err(Error::Device(with_cause(
                Msg::ReadError {
                    path: self.path.display().to_string().into(),
                    at: "0".into(),
                },
                e,
            ))),
        }
    }

    /// The path the device or image was opened at.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Split an I/O at `offset` into the part that may go direct and the rest.
    fn direct_part(&self, offset: u64, len: usize) -> usize {
        if self.direct.is_none() || offset >= self.direct_end || offset % ALIGN as u64 != 0 {
            return 0;
        }
        let room = (self.direct_end - offset) as usize;
        len.min(room) / ALIGN * ALIGN
    }

    fn drop_cache(&self, offset: u64, len: usize) -> io::Result<()> {
        let len = std::num::NonZeroU64::new(len as u64);
        fadvise(&self.buffered, offset, len, Advice::DontNeed).map_err(io::Error::from)
    }
}

fn open_error(path: &Path, e: io::Error) -> Error {
    if e.raw_os_error() == Some(rustix::io::Errno::BUSY.raw_os_error()) {
        return Error::Device(
            Msg::DeviceInUse {
                path: path.display().to_string().into(),
            }
            .into(),
        );
    }
    Error::Device(with_cause(
        Msg::Open {
            path: path.display().to_string().into(),
        },
        e,
    ))
}

/// The size of an image file, or of a block device (its end, as `lseek` reports it).
fn device_len(f: &File, path: &Path) -> Result<u64> {
    use std::io::{Seek, SeekFrom};
    let mut f = f;
    f.seek(SeekFrom::End(0)).map_err(|e| {
        Error::Device(with_cause(
            Msg::SizeUnknown {
                path: path.display().to_string().into(),
            },
            e,
        ))
    })
}

impl Medium for DeviceFile {
    fn len(&self) -> u64 {
        self.len
    }

    fn write_at(&mut self, offset: u64, buf: &[u8]) -> io::Result<()> {
        let d = self.direct_part(offset, buf.len());
        if let (Some(f), true) = (&self.direct, d > 0) {
            f.write_all_at(&buf[..d], offset)?;
        }
        if d < buf.len() {
            self.buffered.write_all_at(&buf[d..], offset + d as u64)?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(f) = &self.direct {
            f.sync_data()?;
        }
        self.buffered.sync_data()
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let d = self.direct_part(offset, buf.len());
        if let (Some(f), true) = (&self.direct, d > 0) {
            f.read_exact_at(&mut buf[..d], offset)?;
        }
        if d < buf.len() {
            let rest = &mut buf[d..];
            let at = offset + d as u64;
            // Whatever the page cache holds for this range was written by us: drop it so the
            // read goes to the device.
            self.buffered.sync_data()?;
            self.drop_cache(at, rest.len())?;
            self.buffered.read_exact_at(rest, at)?;
        }
        Ok(())
    }

    fn cache_bypass(&self) -> CacheBypass {
        match self.direct {
            Some(_) => CacheBypass::ODirect,
            None => CacheBypass::FadviseDontneed,
        }
    }

    fn buffered_tail(&self) -> u64 {
        match self.direct {
            Some(_) => self.len - self.direct_end,
            None => self.len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_buffers_are_aligned() {
        for n in [1, 4096, 5000, 1 << 20] {
            let b = AlignedBuf::new(n);
            assert_eq!(b.as_slice().as_ptr() as usize % ALIGN, 0);
            assert!(b.len() >= n && b.len() % ALIGN == 0);
        }
    }

    #[test]
    fn unaligned_image_round_trips() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.img");
        std::fs::write(&p, vec![7u8; 3 * ALIGN + 100]).unwrap();
        let mut dev = DeviceFile::open_rw(&p).unwrap();
        assert_eq!(dev.len(), 3 * ALIGN as u64 + 100);
        let mut buf = AlignedBuf::new(4 * ALIGN);
        let n = dev.len() as usize;
        buf.as_mut_slice()[..n].fill(1);
        dev.write_at(0, &buf.as_slice()[..n]).unwrap();
        dev.flush().unwrap();
        let mut back = AlignedBuf::new(4 * ALIGN);
        dev.read_at(0, &mut back.as_mut_slice()[..n]).unwrap();
        assert!(back.as_slice()[..n].iter().all(|&b| b == 1));
        assert_eq!(std::fs::metadata(&p).unwrap().len(), n as u64);
        if dev.cache_bypass() == CacheBypass::ODirect {
            assert_eq!(dev.buffered_tail(), 100);
        }
    }
}
