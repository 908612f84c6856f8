#!/usr/bin/env bash
# Point-lookup benchmark: builds a SQLite database of N generated certificates (once, under /tmp) with the
# import tool, then runs single-threaded lookups by code through the store (DapperStore.FindCertificateAsync,
# the API's cache-miss path). Usage: load-tests/lookup-bench.sh [N=10000000] [LOOKUPS=500000]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000000}
LOOKUPS=${2:-500000}
WORK=${BENCH_DIR:-/tmp/skillverify-bench}
DATA="$WORK/data-$N"
DB="$WORK/lookup-$N.db"
mkdir -p "$WORK"

dotnet build src/SkillVerify.Cli -c Release -v q -nologo >/dev/null
CLI="dotnet src/SkillVerify.Cli/bin/Release/net10.0/skillverify.dll"
[[ -f "$WORK/hash.key" ]] || head -c 32 /dev/urandom | base64 > "$WORK/hash.key"
export Privacy__HashKey=$(cat "$WORK/hash.key")
CONN="Data Source=$DB"

if [[ ! -f "$DB" ]]; then
  [[ -f "$DATA/certificates.csv" ]] || $CLI generate --out "$DATA" --organizations 10000 --certificates "$N" --seed 42 >/dev/null
  $CLI migrate --provider sqlite --connection "$CONN" >/dev/null
  for kind in organizations scopes status-events; do
    $CLI import "$kind" "$DATA/$kind.csv" --provider sqlite --connection "$CONN" >/dev/null
  done
  $CLI import certificates "$DATA/certificates.csv" --provider sqlite --connection "$CONN" --batch-size 50000 | grep '^summary'
fi
ls -l "$DB"
# Read the file into the OS page cache first, as a database serving traffic has it: this VM's proactive reclaim
# (kdamond) drops file pages within about a minute of disuse, and a lookup then waits on the virtual disk
# (8,344 lookups/s measured that way, against 72,000+ warm).
cat "$DB" > /dev/null
$CLI bench-lookups --provider sqlite --connection "$CONN" --count "$LOOKUPS"
