#!/usr/bin/env bash
# Memory of kept-alive TLS connections (docs/performance.md "Idle connections"): starts
# Sandbank with --threads 1, opens CONNECTIONS mutual-TLS connections that each send one request
# and then stay open and idle, and prints the server's RSS before, with them open, and after
# they closed, with the cost per connection.
#   bench/idle_connections.sh    needs node (no npm packages)
#   SANDBANK_BIN (default build-bench/sandbank, Release), CONNECTIONS (default 500)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/sandbank_bin.sh
connections="${CONNECTIONS:-500}"
dir=$(mktemp -d)
trap 'kill $(cat "$dir"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$dir"' EXIT
"$bin" serve --data "$dir/data" --api-listen 127.0.0.1:0 --web-listen 127.0.0.1:0 \
  --ready-file "$dir/ready.json" --threads 1 --log-level warn >"$dir/sandbank.log" 2>&1 &
pid=$!
echo $pid >"$dir/sandbank.pid"
for _ in $(seq 300); do [ -s "$dir/ready.json" ] && break; sleep 0.1; done
api=$(sed 's/.*"api":"\([^"]*\)".*/\1/' "$dir/ready.json")
rss() { awk '/VmRSS/{print $2}' "/proc/$pid/status"; }
before=$(rss)
# Each connection: TLS handshake with the guide's example certificate, GET /sandbank/whoami,
# read the answer, then keep the connection open until told to close.
cat >"$dir/idle.mjs" <<'EOF'
import tls from "node:tls";
import fs from "node:fs";
const [url, certs, count] = [new URL(process.argv[2]), process.argv[3], Number(process.argv[4])];
const options = {
  host: url.hostname, port: Number(url.port), servername: "localhost",
  ca: fs.readFileSync(`${certs}/ca.cer`), cert: fs.readFileSync(`${certs}/example_client_tls.cer`),
  key: fs.readFileSync(`${certs}/example_client_tls.key`),
};
const open = [];
for (let i = 0; i < count; i++) {
  await new Promise((resolve, reject) => {
    const socket = tls.connect(options, () => {
      socket.write("GET /sandbank/whoami HTTP/1.1\r\nHost: localhost\r\n\r\n");
    });
    let seen = "";
    socket.on("data", (d) => { seen += d; if (seen.includes("\r\n\r\n") && seen.includes("}")) resolve(); });
    socket.on("error", reject);
    open.push(socket);
  });
}
console.log("open");
process.stdin.once("data", () => { for (const s of open) s.destroy(); process.exit(0); });
EOF
exec 3> >(node "$dir/idle.mjs" "$api" "$dir/data/certs" "$connections" >"$dir/node.out" 2>&1)
for _ in $(seq 600); do grep -q open "$dir/node.out" 2>/dev/null && break; sleep 0.1; done
grep -q open "$dir/node.out" || { echo "idle_connections.sh: the client failed:"; cat "$dir/node.out"; exit 1; }
sleep 1
with=$(rss)
echo close >&3
exec 3>&-
sleep 2
after=$(rss)
echo "sandbank RSS: ${before} kB before, ${with} kB with ${connections} idle TLS connections, ${after} kB after they closed"
echo "per idle connection: $(( (with - before) / connections )) kB"
