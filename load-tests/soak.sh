#!/usr/bin/env bash
# Bounded soak: one instance (SQLite + Redis, 1,000,000 certificates) under wrk for 10 minutes (or --minutes M),
# cycling through hot verification, a not-found flood, the mobile page, cold codes beyond L1 (evictions),
# organizations and decode in 20-second chunks, reporting errors and RSS after every chunk.
#   load-tests/soak.sh [--minutes 10 | --seconds S]
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=10
while (($#)); do
  case "$1" in
    --minutes) MINUTES=$2; shift ;;
    --seconds) SECONDS_=$2; shift ;;
    *) echo "usage: load-tests/soak.sh [--minutes M | --seconds S]" >&2; exit 2 ;;
  esac
  shift
done
exec load-tests/run.sh --soak "${SECONDS_:-$((MINUTES * 60))}"
