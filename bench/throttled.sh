#!/usr/bin/env bash
# put and wipe on a loop device throttled to a USB stick's 30 MB/s, with this machine's own CPU,
# against dd with direct I/O on the same device: see bench/throttled.py.
#   bench/throttled.sh [SIZE_MIB] [ROUNDS]      (defaults: 256 MiB, 3 rounds)
set -euo pipefail
exec python3 "$(dirname "$0")/throttled.py" "$@"
