#!/usr/bin/env bash
# A real S3-compatible engine for tests, benches and a person trying CAIRN_BLOBS=s3://…: a one-node
# Ceph cluster (one monitor, one memstore OSD, no mgr) and a RADOS Gateway on loopback, all in one
# folder. Needs Debian's `ceph-mon ceph-osd radosgw ceph-common` and `curl`.
#
#   scripts/engines/ceph-rgw.sh start [DIR]   # prints the settings as shell assignments, then returns
#   scripts/engines/ceph-rgw.sh stop-rgw DIR  # stops only the gateway (the cluster stays)
#   scripts/engines/ceph-rgw.sh stop DIR      # stops every daemon, newest first, and removes DIR
#
# `eval "$(scripts/engines/ceph-rgw.sh start)"` sets CAIRN_BLOBS, CAIRN_S3_ENDPOINT, AWS_* and
# CEPH_RGW_DIR in the shell. Ports: MON_PORT and RGW_PORT, else random free ones. The traps this
# avoids are listed in docs/STACK.md ("Real engines for scale-out tests").
set -euo pipefail

ENGINE=ceph-rgw
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Stops one daemon by its pid file and waits until it is gone.
stop_daemon() {
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

cmd=${1:-}
case "$cmd" in
stop-rgw)
  dir=${2:?usage: ceph-rgw.sh stop-rgw DIR}
  stop_daemon "$dir/run/client.rgw.a.pid"
  exit 0
  ;;
stop)
  dir=${2:?usage: ceph-rgw.sh stop DIR}
  [ -f "$dir/ceph.conf" ] || die "$dir is not a folder made by ceph-rgw.sh start"
  # Newest first: all at once takes 5–10 s while each waits for the monitor.
  stop_daemon "$dir/run/client.rgw.a.pid"
  stop_daemon "$dir/run/osd.0.pid"
  stop_daemon "$dir/run/mon.a.pid"
  rm -rf "$dir"
  exit 0
  ;;
start) ;;
*)
  echo "usage: $0 start [DIR] | stop-rgw DIR | stop DIR" >&2
  exit 2
  ;;
esac

for bin in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph curl; do
  command -v "$bin" >/dev/null 2>&1 ||
    die "$bin is missing: apt-get install --no-install-recommends ceph-mon ceph-osd radosgw ceph-common curl"
done

dir=${2:-$(mktemp -d "${TMPDIR:-/tmp}/cairn-ceph.XXXXXX")}
mkdir -p "$dir"/{run,log,mon/a,osd/0,rgw}
dir=$(cd "$dir" && pwd)
rgw_port=${RGW_PORT:-$(pick_port)}
fsid=$(cat /proc/sys/kernel/random/uuid)
conf=$dir/ceph.conf

# If anything below fails, leave no daemon running.
trap 'rc=$?; if [ $rc -ne 0 ] && [ -z "${CEPH_RGW_KEEP_ON_FAILURE:-}" ]; then "$0" stop "$dir" >/dev/null 2>&1 || true; fi' EXIT

# The config for the monitor port picked (mon_port).
write_conf() {
cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_port]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
ms bind msgr2 = true
# No keys on a throw-away loopback cluster; radosgw then needs crc mode to reach the monitor.
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
# One OSD: pools of size one, few placement groups.
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon allow pool delete = true
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
osd crush chooseleaf type = 0
# Each osdmap change otherwise waits a 1 s paxos round.
paxos propose interval = 0.01
paxos min wait = 0.01
mon data avail warn = 1
mon data avail crit = 0
run dir = $dir/run
pid file = $dir/run/\$name.pid
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
mon data = $dir/mon/\$id
osd data = $dir/osd/\$id
osd objectstore = memstore
memstore device bytes = ${CEPH_MEMSTORE_BYTES:-8589934592}
osd max object size = 1073741824
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port tcp_nodelay=1
rgw data = $dir/rgw
# Deleted objects' tails would otherwise wait two hours (in RAM, with memstore).
rgw gc obj min wait = 5
rgw gc processor period = 5
EOF
}

ceph_cli() { timeout 30 ceph -c "$conf" "$@"; }

# A port picked free may be taken by another process before the monitor binds it (tests start
# engines side by side; in one CI run the monitor did not start): then a new one is picked and the
# monitor made again, up to three times.
for attempt in 1 2 3; do
  mon_port=${MON_PORT:-$(pick_port)}
  write_conf
  rm -rf "$dir/mon/a" && mkdir -p "$dir/mon/a"
  : >"$dir/log/start.log"
  monmaptool --create --clobber --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >/dev/null
  ceph-mon -c "$conf" -i a --mkfs --monmap "$dir/monmap" >/dev/null 2>&1 || die_log "ceph-mon --mkfs failed" "$dir/log/mon.a.log"
  ceph-mon -c "$conf" -i a 2>>"$dir/log/start.log" && break
  if [ -n "${MON_PORT:-}" ] || [ "$attempt" = 3 ]; then
    die_log "ceph-mon did not start on port $mon_port" "$dir/log/start.log" "$dir/log/mon.a.log"
  fi
done

osd_uuid=$(cat /proc/sys/kernel/random/uuid)
osd_id=$(ceph_cli osd new "$osd_uuid") || die "ceph osd new failed"
[ "$osd_id" = 0 ] || die "expected osd 0, got $osd_id"
ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" >/dev/null 2>&1 || die "ceph-osd --mkfs failed"
ceph-osd -c "$conf" -i 0 2>>"$dir/log/start.log" || die_log "ceph-osd did not start" "$dir/log/start.log" "$dir/log/osd.0.log"

# Usually a few seconds; minutes when several clusters start at once on a busy machine (parallel
# test files). RGW_START_SECONDS bounds the wait (default 90, under the tests' 120 s for a start).
# The gateway's port, too, may be taken between picking and binding (a bench run waited the whole
# 90 s on "failed to bind address"): that is seen in its log at once, and the gateway started again
# on a new port, up to three times.
rgw_log=$dir/log/client.rgw.a.log
for attempt in 1 2 3; do
  [ "$attempt" = 1 ] || { rgw_port=$(pick_port) && write_conf; }
  : >"$rgw_log"
  radosgw -c "$conf" -n client.rgw.a 2>>"$dir/log/start.log" || die_log "radosgw did not start" "$dir/log/start.log" "$rgw_log"
  deadline=$((SECONDS + ${RGW_START_SECONDS:-90}))
  bind_failed=
  while [ "$SECONDS" -lt "$deadline" ]; do
    curl -fs -m 5 -o /dev/null "http://127.0.0.1:$rgw_port/" && break
    if grep -q "failed to bind address" "$rgw_log"; then bind_failed=1 && break; fi
    sleep 0.2
  done
  [ -z "$bind_failed" ] && break
  stop_daemon "$dir/run/client.rgw.a.pid"
  if [ -n "${RGW_PORT:-}" ] || [ "$attempt" = 3 ]; then
    die_log "radosgw could not bind port $rgw_port" "$rgw_log"
  fi
done
# The folder (and its logs) is removed on failure unless CEPH_RGW_KEEP_ON_FAILURE is set: say what the log said.
curl -fs -m 5 -o /dev/null "http://127.0.0.1:$rgw_port/" ||
  die_log "radosgw does not answer on port $rgw_port after ${RGW_START_SECONDS:-90} s" "$rgw_log"

access_key=cairn$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
secret_key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
timeout 30 radosgw-admin -c "$conf" user create --uid cairn --display-name Cairn \
  --access-key "$access_key" --secret-key "$secret_key" >/dev/null 2>>"$dir/log/start.log" || die "radosgw-admin user create failed"

bucket=${CEPH_RGW_BUCKET:-cairn}
endpoint=http://127.0.0.1:$rgw_port
curl -fsS --aws-sigv4 "aws:amz:us-east-1:s3" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" --user "$access_key:$secret_key" -X PUT "$endpoint/$bucket" ||
  die "creating bucket $bucket failed"

cat <<EOF
CEPH_RGW_DIR=$dir
CAIRN_S3_ENDPOINT=$endpoint
CAIRN_BLOBS=s3://$bucket/cairn
AWS_ACCESS_KEY_ID=$access_key
AWS_SECRET_ACCESS_KEY=$secret_key
AWS_REGION=us-east-1
EOF
