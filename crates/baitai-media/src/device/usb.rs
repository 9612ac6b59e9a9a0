//! Attached media for `baitai devices`: USB mass-storage devices from libusb (rusb), joined with
//! their Linux block devices (sysfs) and mount points.

use std::fs;
use std::path::{Path, PathBuf};

use super::{identify_block, mounts};
use baitai_core::model::{DeviceIdentity, MediaKind};

/// USB interface class of mass storage.
const MASS_STORAGE: u8 = 0x08;

/// One attached medium (or a USB storage device with no medium in it, e.g. an empty reader).
#[derive(Debug, Clone)]
pub struct Attached {
    /// `/dev/sdb`; `None` for a USB storage device with no block device.
    pub node: Option<PathBuf>,
    /// USB, or another block device (listed only when all devices are asked for).
    pub kind: MediaKind,
    /// Its identity as registration records it: path, USB IDs, serial, capacity.
    pub identity: DeviceIdentity,
    /// Whether the kernel calls the disk removable; a wipe of a fixed disk needs `--allow-fixed`.
    pub removable: bool,
    /// Where it or its partitions are mounted.
    pub mounts: Vec<String>,
}

/// What libusb (or sysfs, without it) reported about one mass-storage device.
#[derive(Debug, Clone, Default, PartialEq)]
struct UsbStorage {
    bus: u8,
    address: u8,
    vendor_id: String,
    product_id: String,
    /// The device's strings, from sysfs: libusb would have to open the device to read them.
    serial: Option<String>,
    vendor: Option<String>,
    product: Option<String>,
}

/// Where sysfs lists USB devices.
const BUS_USB: &str = "/sys/bus/usb/devices";

/// The attached media; with `all`, every whole-disk block device, not only USB ones.
/// The note says when libusb could not be used (sysfs alone still finds USB disks).
pub fn attached(all: bool) -> (Vec<Attached>, Option<String>) {
    let from_sysfs = sysfs_storage(Path::new(BUS_USB));
    let (mut usb, note) = match usb_storage() {
        Ok(u) => (with_strings(u, &from_sysfs), None),
        Err(e) => (
            from_sysfs,
            Some(format!("libusb unavailable ({e}); listed from sysfs only")),
        ),
    };
    let mut found = Vec::new();
    for node in whole_disks(Path::new(CLASS_BLOCK), Path::new("/dev")) {
        let Ok((kind, identity)) = identify_block(&node) else {
            continue;
        };
        if let Some(pos) = usb_position(Path::new(CLASS_BLOCK), &usb, &node) {
            usb.remove(pos);
        }
        if kind != MediaKind::Usb && !all {
            continue;
        }
        found.push(Attached {
            removable: mounts::is_removable(&node),
            mounts: mounts::mount_points(&node),
            node: Some(node),
            kind,
            identity,
        });
    }
    for u in usb {
        found.push(Attached {
            node: None,
            kind: MediaKind::Usb,
            identity: DeviceIdentity {
                vendor_id: Some(u.vendor_id),
                product_id: Some(u.product_id),
                serial: u.serial,
                vendor: u.vendor,
                product: u.product,
                ..DeviceIdentity::default()
            },
            // No disk, so no kernel flag: a reader with nothing in it holds nothing to wipe.
            removable: false,
            mounts: Vec::new(),
        });
    }
    (found, note)
}

/// Where a registered block device is attached now, found by its identity (USB IDs, serial,
/// capacity), not by the node it had at registration: a stick plugged in again may come back
/// as another `/dev/sdX`. Empty when it is not attached, or when the identity is an image
/// file's or a device without a serial (its node is all that names it).
pub fn locate(recorded: &DeviceIdentity) -> Vec<PathBuf> {
    if recorded.serial.is_none() || recorded.vendor_id.is_none() {
        return Vec::new();
    }
    matching(recorded)
}

/// The attached whole disks whose identity matches `recorded`: more than one when it has no
/// serial number and identical sticks are plugged in.
pub fn matching(recorded: &DeviceIdentity) -> Vec<PathBuf> {
    whole_disks(Path::new(CLASS_BLOCK), Path::new("/dev"))
        .into_iter()
        .filter(|node| {
            identify_block(node).is_ok_and(|(_, seen)| super::same_device(recorded, &seen))
        })
        .collect()
}

fn usb_storage() -> rusb::Result<Vec<UsbStorage>> {
    use rusb::UsbContext;
    // An explicit context: the global one panics where libusb cannot start (no /dev/bus/usb).
    let ctx = rusb::Context::new()?;
    let mut out = Vec::new();
    for d in ctx.devices()?.iter() {
        let Ok(desc) = d.device_descriptor() else {
            continue;
        };
        let storage = d.active_config_descriptor().is_ok_and(|c| {
            c.interfaces()
                .flat_map(|i| i.descriptors())
                .any(|i| i.class_code() == MASS_STORAGE)
        });
        if storage {
            out.push(UsbStorage {
                bus: d.bus_number(),
                address: d.address(),
                vendor_id: format!("{:04x}", desc.vendor_id()),
                product_id: format!("{:04x}", desc.product_id()),
                ..UsbStorage::default()
            });
        }
    }
    Ok(out)
}

/// libusb's devices with the strings sysfs has for the same bus and address.
fn with_strings(usb: Vec<UsbStorage>, sysfs: &[UsbStorage]) -> Vec<UsbStorage> {
    usb.into_iter()
        .map(|u| {
            match sysfs
                .iter()
                .find(|s| (s.bus, s.address) == (u.bus, u.address))
            {
                Some(s) => UsbStorage {
                    serial: s.serial.clone(),
                    vendor: s.vendor.clone(),
                    product: s.product.clone(),
                    ..u
                },
                None => u,
            }
        })
        .collect()
}

/// The USB mass-storage devices sysfs lists under `bus_usb` (`/sys/bus/usb/devices`): each
/// device directory with an interface of class 08 below it, with its IDs and strings.
fn sysfs_storage(bus_usb: &Path) -> Vec<UsbStorage> {
    let Ok(entries) = fs::read_dir(bus_usb) else {
        return Vec::new();
    };
    let text = |d: &Path, f: &str| -> Option<String> {
        let s = fs::read_to_string(d.join(f)).ok()?.trim().to_string();
        (!s.is_empty()).then_some(s)
    };
    let mut found = Vec::new();
    for e in entries.flatten() {
        let dir = e.path();
        let (Some(vendor_id), Some(product_id)) = (text(&dir, "idVendor"), text(&dir, "idProduct"))
        else {
            continue;
        };
        let storage = fs::read_dir(&dir).is_ok_and(|subs| {
            subs.flatten().any(|i| {
                text(&i.path(), "bInterfaceClass")
                    .is_some_and(|c| u8::from_str_radix(&c, 16) == Ok(MASS_STORAGE))
            })
        });
        let number = |f: &str| text(&dir, f).and_then(|n| n.parse::<u8>().ok());
        let (Some(bus), Some(address)) = (number("busnum"), number("devnum")) else {
            continue;
        };
        if storage {
            found.push(UsbStorage {
                bus,
                address,
                vendor_id,
                product_id,
                serial: text(&dir, "serial"),
                vendor: text(&dir, "manufacturer"),
                product: text(&dir, "product"),
            });
        }
    }
    found.sort_by_key(|u| (u.bus, u.address));
    found
}

/// Where sysfs lists block devices.
const CLASS_BLOCK: &str = "/sys/class/block";

/// The libusb entry for the USB device a block device sits on (matched by bus and address),
/// looked up under `class_block` (sysfs's block class).
fn usb_position(class_block: &Path, usb: &[UsbStorage], node: &Path) -> Option<usize> {
    let name = node.file_name()?.to_string_lossy().to_string();
    let dev = fs::canonicalize(class_block.join(name).join("device")).ok()?;
    let port = dev.ancestors().find(|a| a.join("busnum").exists())?;
    let read =
        |f: &str| -> Option<u8> { fs::read_to_string(port.join(f)).ok()?.trim().parse().ok() };
    let (bus, addr) = (read("busnum")?, read("devnum")?);
    usb.iter().position(|u| u.bus == bus && u.address == addr)
}

/// Block devices that are whole disks with a medium in them (no partitions, no empty loops),
/// as listed under `class_block` (sysfs's block class), with their nodes under `dev`.
fn whole_disks(class_block: &Path, dev: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(class_block) else {
        return Vec::new();
    };
    let mut disks: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| !e.path().join("partition").exists())
        .filter(|e| {
            fs::read_to_string(e.path().join("size"))
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .is_some_and(|s| s > 0)
        })
        .map(|e| dev.join(e.file_name()))
        .filter(|p| p.exists())
        .collect();
    disks.sort();
    disks
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// One entry of a fake `/sys/class/block`: its `size` and `partition` files, whether its
    /// `/dev` node exists, and the `busnum`/`devnum` of the USB port above it.
    #[derive(Debug, Clone)]
    struct Entry {
        size: Option<Vec<u8>>,
        partition: bool,
        node: bool,
        bus: Vec<u8>,
        address: Vec<u8>,
    }

    fn number() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            (0u16..300).prop_map(|n| format!("{n}\n").into_bytes()),
            any::<u64>().prop_map(|n| format!("{n}").into_bytes()),
            vec(any::<u8>(), 0..12),
        ]
    }

    fn entry() -> impl Strategy<Value = Entry> {
        let size = proptest::option::weighted(
            0.9,
            prop_oneof![
                any::<u64>().prop_map(|n| format!("{n}\n").into_bytes()),
                Just(b"0\n".to_vec()),
                vec(any::<u8>(), 0..24),
            ],
        );
        (size, any::<bool>(), any::<bool>(), number(), number()).prop_map(
            |(size, partition, node, bus, address)| Entry {
                size,
                partition,
                node,
                bus,
                address,
            },
        )
    }

    fn storage() -> impl Strategy<Value = UsbStorage> {
        (any::<u8>(), any::<u8>()).prop_map(|(bus, address)| UsbStorage {
            bus,
            address,
            vendor_id: "0781".into(),
            product_id: "5583".into(),
            ..UsbStorage::default()
        })
    }

    fn parse<T: std::str::FromStr>(b: &[u8]) -> Option<T> {
        std::str::from_utf8(b).ok()?.trim().parse().ok()
    }

    #[test]
    fn fuzz_sysfs_disk_list() {
        let input = (vec(entry(), 0..6), vec(storage(), 0..4));
        crate::fuzz::run("sysfs_disk_list", 2, input, |(entries, usb)| {
            let d = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let (class, dev) = (d.path().join("class"), d.path().join("dev"));
            let io = |e: std::io::Error| TestCaseError::fail(e.to_string());
            let mut wanted = Vec::new();
            for (i, e) in entries.iter().enumerate() {
                let name = format!("sd{i}");
                let port = d.path().join(format!("usb/{i}"));
                let sys = class.join(&name);
                fs::create_dir_all(&sys).map_err(io)?;
                fs::create_dir_all(port.join("host")).map_err(io)?;
                fs::create_dir_all(&dev).map_err(io)?;
                std::os::unix::fs::symlink(port.join("host"), sys.join("device")).map_err(io)?;
                fs::write(port.join("busnum"), &e.bus).map_err(io)?;
                fs::write(port.join("devnum"), &e.address).map_err(io)?;
                if let Some(s) = &e.size {
                    fs::write(sys.join("size"), s).map_err(io)?;
                }
                if e.partition {
                    fs::write(sys.join("partition"), b"1\n").map_err(io)?;
                }
                if e.node {
                    fs::write(dev.join(&name), b"").map_err(io)?;
                }
                let sectors = e.size.as_deref().and_then(parse::<u64>);
                if !e.partition && e.node && sectors.is_some_and(|s| s > 0) {
                    wanted.push(dev.join(&name));
                }
                let at = match (parse::<u8>(&e.bus), parse::<u8>(&e.address)) {
                    (Some(b), Some(a)) => usb.iter().position(|u| u.bus == b && u.address == a),
                    _ => None,
                };
                prop_assert_eq!(usb_position(&class, &usb, &dev.join(&name)), at);
            }
            prop_assert_eq!(whole_disks(&class, &dev), wanted);
            Ok(())
        });
    }

    /// A card reader with no card: sysfs has its strings though no block device sits on it.
    #[test]
    fn an_empty_reader_has_its_serial_and_product_from_sysfs() {
        let d = tempfile::tempdir().unwrap();
        let dev = d.path().join("1-7");
        fs::create_dir_all(dev.join("1-7:1.0")).unwrap();
        for (f, v) in [
            ("idVendor", "46f4\n"),
            ("idProduct", "0001\n"),
            ("busnum", "1\n"),
            ("devnum", "9\n"),
            ("serial", "RDR1\n"),
            ("manufacturer", "QEMU\n"),
            ("product", "QEMU USB MSD\n"),
        ] {
            fs::write(dev.join(f), v).unwrap();
        }
        fs::write(dev.join("1-7:1.0/bInterfaceClass"), "08\n").unwrap();
        // A hub: not storage, not listed.
        let hub = d.path().join("usb1");
        fs::create_dir_all(hub.join("1-0:1.0")).unwrap();
        for (f, v) in [
            ("idVendor", "1d6b"),
            ("idProduct", "0002"),
            ("busnum", "1"),
            ("devnum", "1"),
        ] {
            fs::write(hub.join(f), v).unwrap();
        }
        fs::write(hub.join("1-0:1.0/bInterfaceClass"), "09\n").unwrap();
        let found = sysfs_storage(d.path());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].serial.as_deref(), Some("RDR1"));
        assert_eq!(found[0].product.as_deref(), Some("QEMU USB MSD"));
        let libusb = vec![UsbStorage {
            bus: 1,
            address: 9,
            vendor_id: "46f4".into(),
            product_id: "0001".into(),
            ..UsbStorage::default()
        }];
        let joined = with_strings(libusb, &found);
        assert_eq!(joined, found);
    }
}
