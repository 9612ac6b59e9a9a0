# The lifecycle, second half: vfat partitioned, exFAT whole device and ext4 partitioned on one
# stick, then a 4 KiB-sector stick. The host (tests/usb_vm.rs) attaches:
#   BAITAI0001  8 MiB removable          the lifecycle stick
#   BAITAI0005  8 MiB 4 KiB sectors
set -euo pipefail
. /etc/vm/lib.sh
mkdir -p /mnt/s1 /mnt/s5
n1=$(wait_node BAITAI0001)
n5=$(wait_node BAITAI0005)
make_ledger
random_file /tmp/a.bin 300
bt $CUSTODIAN medium register --device "$n1" --class C3
M1=$(field medium)
bt $HANDLER checkout "$M1" --purpose lifecycle
expect "register and checkout stick 1" 0
cycle vfat partitioned zero
cycle exfat whole zero
cycle ext4 partitioned zero

# --- 6. A 4 KiB-sector stick -----------------------------------------------------------------
stick_lifecycle "4 KiB sectors" "$n5" /mnt/s5
