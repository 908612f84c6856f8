#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs and starts the real servers the tests need
# (Redis, PostgreSQL, zbarimg, Chromium — Debian packages, as root), runs every test, stops the servers.
set -euo pipefail
cd "$(dirname "$0")/.."

# Servers this run starts are stopped when it ends; servers already running (a developer's) are left alone.
if scripts/test-servers.sh running; then
  scripts/test-servers.sh start
else
  scripts/test-servers.sh start
  trap 'scripts/test-servers.sh stop' EXIT
fi
eval "$(scripts/test-servers.sh env)"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The Dockerfile's publish command must keep working (no Docker engine here to build the image).
# Publish first: it rebuilds bin/Release without the apphost, which the build below restores (README's first command needs it).
scripts/publish.sh "$(mktemp -d)/api" >/dev/null
dotnet build SkillVerify.sln -c Release -warnaserror 2>&1 | tail -n 3
# The code's layout as .editorconfig states it: a change that `dotnet format` would rewrite fails the run.
dotnet format SkillVerify.sln --verify-no-changes --no-restore ||
  { echo "dotnet format found code not formatted as .editorconfig says: run 'dotnet format SkillVerify.sln' and commit." >&2; exit 1; }
# The independent SD-JWT VC verifier (npm @sd-jwt/sd-jwt-vc 0.19.0 + jose), exactly as package-lock.json pins it.
(cd tests/credentials-js && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
# Kiota (pinned in .config/dotnet-tools.json): GeneratedClientTests regenerates the committed client from the served document.
dotnet tool restore >/dev/null
# The OpenAPI document the service serves, linted by Redocly and Spectral (npm packages pinned in tests/openapi/package-lock.json).
tests/openapi/lint.sh src/SkillVerify.Api/bin/Release/net10.0/SkillVerify.Api.dll
log=$(mktemp /tmp/skillverify-test.XXXXXX.log)
# Every test host also writes what it logs into this folder; it is scanned for personal data after the suite.
SKILLVERIFY_TEST_LOG_DIR=$(mktemp -d /tmp/skillverify-test-logs.XXXXXX)
export SKILLVERIFY_TEST_LOG_DIR
set +e
dotnet test SkillVerify.sln -c Release --no-build --logger "console;verbosity=normal" >"$log" 2>&1
rc=$?
set -e
# The per-test lines and each project's summary; the whole log stays in $log.
grep -E "^\s+(Passed|Failed|Skipped) |^\s+(Error Message|Stack Trace):|Assert|Total tests|Passed!|Failed!|Test Run|error" "$log" | grep -v "^\s*Passed " || true
count() { awk -v what="$1" '$1 == what":" && $2 ~ /^[0-9]+$/ {s += $2} END {print s + 0}' "$log"; }
passed=$(count Passed)
failed=$(count Failed)
skipped=$(count Skipped)
echo "Full log: $log"
# After the whole suite: no holder name, ID number or full certificate code in anything the service logged.
leaked=0
scripts/scan-logs.sh "$SKILLVERIFY_TEST_LOG_DIR" || leaked=1
echo "$passed passed, $failed failed, $skipped skipped"
if ((rc != 0 || failed != 0 || skipped != 0 || passed == 0)); then
  echo "The test suite did not pass (exit code $rc)." >&2
  exit 1
fi
if ((leaked)); then
  echo "The service logged personal data or full certificate codes (see the log scan above)." >&2
  exit 1
fi
