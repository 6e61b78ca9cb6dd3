#!/usr/bin/env bash
# A real load balancer in front of several Cairn processes, for tests, benches and a person trying
# the scale-out set-up: Debian's `haproxy`, one daemon on loopback with its config, pid file and
# stats in one folder. Needs `apt-get install haproxy`.
#
#   scripts/engines/haproxy.sh start [DIR] PORT [PORT…]  # one backend per Cairn port on 127.0.0.1;
#                                                         # prints the settings as shell assignments
#   scripts/engines/haproxy.sh stop DIR                   # stops it and removes DIR
#
# `eval "$(scripts/engines/haproxy.sh start 8801 8802 8803)"` sets CAIRN_LB_URL (where clients go),
# CAIRN_LB_STATS_URL (HAProxy's statistics page; `;csv` appended gives them per backend) and
# HAPROXY_DIR in the shell. Ports: LB_PORT and LB_STATS_PORT, else random free ones.
#
# Every answer names the process that served it in `X-Cairn-Backend` (s1, s2, … in the order the
# ports were given), so a person or a test sees the spread.
set -euo pipefail

ENGINE=haproxy
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd=${1:-}
case "$cmd" in
stop)
  dir=${2:?usage: haproxy.sh stop DIR}
  [ -f "$dir/haproxy.cfg" ] || die "$dir is not a folder made by haproxy.sh start"
  if [ -f "$dir/haproxy.pid" ]; then
    pid=$(cat "$dir/haproxy.pid")
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$dir"
  exit 0
  ;;
start) shift ;;
*)
  echo "usage: $0 start [DIR] PORT [PORT…] | stop DIR" >&2
  exit 2
  ;;
esac

haproxy=${HAPROXY:-$(command -v haproxy || echo /usr/sbin/haproxy)}
[ -x "$haproxy" ] || die "haproxy is missing: apt-get install haproxy"

dir=
if [ $# -gt 0 ] && ! [[ $1 =~ ^[0-9]+$ ]]; then
  dir=$1
  shift
fi
[ $# -gt 0 ] || die "give the Cairn processes' ports: haproxy.sh start [DIR] PORT [PORT…]"
for p in "$@"; do [[ $p =~ ^[0-9]+$ ]] || die "$p is not a port"; done

dir=${dir:-$(mktemp -d "${TMPDIR:-/tmp}/cairn-haproxy.XXXXXX")}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

trap 'rc=$?; if [ $rc -ne 0 ]; then "$0" stop "$dir" >/dev/null 2>&1 || rm -rf "$dir"; fi' EXIT

servers=
i=0
for p in "$@"; do
  i=$((i + 1))
  servers+="  server s$i 127.0.0.1:$p check"$'\n'
done

# The config for the ports picked (lb_port, stats_port).
write_config() {
cat >"$dir/haproxy.cfg" <<EOF
global
  pidfile $dir/haproxy.pid
  maxconn 4096
  # Bodies move through HAProxy one buffer at a time: the default 16 KiB made it wake four times
  # as often as 64 KiB for a DVC object (its CPU per 256 MiB through it, up or down: 100–120 ms
  # at 16 KiB, 75–100 ms at 64 KiB). Buffers are taken per active transfer, so 64 KiB × 2 per
  # connection stays small at this maxconn; 256 KiB saved little more.
  tune.bufsize 65536
  # The daemon writes no log: the statistics page and each answer's X-Cairn-Backend say who served what.

defaults
  mode http
  option forwardfor
  timeout connect 5s
  # Headers must arrive promptly; bodies (a 10 GiB DVC object on a slow link) may take long.
  timeout http-request 30s
  timeout http-keep-alive 30s
  timeout client 1h
  timeout server 1h
  # Live-notes WebSockets stay open for hours, idle between edits (the clients ping).
  timeout tunnel 1h
  timeout queue 30s
  # A process that refuses the connection (killed, restarting) is skipped for another one. Only
  # requests that never reached a process are retried here; the rest is the client's retry, since a
  # POST that reached a process may have done its work.
  retries 3
  option redispatch 1
  retry-on conn-failure

frontend cairn
  bind 127.0.0.1:$lb_port
  default_backend cairn

backend cairn
  balance roundrobin
  # /healthz: a cheap answer from a process that is up. A killed process refuses the check at once
  # (three refusals, about 3 s, take it out; meanwhile requests it refuses go to another one); a
  # process busy with heavy work may answer late, so a check waits up to 5 s before it fails.
  option httpchk GET /healthz
  http-check expect status 200
  timeout check 5s
  default-server inter 1s downinter 1s fall 3 rise 2
  http-response set-header X-Cairn-Backend %[srv_name]
$servers
listen stats
  bind 127.0.0.1:$stats_port
  stats enable
  stats uri /
  stats refresh 5s
EOF
}

# A port picked free may be taken by another process before HAProxy binds it (tests start engines
# side by side): then new ports are picked, up to three times.
for attempt in 1 2 3; do
  lb_port=${LB_PORT:-$(pick_port)}
  stats_port=${LB_STATS_PORT:-$(pick_port)}
  write_config
  "$haproxy" -c -q -f "$dir/haproxy.cfg" || die "haproxy refused its config ($dir/haproxy.cfg)"
  : >"$dir/start.log"
  if "$haproxy" -D -f "$dir/haproxy.cfg" 2>>"$dir/start.log"; then
    for _ in $(seq 1 100); do
      port_free "$lb_port" || break
      sleep 0.1
    done
    port_free "$lb_port" || break
    echo "haproxy does not listen on port $lb_port" >>"$dir/start.log"
    if [ -f "$dir/haproxy.pid" ]; then kill "$(cat "$dir/haproxy.pid")" 2>/dev/null || true; fi
  fi
  if [ -n "${LB_PORT:-}${LB_STATS_PORT:-}" ] || [ "$attempt" = 3 ]; then
    die_log "haproxy did not start on ports $lb_port and $stats_port" "$dir/start.log"
  fi
done

cat <<EOF
HAPROXY_DIR=$dir
CAIRN_LB_URL=http://127.0.0.1:$lb_port
CAIRN_LB_STATS_URL=http://127.0.0.1:$stats_port/
EOF
