//! Attached media for `baitai devices`: USB mass-storage devices from libusb (rusb), joined with
//! their Linux block devices (sysfs) and mount points.

use std::fs;
use std::path::{Path, PathBuf};

use super::{identify_block, mounts};
use crate::model::{DeviceIdentity, MediaKind};

/// USB interface class of mass storage.
const MASS_STORAGE: u8 = 0x08;

/// One attached medium (or a USB storage device with no medium in it, e.g. an empty reader).
#[derive(Debug, Clone)]
pub struct Attached {
    /// `/dev/sdb`; `None` for a USB storage device with no block device.
    pub node: Option<PathBuf>,
    pub kind: MediaKind,
    pub identity: DeviceIdentity,
    pub removable: bool,
    pub mounts: Vec<String>,
}

/// What libusb reported about one mass-storage device.
#[derive(Debug, Clone)]
struct UsbStorage {
    bus: u8,
    address: u8,
    vendor_id: String,
    product_id: String,
}

/// The attached media; with `all`, every whole-disk block device, not only USB ones.
/// The note says when libusb could not be used (sysfs alone still finds USB disks).
pub fn attached(all: bool) -> (Vec<Attached>, Option<String>) {
    let (mut usb, note) = match usb_storage() {
        Ok(u) => (u, None),
        Err(e) => (
            Vec::new(),
            Some(format!("libusb unavailable ({e}); listed from sysfs only")),
        ),
    };
    let mut found = Vec::new();
    for node in whole_disks() {
        let Ok((kind, identity)) = identify_block(&node) else {
            continue;
        };
        if let Some(pos) = usb_position(&usb, &node) {
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
                ..DeviceIdentity::default()
            },
            removable: true,
            mounts: Vec::new(),
        });
    }
    (found, note)
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
            });
        }
    }
    Ok(out)
}

/// The libusb entry for the USB device a block device sits on (matched by bus and address).
fn usb_position(usb: &[UsbStorage], node: &Path) -> Option<usize> {
    let name = node.file_name()?.to_string_lossy().to_string();
    let dev = fs::canonicalize(PathBuf::from("/sys/class/block").join(name).join("device")).ok()?;
    let port = dev.ancestors().find(|a| a.join("busnum").exists())?;
    let read =
        |f: &str| -> Option<u8> { fs::read_to_string(port.join(f)).ok()?.trim().parse().ok() };
    let (bus, addr) = (read("busnum")?, read("devnum")?);
    usb.iter().position(|u| u.bus == bus && u.address == addr)
}

/// Block devices that are whole disks with a medium in them (no partitions, no empty loops).
fn whole_disks() -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir("/sys/class/block") else {
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
        .map(|e| PathBuf::from("/dev").join(e.file_name()))
        .filter(|p| p.exists())
        .collect();
    disks.sort();
    disks
}
