#!/usr/bin/env bash
# Builds the Debian package and tries it on this machine, as root: install with
# dpkg -i, check the user, the files and the unit, start the installed binary as
# the concerto user with the packaged settings (no systemd here: setpriv), get 200
# from /healthz and /readyz, parse /metrics with prometheus_client, stop it with
# SIGTERM (exit 0), reinstall over an edited settings file (kept), purge.
# Ends with "deb: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0; failed=0
check() { # NAME COMMAND...
  local name=$1; shift
  if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); echo "ok - $name"
  else failed=$((failed + 1)); echo "not ok - $name"; fi
}
finish() { echo "deb: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

[ "$(id -u)" -eq 0 ] || { echo "run as root: it installs a package" >&2; failed=1; finish; }
if dpkg -s concerto >/dev/null 2>&1; then dpkg --purge concerto >/dev/null; fi
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  dpkg --purge concerto >/dev/null 2>&1
  getent passwd concerto >/dev/null && userdel concerto 2>/dev/null
  getent group concerto >/dev/null && groupdel concerto 2>/dev/null
  rm -rf /var/lib/concerto "$work"
}
trap cleanup EXIT

deb=$(bash packaging/deb.sh "$work") || { echo "the package did not build" >&2; failed=1; finish; }
echo "# built $deb ($(du -h "$deb" | cut -f1))"
check "dpkg-deb reads the package" dpkg-deb --info "$deb"
check "dpkg -i installs it" dpkg -i "$deb"

# The user, the files and their modes.
check "system user concerto" sh -c 'getent passwd concerto | grep -q ":/var/lib/concerto:/usr/sbin/nologin$"'
check "it is a system user" sh -c '[ "$(id -u concerto)" -lt 1000 ]'
check "binary installed" test -x /usr/bin/concerto
check "binary answers --version" sh -c '/usr/bin/concerto --version | grep -q "^concerto "'
check "unit installed" test -f /usr/lib/systemd/system/concerto.service
check "state directory owned by concerto" sh -c '[ "$(stat -c %U:%G:%a /var/lib/concerto)" = concerto:concerto:750 ]'
check "settings readable by root and the concerto group only" \
  sh -c '[ "$(stat -c %U:%G:%a /etc/concerto/concerto.env)" = root:concerto:640 ]'
check "settings are a conffile" sh -c "dpkg-query -W -f='\${Conffiles}' concerto | grep -q /etc/concerto/concerto.env"
missing=$(sed -n '/^## Configuration/,/^## /p' README.md | grep '^|' | grep -o '`\(CONCERTO_[A-Z_]*\|RUST_LOG\)`' | tr -d '`' | sort -u |
  while read -r v; do grep -q "^#\?$v=" /etc/concerto/concerto.env || echo "$v"; done)
check "settings name every variable of the README's table${missing:+ (missing: $missing)}" test -z "$missing"

# The unit.
unit=/usr/lib/systemd/system/concerto.service
for directive in "User=concerto" "StateDirectory=concerto" "EnvironmentFile=/etc/concerto/concerto.env" \
  "ExecStart=/usr/bin/concerto serve" "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" \
  "PrivateTmp=yes" "CapabilityBoundingSet=" "SystemCallFilter=@system-service"; do
  check "unit: $directive" grep -qx "$directive" "$unit"
done
if command -v systemd-analyze >/dev/null; then
  check "systemd-analyze verify" sh -c "systemd-analyze verify $unit 2>&1 | { ! grep -i concerto.service; }"
fi

# The installed binary, as the unit runs it: user concerto, in its state directory,
# with the packaged settings (on a free port instead of 8080).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# setpriv execs (runuser would stay the parent and die of the signal itself).
setpriv --reuid=concerto --regid=concerto --init-groups -- sh -c "cd /var/lib/concerto && set -a &&
  . /etc/concerto/concerto.env && set +a && CONCERTO_LISTEN=127.0.0.1:$port exec /usr/bin/concerto serve" \
  >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
check "/healthz answers 200" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/healthz)\" = 200 ]"
check "/readyz answers 200" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/readyz)\" = 200 ]"
check "it runs as concerto" sh -c "[ \"\$(ps -o user= -p $server_pid)\" = concerto ]"
check "the database is in the state directory" test -f /var/lib/concerto/concerto.db
check "no demo in the packaged settings" sh -c "! curl -s http://127.0.0.1:$port/api/v1/processes | grep -q esempio"

# /metrics through Prometheus' own parser.
venv="${CONCERTO_PROM_VENV:-/var/tmp/concerto-prometheus-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import prometheus_client' 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q prometheus_client
fi
curl -s "http://127.0.0.1:$port/metrics" >"$work/metrics.txt"
check "/metrics parses with prometheus_client and has the expected families" "$venv/bin/python" - "$work/metrics.txt" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
families = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
for name in ["concerto_build_info", "concerto_http_requests", "concerto_http_request_duration_seconds",
             "concerto_outbox_pending_messages", "concerto_outbox_oldest_pending_age_seconds",
             "concerto_outbox_failing_messages", "concerto_archive_jobs", "concerto_db_pool_connections",
             "concerto_database_up"]:
    assert name in families, (name, sorted(families))
assert families["concerto_http_request_duration_seconds"].type == "histogram"
routes = {s.labels.get("route") for s in families["concerto_http_requests"].samples}
assert "/healthz" in routes, routes
PY
check "/metrics refused through a proxy" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 192.0.2.1' http://127.0.0.1:$port/metrics)\" = 403 ]"

kill -TERM "$server_pid"
wait "$server_pid"; code=$?
server_pid=
check "SIGTERM: exit 0" test "$code" -eq 0

# An upgrade keeps an edited settings file.
echo "# edited by the operator" >>/etc/concerto/concerto.env
check "reinstall over the edited settings" dpkg -i "$deb"
check "the edited settings are kept" grep -q "edited by the operator" /etc/concerto/concerto.env

check "dpkg --purge removes it" dpkg --purge concerto
check "binary gone" test ! -e /usr/bin/concerto
check "unit gone" test ! -e "$unit"
check "settings gone" test ! -e /etc/concerto/concerto.env
check "the data stays after purge" test -f /var/lib/concerto/concerto.db
[ "$failed" -eq 0 ] || { echo "# server log:"; sed 's/^/# /' "$work/server.log" | tail -n 20; }
finish
