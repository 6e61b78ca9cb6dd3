# Shared by the engine scripts in this folder (sourced, not run): a named `die` and a free-port
# picker. Each script sets ENGINE before sourcing so its errors say which engine failed.

die() { echo "${ENGINE:-engine}: $*" >&2; exit 1; }

# A TCP connect that fails means nobody listens there (bash's /dev/tcp; no extra tools needed).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A random free port in 20000–59999; random rather than sequential so parallel test files rarely race.
pick_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    if port_free "$p"; then echo "$p"; return; fi
  done
  die "no free port found"
}
