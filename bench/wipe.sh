#!/usr/bin/env bash
# Wipe and verify throughput of `baitai wipe` against dd with direct I/O on the same target.
#
#   bench/wipe.sh [SIZE_MIB] [ROUNDS]      (defaults: 1024 MiB, 5 rounds)
#
# As root with loop devices, the target is a loop block device over an image file (a real
# block device, like a USB stick); otherwise it is the image file itself. Each round runs
#   dd if=/dev/zero of=T bs=4M oflag=direct conv=notrunc,fsync   (write)
#   dd if=T of=/dev/null bs=4M iflag=direct                       (read)
#   baitai wipe --method zero                                     (write pass, then read-back)
# in alternation, and the table shows medians and the ratio baitai/dd. BENCH_DIR picks the
# file system (default: a temporary directory under the repository's target/);
# BENCH_TARGET=image benchmarks the image file even as root.
set -euo pipefail

SIZE_MIB=${1:-1024}
ROUNDS=${2:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
BAITAI="$ROOT/target/release/baitai"

mkdir -p "$ROOT/target"
WORK=$(mktemp -d "${BENCH_DIR:-$ROOT/target}/bench-wipe.XXXXXX")
LOOP=""
cleanup() {
    [ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

IMG="$WORK/medium.img"
truncate -s "${SIZE_MIB}M" "$IMG"
TARGET="$IMG"
KIND="image file"
if [ "${BENCH_TARGET:-}" != image ] && [ "$(id -u)" = 0 ] && command -v losetup >/dev/null && LOOP=$(losetup --find --show "$IMG" 2>/dev/null); then
    TARGET="$LOOP"
    KIND="loop block device"
fi

export BAITAI_LEDGER="$WORK/ledger.db"
printf 'Bench-Admin-pass1!\n' >"$WORK/p1"
printf 'Bench-Custodian-pass2!\n' >"$WORK/p2"
"$BAITAI" -q init --org Bench --admin Admin --affiliation Bench --passphrase-file "$WORK/p1" --insecure-fast-kdf >/dev/null
"$BAITAI" -q person add Custodian --affiliation Bench --role custodian \
    --new-passphrase-file "$WORK/p2" --as P0001 --passphrase-file "$WORK/p1" >/dev/null
if [ -n "$LOOP" ]; then
    REG=(--device "$TARGET"); WIPE=(--device "$TARGET" --allow-fixed)
else
    REG=(--image "$TARGET"); WIPE=(--image "$TARGET")
fi
M=$("$BAITAI" -q medium register "${REG[@]}" --class C3 --as P0002 --passphrase-file "$WORK/p2" | head -1)

seconds() { python3 -c 'import sys,time; print(time.time())'; }
: >"$WORK/times"
for r in $(seq 1 "$ROUNDS"); do
    t0=$(seconds)
    dd if=/dev/zero of="$TARGET" bs=4M count=$((SIZE_MIB / 4)) oflag=direct conv=notrunc,fsync status=none
    t1=$(seconds)
    dd if="$TARGET" of=/dev/null bs=4M iflag=direct status=none
    t2=$(seconds)
    "$BAITAI" -q --json wipe "$M" "${WIPE[@]}" --method zero --yes --as P0002 --passphrase-file "$WORK/p2" >"$WORK/w.json"
    python3 - "$WORK/w.json" "$t0" "$t1" "$t2" >>"$WORK/times" <<'EOF'
import json, sys
rec = json.load(open(sys.argv[1]))["record"]
p = rec["passes"][0]
t0, t1, t2 = map(float, sys.argv[2:5])
print(t1 - t0, t2 - t1, p["write_ms"] / 1000, p["verify_ms"] / 1000, rec["result"], rec["cache_bypass"])
EOF
done

python3 - "$WORK/times" "$SIZE_MIB" "$KIND" "$ROUNDS" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
mib, kind, rounds = int(sys.argv[2]), sys.argv[3], sys.argv[4]
med = lambda i: statistics.median(float(r[i]) for r in rows)
rate = lambda s: mib / s
dd_w, dd_r, b_w, b_v = med(0), med(1), med(2), med(3)
print(f"wipe benchmark: {mib} MiB on a {kind}, median of {rounds} rounds")
print(f"  results: {sorted(set(r[4] for r in rows))}, cache bypass: {sorted(set(r[5] for r in rows))}")
print(f"{'':24}{'seconds':>10}{'MiB/s':>10}{'ratio':>8}")
print(f"{'dd write (oflag=direct)':24}{dd_w:>10.2f}{rate(dd_w):>10.0f}")
print(f"{'baitai wipe write':24}{b_w:>10.2f}{rate(b_w):>10.0f}{dd_w / b_w:>8.2f}")
print(f"{'dd read (iflag=direct)':24}{dd_r:>10.2f}{rate(dd_r):>10.0f}")
print(f"{'baitai wipe verify':24}{b_v:>10.2f}{rate(b_v):>10.0f}{dd_r / b_v:>8.2f}")
print("ratio = baitai throughput / dd throughput (1.00 = as fast as dd)")
EOF
