#!/usr/bin/env bash
# AIS throughput (docs/performance.md "AIS throughput"): a signed GET /v3/accounts and a signed
# transactions page over keep-alive mutual TLS, load from `ab -k -c 32`, Sandbank started with
# --threads 1, against nginx (1 worker, same certificates, ssl_verify_client on) serving the
# identical JSON body with no checks. Headers are signed once (valid in the 3-minute window).
#   bench/ais_load.sh            needs ab and nginx: apt-get install apache2-utils nginx-light
#   SANDBANK_BIN (default build-bench/sandbank, Release), REQUESTS (default 20000), CONC (32),
#   ROUNDS (3: sandbank and nginx alternate, the median ratio is reported)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
for tool in ab nginx openssl curl; do
  command -v "$tool" >/dev/null || { echo "ais_load.sh: $tool missing (apt-get install apache2-utils nginx-light)"; exit 77; }
done
source bench/sandbank_bin.sh
requests="${REQUESTS:-20000}"
conc="${CONC:-32}"
rounds="${ROUNDS:-3}"
client_id=5ca1ab1e-c0ca-c01a-cafe-154deadbea75
dir=$(mktemp -d)
chmod 755 "$dir"  # nginx workers (www-data) read body.json
trap 'kill $(cat "$dir"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$dir"' EXIT

"$bin" serve --data "$dir/data" --api-listen 127.0.0.1:0 --web-listen 127.0.0.1:0 \
  --ready-file "$dir/ready.json" --threads 1 --log-level warn >"$dir/sandbank.log" 2>&1 &
echo $! >"$dir/sandbank.pid"
for _ in $(seq 300); do [ -s "$dir/ready.json" ] && break; sleep 0.1; done
api=$(sed 's/.*"api":"\([^"]*\)".*/\1/' "$dir/ready.json")
web=$(sed 's/.*"web":"\([^"]*\)".*/\1/' "$dir/ready.json")
certs="$dir/data/certs"
cat "$certs/example_client_tls.cer" "$certs/example_client_tls.key" >"$dir/client.pem"

source bench/signed_calls.sh
app=$(call POST /oauth2/token grant_type=client_credentials | json_field access_token)
token=$(customer_token "$app" "John Doe")
[ -n "$token" ] || { echo "ais_load.sh: no customer token"; exit 1; }
account=$(call GET /v3/accounts "" "$token" "$client_id" | grep -o '"resourceId":"[^"]*"' | head -1 | cut -d'"' -f4)

port=$((20000 + RANDOM % 20000))
sed -e "s#@DIR@#$dir#g" -e "s#@PORT@#$port#g" -e "s#@CERT@#$(find "$dir/data" -name server.cer | head -1)#g" \
  -e "s#@KEY@#$(find "$dir/data" -name server.key | head -1)#g" -e "s#@CA@#$certs/ca.cer#g" bench/nginx_ais.conf.in >"$dir/nginx.conf"

rate=""
# CPU time of every thread of the Sandbank process so far, in ns (schedstat: nanosecond run time).
sandbank_cpu_ns() { cat /proc/"$(cat "$dir/sandbank.pid")"/task/*/schedstat | awk '{ s += $1 } END { printf "%.0f", s }'; }
run_ab() {  # run_ab NAME URL HEADER...: prints one line, leaves the requests/s in $rate
  local name=$1 url=$2 file; shift 2
  file="$dir/ab-$(printf %s "$name" | tr -c 'A-Za-z0-9' '_').txt"
  local args=() h
  for h in "$@"; do args+=(-H "$h"); done
  local cpu_before cpu=""
  cpu_before=$(sandbank_cpu_ns)
  ab -q -k -c "$conc" -n "$requests" -E "$dir/client.pem" "${args[@]}" "$url" >"$file" 2>&1 || true
  rate=$(awk '/Requests per second/{print $4}' "$file")
  # Sandbank's CPU per request (handshakes of the -c connections included): only for Sandbank.
  case "$name" in sandbank*)
    cpu=$(awk -v a="$cpu_before" -v b="$(sandbank_cpu_ns)" -v n="$requests" 'BEGIN { printf "  cpu %.1f us/req", (b - a) / n / 1000 }') ;;
  esac
  printf '%-34s %10s req/s  p99 %5s ms  failed %s  non-2xx %s%s\n' "$name" "$rate" \
    "$(awk '/ 99%/{print $2}' "$file")" \
    "$(awk '/Failed requests/{print $3}' "$file")" \
    "$(awk '/Non-2xx/{print $3}' "$file")" "$cpu"
}

# Sandbank and nginx alternate ROUNDS times on the same request; each pair gives a ratio and
# the median ratio is the figure (the load of a shared machine moves both from one minute to
# the next; a ratio taken back to back moves much less).
bench_path() {  # bench_path LABEL PATH
  local label=$1 path=$2 headers=() ratios=() round sandbank_rate
  while IFS= read -r h; do headers+=("$h"); done < <(sign GET "$path" "" "$token" "$client_id")
  local hdr=()
  for h in "${headers[@]}"; do hdr+=(-H "$h"); done
  curl -sS "${mtls[@]}" "${hdr[@]}" "$api$path" >"$dir/body.json"
  chmod 644 "$dir/body.json"
  nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/nginx-error.log" &
  local nginx_pid=$!
  sleep 0.5
  for round in $(seq "$rounds"); do
    run_ab "sandbank $label" "$api$path" "${headers[@]}"
    sandbank_rate=$rate
    run_ab "nginx $label" "https://127.0.0.1:$port$path" "${headers[@]}"
    ratios+=("$(awk -v s="$sandbank_rate" -v n="$rate" 'BEGIN { if (n > 0) printf "%.1f", 100 * s / n; else print 0 }')")
    echo "  round $round: sandbank / nginx = ${ratios[-1]} %"
  done
  kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true
  echo "  sandbank RSS $(awk '/VmRSS/{print $2, $3}' /proc/$(cat "$dir/sandbank.pid")/status), body $(wc -c <"$dir/body.json") bytes"
  echo "  $label: median sandbank / nginx = $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') % (goal >= 45 %)"
}

echo "ab -k -c $conc -n $requests, $rounds rounds, sandbank --threads 1 ($bin), nginx 1 worker"
bench_path "GET /v3/accounts" /v3/accounts
bench_path "transactions page (100)" "/v2/accounts/$account/transactions?dateFrom=2000-01-01&limit=100"
