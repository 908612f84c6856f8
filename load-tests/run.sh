#!/usr/bin/env bash
# The load-test runner: one command from nothing to a results table.
#   load-tests/run.sh [--10m] [--duration SECONDS=10] [--rounds N=3] [--only a,b,...] [--label TEXT] [--soak SECONDS] [--profile]
# Provisions Redis and PostgreSQL (scripts/test-servers.sh, loopback), generates a seeded dataset with the
# CLI (1,000,000 certificates, 10,000,000 with --10m; cached under $LOAD_DIR so reruns skip it), imports it
# into a SQLite file and a PostgreSQL database (once), publishes the API in Release and runs the scenarios
# with wrk (2 threads, 64 connections, every run bounded by -d) in interleaved rounds (load-tests/runner.py).
# Results: load-tests/results/<UTC time>.json (gitignored) and a table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

export RUN_COMMAND="load-tests/run.sh${*:+ $*}"
N=1000000
export DURATION=10 ROUNDS=3 ONLY="" LABEL=""
while (($#)); do
  case "$1" in
    --10m) N=10000000 ;;
    --duration) DURATION=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --label) LABEL=$2; shift ;;
    --soak) export SOAK=$2; shift ;;  # seconds; load-tests/soak.sh
    --profile) export PROFILE=1 ;;    # perf on the service in the last round: where each scenario's CPU goes (profile.py)
    *) echo "usage: load-tests/run.sh [--10m] [--duration S] [--rounds N] [--only a,b] [--label TEXT] [--soak SECONDS] [--profile]" >&2; exit 2 ;;
  esac
  shift
done
export N
export LOAD_DIR=${LOAD_DIR:-/tmp/skillverify-load}
mkdir -p "$LOAD_DIR" "$LOAD_DIR/profiles" "$ROOT/load-tests/results"

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
if [[ ${PROFILE:-} == 1 ]] && ! command -v perf >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null
fi
bash scripts/test-servers.sh running || bash scripts/test-servers.sh start
eval "$(bash scripts/test-servers.sh env)"
export REDIS=$SKILLVERIFY_TEST_REDIS PG_BIN=$SKILLVERIFY_TEST_PG_BIN

echo "== build (Release)" >&2
dotnet build src/SkillVerify.Cli -c Release -v q -nologo >/dev/null
# Into an emptied folder: publishing over another commit's output can leave that commit's newer DLLs in place.
rm -rf "$LOAD_DIR/api"
bash scripts/publish.sh "$LOAD_DIR/api" >/dev/null
CLI="dotnet src/SkillVerify.Cli/bin/Release/net10.0/skillverify.dll"

DATA="$LOAD_DIR/data-$N"
if [[ ! -f "$DATA/.done" ]]; then
  echo "== generate $N certificates" >&2
  $CLI generate --out "$DATA" --organizations $((N / 100)) --certificates "$N" --seed 42 >/dev/null 2>&1
  touch "$DATA/.done"
fi
[[ -f "$LOAD_DIR/hash.key" ]] || head -c 32 /dev/urandom | base64 > "$LOAD_DIR/hash.key"
[[ -f "$LOAD_DIR/qr.key" ]] || head -c 32 /dev/urandom | base64 > "$LOAD_DIR/qr.key"
export Privacy__HashKey=$(cat "$LOAD_DIR/hash.key")

import_all() { # provider connection
  $CLI migrate --provider "$1" --connection "$2" >/dev/null
  for kind in organizations scopes status-events; do
    $CLI import "$kind" "$DATA/$kind.csv" --provider "$1" --connection "$2" >/dev/null
  done
  $CLI import certificates "$DATA/certificates.csv" --provider "$1" --connection "$2" --batch-size 50000 | grep '^summary' >&2
}

export SQLITE_DB="$LOAD_DIR/load-$N.db"
if [[ ! -f "$SQLITE_DB.done" ]]; then
  echo "== import into SQLite" >&2
  rm -f "$SQLITE_DB" "$SQLITE_DB-wal" "$SQLITE_DB-shm"
  import_all sqlite "Data Source=$SQLITE_DB"
  touch "$SQLITE_DB.done"
fi
PGDB="skillverify_load_$N"
export PG_CONN="Host=127.0.0.1;Port=${SKILLVERIFY_TEST_PG_PORT:-5439};Username=postgres;Database=$PGDB;Maximum Pool Size=64"
psql_cmd() { "$PG_BIN/psql" -h 127.0.0.1 -p "${SKILLVERIFY_TEST_PG_PORT:-5439}" -U postgres -qAt -c "$1" "${2:-postgres}"; }
# The throwaway cluster may have been recreated since the last run: trust the database, not a marker file.
if [[ -n $ONLY && ,$ONLY, != *,cold_postgres,* ]]; then
  echo "== PostgreSQL not needed by --only $ONLY" >&2
elif [[ $(psql_cmd "SELECT count(*) FROM certificates" "$PGDB" 2>/dev/null || echo 0) != "$N" ]]; then
  echo "== import into PostgreSQL" >&2
  psql_cmd "DROP DATABASE IF EXISTS $PGDB" >/dev/null
  psql_cmd "CREATE DATABASE $PGDB" >/dev/null
  import_all postgres "$PG_CONN"
  psql_cmd "VACUUM ANALYZE" "$PGDB" >/dev/null
fi

# A partner key allowed to batch, with a quota no load run reaches (a batch of N counts N).
export PARTNER_KEY=$($CLI keys create --provider sqlite --connection "Data Source=$SQLITE_DB" --name "load test $(date -u +%FT%TZ)" \
  --provinces '*' --batch --quota 1000000 | tail -n 1)
export QR_KEY=$(cat "$LOAD_DIR/qr.key")
export COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo "+dirty")
# "Cold" means not in the service's caches, not "on a disk nobody read since yesterday": the database file is read
# once into the OS page cache, as a database server's buffer pool would be warm (the 10M file is 2.9 GB; 24 GB RAM).
cat "$SQLITE_DB" > /dev/null
exec python3 load-tests/runner.py
