#!/bin/bash
# Runs a test script against a fresh Sandbank: `sandbank serve` on free ports of 127.0.0.1 in a
# temporary data directory, then SCRIPT with the environment
#   SANDBANK_HOST   API listener URL (mutual TLS)
#   SANDBANK_WEB    customer web listener URL
#   SANDBANK_CERTS  the sandbox's certificate directory (ca.cer, example_client_*.cer/.key)
#   SANDBANK_DATA   the data directory (for `sandbank tpp --data`)
#   SANDBANK_BINARY the sandbank binary
# and stops the server (SIGTERM, by its pid) when the script ends. Exits with the script's status.
#
# usage: with_sandbank.sh SANDBANK_BINARY SCRIPT [ARGS...]
set -uo pipefail

if [ $# -lt 2 ]; then
  echo "usage: with_sandbank.sh SANDBANK_BINARY SCRIPT [ARGS...]" >&2
  exit 2
fi
binary="$(realpath "$1")"
script="$2"
shift 2

tmp="$(mktemp -d "${TMPDIR:-/tmp}/sandbank-interop-XXXXXX")"
ready="$tmp/ready.json"
server_pid=""

cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$binary" serve --data "$tmp/data" --api-listen 127.0.0.1:0 --web-listen 127.0.0.1:0 \
  --ready-file "$ready" --threads 2 >"$tmp/server.log" 2>&1 &
server_pid=$!

# The ready file appears once both listeners accept; read it once it parses as a whole.
api="" web=""
for _ in $(seq 1 300); do
  if [ -s "$ready" ]; then
    api="$(jq -er '.api' "$ready" 2>/dev/null)" && web="$(jq -er '.web' "$ready" 2>/dev/null)" && break
    api="" web=""
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ -z "$api" ] || [ -z "$web" ]; then
  echo "Bail out! sandbank did not start:" >&2
  cat "$tmp/server.log" >&2
  exit 1
fi
case "$api$web" in
  https://127.0.0.1:*https://127.0.0.1:*) ;;
  *) echo "Bail out! sandbank listens elsewhere than 127.0.0.1: $api $web" >&2; exit 1 ;;
esac

SANDBANK_HOST="$api" SANDBANK_WEB="$web" SANDBANK_CERTS="$tmp/data/certs" \
  SANDBANK_DATA="$tmp/data" SANDBANK_BINARY="$binary" bash "$script" "$@"
status=$?
if [ "$status" -ne 0 ]; then
  echo "# server log (last 40 lines):" >&2
  tail -n 40 "$tmp/server.log" | sed 's/^/#   /' >&2
fi
exit "$status"
