#!/usr/bin/env bash
# A real PostgreSQL for tests, benches and a person trying CAIRN_DATABASE_URL=postgres://…: an
# unprivileged cluster (Debian's `postgresql`, initdb + pg_ctl) in one temporary folder, trusting
# local connections, listening on 127.0.0.1 and a free port, its unix socket in the folder.
#
#   scripts/engines/postgres.sh start [DIR]   # prints the settings as shell assignments, then returns
#   scripts/engines/postgres.sh stop-server DIR   # stops the server only (the data stays)
#   scripts/engines/postgres.sh start-server DIR  # starts it again on the same port
#   scripts/engines/postgres.sh stop DIR      # stops the cluster (fast shutdown) and removes DIR
#
# `eval "$(scripts/engines/postgres.sh start)"` sets CAIRN_DATABASE_URL and CAIRN_PG_DIR in the
# shell. Port: PG_PORT, else a random free one. PostgreSQL refuses to run as root, so when run as
# root the cluster belongs to the `postgres` user (made by the Debian package) and its commands
# run through `runuser`.
set -euo pipefail

ENGINE=postgres
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Debian installs the server's programs outside PATH, one folder per major version: the newest.
bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && bindir=$d && break
  done
fi
if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then bindir=$(dirname "$(command -v initdb)"); fi

# Runs a server program as the cluster's owner (root may not).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The server's options, the same at every start (the port is kept in DIR/port).
try_start_server() {
  local dir=$1 port
  port=$(cat "$dir/port")
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200" start >/dev/null
}
start_server() {
  try_start_server "$1" || { cat "$1/postgres.log" >&2; die "pg_ctl start failed"; }
}

cmd=${1:-}
case "$cmd" in
stop-server)
  dir=${2:?usage: postgres.sh stop-server DIR}
  [ -f "$dir/data/PG_VERSION" ] || die "$dir is not a folder made by postgres.sh start"
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
  exit 0
  ;;
start-server)
  dir=${2:?usage: postgres.sh start-server DIR}
  [ -f "$dir/data/PG_VERSION" ] || die "$dir is not a folder made by postgres.sh start"
  start_server "$dir"
  exit 0
  ;;
stop)
  dir=${2:?usage: postgres.sh stop DIR}
  [ -f "$dir/data/PG_VERSION" ] || die "$dir is not a folder made by postgres.sh start"
  [ -n "$bindir" ] || die "initdb/pg_ctl not found: apt-get install postgresql"
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit 0
  ;;
start) ;;
*)
  echo "usage: $0 start [DIR] | stop-server DIR | start-server DIR | stop DIR" >&2
  exit 2
  ;;
esac

[ -n "$bindir" ] || die "initdb/pg_ctl not found: apt-get install postgresql"
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (apt-get install postgresql makes it)"
fi

dir=${2:-$(mktemp -d "${TMPDIR:-/tmp}/cairn-pg.XXXXXX")}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
port=${PG_PORT:-$(pick_port)}
[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"

# If anything below fails, leave no server running and no folder behind.
trap 'rc=$?; if [ $rc -ne 0 ]; then "$0" stop "$dir" >/dev/null 2>&1 || rm -rf "$dir"; fi' EXIT

as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; die "initdb failed"; }
# fsync stays on: the reliability tests restart this server and expect what was acknowledged.
# A port found free can be taken by another cluster (parallel test files) before this one binds
# it: then pick another, unless PG_PORT asked for that one.
for attempt in 1 2 3 4 5; do
  echo "$port" >"$dir/port"
  try_start_server "$dir" && break
  if [ -z "${PG_PORT:-}" ] && [ "$attempt" -lt 5 ] && grep -q "Address already in use" "$dir/postgres.log"; then
    port=$(pick_port)
    : >"$dir/postgres.log"
    continue
  fi
  cat "$dir/postgres.log" >&2
  die "pg_ctl start failed"
done

echo "CAIRN_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
echo "CAIRN_PG_DIR=$dir"
echo "CAIRN_PG_PORT=$port"
