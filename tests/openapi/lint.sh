#!/usr/bin/env bash
# Lints the OpenAPI document the service actually serves: Redocly CLI (recommended rules) and Spectral
# (spectral:oas), the versions pinned in package-lock.json. Prints the figures; fails on any error or warning.
# Usage: tests/openapi/lint.sh path/to/SkillVerify.Api.dll
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
api_dll="$(realpath "$1")"
cd "$here"
if ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null; then
  echo "OpenAPI lint needs Node.js 20 or later (node and npm on PATH); Redocly CLI 2 does not run on older ones." >&2
  exit 1
fi
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1
npm ci --no-audit --no-fund --loglevel=error >/dev/null

# The service on its embedded demo default, on a free loopback port, just long enough to fetch the document.
work=$(mktemp -d)
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
Demo__Enabled=true Database__DataDirectory="$work/data" dotnet "$api_dll" --urls "http://127.0.0.1:$port" >"$work/service.log" 2>&1 &
service=$!
trap 'kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/openapi/v1.json" -o "$work/openapi.json" || {
  echo "OpenAPI lint: the service did not serve /openapi/v1.json (its log: $work/service.log)." >&2
  cat "$work/service.log" >&2
  exit 1
}

npx redocly lint "$work/openapi.json" --config redocly.yaml --format=json >"$work/redocly.json" 2>"$work/redocly.err" || true
npx spectral lint --ruleset .spectral.yaml --format json --quiet "$work/openapi.json" >"$work/spectral.json" 2>"$work/spectral.err" || true
node - "$work/redocly.json" "$work/spectral.json" <<'JS'
const fs = require("fs");
const [redoclyFile, spectralFile] = process.argv.slice(2);
const read = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return null; } };
const redocly = read(redoclyFile), spectral = read(spectralFile);
if (!redocly || !redocly.totals || !Array.isArray(spectral)) {
  console.error("OpenAPI lint: a linter did not produce its report (see redocly.err / spectral.err beside the document).");
  process.exit(1);
}
const r = redocly.totals;
const se = spectral.filter((p) => p.severity === 0).length, sw = spectral.filter((p) => p.severity === 1).length;
console.log(`OpenAPI lint of the served /openapi/v1.json: redocly ${require("@redocly/cli/package.json").version} (recommended) ${r.errors} errors, ${r.warnings} warnings; ` +
  `spectral ${require("@stoplight/spectral-cli/package.json").version} (spectral:oas) ${se} errors, ${sw} warnings`);
for (const p of redocly.problems || []) console.log(`  redocly ${p.severity} ${p.ruleId}: ${p.message} ${(p.location || []).map((l) => l.pointer).join(" ")}`);
for (const p of spectral) console.log(`  spectral ${p.code}: ${p.message} ${(p.path || []).join(".")}`);
process.exit(r.errors + r.warnings + se + sw === 0 ? 0 : 1);
JS
