#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback, from the distribution's packages (Debian/Ubuntu:
# `apt-get install postgresql`), for trying the API on PostgreSQL and for CI.
#
#   scripts/pg-local.sh start   # initdb (first time) + start; prints the DATABASE_URL
#   scripts/pg-local.sh url     # prints the DATABASE_URL
#   scripts/pg-local.sh stop    # stops the server (the data directory stays)
#   scripts/pg-local.sh destroy # stops the server and deletes the data directory
#
# PG_LOCAL_DIR (default .pg-local in the repository) holds data, socket and log; PG_LOCAL_PORT
# (default 54329) is the TCP port on 127.0.0.1. Authentication is `trust`: loopback only, never
# for anything but local tries and tests. Run as root (CI), the server runs as the `postgres` user.
set -euo pipefail

cmd=${1:-start}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${PG_LOCAL_DIR:-$root/.pg-local}
port=${PG_LOCAL_PORT:-54329}
db=${PG_LOCAL_DATABASE:-provisioning}
url="postgres://postgres@127.0.0.1:$port/$db"

bindir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$found" ] && command -v pg_ctl >/dev/null 2>&1; then
    found=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
  fi
  if [ -z "$found" ] || [ ! -x "$found/pg_ctl" ] || [ ! -x "$found/psql" ]; then
    echo "PostgreSQL server binaries not found. Install them, e.g.: sudo apt-get install -y postgresql" >&2
    exit 1
  fi
  echo "$found"
}

# As root, PostgreSQL refuses to run: use the `postgres` user (created by the Debian package).
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
  start)
    bin=$(bindir)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
      chown postgres: "$dir"
      if ! runuser -u postgres -- test -w "$dir"; then
        echo "The postgres user cannot reach $dir (a parent directory is private); set PG_LOCAL_DIR, e.g. PG_LOCAL_DIR=\$(mktemp -d)" >&2
        exit 1
      fi
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      # fsync off: a throwaway server whose data may be lost on a crash, in exchange for speed.
      as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" >/dev/null \
        || { tail -n 30 "$dir/server.log" >&2; exit 1; }
    fi
    if ! as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
      as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -qc "CREATE DATABASE \"$db\"" >/dev/null
    fi
    echo "$url"
    ;;
  url)
    echo "$url"
    ;;
  stop|destroy)
    if [ -f "$dir/data/PG_VERSION" ]; then
      bin=$(bindir)
      if as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
      fi
    fi
    if [ "$cmd" = destroy ]; then rm -rf "$dir"; fi
    ;;
  *)
    echo "usage: $0 start|url|stop|destroy" >&2
    exit 2
    ;;
esac
