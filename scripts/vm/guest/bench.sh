# Benchmark (bench/usb_vm.sh, issue 20 target 4): put and wipe on a stick throttled by the host,
# each beside dd with direct I/O on the same stick, in alternation, for ROUNDS rounds. Nothing
# here judges a time: it prints `BENCH WHAT MIB MiB SECONDS s round=N rc=N` lines, the wipe's
# record line, and the progress bars between `PROGRESS BEGIN` and `PROGRESS END` for the host
# (bench/usb_vm.py) to tabulate. The kernel command line carries vm.bench_mib=SIZE and
# vm.bench_rounds=ROUNDS. The host attaches:
#   BAITAI0001  SIZE+64 MiB  removable, throttled (qemu throttle group, x-bps-total)
set -euo pipefail
. /etc/vm/lib.sh
arg() { sed -n "s/.*vm\.$1=\([0-9]*\).*/\1/p" /proc/cmdline; }
MIB=$(arg bench_mib)
MIB=${MIB:-256}
ROUNDS=$(arg bench_rounds)
ROUNDS=${ROUNDS:-3}
# busybox date has no %N: /proc/uptime counts centiseconds.
now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
# report WHAT MIB SECONDS RC: one machine-readable line.
report() { echo "BENCH $1 $2 MiB $3 s round=$r rc=$4"; }
# cpu WHAT: the CPU time of the last command run under `time -o /tmp/cpu` (busybox time):
# seconds elapsed, user, system, and peak RSS in KiB.
TIME="time -f %e_%U_%S_%M -o /tmp/cpu"
cpu() { echo "BENCH-CPU $1 round=$r $(tr '_' ' ' </tmp/cpu)"; }

n=$(wait_node BAITAI0001)
STICK=$(($(cat "/sys/block/${n#/dev/}/size") / 2048))
echo "GUEST bench: $MIB MiB file, stick $n of $STICK MiB, $ROUNDS rounds, $(nproc) vCPUs"
mkdir -p /mnt/b /tmp/ram
make_ledger
bt $CUSTODIAN medium register --device "$n" --class C3
expect "bench stick: register" 0
M=$(field medium)
# A medium without a device for put into RAM (tmpfs): what the guest's CPU alone allows.
bt $CUSTODIAN medium register --class C3
R=$(field medium)
bt $HANDLER checkout "$R" --purpose ram
expect "RAM medium: checkout" 0
echo "GUEST making the $MIB MiB source in RAM"
dd if=/dev/urandom of=/tmp/src.bin bs=1M count="$MIB" 2>/dev/null
head -c 1 /tmp/src.bin >/tmp/one.bin
AS_H="--as $HANDLER --passphrase-file /root/pass-$HANDLER"
AS_C="--as $CUSTODIAN --passphrase-file /root/pass-$CUSTODIAN"

# dd_file: dd of the source onto the mounted stick, direct I/O, until on the stick (a vault
# put before it is removed first: the stick holds one copy of the file).
dd_file() {
    rm -rf /mnt/b/BAITAI
    sync
    t0=$(now)
    rc=0
    dd if=/tmp/src.bin of=/mnt/b/dd.bin bs=4M oflag=direct conv=fsync 2>/dev/null || rc=$?
    report dd-file "$MIB" "$(since "$t0")" $rc
    rm -f /mnt/b/dd.bin
    sync
}

# put_stick BAR: baitai put of the source onto the stick, timed until `sync -f` returns; with
# BAR=bar its progress bar goes to the console between PROGRESS lines, otherwise -q.
put_stick() {
    rm -rf /mnt/b/BAITAI
    sync
    q=-q
    [ "$1" = bar ] && { q=""; echo "PROGRESS BEGIN put round=$r"; }
    t0=$(now)
    rc=0
    # shellcheck disable=SC2086
    $TIME baitai $q put /mnt/b /tmp/src.bin --medium "$M" --replace $AS_H >/tmp/put.out 2>/dev/console || rc=$?
    cmd=$(since "$t0")
    sync -f /mnt/b
    all=$(since "$t0")
    [ "$1" = bar ] && echo "PROGRESS END put rc=$rc"
    report "put-$1" "$MIB" "$all" $rc
    report "put-$1-until-exit" "$MIB" "$cmd" $rc
    cpu "put-$1"
}

# put_ram BAR [FILE MIB]: the same into tmpfs (no device at all: the CPU's share).
put_ram() {
    f=${2:-/tmp/src.bin} size=${3:-$MIB}
    rm -rf /tmp/ram/BAITAI
    q=-q
    [ "$1" = bar ] && { q=""; echo "PROGRESS BEGIN put-ram round=$r"; }
    t0=$(now)
    rc=0
    # shellcheck disable=SC2086
    $TIME baitai $q put /tmp/ram "$f" --medium "$R" --replace $AS_H >/tmp/put.out 2>/dev/console || rc=$?
    [ "$1" = bar ] && echo "PROGRESS END put-ram rc=$rc"
    report "put-ram-$1" "$size" "$(since "$t0")" $rc
    [ "$size" = 0 ] || cpu "put-ram-$1"
}

# dd_dev: dd of zeros over the whole stick, then a read of the whole stick, direct I/O.
dd_dev() {
    sync
    t0=$(now)
    rc=0
    dd if=/dev/zero of="$n" bs=4M count=$((STICK / 4)) oflag=direct conv=fsync 2>/dev/null || rc=$?
    report dd-dev-write "$STICK" "$(since "$t0")" $rc
    t0=$(now)
    rc=0
    dd if="$n" of=/dev/null bs=4M iflag=direct 2>/dev/null || rc=$?
    report dd-dev-read "$STICK" "$(since "$t0")" $rc
}

# wipe_stick: return the medium, then wipe it with zero (its bar on the console), wipe it once
# more (a stick without a vault), then check it out again for the next round.
wipe_stick() {
    bt $CUSTODIAN return "$M" --device "$n"
    expect "round $r: return --device" 0
    echo "PROGRESS BEGIN wipe round=$r"
    t0=$(now)
    rc=0
    # shellcheck disable=SC2086
    $TIME baitai wipe "$M" --device "$n" --method zero --yes $AS_C >/tmp/wipe.out 2>/dev/console || rc=$?
    took=$(since "$t0")
    echo "PROGRESS END wipe rc=$rc"
    report wipe "$STICK" "$took" $rc
    cpu wipe
    # The record's pass line: the write and read-back seconds baitai measured itself.
    echo "BENCH-RECORD wipe round=$r $(grep -m1 'pass 1' /tmp/wipe.out | sed 's/^ *//')"
    grep -q "PASSED" /tmp/wipe.out && ok "round $r: wipe passed" || bad "round $r: wipe passed" "$(tr '\n' ' ' </tmp/wipe.out)"
    # Again, now that no vault can be on the stick: no header sweep, only the write and the
    # read-back dd is compared with (no bar: stderr is not a terminal).
    t0=$(now)
    rc=0
    # shellcheck disable=SC2086
    $TIME baitai wipe "$M" --device "$n" --method zero --yes $AS_C >/tmp/wipe.out 2>/dev/null || rc=$?
    report wipe-clean "$STICK" "$(since "$t0")" $rc
    cpu wipe-clean
    echo "BENCH-RECORD wipe-clean round=$r $(grep -m1 'pass 1' /tmp/wipe.out | sed 's/^ *//')"
    bt $HANDLER checkout "$M" --purpose "bench round $((r + 1))"
    expect "round $r: checked out again" 0
}

r=0
# What the emulated CPU offers and does: its crypto flags, and busybox's sha256sum (plain C) of
# the source, for scale.
echo "GUEST cpu flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(aes|pclmulqdq|sha_ni|avx|avx2|avx512f|vaes|vpclmulqdq)$' | tr '\n' ' ')"
t0=$(now)
$TIME sha256sum /tmp/src.bin >/dev/null
report sha256sum-ram "$MIB" "$(since "$t0")" 0
cpu sha256sum
# A one-byte put into RAM: the fixed cost of a put (process start, ledger, fast test KDF,
# signing) under this CPU.
for i in 1 2 3; do put_ram q /tmp/one.bin 0; done
# What that fixed cost is made of: starting the process alone, and starting it, opening the
# ledger and checking it at the point of use (medium show); each once to warm up, then timed.
fixed() {
    what=$1
    shift
    "$@" >/dev/null 2>&1 || true
    for i in 1 2 3; do
        t0=$(now)
        rc=0
        $TIME "$@" >/dev/null 2>&1 || rc=$?
        report "$what" 0 "$(since "$t0")" $rc
        cpu "$what"
    done
}
fixed fixed-start baitai --version
fixed fixed-show baitai medium show "$R"
$TIME baitai -q put /tmp/ram /tmp/one.bin --medium "$R" --replace $AS_H >/dev/null 2>&1 || true
cpu fixed-put
bt $HANDLER checkout "$M" --purpose "bench round 1"
expect "bench stick: checkout" 0
r=1
while [ "$r" -le "$ROUNDS" ]; do
    echo "GUEST round $r of $ROUNDS at $(now) s"
    mkfs.ext4 -q -F -b 4096 -N 1024 -E lazy_itable_init=0,lazy_journal_init=0,nodiscard "$n" >/dev/null
    mount -t ext4 "$n" /mnt/b
    # The order alternates from one round to the next.
    if [ $((r % 2)) = 1 ]; then
        dd_file; put_stick bar; put_stick q; put_ram q; put_ram bar
    else
        put_ram bar; put_ram q; put_stick q; dd_file; put_stick bar
    fi
    umount /mnt/b
    if [ $((r % 2)) = 1 ]; then
        dd_dev; wipe_stick
    else
        wipe_stick; dd_dev
    fi
    r=$((r + 1))
done
