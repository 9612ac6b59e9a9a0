# Sourced by sticks.sh: stick 3 (BAITAI0003, throttled to ~4 MB/s so a write takes long enough
# to interrupt) is pulled out with the qemu monitor's device_del in the middle of a put and of
# a wipe, then plugged in again with device_add (it may come back under another node).

plug3="device_add usb-storage,id=st3,bus=xhci.0,port=3,drive=s3,serial=BAITAI0003,removable=on"
bt $CUSTODIAN medium register --device "$n3" --class C3
expect "unplug stick: register" 0
M3=$(field medium)
bt $HANDLER checkout "$M3" --purpose unplug
mkfs.vfat "$n3" >/dev/null
mount -t vfat "$n3" /mnt/s3
random_file /tmp/first.bin 64
bt $HANDLER put /mnt/s3 /tmp/first.bin --medium "$M3"
expect_field "unplug stick: a first put" files 1
random_file /tmp/big.bin 4096
bt_bg $HANDLER put /mnt/s3 /tmp/big.bin --medium "$M3"
pid=$(baitai_pid || echo 0)
wait_pid_io "$pid" 1048576 || true
host device_del st3
wait_gone BAITAI0003
bt_wait
expect_fail "unplugged mid-put: the put fails"
echo "GUEST put after unplug: $RC $(printf '%s' "$ERR" | tail -n1)"
umount -l /mnt/s3 || true
# Another stick takes the node while stick 3 is out, so stick 3 comes back under another.
host "device_add usb-storage,id=st9,bus=xhci.0,port=5,drive=s9,serial=BAITAI0009,removable=on"
wait_node BAITAI0009 >/dev/null
host "$plug3"
n3b=$(wait_node BAITAI0003)
echo "GUEST stick 3 came back as $n3b (was $n3)"
if [ "$n3b" != "$n3" ]; then ok "the stick came back under another node"; else bad "the stick came back under another node" "$n3b"; fi
btn medium show "$M3"
has "medium show: where the stick is now, found by identity" "\"attached_now\": \"$n3b\"" "$OUT"
truth "after the unplug: the file system mounts" mount -t vfat "$n3b" /mnt/s3
bt $HANDLER ls /mnt/s3
has "after the unplug: the vault opens with the earlier file" '"first.bin"' "$OUT"
rm -rf /tmp/out
bt $HANDLER get /mnt/s3 first.bin --out /tmp/out
truth "after the unplug: the earlier file is intact" cmp /tmp/first.bin /tmp/out/first.bin
bt $HANDLER vault verify /mnt/s3
expect "after the unplug: vault verify passes" 0
has "after the unplug: the vault does not hold the interrupted file" '"first.bin"' "$OUT"
case "$OUT" in *big.bin*) bad "ledger and vault agree" "the vault lists big.bin" ;; *) ok "ledger and vault agree: no half-written file listed" ;; esac
btn ledger verify
expect "after the unplug: the ledger verifies" 0
umount /mnt/s3
bt $CUSTODIAN return "$M3" --device "$n3b"
expect_field "unplug stick: return --device" data data-present

bt_bg $CUSTODIAN wipe "$M3" --device "$n3b" --method random-zero --yes
pid=$(baitai_pid || echo 0)
wait_pid_io "$pid" 2097152 || true
host device_del st3
wait_gone BAITAI0003
bt_wait
expect_fail "unplugged mid-wipe: the wipe fails"
has "unplugged mid-wipe: recorded incomplete" '"result": "incomplete"' "$OUT"
echo "GUEST wipe after unplug: $RC $(printf '%s' "$ERR" | tail -n2 | tr '\n' ' ')"
host "$plug3"
n3c=$(wait_node BAITAI0003)
btn medium show "$M3"
expect_field "unplugged mid-wipe: the medium is wipe-incomplete" data wipe-incomplete
bt $HANDLER checkout "$M3" --purpose again
expect "unplugged mid-wipe: reuse gate shut (exit 3)" 3
host "qom-set /objects/tg3 x-bps-total 0"
bt $CUSTODIAN wipe "$M3" --device "$n3c" --method random-zero --yes
expect_field "after the unplug: a clean wipe passes" result passed
bt $HANDLER checkout "$M3" --purpose again
expect "after the clean wipe: reissued" 0
