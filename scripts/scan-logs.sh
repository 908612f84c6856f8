#!/usr/bin/env bash
# Scans what the test hosts logged (files under $1, written by tests/SkillVerify.IntegrationTests/Infrastructure/TestLogs.cs)
# for personal data: the demo holder names, ID numbers (src/SkillVerify.Data/Demo/DemoData.cs), any resident ID number
# and any full 22-character certificate code. Prints where (file:line and which rule), never the match itself.
# Exit 0 when clean, 1 when something leaked or nothing was logged at all.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: scripts/scan-logs.sh LOG_DIR}
demo=src/SkillVerify.Data/Demo/DemoData.cs

shopt -s nullglob
files=("$dir"/*.log)
lines=0
((${#files[@]})) && lines=$(cat "${files[@]}" | wc -l)
if ((lines == 0)); then
  echo "log scan: nothing was logged under $dir: the scan would prove nothing" >&2
  exit 1
fi

# Demo holder names: the second string of each DemoCase line, and the holder argument of each Cert(...) line.
mapfile -t names < <(grep -oP '^\s*new\("[0-9A-Z]{22}", "\K[^"]+' "$demo"; grep -oP 'Cert\("[0-9A-Z]{22}",[^"]*"[^"]*", "[^"]*", "\K[^"]+' "$demo")
mapfile -t ids < <(grep -oP '"\K[0-9]{17}[0-9X](?=")' "$demo")
if ((${#names[@]} == 0)); then
  echo "log scan: found no demo holder names in $demo (has its layout changed?)" >&2
  exit 1
fi

found=0
report() { # rule, grep options and pattern
  local rule=$1; shift
  local hits
  # -a: a log with a stray NUL byte is still text to scan; without it grep only says "binary file matches" on stderr.
  hits=$(grep -a -n -H "$@" "${files[@]}" | cut -d: -f1,2 | head -n 5 || true)
  if [[ -n "$hits" ]]; then
    found=1
    echo "log scan: $rule found at: $(echo "$hits" | tr '\n' ' ')" >&2
  fi
}
for name in $(printf '%s\n' "${names[@]}" | sort -u); do
  report "a demo holder name" -F -e "$name"
done
for id in $(printf '%s\n' "${ids[@]}" | sort -u); do
  report "a demo ID number" -F -e "$id"
done
report "a resident ID number" -P -e '(?<![0-9])[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z])'
report "a full certificate code" -P -i -e '(?<![0-9A-Z])[YS][0-9]{6}[0-9A-Z]{6}[0-9]{2}[X54321TS][0-9]{6}(?![0-9])'

if ((found)); then
  echo "log scan: personal data or full certificate codes in $lines logged lines under $dir" >&2
  exit 1
fi
echo "log scan: $lines logged lines, no holder name (${#names[@]} demo names), no ID number, no full certificate code"
