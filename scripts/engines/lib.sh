# Shared by the engine scripts in this folder (sourced, not run): a named `die` (with the end of a
# log: `die_log`) and a free-port picker. Each script sets ENGINE before sourcing so its errors say
# which engine failed.

die() { echo "${ENGINE:-engine}: $*" >&2; exit 1; }

# die_log MESSAGE LOG…: dies with MESSAGE and the last lines of each log that has any. The engine's
# folder is removed on a failed start, so naming a log there would point at nothing.
die_log() {
  local message=$1 log tail=
  shift
  for log in "$@"; do
    [ -s "$log" ] && tail+=" [$(basename "$log")] $(tail -n 8 "$log" | tr '\n' ' ' | cut -c1-800)"
  done
  die "$message${tail:+;$tail}"
}

# A TCP connect that fails means nobody listens there (bash's /dev/tcp; no extra tools needed).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A random free port below the kernel's range for outgoing connections (ip_local_port_range,
# 32768–60999 by default), or above it: a port picked inside that range was taken by some client
# connection's local end before the engine bound it (radosgw, in a bench run). Random rather than
# sequential so parallel test files rarely race.
pick_port() {
  local p lo=32768 hi=60999 from=10000 to
  if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then read -r lo hi </proc/sys/net/ipv4/ip_local_port_range; fi
  to=$((lo - 1))
  if [ "$to" -lt $((from + 1000)) ]; then from=$((hi + 1)) && to=65535; fi
  if [ "$to" -lt $((from + 1000)) ]; then from=20000 && to=59999; fi
  for _ in $(seq 1 50); do
    p=$((from + RANDOM % (to - from + 1)))
    if port_free "$p"; then echo "$p"; return; fi
  done
  die "no free port found"
}
