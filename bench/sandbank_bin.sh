# Sourced by the bench scripts: sets $bin to the Sandbank binary to measure, SANDBANK_BIN or
# build-bench/sandbank (a Release build, made when missing; JOBS parallel jobs, default 2).
bin="${SANDBANK_BIN:-build-bench/sandbank}"
if [ ! -x "$bin" ]; then
  cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build-bench -j "${JOBS:-2}" --target sandbank
  bin=build-bench/sandbank
fi
