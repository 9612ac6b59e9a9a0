# Faulty sticks: qemu's blkdebug driver fails every read of one sector, or every write of one
# (tests/usb_vm.rs writes its configuration). The host attaches:
#   BAITAIBAD1  8 MiB  a read error at byte 3145728
#   BAITAIBAD2  8 MiB  a write error at byte 7340032
#   BAITAI0006  8 MiB  UAS (a healthy stick, here to share the time of the boots)
#   BAITAI0008 16 MiB  throttled to 4 MB/s, then 16 MB/s: put's and wipe's progress bars
set -euo pipefail
. /etc/vm/lib.sh
mkdir -p /mnt/bad
nb=$(wait_node BAITAIBAD1)
nw=$(wait_node BAITAIBAD2)
make_ledger
bt $CUSTODIAN medium register --device "$nb" --class C3
expect "faulty stick: register" 0
MB=$(field medium)
bt $HANDLER checkout "$MB" --purpose faulty
mkfs.vfat "$nb" >/dev/null
mount -t vfat "$nb" /mnt/bad
# 5 MiB: the file covers the bad sector at 3 MiB.
random_file /tmp/big.bin 5000
bt $HANDLER put /mnt/bad /tmp/big.bin --medium "$MB"
expect_field "faulty stick: put (writes are fine there)" files 1
umount /mnt/bad
# Mounted again, so get reads the stick, not what the page cache kept.
mount -t vfat "$nb" /mnt/bad
rm -rf /tmp/out
bt $HANDLER get /mnt/bad --out /tmp/out
expect_fail "faulty stick: get fails on the read error"
has "faulty stick: get says it was an I/O error" "Input/output error" "$ERR"
[ ! -e /tmp/out/big.bin ] && ok "faulty stick: get leaves no partial file" || bad "faulty stick: get leaves no partial file" "$(ls -la /tmp/out)"
umount /mnt/bad
bt $CUSTODIAN return "$MB" --device "$nb"
expect_err "faulty stick: return --device fails at the bad sector (exit 6)" 6 "read error on $nb at byte 3145728"
btn medium show "$MB"
has "faulty stick: a failed return check records nothing" '"state": "in-use"' "$OUT"
bt $CUSTODIAN return "$MB"
expect "faulty stick: returned without a check" 0
# The wipe reads the whole stick for vault headers before it writes: the read error stops it.
bt $CUSTODIAN wipe "$MB" --device "$nb" --method zero --yes
expect_err "read-faulty stick: wipe fails at the bad sector (exit 6)" 6 "read error at byte 3145728"
has "read-faulty stick: the record has the error's offset" 'read error at byte 3145728' "$(field reason)"
btn medium show "$MB"
has "read-faulty stick: state wipe-incomplete, not clean" '"data": "wipe-incomplete"' "$OUT"
bt $HANDLER checkout "$MB" --purpose again
expect "read-faulty stick: reuse gate shut (exit 3)" 3

bt $CUSTODIAN medium register --device "$nw" --class C3
MW=$(field medium)
bt $CUSTODIAN wipe "$MW" --device "$nw" --method zero --yes
expect_err "write-faulty stick: wipe fails at the bad sector (exit 6)" 6 "write error at byte 7340032"
has "write-faulty stick: recorded incomplete" '"result": "incomplete"' "$OUT"
has "write-faulty stick: the record has the error's offset" 'write error at byte 7340032' "$(field reason)"
btn medium show "$MW"
has "write-faulty stick: state wipe-incomplete, not clean" '"data": "wipe-incomplete"' "$OUT"
bt $HANDLER checkout "$MW" --purpose again
expect "write-faulty stick: reuse gate shut (exit 3)" 3

# --- A UAS stick ---------------------------------------------------------------------------
stick_lifecycle "UAS" "$(wait_node BAITAI0006)" /mnt/s6

# --- 8. A slow stick: progress bars, drawn on the console for the host to read --------------
ns=$(wait_node BAITAI0008)
mkdir -p /mnt/s8
bt $CUSTODIAN medium register --device "$ns" --class C3
MS=$(field medium)
bt $HANDLER checkout "$MS" --purpose slow
mkfs.vfat "$ns" >/dev/null
mount -t vfat "$ns" /mnt/s8
# 12 MiB: three 4 MiB blocks, so put's bar (which counts blocks the stick has taken) steps
# part-way at least twice.
random_file /tmp/slow.bin 12288
echo "PROGRESS BEGIN put"
rc=0
baitai put /mnt/s8 /tmp/slow.bin --medium "$MS" --as $HANDLER --passphrase-file /root/pass-$HANDLER \
    >/dev/null 2>/dev/console || rc=$?
echo "PROGRESS END put rc=$rc"
umount /mnt/s8
bt $CUSTODIAN return "$MS" --device "$ns"
host "qom-set /objects/tg8 x-bps-total 16000000"
echo "PROGRESS BEGIN wipe"
rc=0
baitai wipe "$MS" --device "$ns" --method zero --yes --as $CUSTODIAN --passphrase-file /root/pass-$CUSTODIAN \
    >/dev/null 2>/dev/console || rc=$?
echo "PROGRESS END wipe rc=$rc"
