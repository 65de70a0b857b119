#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests.
#
#   pg_cluster.sh start DIR   initdb into a fresh temp directory, pg_ctl start on a free port of
#                             127.0.0.1 with the unix socket in that temp directory, create the
#                             database sandbank_test, write its URL to DIR/url
#   pg_cluster.sh stop DIR    stop the cluster started for DIR and remove its temp directory
#   pg_cluster.sh halt DIR    stop the server at once (-m immediate), keeping its data
#   pg_cluster.sh resume DIR  start a halted server again, on the same port and socket
#
# initdb refuses to run as root: when this script runs as root, the cluster belongs to the
# `postgres` user that Debian's postgresql package creates (runuser -u postgres), otherwise to
# the current user. When the PostgreSQL server binaries are missing, `start` writes DIR/skip
# with the install command instead of DIR/url and exits 0: the PostgreSQL tests then report
# SKIP.
set -euo pipefail

command=${1:-}
dir=${2:-}
if [ -z "$command" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

find_bindir() {
  if [ -n "${SANDBANK_PG_BINDIR:-}" ]; then
    echo "$SANDBANK_PG_BINDIR"
    return
  fi
  if command -v pg_config >/dev/null 2>&1; then
    local b
    b=$(pg_config --bindir 2>/dev/null || true)
    if [ -x "$b/initdb" ]; then
      echo "$b"
      return
    fi
  fi
  local candidate
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      echo "$candidate"
      return
    fi
  done
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  local port i
  for i in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; then
      echo "$port"
      return
    fi
  done
  echo "no free port found" >&2
  return 1
}

start_server() {
  as_owner "$1/pg_ctl" -D "$2/data" -w -t 60 -l "$2/data/server.log" \
    -o "-p $3 -k $2/socket -c listen_addresses=127.0.0.1 -c fsync=off \
        -c full_page_writes=off -c max_connections=300" \
    start >"$2/pg_ctl.log" 2>&1
}

case "$command" in
  halt)
    base=$(cat "$dir/cluster")
    as_owner "$(cat "$base/bindir")/pg_ctl" -D "$base/data" -m immediate -w stop >/dev/null
    ;;
  resume)
    base=$(cat "$dir/cluster")
    start_server "$(cat "$base/bindir")" "$base" "$(cat "$base/port")"
    ;;
  start)
    mkdir -p "$dir"
    rm -f "$dir/url" "$dir/skip" "$dir/cluster"
    bindir=$(find_bindir)
    if [ -z "$bindir" ]; then
      echo "PostgreSQL server binaries not found; install them with: apt-get install postgresql libpq-dev" \
        >"$dir/skip"
      cat "$dir/skip"
      exit 0
    fi
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
      echo "running as root, but there is no postgres user to own the cluster (apt-get install postgresql creates it)" \
        >"$dir/skip"
      cat "$dir/skip"
      exit 0
    fi
    base=$(mktemp -d /tmp/sandbank-pg-XXXXXX)
    chmod 755 "$base"
    mkdir "$base/data" "$base/socket"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$base/data" "$base/socket"; fi
    echo "$base" >"$dir/cluster"
    as_owner "$bindir/initdb" -D "$base/data" -U postgres --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >"$base/initdb.log" 2>&1 || {
      cat "$base/initdb.log" >&2
      exit 1
    }
    started=0
    for attempt in 1 2 3 4 5; do
      port=$(free_port)
      # Test settings: no fsync (a crash of the machine loses a throwaway cluster); commits are
      # still synchronous, so a server killed with -m immediate keeps every acknowledged one.
      if start_server "$bindir" "$base" "$port"; then
        started=1
        break
      fi
    done
    if [ "$started" != 1 ]; then
      cat "$base/pg_ctl.log" "$base/data/server.log" >&2 || true
      exit 1
    fi
    echo "$bindir" >"$base/bindir"
    echo "$port" >"$base/port"
    as_owner "$bindir/createdb" -h "$base/socket" -p "$port" -U postgres sandbank_test
    echo "postgresql://postgres@/sandbank_test?host=$base/socket&port=$port" >"$dir/url"
    cat "$dir/url"
    ;;
  stop)
    if [ ! -f "$dir/cluster" ]; then
      rm -f "$dir/url" "$dir/skip"
      exit 0
    fi
    base=$(cat "$dir/cluster")
    if [ -f "$base/bindir" ] && [ -d "$base/data" ]; then
      as_owner "$(cat "$base/bindir")/pg_ctl" -D "$base/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    case "$base" in
      /tmp/sandbank-pg-*) rm -rf "$base" ;;
    esac
    rm -f "$dir/url" "$dir/skip" "$dir/cluster"
    ;;
  *)
    echo "usage: $0 start|stop|halt|resume DIR" >&2
    exit 2
    ;;
esac
