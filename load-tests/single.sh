#!/usr/bin/env bash
# One instance, one scenario against the baseline, for before/after comparisons of a change (the figures in the
# "Optimizations" table that do not come from run.sh). Needs the data, keys and published API that
# load-tests/run.sh prepared under $LOAD_DIR (run it once first).
#   load-tests/single.sh SCENARIO_LUA CODES_FILE [ROUNDS=2] [KEY=VALUE ...]
#   e.g. load-tests/single.sh verify.lua /tmp/skillverify-load/codes-1000000-hot.csv 3 Cache__MaxLocalEntries=100
# API_DIR=folder runs another published build (an A/B of code rather than of a setting; default $LOAD_DIR/api).
# Prints req/s, p50/p99 and the instance's CPU µs per request for the baseline and the scenario in turn, 8 s each.
set -euo pipefail
cd "$(dirname "$0")/.."
LUA=$1; CODES=$2; ROUNDS=${3:-2}; shift $(( $# < 3 ? $# : 3 ))
LOAD_DIR=${LOAD_DIR:-/tmp/skillverify-load}
PORT=${PORT:-5390}
API_DIR=${API_DIR:-$LOAD_DIR/api}
N=${N:-1000000}
eval "$(bash scripts/test-servers.sh env)"
mkdir -p "$LOAD_DIR/instances/single"
env ASPNETCORE_URLS=http://127.0.0.1:$PORT ASPNETCORE_ENVIRONMENT=Production \
  Database__Provider=sqlite ConnectionStrings__SkillVerify="Data Source=$LOAD_DIR/load-$N.db" \
  ConnectionStrings__Redis="$SKILLVERIFY_TEST_REDIS" Cache__KeyPrefix="single-$$" RateLimiting__Enabled=false \
  Privacy__HashKey="$(cat "$LOAD_DIR/hash.key")" Qr__PublicBaseUrl=http://127.0.0.1:$PORT \
  Qr__TokenKeys__0__Id=load Qr__TokenKeys__0__Key="$(cat "$LOAD_DIR/qr.key")" "$@" \
  bash -c "cd '$LOAD_DIR/instances/single' && exec dotnet '$API_DIR/SkillVerify.Api.dll'" >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/ready" && break; sleep 0.2; done
export LUA_DIR=$PWD/load-tests/lua WRK_THREADS=2 CODES
ticks() { awk '{print $14+$15}' "/proc/$PID/stat"; }
wrk -t2 -c64 -d10s -s "load-tests/lua/$LUA" "http://127.0.0.1:$PORT" >/dev/null   # warm-up (JIT, caches)
for round in $(seq "$ROUNDS"); do
  for script in live.lua "$LUA"; do
    before=$(ticks)
    out=$(flock -o /tmp/skillverify-bench.lock wrk -t2 -c64 -d8s -s "load-tests/lua/$script" "http://127.0.0.1:$PORT" | grep '^WRKJSON ')
    after=$(ticks)
    python3 - "$out" "$script" "$before" "$after" "$round" <<'PY'
import json, os, sys
d = json.loads(sys.argv[1][8:]); n = d["requests"]; hz = os.sysconf("SC_CLK_TCK")
print(f"round {sys.argv[5]} {sys.argv[2]:16s} {n / (d['duration_us'] / 1e6):9.0f} req/s  p50 {d['p50_us'] / 1000:.2f} ms  "
      f"p99 {d['p99_us'] / 1000:.2f} ms  cpu {(int(sys.argv[4]) - int(sys.argv[3])) * 1e6 / hz / n:.1f} us/req")
PY
  done
done
echo "instance $(grep VmHWM "/proc/$PID/status")  load $(cut -d' ' -f1-3 /proc/loadavg)"
