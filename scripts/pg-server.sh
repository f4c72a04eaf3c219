#!/usr/bin/env bash
# Throwaway PostgreSQL server for Hamlet tests and CI.
#
#   eval "$(scripts/pg-server.sh start)"   # prints export HAMLET_TEST_PG_URL=... and HAMLET_TEST_PG_DIR=...
#   scripts/pg-server.sh stop [DIR]        # DIR defaults to $HAMLET_TEST_PG_DIR
#
# The cluster lives in a fresh temporary directory owned by the `postgres` user
# (PostgreSQL refuses to run as root), listens only on 127.0.0.1 on a free port,
# and trusts loopback connections. Durability is switched off: test data only.
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin), PG_PORT (default: a free port),
# HAMLET_PG_TMPDIR (parent of the cluster directory; default /dev/shm if writable, else $TMPDIR or /tmp).
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

as_postgres() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

start() {
  if [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
    echo "pg-server.sh: PostgreSQL binaries not found in $PG_BIN (set PG_BIN)" >&2
    exit 2
  fi
  local dir port
  local base="${HAMLET_PG_TMPDIR:-}"
  if [ -z "$base" ]; then
    # RAM-backed when available: CREATE DATABASE per test is ~4x faster.
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then base=/dev/shm; else base="${TMPDIR:-/tmp}"; fi
  fi
  dir="$(mktemp -d "$base/hamlet-pg.XXXXXX")"
  chmod 700 "$dir"
  if [ "$(id -u)" = "0" ]; then chown postgres: "$dir"; fi
  port="${PG_PORT:-$(free_port)}"
  as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync \
    --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || {
    cat "$dir/server.log" >&2
    exit 1
  }
  echo "export HAMLET_TEST_PG_URL=postgres://postgres@127.0.0.1:$port/postgres"
  echo "export HAMLET_TEST_PG_DIR=$dir"
}

stop() {
  local dir="${1:-${HAMLET_TEST_PG_DIR:-}}"
  if [ -z "$dir" ]; then
    echo "pg-server.sh: usage: stop DIR (or set HAMLET_TEST_PG_DIR)" >&2
    exit 2
  fi
  case "$dir" in
    */hamlet-pg.*) ;;
    *) echo "pg-server.sh: refusing to remove $dir (not created by pg-server.sh)" >&2; exit 2 ;;
  esac
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start|stop [DIR]" >&2; exit 2 ;;
esac
