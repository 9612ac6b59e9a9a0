#!/usr/bin/env bash
# put/get throughput against cp, age and gpg: see bench/vault.py.
#   bench/vault.sh [SIZE_MIB] [ROUNDS]
exec python3 "$(dirname "$0")/vault.py" "$@"
