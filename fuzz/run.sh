#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS, starting from its seed corpus (fuzz/corpus/<name>,
# kept in the repository) and its dictionary (fuzz/dict/<name>.dict) when there is one. New
# inputs go to a scratch corpus, not into the repository. A crash, a leak, a timeout (5 s per
# input) or more than 2 GB of memory fails the run; the reproducer is kept in WORK/artifacts.
#
# usage: fuzz/run.sh FUZZ_BIN_DIR SECONDS [TARGET...]
set -uo pipefail
bin="$1"
seconds="${2:-60}"
shift 2 || true
here="$(cd "$(dirname "$0")" && pwd)"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$bin"/fuzz_*; do targets+=("$(basename "$f" | sed 's/^fuzz_//')"); done
fi
work="${FUZZ_WORK:-$bin/work}"
mkdir -p "$work/artifacts"
passed=0 failed=0
for t in "${targets[@]}"; do
  seeds="$here/corpus/$t"
  scratch="$work/corpus-$t"
  mkdir -p "$scratch"
  args=(-max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$work/artifacts/$t-")
  [ -f "$here/dict/$t.dict" ] && args+=(-dict="$here/dict/$t.dict")
  echo "== fuzz_$t for ${seconds}s"
  if "$bin/fuzz_$t" "${args[@]}" "$scratch" "$seeds" >"$work/$t.log" 2>&1; then
    grep -E "stat::number_of_executed_units|cov:" "$work/$t.log" | tail -2
    passed=$((passed + 1))
  else
    echo "FAILED: fuzz_$t (log: $work/$t.log)"
    tail -40 "$work/$t.log"
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
