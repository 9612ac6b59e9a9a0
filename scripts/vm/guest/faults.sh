# Faulty and awkward sticks: a write-protected stick, and a stick pulled out in the middle of a
# put and of a wipe (unplug.sh). The host (tests/usb_vm.rs) attaches:
#   BAITAI0003 12 MiB throttled          pulled out mid-put and mid-wipe (monitor device_del)
#   BAITAI0004 16 MiB read-only, vfat    write-protected
set -euo pipefail
. /etc/vm/lib.sh
mkdir -p /mnt/s3 /mnt/s4
n3=$(wait_node BAITAI0003)
n4=$(wait_node BAITAI0004)
make_ledger

# --- 5. A write-protected stick -----------------------------------------------------------
bt $CUSTODIAN medium register --device "$n4" --class C3
expect "read-only stick: register" 0
M4=$(field medium)
bt $HANDLER checkout "$M4" --purpose ro
mount -t vfat -o ro "$n4" /mnt/s4
random_file /tmp/c.bin 20
bt $HANDLER put /mnt/s4 /tmp/c.bin --medium "$M4"
expect_err "read-only stick: put fails (exit 6)" 6 "read-only"
lines=$(printf '%s\n' "$ERR" | grep -c . || true)
[ "$lines" = 1 ] && ok "read-only stick: put says so in one line" || bad "read-only stick: put says so in one line" "$lines lines: $ERR"
umount /mnt/s4
bt $CUSTODIAN return "$M4" --device "$n4"
expect_field "read-only stick: return --device finds its file system" data data-present
bt $CUSTODIAN wipe "$M4" --device "$n4" --method random-zero --yes
expect_err "read-only stick: wipe fails (exit 6)" 6 "read-only"
lines=$(printf '%s\n' "$ERR" | grep -c . || true)
[ "$lines" = 1 ] && ok "read-only stick: wipe says so in one line" || bad "read-only stick: wipe says so in one line" "$lines lines: $ERR"
btn medium show "$M4"
has "read-only stick: no false success in the ledger" '"data": "data-present"' "$OUT"
bt $HANDLER checkout "$M4" --purpose again
expect "read-only stick: reuse gate stays shut (exit 3)" 3

# --- 3. Pulled out mid-put and mid-wipe ----------------------------------------------------
. /etc/vm/unplug.sh
