#!/usr/bin/env bash
# Starts (or stops) the throwaway servers the integration tests talk to, on loopback only:
#   Redis      127.0.0.1:${SKILLVERIFY_TEST_REDIS_PORT:-6390}
#   PostgreSQL 127.0.0.1:${SKILLVERIFY_TEST_PG_PORT:-5439}  (user postgres, trust auth, a fresh cluster)
# The failover tests start servers of their own from the same binaries, on free loopback ports and in folders under
# /tmp, and stop them when done: a PostgreSQL primary with a pg_basebackup streaming standby (tests/…/Replicas), and a
# Redis primary, a replica and three redis-sentinel processes (tests/…/Caching/SentinelFailoverTests.cs).
# Installs the Debian packages it needs when they are missing (run as root).
# Usage: scripts/test-servers.sh start|stop|running|env
set -euo pipefail

REDIS_PORT=${SKILLVERIFY_TEST_REDIS_PORT:-6390}
PG_PORT=${SKILLVERIFY_TEST_PG_PORT:-5439}
STATE=${SKILLVERIFY_TEST_STATE:-/tmp/skillverify-test-servers}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)

install_packages() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  # redis-sentinel: Debian ships it apart, pinned to the redis-tools it depends on (the same source package).
  if ! command -v redis-sentinel >/dev/null; then
    local tools
    tools=$(dpkg-query -W -f='${Version}' redis-tools 2>/dev/null || true)
    missing+=("redis-sentinel${tools:+=$tools}")
  fi
  [[ -n "$PG_BIN" && -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_basebackup" ]] || missing+=(postgresql)
  command -v zbarimg >/dev/null || missing+=(zbar-tools)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v npm >/dev/null || missing+=(nodejs npm)
  # Not grep -q: it stops at the first match, fc-list then dies of SIGPIPE and pipefail calls the font missing.
  fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk)
  # The PDF report's fonts (TrueType, which PDFsharp embeds) and the tools that read the PDF back in the page tests.
  [[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ]] || missing+=(fonts-droid-fallback)
  [[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  if ((${#missing[@]})); then
    echo "test-servers: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
}

start() {
  install_packages
  mkdir -p "$STATE"
  # Redis: no persistence, loopback only.
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --pidfile "$STATE/redis.pid" --logfile "$STATE/redis.log" --dir "$STATE"
  fi
  # PostgreSQL: a throwaway cluster owned by the postgres user (initdb refuses root).
  if ! "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$STATE" postgres
    rm -rf "$STATE/pg"
    mkdir -p "$STATE/pg"
    chown -R postgres "$STATE/pg"
    chmod 755 "$STATE"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$STATE/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$STATE/pg/data" -l "$STATE/pg/log" -w \
      -o "-h 127.0.0.1 -p $PG_PORT -k $STATE/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  fi
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1 && break
    sleep 0.2
  done
  redis-cli -p "$REDIS_PORT" ping >/dev/null
  "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" >/dev/null
  echo "test-servers: Redis on 127.0.0.1:$REDIS_PORT, PostgreSQL on 127.0.0.1:$PG_PORT" >&2
}

stop() {
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  if [[ -n "$PG_BIN" && -d "$STATE/pg/data" ]]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$STATE/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
}

env_lines() {
  echo "export SKILLVERIFY_TEST_REDIS=127.0.0.1:$REDIS_PORT"
  echo "export SKILLVERIFY_TEST_POSTGRES='Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Pooling=true'"
  echo "export SKILLVERIFY_TEST_PG_BIN=$PG_BIN"
  echo "export SKILLVERIFY_TEST_STATE=$STATE"
}

running() {
  command -v redis-cli >/dev/null && redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 &&
    [[ -n "$PG_BIN" ]] && "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1
}

case "${1:-}" in
  start) start ;;
  running) running ;;
  stop) stop ;;
  env) env_lines ;;
  *) echo "usage: $0 start|stop|running|env" >&2; exit 2 ;;
esac
