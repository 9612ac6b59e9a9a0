//! Finding out what a medium is: image files and Linux block devices (sysfs), and file scans.

use std::fs;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

use baitai_core::error::{Error, Result};
use baitai_core::model::{DeviceIdentity, MediaKind};
use baitai_core::text::Text;

use crate::msg::{with_cause, Msg};

pub mod io;
pub mod mounts;
pub mod usb;

/// The identity of a disk image file standing in for a medium.
pub fn identify_image(path: &Path) -> Result<DeviceIdentity> {
    let meta = fs::metadata(path).map_err(|e| {
        Error::Device(with_cause(
            Msg::OpenImage {
                path: path.display().to_string().into(),
            },
            e,
        ))
    })?;
    if !meta.is_file() {
        return Err(Error::Device(
            Msg::NotImageFile {
                path: path.display().to_string().into(),
            }
            .into(),
        ));
    }
    let canonical = fs::canonicalize(path).map_err(|e| {
        Error::Device(with_cause(
            Msg::CannotResolve {
                path: path.display().to_string().into(),
            },
            e,
        ))
    })?;
    Ok(DeviceIdentity {
        path: Some(canonical.display().to_string()),
        capacity_bytes: meta.len(),
        ..DeviceIdentity::default()
    })
}

/// The identity of a block device from sysfs: capacity, vendor and model, and the USB
/// vendor/product IDs and serial when it sits on a USB bus.
pub fn identify_block(path: &Path) -> Result<(MediaKind, DeviceIdentity)> {
    let meta = fs::metadata(path).map_err(|e| {
        Error::Device(with_cause(
            Msg::OpenDevice {
                path: path.display().to_string().into(),
            },
            e,
        ))
    })?;
    if !meta.file_type().is_block_device() {
        return Err(Error::Device(
            Msg::NotBlockDevice {
                path: path.display().to_string().into(),
            }
            .into(),
        ));
    }
    let real = fs::canonicalize(path).map_err(|e| {
        Error::Device(with_cause(
            Msg::CannotResolve {
                path: path.display().to_string().into(),
            },
            e,
        ))
    })?;
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .ok_or_else(|| {
            Error::Device(
                Msg::NoDeviceName {
                    path: path.display().to_string().into(),
                }
                .into(),
            )
        })?;
    identity_from_sysfs(&PathBuf::from("/sys/class/block").join(&name), &name, &real)
}

/// What sysfs directory `sys` says about block device `name`, whose node is `real`. The
/// values come from the device (a USB stick reports its own IDs, strings and capacity).
fn identity_from_sysfs(sys: &Path, name: &str, real: &Path) -> Result<(MediaKind, DeviceIdentity)> {
    let sectors: u64 = read_trim(&sys.join("size"))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Error::Device(Msg::SysfsSize { name: name.into() }.into()))?;
    let capacity_bytes = sectors.checked_mul(512).ok_or_else(|| {
        Error::Device(
            Msg::TooManySectors {
                name: name.into(),
                sectors: sectors.to_string().into(),
            }
            .into(),
        )
    })?;
    let dev = sys.join("device");
    let mut id = DeviceIdentity {
        path: Some(real.display().to_string()),
        capacity_bytes,
        vendor: read_trim(&dev.join("vendor")),
        product: read_trim(&dev.join("model")),
        serial: read_trim(&sys.join("loop/backing_file")),
        ..DeviceIdentity::default()
    };
    let usb = fs::canonicalize(&dev).ok().and_then(|d| usb_ancestor(&d));
    let kind = match usb {
        Some(u) => {
            id.vendor_id = read_trim(&u.join("idVendor"));
            id.product_id = read_trim(&u.join("idProduct"));
            id.serial = read_trim(&u.join("serial")).or(id.serial);
            id.vendor = read_trim(&u.join("manufacturer")).or(id.vendor);
            id.product = read_trim(&u.join("product")).or(id.product);
            MediaKind::Usb
        }
        None => MediaKind::Block,
    };
    Ok((kind, id))
}

fn usb_ancestor(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|a| a.join("idVendor").exists() && a.join("idProduct").exists())
        .map(Path::to_path_buf)
}

fn read_trim(p: &Path) -> Option<String> {
    fs::read_to_string(p)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// What a file-system look at a mounted medium finds: regular files and their total size.
/// Symlinks are counted, never followed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileScan {
    /// Entries that are not directories (files, links and anything else), each counted once.
    pub files: u64,
    /// The total size of the regular files.
    pub bytes: u64,
}

/// Walk the directory tree under `root` (a mount point) without following links, for a return check
/// by path; `root` must be a directory. The empty lock file a Windows writer leaves at the root
/// ([`baitai_core::files::WINDOWS_LOCK_FILE`]) is not counted: it holds nothing.
pub fn scan_files(root: &Path) -> Result<FileScan> {
    let meta = fs::symlink_metadata(root).map_err(|e| {
        Error::Device(with_cause(
            Msg::LookAt {
                path: root.display().to_string().into(),
            },
            e,
        ))
    })?;
    if !meta.is_dir() {
        return Err(Error::Device(
            Msg::NotDirectory {
                path: root.display().to_string().into(),
            }
            .into(),
        ));
    }
    let mut scan = FileScan::default();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(Error::io(Msg::CannotList {
            path: dir.display().to_string().into(),
        }))?;
        for entry in entries {
            let entry = entry.map_err(Error::io(Msg::CannotList {
                path: dir.display().to_string().into(),
            }))?;
            let ft = entry.file_type().map_err(Error::io(Msg::LookAt {
                path: entry.path().display().to_string().into(),
            }))?;
            if ft.is_dir() {
                stack.push(entry.path());
            } else if dir == root && is_empty_lock_file(&entry) {
                continue;
            } else {
                scan.files += 1;
                if ft.is_file() {
                    scan.bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
                }
            }
        }
    }
    Ok(scan)
}

/// An empty regular file named as the Windows write lock. One with bytes in it is counted:
/// anything could be hidden under that name.
fn is_empty_lock_file(entry: &fs::DirEntry) -> bool {
    entry.file_name() == baitai_core::files::WINDOWS_LOCK_FILE
        && entry.metadata().is_ok_and(|m| m.is_file() && m.len() == 0)
}

/// Refuse (exit 6) when the device in hand is not the one registered for the medium.
pub fn check_identity(
    medium: &str,
    recorded: &DeviceIdentity,
    seen: &DeviceIdentity,
) -> Result<()> {
    let mismatch = |what: Msg, a: Text, b: Text| {
        Err(Error::Device(
            Msg::NotTheMedium {
                medium: medium.into(),
                what: what.into(),
                seen: b,
                recorded: a,
            }
            .into(),
        ))
    };
    let value = |v: Option<&str>| v.map_or_else(|| Msg::NoValue.into(), Text::plain);
    if recorded.capacity_bytes != seen.capacity_bytes {
        let size = |n: u64| {
            Text::from(Msg::Size {
                human: baitai_core::units::human_bytes(n).into(),
                bytes: n.to_string().into(),
            })
        };
        return mismatch(
            Msg::FieldCapacity,
            size(recorded.capacity_bytes),
            size(seen.capacity_bytes),
        );
    }
    let fields = [
        (Msg::FieldVendorId, &recorded.vendor_id, &seen.vendor_id),
        (Msg::FieldProductId, &recorded.product_id, &seen.product_id),
        (Msg::FieldSerial, &recorded.serial, &seen.serial),
    ];
    for (what, a, b) in fields {
        if let Some(a) = a {
            if Some(a) != b.as_ref() {
                return mismatch(what, Text::plain(a), value(b.as_deref()));
            }
        }
    }
    // A USB device registered without a serial number is not one that has one: a stick does
    // not gain a serial, and without this any stick of the same model and size would pass.
    if recorded.vendor_id.is_some() && recorded.serial.is_none() {
        if let Some(b) = &seen.serial {
            return mismatch(Msg::FieldSerial, value(None), Text::plain(b));
        }
    }
    let is_image = recorded.vendor_id.is_none() && recorded.serial.is_none();
    if is_image && recorded.path.is_some() && recorded.path != seen.path {
        return mismatch(
            Msg::FieldPath,
            Text::plain(recorded.path.as_deref().unwrap_or("")),
            Text::plain(seen.path.as_deref().unwrap_or("")),
        );
    }
    Ok(())
}

/// The identities the medium mounted at `dir` may have been registered with: the disk under
/// it and, for a loop device, the image file behind it. Empty when `dir` is not on a block
/// device.
pub fn mount_identities(dir: &Path) -> Result<Vec<DeviceIdentity>> {
    let Some(disk) = mounts::disk_of_mount(dir) else {
        log::debug!("{} is not on a block device", dir.display());
        return Ok(Vec::new());
    };
    log::debug!("{} is on {}", dir.display(), disk.display());
    let mut ids = vec![identify_block(&disk)?.1];
    let name = disk
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let backing = PathBuf::from("/sys/class/block")
        .join(name)
        .join("loop/backing_file");
    if let Some(image) = read_trim(&backing) {
        log::debug!("{} is a loop device over {image}", disk.display());
        ids.push(identify_image(Path::new(&image))?);
    }
    Ok(ids)
}

/// Whether `seen` is the device recorded (for listing; writes use [`check_identity`]).
pub fn same_device(recorded: &DeviceIdentity, seen: &DeviceIdentity) -> bool {
    check_identity("", recorded, seen).is_ok()
}

/// Whether `seen` is the same physical medium as one already registered as `recorded`, for
/// refusing a second registration: the same USB serial, the same image or device path, or the
/// same file behind an image and a loop device (by path, or by device and inode so that a hard
/// link or another mount of the file is caught too).
pub fn same_medium(recorded: &DeviceIdentity, seen: &DeviceIdentity) -> bool {
    let same_serial = seen.serial.is_some()
        && seen.serial == recorded.serial
        && seen.vendor_id == recorded.vendor_id
        && seen.product_id == recorded.product_id;
    let twins = indistinguishable(recorded, seen);
    let same_path = seen.vendor_id.is_none() && seen.path.is_some() && seen.path == recorded.path;
    let same_file = match (backing_file(recorded), backing_file(seen)) {
        (Some(a), Some(b)) => {
            a == b || file_id(Path::new(a)).is_some_and(|f| Some(f) == file_id(Path::new(b)))
        }
        _ => false,
    };
    same_serial || same_path || same_file || twins
}

/// Whether two USB devices cannot be told apart ([`DeviceIdentity::indistinguishable`]).
pub fn indistinguishable(a: &DeviceIdentity, b: &DeviceIdentity) -> bool {
    a.indistinguishable(b)
}

/// The file that holds an image medium's bytes: an image's own path, or for a loop device the
/// file it was attached to (recorded as its serial, since a loop device has no other).
fn backing_file(id: &DeviceIdentity) -> Option<&str> {
    if id.vendor_id.is_some() {
        return None;
    }
    let path = id.path.as_deref()?;
    match &id.serial {
        None if !path.starts_with("/dev/") => Some(path),
        Some(file) if path.starts_with("/dev/loop") => Some(file),
        _ => None,
    }
}

/// The device and inode of the file at `p` (following links): the same pair is the same file,
/// whatever path reached it.
pub(crate) fn file_id(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

/// What reading a whole medium found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlankScan {
    /// How many bytes were read: the whole medium, unless a read failed.
    pub bytes_read: u64,
    /// 512-byte sectors holding anything but all 0x00 or all 0xFF.
    pub data_sectors: u64,
    /// Where the first such sector starts; None when there is none.
    pub first_data_offset: Option<u64>,
    /// How the reads avoided the page cache; None when nothing was read.
    pub cache_bypass: Option<io::CacheBypass>,
}

const SECTOR: usize = 512;

/// Read every byte of an image file or block device, past the page cache, and count sectors
/// that hold data.
pub fn blank_scan(path: &Path) -> Result<BlankScan> {
    use io::Medium;
    let dev = io::DeviceFile::open_read(path)?;
    let mut buf = io::AlignedBuf::new(4 << 20);
    let mut scan = BlankScan {
        cache_bypass: Some(dev.cache_bypass()),
        ..BlankScan::default()
    };
    let total = dev.len();
    while scan.bytes_read < total {
        let n = buf.len().min((total - scan.bytes_read) as usize);
        let chunk = &mut buf.as_mut_slice()[..n];
        if let Err(e) = dev.read_at(scan.bytes_read, chunk) {
            let at = crate::wipe::pinpoint_read(&dev, scan.bytes_read, n);
            return Err(Error::Device(with_cause(
                Msg::ReadError {
                    path: path.display().to_string().into(),
                    at: at.to_string().into(),
                },
                e,
            )));
        }
        for (i, sector) in chunk.chunks(SECTOR).enumerate() {
            let blank = sector.iter().all(|&b| b == 0) || sector.iter().all(|&b| b == 0xFF);
            if !blank {
                scan.data_sectors += 1;
                scan.first_data_offset
                    .get_or_insert(scan.bytes_read + (i * SECTOR) as u64);
            }
        }
        scan.bytes_read += n as u64;
    }
    Ok(scan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_counts_nested_files() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(scan_files(d.path()).unwrap(), FileScan::default());
        fs::create_dir_all(d.path().join("a/b")).unwrap();
        fs::write(d.path().join("a/b/x"), b"12345").unwrap();
        fs::write(d.path().join("y"), b"1").unwrap();
        assert_eq!(
            scan_files(d.path()).unwrap(),
            FileScan { files: 2, bytes: 6 }
        );
    }

    #[test]
    fn scan_leaves_out_only_an_empty_windows_lock_file_at_the_root() {
        let d = tempfile::tempdir().unwrap();
        let lock = d.path().join(baitai_core::files::WINDOWS_LOCK_FILE);
        fs::write(&lock, b"").unwrap();
        assert_eq!(scan_files(d.path()).unwrap(), FileScan::default());
        // Deeper down it is a file like any other, and so is one with bytes in it.
        fs::create_dir(d.path().join("sub")).unwrap();
        fs::write(d.path().join("sub").join(".baitai-write.lock"), b"").unwrap();
        assert_eq!(scan_files(d.path()).unwrap().files, 1);
        fs::write(&lock, b"hidden").unwrap();
        assert_eq!(
            scan_files(d.path()).unwrap(),
            FileScan { files: 2, bytes: 6 }
        );
    }

    #[test]
    fn blank_scan_finds_data_and_ignores_erased_patterns() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.img");
        let mut img = vec![0u8; 3 << 20];
        img[1024..1536].fill(0xFF);
        fs::write(&p, &img).unwrap();
        let s = blank_scan(&p).unwrap();
        assert_eq!(
            (s.bytes_read, s.data_sectors, s.first_data_offset),
            (3 << 20, 0, None)
        );
        img[(2 << 20) + 700] = 7;
        fs::write(&p, &img).unwrap();
        let s = blank_scan(&p).unwrap();
        assert_eq!(s.data_sectors, 1);
        assert_eq!(s.first_data_offset, Some((2 << 20) + 512));
    }

    #[test]
    fn identity_mismatch_is_a_device_error() {
        let a = DeviceIdentity {
            serial: Some("A1".into()),
            capacity_bytes: 10,
            ..Default::default()
        };
        let b = DeviceIdentity {
            serial: Some("B2".into()),
            capacity_bytes: 10,
            ..Default::default()
        };
        assert!(check_identity("M", &a, &a).is_ok());
        let e = check_identity("M", &a, &b).unwrap_err();
        assert_eq!(e.exit_code(), baitai_core::error::ExitCode::Device);
        let c = DeviceIdentity {
            capacity_bytes: 11,
            ..a.clone()
        };
        assert!(check_identity("M", &a, &c).is_err());
        // A USB stick registered without a serial is not a stick of the same model with one.
        let no_serial = DeviceIdentity {
            vendor_id: Some("46f4".into()),
            product_id: Some("0001".into()),
            capacity_bytes: 10,
            ..Default::default()
        };
        let with_serial = DeviceIdentity {
            serial: Some("B2".into()),
            ..no_serial.clone()
        };
        assert!(check_identity("M", &no_serial, &no_serial).is_ok());
        assert!(check_identity("M", &no_serial, &with_serial).is_err());
    }

    /// What a fake sysfs entry holds: the block device's files, and the USB device's above it.
    #[derive(Debug, Clone)]
    struct FakeSysfs {
        size: Option<Vec<u8>>,
        block: [Option<Vec<u8>>; 3],
        usb: Option<[Option<Vec<u8>>; 5]>,
    }

    fn contents() -> impl proptest::strategy::Strategy<Value = Option<Vec<u8>>> {
        use proptest::prelude::*;
        proptest::option::weighted(
            0.8,
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..40),
                ".{0,20}".prop_map(String::into_bytes),
                Just(b"  \n".to_vec()),
            ],
        )
    }

    fn fake_sysfs() -> impl proptest::strategy::Strategy<Value = FakeSysfs> {
        use proptest::prelude::*;
        let size = proptest::option::weighted(
            0.9,
            prop_oneof![
                any::<u64>().prop_map(|n| format!("{n}\n").into_bytes()),
                Just(format!("{}\n", u64::MAX / 512).into_bytes()),
                Just(format!("{}\n", u64::MAX / 512 + 1).into_bytes()),
                Just(format!("{}\n", u64::MAX).into_bytes()),
                proptest::collection::vec(any::<u8>(), 0..30),
                "[ \n+-]?[0-9]{0,25}[ \n]?".prop_map(String::into_bytes),
            ],
        );
        let block = [contents(), contents(), contents()];
        let usb =
            proptest::option::of([contents(), contents(), contents(), contents(), contents()]);
        (size, block, usb).prop_map(|(size, block, usb)| FakeSysfs { size, block, usb })
    }

    /// Lay `f` out under `root` as sysfs would: `<root>/class/sdx/{size,device,loop}` with
    /// `device` a link into `<root>/bus/usb1/1-1/1-1:1.0/host0`.
    fn lay_out(root: &Path, f: &FakeSysfs) -> std::io::Result<PathBuf> {
        let sys = root.join("class/sdx");
        let usb = root.join("bus/usb1/1-1");
        let dev = usb.join("1-1:1.0/host0");
        fs::create_dir_all(sys.join("loop"))?;
        fs::create_dir_all(&dev)?;
        std::os::unix::fs::symlink(&dev, sys.join("device"))?;
        let put = |p: PathBuf, c: &Option<Vec<u8>>| match c {
            Some(c) => fs::write(p, c),
            None => Ok(()),
        };
        put(sys.join("size"), &f.size)?;
        for (name, c) in ["vendor", "model"].iter().zip(&f.block) {
            put(dev.join(name), c)?;
        }
        put(sys.join("loop/backing_file"), &f.block[2])?;
        if let Some(u) = &f.usb {
            for (name, c) in ["idVendor", "idProduct", "serial", "manufacturer", "product"]
                .iter()
                .zip(u)
            {
                put(usb.join(name), c)?;
            }
        }
        Ok(sys)
    }

    /// What sysfs text is once read: valid UTF-8, trimmed, not empty.
    fn text(c: &Option<Vec<u8>>) -> Option<String> {
        let s = std::str::from_utf8(c.as_deref()?).ok()?.trim().to_string();
        (!s.is_empty()).then_some(s)
    }

    #[test]
    fn fuzz_sysfs_descriptors() {
        use proptest::prelude::*;
        crate::fuzz::run("sysfs_descriptors", 2, fake_sysfs(), |f| {
            let d = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let sys = lay_out(d.path(), &f).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let sectors = text(&f.size).and_then(|s| s.parse::<u64>().ok());
            match identity_from_sysfs(&sys, "sdx", Path::new("/dev/sdx")) {
                Ok((kind, id)) => {
                    let sectors = sectors.ok_or_else(|| TestCaseError::fail("no size"))?;
                    prop_assert_eq!(Some(id.capacity_bytes), sectors.checked_mul(512));
                    let ids = f.usb.as_ref().filter(|u| u[0].is_some() && u[1].is_some());
                    prop_assert_eq!(kind == MediaKind::Usb, ids.is_some());
                    if let Some(u) = ids {
                        prop_assert_eq!(&id.vendor_id, &text(&u[0]));
                        prop_assert_eq!(&id.product_id, &text(&u[1]));
                    }
                    let _ = check_identity("USB-2026-0001", &id, &id);
                }
                Err(e) => {
                    prop_assert_eq!(e.exit_code(), baitai_core::error::ExitCode::Device);
                    prop_assert!(sectors.and_then(|s| s.checked_mul(512)).is_none());
                }
            }
            Ok(())
        });
    }

    #[test]
    fn an_image_and_a_loop_device_over_it_are_the_same_medium() {
        let d = tempfile::tempdir().unwrap();
        let a = d.path().join("a.img");
        fs::write(&a, vec![0u8; 4096]).unwrap();
        let link = d.path().join("link.img");
        fs::hard_link(&a, &link).unwrap();
        let b = d.path().join("b.img");
        fs::write(&b, vec![0u8; 4096]).unwrap();
        let image = identify_image(&a).unwrap();
        let loop_over = |file: &Path| DeviceIdentity {
            path: Some("/dev/loop7".into()),
            serial: Some(file.display().to_string()),
            capacity_bytes: 4096,
            ..DeviceIdentity::default()
        };
        let sda = DeviceIdentity {
            path: Some("/dev/sda".into()),
            capacity_bytes: 4096,
            ..DeviceIdentity::default()
        };
        let usb = |serial: Option<&str>| DeviceIdentity {
            path: Some("/dev/sdb".into()),
            vendor_id: Some("46f4".into()),
            product_id: Some("0001".into()),
            serial: serial.map(String::from),
            capacity_bytes: 4096,
            ..DeviceIdentity::default()
        };
        let mut other_size = usb(None);
        other_size.capacity_bytes = 8192;
        for (x, y, same) in [
            (&usb(None), &usb(None), true),
            (&usb(None), &other_size, false),
            (&usb(Some("A")), &usb(Some("B")), false),
            (&usb(Some("A")), &usb(None), false),
            (&image, &loop_over(&a), true),
            (&image, &loop_over(&link), true),
            (&loop_over(&link), &identify_image(&a).unwrap(), true),
            (&image, &identify_image(&link).unwrap(), true),
            (&image, &identify_image(&b).unwrap(), false),
            (&image, &loop_over(&b), false),
            (&loop_over(&a), &sda, false),
        ] {
            assert_eq!(same_medium(x, y), same, "{x:?} {y:?}");
            assert_eq!(same_medium(y, x), same, "{y:?} {x:?}");
        }
    }

    #[test]
    fn image_identity() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.img");
        fs::write(&p, vec![0u8; 4096]).unwrap();
        let id = identify_image(&p).unwrap();
        assert_eq!(id.capacity_bytes, 4096);
        assert!(identify_image(d.path()).is_err());
        assert!(identify_block(&p).is_err());
    }
}
