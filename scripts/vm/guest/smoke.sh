# The quickest scenario, for trying the guest by hand (BAITAI_VM_BOOTS=smoke): the guest boots,
# sees the stick and baitai runs.
set -eu
. /etc/vm/lib.sh
n=$(wait_node BAITAI0001)
ok "stick at $n"
make_ledger
btn devices
expect_field "devices lists a stick by serial" serial BAITAI0001
echo "$OUT"
