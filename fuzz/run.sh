#!/usr/bin/env bash
# Fuzzes a parser with afl++ for a bounded time (not part of CI; run by hand):
#   fuzz/run.sh [SECONDS=300] [TARGET=decoder]
# Targets are the harnesses in fuzz/SkillVerify.Fuzz/Program.cs; seeds are in fuzz/corpus/TARGET/.
# To add one: a harness method, a line in its Targets table, a corpus folder, and its assembly in
# INSTRUMENT below. Findings land in fuzz/findings/TARGET/; every crash there becomes a unit test
# (replay one with: dotnet out/fuzz/SkillVerify.Fuzz.dll TARGET --once FILE).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-300}
target=${2:-decoder}
declare -A INSTRUMENT=(
  [decoder]=SkillVerify.Domain.dll
)
[[ -n "${INSTRUMENT[$target]:-}" ]] || { echo "unknown target '$target' (known: ${!INSTRUMENT[*]})" >&2; exit 2; }
[[ -d "fuzz/corpus/$target" ]] || { echo "no seed corpus fuzz/corpus/$target" >&2; exit 2; }

# Debian's afl++ and the SharpFuzz instrumenter (a dotnet tool, kept under fuzz/.tools).
if ! command -v afl-fuzz >/dev/null; then
  echo "fuzz: installing afl++ (Debian package)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends afl++ >/dev/null
fi
tools=fuzz/.tools
if [[ ! -x "$tools/sharpfuzz" ]]; then
  dotnet tool install SharpFuzz.CommandLine --tool-path "$tools" >/dev/null
fi

out=out/fuzz
rm -rf "$out"
dotnet publish fuzz/SkillVerify.Fuzz/SkillVerify.Fuzz.csproj -c Release -o "$out" -p:UseAppHost=false >/dev/null
"$tools/sharpfuzz" "$out/${INSTRUMENT[$target]}"

findings=fuzz/findings/$target
mkdir -p "$findings"
# A previous run's queue is resumed rather than restarted.
input=fuzz/corpus/$target
[[ -d "$findings/default/queue" ]] && input=-

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_SKIP_BIN_CHECK=1
# -t: .NET starts slowly; -m none: the runtime reserves more address space than afl's default limit.
set +e
timeout --signal=INT --kill-after=30 "$seconds" \
  afl-fuzz -V "$seconds" -i "$input" -o "$findings" -t 10000 -m none -- dotnet "$out/SkillVerify.Fuzz.dll" "$target" \
  >"$findings/afl.log" 2>&1
rc=$?
set -e

stats="$findings/default/fuzzer_stats"
if [[ -f "$stats" ]]; then
  grep -E "^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|unique_crashes|unique_hangs) " "$stats" || true
else
  echo "afl-fuzz did not start (exit $rc); see $findings/afl.log" >&2
  tail -n 20 "$findings/afl.log" >&2
  exit 1
fi
crashes=$(find "$findings/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
echo "fuzz: $target for ${seconds}s: $crashes crash(es) in $findings/default/crashes"
for f in $(find "$findings/default/crashes" -type f -name 'id:*' 2>/dev/null); do
  echo "--- $f"
  dotnet "$out/SkillVerify.Fuzz.dll" "$target" --once "$f" 2>&1 | head -n 5 || true
done
((crashes == 0))
