#!/usr/bin/env bash
# put and wipe on a USB stick in a qemu guest (TCG), throttled to 30 MB/s, against dd with
# direct I/O on the same stick: see bench/usb_vm.py.
#   bench/usb_vm.sh [SIZE_MIB] [ROUNDS]      (defaults: 256 MiB, 3 rounds)
set -euo pipefail
exec python3 "$(dirname "$0")/usb_vm.py" "$@"
