#!/usr/bin/env bash
# The store under load (docs/performance.md "SQLite and PostgreSQL"): the signed AIS read
# (GET /v3/accounts with a customer token) and the signed application-token grant (POST
# /oauth2/token grant_type=client_credentials), each against two Sandbank nodes of the same
# binary in the same run, one on SQLite (its data directory's sandbank.db) and one on a
# throwaway PostgreSQL cluster (tests/support/pg_cluster.sh: 127.0.0.1, unix socket, fsync off).
# Load from `ab -k -c CONC` over keep-alive mutual TLS, both nodes --threads 1, the stores
# alternating ROUNDS times; the median ratio PostgreSQL / SQLite is reported.
#   bench/store_load.sh          needs ab and PostgreSQL: apt-get install apache2-utils postgresql
#   SANDBANK_BIN (default build-bench/sandbank, Release), REQUESTS (default 10000), CONC (16),
#   ROUNDS (3)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v ab >/dev/null || { echo "store_load.sh: ab missing (apt-get install apache2-utils)"; exit 77; }
source bench/sandbank_bin.sh
# the pre-registered application of the guide (bench/signed_calls.sh signs as it)
client_id=5ca1ab1e-c0ca-c01a-cafe-154deadbea75
requests="${REQUESTS:-10000}" conc="${CONC:-16}" rounds="${ROUNDS:-3}"
dir=$(mktemp -d)
chmod 755 "$dir"
trap 'kill $(cat "$dir"/*.pid 2>/dev/null) 2>/dev/null || true; tests/support/pg_cluster.sh stop "$dir/pg" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT

tests/support/pg_cluster.sh start "$dir/pg" >/dev/null
[ -f "$dir/pg/url" ] || { echo "store_load.sh: $(cat "$dir/pg/skip")"; exit 77; }

start_node() {  # start_node NAME [serve args...]
  local name=$1; shift
  "$bin" serve --data "$dir/$name" --api-listen 127.0.0.1:0 --web-listen 127.0.0.1:0 \
    --ready-file "$dir/$name.json" --threads 1 --log-level warn "$@" >"$dir/$name.log" 2>&1 &
  echo $! >"$dir/$name.pid"
  for _ in $(seq 300); do [ -s "$dir/$name.json" ] && break; sleep 0.1; done
  [ -s "$dir/$name.json" ] || { cat "$dir/$name.log"; exit 1; }
}
start_node sqlite
start_node postgresql --store "$(cat "$dir/pg/url")"
cat "$dir/sqlite/certs/example_client_tls.cer" "$dir/sqlite/certs/example_client_tls.key" >"$dir/sqlite.pem"
cat "$dir/postgresql/certs/example_client_tls.cer" "$dir/postgresql/certs/example_client_tls.key" >"$dir/postgresql.pem"

source bench/signed_calls.sh
node() {  # node NAME: the next calls go to that node
  local ready=$dir/$1.json
  use_node "$(sed 's/.*"api":"\([^"]*\)".*/\1/' "$ready")" "$(sed 's/.*"web":"\([^"]*\)".*/\1/' "$ready")" "$dir/$1/certs"
}
declare -A token
for store in sqlite postgresql; do
  node "$store"
  app=$(call POST /oauth2/token grant_type=client_credentials | json_field access_token)
  token[$store]=$(customer_token "$app" "John Doe")
  [ -n "${token[$store]}" ] || { echo "store_load.sh: no customer token from the $store node"; exit 1; }
done

rate=""
run_ab() {  # run_ab STORE NAME [ab args...] URL: prints one line, leaves the requests/s in $rate
  local store=$1 name=$2 file; shift 2
  file="$dir/ab-$store-$(printf %s "$name" | tr -c 'A-Za-z0-9' '_').txt"
  ab -q -k -c "$conc" -n "$requests" -E "$dir/$store.pem" "$@" >"$file" 2>&1 || true
  rate=$(awk '/Requests per second/{print $4}' "$file")
  printf '%-12s %-28s %10s req/s  p50 %4s ms  p99 %5s ms  failed %s  non-2xx %s\n' "$store" "$name" "$rate" \
    "$(awk '/ 50%/{print $2}' "$file")" "$(awk '/ 99%/{print $2}' "$file")" \
    "$(awk '/Failed requests/{print $3}' "$file")" "$(awk '/Non-2xx/{print $3}' "$file")"
}
# bench LABEL METHOD PATH BODY BEARER?: the same request on both stores, ROUNDS times.
bench() {
  local label=$1 method=$2 path=$3 body=$4 bearer=$5 round store ratios=() sqlite_rate
  for round in $(seq "$rounds"); do
    for store in sqlite postgresql; do
      node "$store"
      local headers=() h args=()
      if [ "$bearer" = customer ]; then
        while IFS= read -r h; do headers+=("$h"); done < <(sign "$method" "$path" "$body" "${token[$store]}" "$client_id")
      else
        while IFS= read -r h; do headers+=("$h"); done < <(sign "$method" "$path" "$body")
      fi
      for h in "${headers[@]}"; do args+=(-H "$h"); done
      if [ "$method" = POST ]; then
        printf %s "$body" >"$dir/body"
        args+=(-p "$dir/body" -T application/x-www-form-urlencoded)
      fi
      run_ab "$store" "$label" "${args[@]}" "$api$path"
      [ "$store" = sqlite ] && sqlite_rate=$rate
    done
    ratios+=("$(awk -v p="$rate" -v s="$sqlite_rate" 'BEGIN { if (s > 0) printf "%.1f", 100 * p / s; else print 0 }')")
    echo "  round $round: postgresql / sqlite = ${ratios[-1]} %"
  done
  echo "  $label: median postgresql / sqlite = $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') %"
}

echo "ab -k -c $conc -n $requests, $rounds rounds, sandbank --threads 1 ($bin), $(nproc) cores"
bench "GET /v3/accounts" GET /v3/accounts "" customer
bench "POST /oauth2/token (app)" POST /oauth2/token grant_type=client_credentials ""
