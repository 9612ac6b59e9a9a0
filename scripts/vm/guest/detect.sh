# Detection through libusb and through sysfs alone, registration by identity, the wrong stick
# refused, and the lifecycle on vfat (whole device), exFAT (partitioned) and ext4 (whole device).
# The host (tests/usb_vm.rs) attaches:
#   BAITAI0001  8 MiB removable          the lifecycle stick
#   BAITAI0002  8 MiB removable=off      the wrong stick (same size, another serial)
#   BAITAI0006 16 MiB UAS                a stick of another size
#   BAITAIRDR1 a card reader with no medium (usb-bot without a disk)
#   (no serial) two identical 6 MiB sticks without serial numbers, 46f4:0001
set -euo pipefail
. /etc/vm/lib.sh
mkdir -p /mnt/s1 /mnt/s2

n1=$(wait_node BAITAI0001)
n2=$(wait_node BAITAI0002)
n6=$(wait_node BAITAI0006)
nsize=$n6
make_ledger

# --- 1. Detection through libusb, then through sysfs alone ---------------------------------
btn devices
expect "devices runs" 0
d1=$(device_json BAITAI0001)
has "libusb: stick 1 has its serial" '"serial": "BAITAI0001"' "$d1"
has "libusb: stick 1 has its USB IDs" '"vendor_id": "46f4"' "$d1"
has "libusb: stick 1 has its capacity" '"capacity_bytes": 8388608' "$d1"
has "stick 1 is removable (kernel says 1)" '"removable": true' "$d1"
has "stick 2 is not removable (kernel says 0)" '"removable": false' "$(device_json BAITAI0002)"
has "UAS stick listed with its serial" "\"device\": \"$n6\"" "$(device_json BAITAI0006)"
rdr=$(device_json BAITAIRDR1)
has "card reader without a medium: listed with its serial" '"serial": "BAITAIRDR1"' "$rdr"
has "card reader without a medium: listed with its product" '"product": "' "$rdr"
has "card reader without a medium: no node" '"device": null' "$rdr"
has "libusb was used" '"note": null' "$OUT"
# libusb cannot start without /dev/bus/usb: what sysfs alone finds.
mkdir -p /tmp/empty
mount --bind /tmp/empty /dev/bus/usb
btn devices
umount /dev/bus/usb
has "sysfs alone: the note says libusb is unavailable" 'libusb unavailable' "$(field note)"
d1=$(device_json BAITAI0001)
has "sysfs alone: stick 1 has its serial" '"serial": "BAITAI0001"' "$d1"
has "sysfs alone: stick 1 has its USB IDs" '"product_id": "0001"' "$d1"

# --- Registration by identity -----------------------------------------------------------
bt $CUSTODIAN medium register --device "$n1" --class C3
expect "register stick 1" 0
M1=$(field medium)
bt $CUSTODIAN medium register --device "$n1" --class C3
expect_fail "stick 1 cannot be registered twice"
bt $CUSTODIAN medium register --device "$n2" --class C3
expect "register stick 2 (same size, another serial)" 0
M2=$(field medium)
btn devices
has "devices shows stick 1's medium number" "\"medium\": \"$M1\"" "$(device_json BAITAI0001)"

# --- 7. Two identical sticks without serial numbers ----------------------------------------
# node_without_serial N: the Nth disk (1 or 2) on a USB device with no serial.
node_without_serial() {
    i=0
    for b in /sys/block/sd*; do
        p=$(readlink -f "$b/device")
        while [ "${#p}" -gt 5 ] && [ ! -f "$p/idVendor" ]; do p=${p%/*}; done
        if [ -f "$p/idVendor" ] && [ ! -s "$p/serial" ]; then
            i=$((i + 1))
            [ $i = "$1" ] && { echo "/dev/${b##*/}"; return 0; }
        fi
    done
    return 1
}
t1=$(node_without_serial 1 || true)
t2=$(node_without_serial 2 || true)
if [ -n "$t1" ] && [ -n "$t2" ]; then ok "two sticks without serial numbers seen"; else bad "two sticks without serial numbers seen" "found '$t1' '$t2'"; fi
bt $CUSTODIAN medium register --device "$t1" --class C3
expect "twins: the first registers" 0
MT=$(field medium)
bt $CUSTODIAN medium register --device "$t2" --class C3
expect_err "twins: the second is refused (exit 3)" 3 "cannot be told apart"
bt $CUSTODIAN wipe "$MT" --device "$t1" --method zero --yes
expect_err "twins: wipe refuses while both are plugged in (exit 6)" 6 "no serial number"

# --- 2. The lifecycle, first half (lifecycle.sh has the other) ---------------------------------
bt $HANDLER checkout "$M1" --purpose lifecycle
expect "checkout stick 1" 0
cycle vfat whole random-zero first
cycle exfat partitioned zero
cycle ext4 whole zero
