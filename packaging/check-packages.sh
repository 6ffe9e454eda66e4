#!/usr/bin/env bash
# Runs inside a clean Debian bookworm container booted with systemd
# (.ci/stages/45-packages.sh): installs the .debs in /debs with apt-get,
# verifies the unit, starts the server with systemctl (the unit's sandbox and
# /etc/default/activation-server, on the container's own 127.0.0.1:50051) and
# calls it with the installed client, checks Restart=on-failure and a clean
# stop, then builds /consumer (examples/cmake-consumer) against the installed
# library with find_package and runs it, and purges them all. One `ok` line
# per check.
set -euo pipefail
# Pipelines end in `grep ... >/dev/null`, not `grep -q`: -q stops reading at the
# first match, and under pipefail the writer's SIGPIPE would fail the check.
export DEBIAN_FRONTEND=noninteractive
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; journalctl -u activation-server --no-pager 2>/dev/null | tail -n 20 >&2; exit 1; }

# Boot first: systemd mounts /tmp, which apt uses, while it starts. Until its
# bus is up, systemctl fails outright, so poll ("degraded" is fine here).
state=
for _ in $(seq 300); do
  state=$(systemctl is-system-running 2>/dev/null || true)
  case $state in running | degraded) break ;; esac
  sleep 0.2
done
case $state in running | degraded) ;; *) fail "systemd did not finish booting (state '$state')" ;; esac
apt-get update -qq
apt-get install -y -qq /debs/*.deb >/tmp/apt.log 2>&1 || { tail -n 30 /tmp/apt.log >&2; exit 1; }
for p in activation-server activation-client libactivation-compute0 libactivation-compute-dev; do
  dpkg-query -W -f='${Status}' "$p" | grep "install ok installed" >/dev/null || fail "$p not installed"
done
ok "apt-get installed the four packages and their dependencies"

dpkg-query -W -f='${Conffiles}\n' activation-server | grep /etc/default/activation-server >/dev/null ||
  fail "/etc/default/activation-server is not a conffile"
man -w activation-server >/dev/null && man -w activation-client >/dev/null || fail "man pages not found"
ok "conffile and man pages in place"

unit=/lib/systemd/system/activation-server.service
# verify exits 0 on unknown keys and bad values (it ignores them), so any
# output at all fails the check.
findings=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $findings"
[ -z "$findings" ] || fail "systemd-analyze verify: $findings"
ok "systemd-analyze verify activation-server.service: clean"
echo "systemd-analyze security: $(systemd-analyze security activation-server.service 2>&1 | tail -n 1)"

# A setting in the environment file must reach the service: the HTTP API.
echo 'ACTIVATION_HTTP_LISTEN=127.0.0.1:8000' >>/etc/default/activation-server
systemctl start activation-server
serving() {  # waits up to 10 s for the server to answer health checks
  for _ in $(seq 50); do
    [ "$(activation-client health 2>/dev/null)" = SERVING ] && return 0
    sleep 0.2
  done
  return 1
}
serving || fail "the service does not answer on 127.0.0.1:50051"
pid=$(systemctl show -p MainPID --value activation-server)
user=$(ps -o user= -p "$pid")
[ "$(ps -o uid= -p "$pid" | tr -d ' ')" != 0 ] || fail "the service runs as root"
[ "$(activation-client eval --activation sigmoid 0)" = 0.5 ] || fail "eval sigmoid 0"
activation-client eval -a gelu 1 | grep '^0.8413' >/dev/null || fail "eval gelu 1"
journalctl -u activation-server --no-pager | grep 'max-memory-bytes=402653184' >/dev/null ||
  fail "the service did not take the unit's memory budget"
ok "systemctl start: the installed client gets answers (server pid $pid, dynamic user $user)"
status_line=$( (exec 3<>/dev/tcp/127.0.0.1/8000 &&
  printf 'GET /v2/health/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n 1 <&3) 2>/dev/null || true)
case $status_line in "HTTP/1."?" 200"*) ;; *) fail "HTTP /v2/health/ready: '$status_line'" ;; esac
ok "/etc/default/activation-server reaches the service (its HTTP API answers /v2/health/ready)"

kill -KILL "$pid"
for _ in $(seq 50); do
  new=$(systemctl show -p MainPID --value activation-server)
  [ "$new" != 0 ] && [ "$new" != "$pid" ] && break
  sleep 0.2
done
[ "$new" != 0 ] && [ "$new" != "$pid" ] || fail "not restarted after SIGKILL"
serving || fail "the restarted service does not answer"
ok "Restart=on-failure: killed, restarted (pid $new), answering"

systemctl stop activation-server
[ "$(systemctl show -p Result --value activation-server)" = success ] || fail "stop did not end in success"
ok "systemctl stop: clean exit"

work=$(mktemp -d)
{ cmake -S /consumer -B "$work/consumer" && cmake --build "$work/consumer"; } >"$work/consumer.log" 2>&1 ||
  { cat "$work/consumer.log" >&2; fail "consumer build"; }
"$work/consumer/gelu_consumer"
ldd "$work/consumer/gelu_consumer" | grep 'libactivation-compute.so.0 => /\(usr/\)\?lib/' >/dev/null ||
  fail "the consumer does not load the packaged library"
ok "examples/cmake-consumer built with find_package against the packages and ran"

apt-get purge -y -qq activation-server activation-client libactivation-compute-dev libactivation-compute0 \
  >/tmp/purge.log 2>&1 || { cat /tmp/purge.log >&2; fail "apt-get purge"; }
for f in /usr/bin/activation-server /usr/bin/activation-client /etc/default/activation-server \
         /lib/systemd/system/activation-server.service /usr/include/activation/compute.h; do
  [ ! -e "$f" ] || fail "$f is left after apt-get purge"
done
ldconfig -p | grep libactivation-compute >/dev/null && fail "ldconfig still lists libactivation-compute after purge"
ok "apt-get purge removes everything, the conffile included"
