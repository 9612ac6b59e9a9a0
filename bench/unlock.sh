#!/usr/bin/env bash
# The passphrase wait: a 4 MiB put with the standard KDF beside age and gpg; see bench/unlock.py.
#   bench/unlock.sh [SIZE_MIB] [ROUNDS]
exec python3 "$(dirname "$0")/unlock.py" "$@"
