//! Windows stand-ins for baitai-media's device functions: device identity, whole-medium reads
//! and wipes are Linux-only for now (issue 17), so each refuses with one line (exit 6).
//!
//! Nothing here can produce a device identity, so no recorded identity is ever matched on
//! Windows: a medium registered with its device is refused rather than passed unchecked.

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{CacheBypass, DeviceIdentity, MediaKind};
use crate::msg::Msg;
use baitai_core::text::Text;

/// The one line every Linux-only device act gives on Windows (exit 6, a device error).
pub fn unavailable(what: impl Into<Text>) -> Error {
    Error::Device(Msg::Unavailable { what: what.into() }.into())
}

/// What a file-system look at a mounted medium finds (as baitai-media's `FileScan`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileScan {
    /// Entries that are not directories.
    pub files: u64,
    /// The total size of the regular files.
    pub bytes: u64,
}

/// What reading a whole medium found (as baitai-media's `BlankScan`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlankScan {
    /// How many bytes were read.
    pub bytes_read: u64,
    /// 512-byte sectors holding data.
    pub data_sectors: u64,
    /// Where the first such sector starts.
    pub first_data_offset: Option<u64>,
    /// How the reads avoided the page cache.
    pub cache_bypass: Option<CacheBypass>,
}

/// Refuses: an image's identity is only ever checked against a Linux device read.
pub fn identify_image(_path: &Path) -> Result<DeviceIdentity> {
    Err(unavailable(Msg::UnImage))
}

/// Refuses: block devices are read through Linux's sysfs.
pub fn identify_block(_path: &Path) -> Result<(MediaKind, DeviceIdentity)> {
    Err(unavailable(Msg::UnDevice))
}

/// Refuses: the return check by path lives with the device code, not yet built for Windows.
pub fn scan_files(_root: &Path) -> Result<FileScan> {
    Err(unavailable(Msg::UnReturnPath))
}

/// Refuses: a whole-medium read needs the Linux device I/O.
pub fn blank_scan(_path: &Path) -> Result<BlankScan> {
    Err(unavailable(Msg::UnWholeRead))
}

/// Refuses: no identity can be seen on Windows, so none can be checked.
pub fn check_identity(
    _medium: &str,
    _recorded: &DeviceIdentity,
    _seen: &DeviceIdentity,
) -> Result<()> {
    Err(unavailable(Msg::UnCheckIdentity))
}

/// No identity is seen on Windows: a vault's mount is never tied to a device here, and a
/// medium registered with one is refused by the caller.
pub fn mount_identities(_dir: &Path) -> Result<Vec<DeviceIdentity>> {
    Ok(Vec::new())
}

/// Never the recorded device: nothing on Windows was read from one.
pub fn same_device(_recorded: &DeviceIdentity, _seen: &DeviceIdentity) -> bool {
    false
}

/// Treated as the same medium, so a registration that somehow carried an identity is refused
/// rather than let through unchecked.
pub fn same_medium(_recorded: &DeviceIdentity, _seen: &DeviceIdentity) -> bool {
    true
}

/// Whether two USB devices cannot be told apart ([`DeviceIdentity::indistinguishable`]).
pub fn indistinguishable(a: &DeviceIdentity, b: &DeviceIdentity) -> bool {
    a.indistinguishable(b)
}

/// Mount checks: Windows has no mount table baitai reads.
pub mod mounts {
    use std::path::Path;

    use crate::error::Result;

    /// A whole-medium read needs the device, which Windows does not give baitai yet.
    pub fn refuse_in_use(_path: &Path) -> Result<()> {
        Err(super::unavailable(crate::msg::Msg::UnWholeCheck))
    }

    /// Nothing to look at before a write: a write-protected drive fails on the first write,
    /// which `put` reports and records nothing for.
    pub fn refuse_read_only_mount(_dir: &Path) -> Result<()> {
        Ok(())
    }
}
