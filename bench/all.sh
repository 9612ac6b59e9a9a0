#!/usr/bin/env bash
# Every benchmark in one go, each comparing baitai with its peers on the same data in the same
# run, printing medians and ratios (docs/performance.md explains each figure):
#
#   bench/all.sh            # about 20 minutes on a 2-core machine (as root, 15 more: the USB VM and a throttled device)
#   BENCH_SIZE_MIB=1024 BENCH_ROUNDS=5 BAITAI_BENCH_ENTRIES=1000000 bench/all.sh
#
# Missing peers (age, gpg, openssl) are installed with apt-get when running as root, otherwise
# skipped with a message. Nothing here asserts a time: it reports.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZE=${BENCH_SIZE_MIB:-1024}
ROUNDS=${BENCH_ROUNDS:-5}
cd "$ROOT"

if ! command -v openssl >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq openssl >/dev/null || true
fi

echo "== AEAD, hash and key derivation (per core)"
cargo bench --quiet --bench cipher 2>/dev/null | grep -v '^$'

echo; echo "== the passphrase wait: a 4 MiB put with the standard KDF"
bench/unlock.sh 4 "$ROUNDS"

echo; echo "== put / get against cp, age and gpg"
bench/vault.sh "$SIZE" "$ROUNDS"

echo; echo "== wipe against dd with direct I/O"
bench/wipe.sh "$SIZE" "$ROUNDS"
if [ "$(id -u)" = 0 ]; then
    echo; BENCH_TARGET=image bench/wipe.sh "$SIZE" "$ROUNDS"
    # One qemu guest (TCG) with a stick throttled to 30 MB/s: about 8 minutes on 2 cores.
    echo; echo "== put and wipe on a USB stick in a VM, against dd with direct I/O"
    bench/usb_vm.sh 256 3
    # The same on a loop device throttled to 30 MB/s with this machine's CPU: about 6 minutes.
    echo; echo "== put and wipe on a throttled block device (host CPU), against dd with direct I/O"
    bench/throttled.sh 256 3
fi

echo; echo "== ledger at scale (${BAITAI_BENCH_ENTRIES:-100000} entries)"
cargo bench --quiet --bench ledger_verify 2>/dev/null | grep -v '^$'
