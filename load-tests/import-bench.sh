#!/usr/bin/env bash
# Import benchmark: generates N certificates (seeded, under /tmp, never in git) and imports them into a
# fresh SQLite file and a fresh PostgreSQL database, printing the tool's summary line for each.
# Usage: load-tests/import-bench.sh [N=1000000] [sqlite|postgres|both|xlsx=both]
#   xlsx: a workbook of N certificates (generate --format xlsx, text cells) imported into a fresh SQLite file.
# PostgreSQL: the throwaway server of scripts/test-servers.sh (start it first, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
WHICH=${2:-both}
ORGS=${ORGS:-10000}
WORK=${BENCH_DIR:-/tmp/skillverify-bench}
DATA="$WORK/data-$N"
mkdir -p "$WORK"

dotnet build src/SkillVerify.Cli -c Release -v q -nologo >/dev/null
CLI="dotnet src/SkillVerify.Cli/bin/Release/net10.0/skillverify.dll"

if [[ $WHICH == xlsx ]]; then
  DATA="$WORK/xlsx-$N"
  [[ -f "$DATA/certificates.xlsx" ]] || $CLI generate --out "$DATA" --organizations "$ORGS" --certificates "$N" --seed 42 --format xlsx >/dev/null
  [[ -f "$DATA/organizations.csv" ]] || $CLI generate --out "$DATA" --organizations "$ORGS" --certificates 1 --seed 42 >/dev/null
elif [[ ! -f "$DATA/certificates.csv" ]]; then
  $CLI generate --out "$DATA" --organizations "$ORGS" --certificates "$N" --seed 42 >/dev/null
fi
[[ -f "$WORK/hash.key" ]] || head -c 32 /dev/urandom | base64 > "$WORK/hash.key"
export Privacy__HashKey=$(cat "$WORK/hash.key")

run() { # provider connection [certificates file]
  $CLI migrate --provider "$1" --connection "$2" >/dev/null
  for kind in organizations scopes status-events; do
    $CLI import "$kind" "$DATA/$kind.csv" --provider "$1" --connection "$2" >/dev/null
  done
  echo "== $1: $N certificates from ${3:-certificates.csv} (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  # Exit 1 (some rows rejected) still prints the summary; the rejected count is in it.
  /usr/bin/time -f "process cpu: %U s user, %S s system, %e s elapsed" \
    $CLI import certificates "$DATA/${3:-certificates.csv}" --provider "$1" --connection "$2" --batch-size "${BATCH:-50000}" | grep '^summary' || true
}

if [[ $WHICH == xlsx ]]; then
  DB="$WORK/import-xlsx-$N.db"
  rm -f "$DB" "$DB-wal" "$DB-shm"
  run sqlite "Data Source=$DB" certificates.xlsx
  exit 0
fi

if [[ $WHICH == sqlite || $WHICH == both ]]; then
  DB="$WORK/import-$N.db"
  rm -f "$DB" "$DB-wal" "$DB-shm"
  run sqlite "Data Source=$DB"
fi
if [[ $WHICH == postgres || $WHICH == both ]]; then
  PG=${SKILLVERIFY_TEST_POSTGRES:-Host=127.0.0.1;Port=5439;Username=postgres;Database=postgres}
  NAME="bench_$N"
  psql_cmd() { "${SKILLVERIFY_TEST_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}/psql" -h 127.0.0.1 -p 5439 -U postgres -qAt -c "$1" postgres; }
  psql_cmd "DROP DATABASE IF EXISTS $NAME" >/dev/null
  psql_cmd "CREATE DATABASE $NAME" >/dev/null
  run postgres "${PG/Database=postgres/Database=$NAME}"
fi
