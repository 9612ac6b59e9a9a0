//! Whether a device is in use (mounted, or held by device-mapper/RAID), and which device a
//! mounted directory lives on, from /proc/self/mountinfo and sysfs.

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use baitai_core::error::{Error, Result};
use baitai_core::text::Text;

use crate::msg::{with_cause, Msg};

/// A block device number, `major:minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DevNum {
    /// The driver's number (e.g. 8 for SCSI disks).
    pub major: u32,
    /// The device's number under that driver (partitions count up from the disk's).
    pub minor: u32,
}

impl DevNum {
    fn from_raw(dev: u64) -> DevNum {
        DevNum {
            major: rustix::fs::major(dev),
            minor: rustix::fs::minor(dev),
        }
    }

    fn parse(s: &str) -> Option<DevNum> {
        let (a, b) = s.trim().split_once(':')?;
        Some(DevNum {
            major: a.parse().ok()?,
            minor: b.parse().ok()?,
        })
    }

    fn sysfs(self) -> PathBuf {
        PathBuf::from(format!("/sys/dev/block/{}:{}", self.major, self.minor))
    }
}

/// Why a device must not be written now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    /// What holds it, in words: `mounted at /media/x`, `held by dm-0`, or `in use (block device
    /// 8:16)`.
    pub what: Text,
}

/// Mount points of the block device at `path` or any of its partitions, and anything holding
/// it (device-mapper, RAID). For an image file, the same for each loop device it backs; for a
/// loop device, the same for every other loop device over the same file, since a write through
/// one lands under a file system mounted through another.
pub fn in_use(path: &Path) -> Result<Vec<Busy>> {
    let meta = fs::metadata(path).map_err(|e| {
        Error::Device(with_cause(
            Msg::Open {
                path: path.display().to_string().into(),
            },
            e,
        ))
    })?;
    let devices = if meta.file_type().is_block_device() {
        let d = DevNum::from_raw(meta.rdev());
        let mut all = vec![d];
        if let Some(file) = backing_file(d) {
            for other in loops_backed_by(&file) {
                if !all.contains(&other) {
                    all.push(other);
                }
            }
        }
        all
    } else {
        loops_backed_by(path)
    };
    let mounts = mountinfo()?;
    let mut busy = Vec::new();
    for d in devices {
        let before = busy.len();
        for part in with_partitions(d) {
            for (num, point) in &mounts {
                if *num == part {
                    busy.push(Busy {
                        what: Msg::MountedAt {
                            point: point.into(),
                        }
                        .into(),
                    });
                }
            }
            for h in holders(part) {
                busy.push(Busy {
                    what: Msg::HeldBy { holder: h.into() }.into(),
                });
            }
        }
        // Some file systems (btrfs) list mounts under anonymous device numbers: ask the
        // kernel directly whether anyone holds the device.
        if busy.len() == before && exclusively_held(d) {
            busy.push(Busy {
                what: Msg::InUseBlock {
                    major: d.major.to_string().into(),
                    minor: d.minor.to_string().into(),
                }
                .into(),
            });
        }
    }
    Ok(busy)
}

/// Whether an exclusive open of the device is refused (EBUSY): mounted or claimed.
fn exclusively_held(d: DevNum) -> bool {
    use std::os::unix::fs::OpenOptionsExt;
    let Some(name) = fs::canonicalize(d.sysfs())
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_os_string()))
    else {
        return false;
    };
    let node = PathBuf::from("/dev").join(name);
    let r = fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::EXCL.bits() as i32)
        .open(&node);
    matches!(r, Err(e) if e.raw_os_error() == Some(rustix::io::Errno::BUSY.raw_os_error()))
}

/// Refuse (exit 6) a device that is mounted or held.
pub fn refuse_in_use(path: &Path) -> Result<()> {
    let busy = in_use(path)?;
    if let Some(b) = busy.first() {
        return Err(Error::Device(
            Msg::Busy {
                path: path.display().to_string().into(),
                what: b.what.clone(),
            }
            .into(),
        ));
    }
    Ok(())
}

/// The mount points listed for each device number. Unreadable means unknown, never "free".
fn mountinfo() -> Result<Vec<(DevNum, String)>> {
    let text = fs::read_to_string("/proc/self/mountinfo")
        .map_err(|e| Error::Device(with_cause(Msg::Mountinfo, e)))?;
    Ok(parse_mountinfo(&text))
}

/// Device number and mount point of each line of a mountinfo table; lines that do not parse
/// are skipped.
fn parse_mountinfo(text: &str) -> Vec<(DevNum, String)> {
    text.lines()
        .filter_map(|l| {
            let mut f = l.split(' ');
            let num = DevNum::parse(f.nth(2)?)?;
            let point = f.nth(1)?.replace("\\040", " ");
            Some((num, point))
        })
        .collect()
}

/// Mount points of the whole device at `dev_path` and its partitions (for `devices`).
pub fn mount_points(dev: &Path) -> Vec<String> {
    let Ok(meta) = fs::metadata(dev) else {
        return Vec::new();
    };
    let parts = with_partitions(DevNum::from_raw(meta.rdev()));
    mountinfo()
        .unwrap_or_default()
        .into_iter()
        .filter(|(n, _)| parts.contains(n))
        .map(|(_, p)| p)
        .collect()
}

/// The device and its partitions (sysfs subdirectories that hold a `partition` file).
fn with_partitions(d: DevNum) -> Vec<DevNum> {
    let mut all = vec![d];
    let Ok(entries) = fs::read_dir(d.sysfs()) else {
        return all;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.join("partition").exists() {
            if let Some(n) = fs::read_to_string(p.join("dev"))
                .ok()
                .and_then(|s| DevNum::parse(&s))
            {
                all.push(n);
            }
        }
    }
    all
}

fn holders(d: DevNum) -> Vec<String> {
    fs::read_dir(d.sysfs().join("holders"))
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The file a loop device is attached to, as sysfs names it.
fn backing_file(d: DevNum) -> Option<PathBuf> {
    let text = fs::read_to_string(d.sysfs().join("loop/backing_file")).ok()?;
    let name = text.strip_suffix('\n').unwrap_or(&text);
    (!name.is_empty()).then(|| PathBuf::from(name))
}

/// Loop devices whose backing file is `image`: the same path, or the same file reached by
/// another path (a hard link, a bind mount), compared by device and inode.
fn loops_backed_by(image: &Path) -> Vec<DevNum> {
    let want_path = fs::canonicalize(image).ok();
    let want_file = super::file_id(image);
    let Ok(entries) = fs::read_dir("/sys/class/block") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let d = fs::read_to_string(e.path().join("dev"))
                .ok()
                .and_then(|s| DevNum::parse(&s))?;
            let file = backing_file(d)?;
            let same = want_path.as_deref() == Some(file.as_path())
                || (want_file.is_some() && super::file_id(&file) == want_file);
            same.then_some(d)
        })
        .collect()
}

/// The whole-disk block device under a mounted directory, e.g. `/dev/sdb` for a stick whose
/// partition `/dev/sdb1` is mounted there. `None` when the directory is not on a block device
/// (tmpfs, overlay).
pub fn disk_of_mount(dir: &Path) -> Option<PathBuf> {
    let dev = fs::metadata(dir).ok()?.dev();
    let sys = fs::canonicalize(DevNum::from_raw(dev).sysfs()).ok()?;
    let disk = if sys.join("partition").exists() {
        sys.parent()?.to_path_buf()
    } else {
        sys
    };
    let name = disk.file_name()?.to_string_lossy().to_string();
    let node = PathBuf::from("/dev").join(&name);
    node.exists().then_some(node)
}

/// Whether the kernel calls the device removable: its sysfs `removable` attribute, as the
/// device reports it. Many USB disks (SSDs, some sticks) say 0, and `devices` shows that.
pub fn is_removable(dev: &Path) -> bool {
    sysfs_of(dev).is_some_and(|sys| removable_in(&sys))
}

/// Whether a wipe may take the device without `--allow-fixed`: removable, or on a USB bus
/// (a USB disk that reports removable = 0 is still a medium that leaves the machine).
pub fn is_external(dev: &Path) -> bool {
    sysfs_of(dev).is_some_and(|sys| removable_in(&sys) || on_usb(&sys))
}

/// Refuse (exit 6) a block device the kernel holds read-only (sysfs `ro` = 1): a stick with its
/// write-protect switch on, or a disk set read-only with `blockdev --setro`. Said before any
/// write, in one line, rather than as an open or write error half-way.
pub fn refuse_read_only(dev: &Path) -> Result<()> {
    if sysfs_of(dev).is_some_and(|sys| read_only_in(&sys)) {
        return Err(Error::Device(
            Msg::ReadOnly {
                path: dev.display().to_string().into(),
            }
            .into(),
        ));
    }
    Ok(())
}

/// Refuse (exit 6) a directory on a file system mounted read-only, before a write into it.
pub fn refuse_read_only_mount(dir: &Path) -> Result<()> {
    let ro = rustix::fs::statvfs(dir)
        .is_ok_and(|s| s.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY));
    if ro {
        return Err(Error::Device(
            Msg::ReadOnlyFs {
                path: dir.display().to_string().into(),
            }
            .into(),
        ));
    }
    Ok(())
}

/// The `ro` attribute in the block device's sysfs directory `sys`.
fn read_only_in(sys: &Path) -> bool {
    fs::read_to_string(sys.join("ro")).is_ok_and(|s| s.trim() == "1")
}

fn sysfs_of(dev: &Path) -> Option<PathBuf> {
    let meta = fs::metadata(dev).ok()?;
    Some(DevNum::from_raw(meta.rdev()).sysfs())
}

/// The `removable` attribute in the block device's sysfs directory `sys`.
fn removable_in(sys: &Path) -> bool {
    fs::read_to_string(sys.join("removable")).is_ok_and(|s| s.trim() == "1")
}

/// Whether the block device's sysfs directory `sys` sits below a USB device.
fn on_usb(sys: &Path) -> bool {
    fs::canonicalize(sys.join("device"))
        .ok()
        .is_some_and(|d| d.ancestors().any(|a| a.join("idVendor").exists()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_numbers_parse() {
        assert_eq!(
            DevNum::parse("8:17\n"),
            Some(DevNum {
                major: 8,
                minor: 17
            })
        );
        assert_eq!(DevNum::parse("x"), None);
    }

    #[test]
    fn fuzz_dev_numbers() {
        use proptest::prelude::*;
        let near = "[ \n]?[0-9+-]{0,12}:[0-9+-]{0,12}[ \n]?";
        let input = (any::<String>(), near, any::<u32>(), any::<u32>());
        crate::fuzz::run("dev_numbers", 1, input, |(junk, near, major, minor)| {
            for s in [&junk, &near] {
                if let Some(d) = DevNum::parse(s) {
                    let (a, b) = s.trim().split_once(':').unwrap_or_default();
                    prop_assert_eq!((a.parse(), b.parse()), (Ok(d.major), Ok(d.minor)));
                }
            }
            let d = DevNum::parse(&format!("{major}:{minor}\n"));
            prop_assert_eq!(d, Some(DevNum { major, minor }));
            Ok(())
        });
    }

    /// Lines of /proc/self/mountinfo: the real shape with any fields, and any text at all.
    fn mountinfo_line(
    ) -> impl proptest::strategy::Strategy<Value = (String, Option<(DevNum, String)>)> {
        use proptest::prelude::*;
        let field = "[^ \n]{1,12}";
        let well_formed = (
            field,
            field,
            any::<u32>(),
            any::<u32>(),
            field,
            "[^ \n]{1,20}",
            field,
        )
            .prop_map(|(id, parent, major, minor, root, point, rest)| {
                let line =
                    format!("{id} {parent} {major}:{minor} {root} {point} {rest} - ext4 /dev/x rw");
                let want = (DevNum { major, minor }, point.replace("\\040", " "));
                (line, Some(want))
            });
        prop_oneof![
            2 => well_formed,
            1 => "[^\n]{0,80}".prop_map(|l| (l, None)),
        ]
    }

    #[test]
    fn fuzz_mountinfo() {
        use proptest::prelude::*;
        let input = proptest::collection::vec(mountinfo_line(), 0..8);
        crate::fuzz::run("mountinfo", 1, input, |lines| {
            let text: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
            let parsed = parse_mountinfo(&text);
            prop_assert!(parsed.len() <= lines.len());
            let wanted: Vec<(DevNum, String)> =
                lines.iter().filter_map(|(_, w)| w.clone()).collect();
            // Every well-formed line is found, in order, among whatever else parsed.
            let mut rest = parsed.iter();
            for w in &wanted {
                prop_assert!(rest.any(|p| p == w), "{:?} missing from {:?}", w, parsed);
            }
            Ok(())
        });
    }

    /// A fake sysfs block directory with `removable` set to `flag`, on a USB device or not.
    fn fake_disk(root: &Path, flag: &str, usb: bool) -> PathBuf {
        let port = root.join("usb1/1-1");
        let host = port.join("1-1:1.0/host0/target0:0:0/0:0:0:0");
        fs::create_dir_all(&host).unwrap();
        if usb {
            fs::write(port.join("idVendor"), "46f4\n").unwrap();
        }
        let sys = root.join("block/sda");
        fs::create_dir_all(&sys).unwrap();
        fs::write(sys.join("removable"), flag).unwrap();
        std::os::unix::fs::symlink(&host, sys.join("device")).unwrap();
        sys
    }

    #[test]
    fn removable_is_what_the_kernel_says_and_usb_is_external() {
        for (flag, usb, removable, external) in [
            ("1\n", true, true, true),
            ("0\n", true, false, true),
            ("1\n", false, true, true),
            ("0\n", false, false, false),
        ] {
            let d = tempfile::tempdir().unwrap();
            let sys = fake_disk(d.path(), flag, usb);
            assert_eq!(removable_in(&sys), removable, "{flag:?} usb={usb}");
            assert!(!read_only_in(&sys));
            fs::write(sys.join("ro"), "1\n").unwrap();
            assert!(read_only_in(&sys));
            assert_eq!(
                removable_in(&sys) || on_usb(&sys),
                external,
                "{flag:?} usb={usb}"
            );
        }
    }

    #[test]
    fn a_writable_directory_is_not_refused() {
        let d = tempfile::tempdir().unwrap();
        assert!(refuse_read_only_mount(d.path()).is_ok());
    }

    #[test]
    fn a_plain_image_is_not_in_use() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.img");
        fs::write(&p, [0u8; 512]).unwrap();
        assert!(in_use(&p).unwrap().is_empty());
        assert!(refuse_in_use(&p).is_ok());
        assert!(refuse_in_use(&d.path().join("missing")).is_err());
    }
}
