#!/usr/bin/env bash
# Installs what Sandbank needs to build, run and test, from Debian's packages and
# (for the interoperability tests) npm. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # build
  cmake ninja-build g++ ccache pkg-config
  libssl-dev libsqlite3-dev libpq-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libfmt-dev libspdlog-dev libcli11-dev libtomlplusplus-dev libkainjow-mustache-dev
  libcurl4-openssl-dev libxml2-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # run: the guide's scripts use curl, openssl, xxd and jq
  openssl curl jq xxd sqlite3
)
# `--test`: also what only the tests need (a browser for the customer-app tests, npm tools).
# `--fuzz`: clang with libFuzzer and the sanitizer runtimes (make fuzz).
with_test_tools=0
if [ "${1:-}" = "--test" ]; then
  with_test_tools=1
  # the PostgreSQL store's tests start a throwaway cluster (tests/support/pg_cluster.sh)
  # and the multi-node test runs the walkthrough through examples/haproxy/haproxy.cfg
  packages+=(chromium postgresql haproxy)
fi
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js and npm (for the interoperability tests): the machine's own when present, else
# Debian's.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm test tooling (pinned in tests/interop/package-lock.json), for `make test` only.
if [ "$with_test_tools" = 1 ] && [ -f tests/interop/package.json ]; then
  lock=tests/interop/package-lock.json
  stamp=tests/interop/node_modules/.sandbank-stamp
  if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
    echo "Installing npm test tooling in tests/interop"
    (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
  fi
fi
