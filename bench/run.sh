#!/usr/bin/env bash
# Builds the benchmarks (bench/*_bench.cpp) in Release and runs them, then prints
# `openssl speed rsa2048` from the same machine so the signing figures can be compared with one
# raw RSA operation, and finally the AIS load test (bench/ais_load.sh) when ab and nginx are
# installed.
#   bench/run.sh [extra google-benchmark flags, e.g. --benchmark_filter=Jws]
#   BENCH_BUILD (default build-bench), BENCH_MIN_TIME (seconds, default 1), JOBS (default 2),
#   REQUESTS (ais_load.sh, default 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BENCH_BUILD:-build-bench}"
benches=()
for src in bench/*_bench.cpp; do benches+=("$(basename "$src" .cpp)"); done
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSANDBANK_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target "${benches[@]}" sandbank
for b in "${benches[@]}"; do
  echo
  echo "== $b =="
  "$build/bench/$b" --benchmark_min_time="${BENCH_MIN_TIME:-1}" "$@"
done
echo
echo "== openssl speed -seconds 3 rsa2048 =="
openssl version
openssl speed -seconds 3 rsa2048 2>/dev/null | tail -n 3
echo
echo "== bench/ais_load.sh =="
if command -v ab >/dev/null && command -v nginx >/dev/null; then
  SANDBANK_BIN="$build/sandbank" bench/ais_load.sh
else
  echo "skipped: needs ab and nginx (apt-get install apache2-utils nginx-light)"
fi
