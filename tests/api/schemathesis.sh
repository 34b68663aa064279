#!/usr/bin/env bash
# schemathesis against the OpenAPI document of a running release server: no 5xx, every
# status, content type and body as documented, bad input refused with a 4xx.
#
#   bash tests/api/schemathesis.sh                     # build, start a fresh server, test
#   CONCERTO_URL=http://127.0.0.1:8080 bash tests/api/schemathesis.sh   # a running server
#
# Environment: ST_MAX_TIME (seconds of generated requests, default 90), CONCERTO_BIN (a
# binary instead of building one), CARGO_TARGET_DIR (default /var/tmp/concerto-target).
# schemathesis comes from PyPI into tests/api/.venv. The last line is
# `schemathesis: N passed, M failed` (operations), and the exit status is non-zero on
# any violation.
set -euo pipefail
API_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_DIR="$(cd "$API_DIR/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/concerto-target}"
MAX_TIME="${ST_MAX_TIME:-90}"
log() { printf '=== schemathesis: %s\n' "$*" >&2; }

if ! command -v python3 >/dev/null || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
fi
if [ ! -x "$API_DIR/.venv/bin/st" ]; then
  log "installing schemathesis into tests/api/.venv"
  rm -rf "$API_DIR/.venv"
  python3 -m venv "$API_DIR/.venv"
  "$API_DIR/.venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis>=4.32,<5"
fi
# `--install-only`: schemathesis and nothing else (CI installs it ahead).
[ "${1:-}" = --install-only ] && exit 0

work_dir="$(mktemp -d /tmp/concerto-st.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work_dir"
}
trap cleanup EXIT

if [ -z "${CONCERTO_URL:-}" ]; then
  bin="${CONCERTO_BIN:-}"
  if [ -z "$bin" ]; then
    log "cargo build --release -p concerto"
    (cd "$REPO_DIR" && cargo build --release -p concerto --quiet)
    bin="$CARGO_TARGET_DIR/release/concerto"
  fi
  cp "$bin" "$work_dir/concerto"
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  CONCERTO_URL="http://127.0.0.1:$port"
  # Thousands of generated requests from one address: the limits are off here and
  # tested in crates/web/tests/integrity.rs.
  (cd "$work_dir" && env -u CONCERTO_DATABASE_URL -u CONCERTO_NO_DEMO CONCERTO_LIMIT_EXPRESSIONS=0 \
    CONCERTO_LIMIT_SIGN_INS=0 CONCERTO_LIMIT_PASSWORD_RESETS=0 CONCERTO_LIMIT_CORRECTIONS=0 \
    CONCERTO_LIMIT_LINK_RESENDS=0 ./concerto serve \
    --database-url "sqlite://$work_dir/st.db" --listen "127.0.0.1:$port" --public-url "$CONCERTO_URL" \
    --outbox-dir "$work_dir/outbox" >"$work_dir/server.log" 2>&1) &
  server_pid=$!
  for _ in $(seq 1 300); do
    curl -fs "$CONCERTO_URL/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  curl -fs "$CONCERTO_URL/healthz" >/dev/null || { echo "the server did not start:" >&2; cat "$work_dir/server.log" >&2; exit 1; }
fi

log "testing $CONCERTO_URL/api/v1/openapi.json for ${MAX_TIME}s"
# Every check but positive_data_acceptance: the schema cannot say that a tax code's check
# character must match, so most generated bodies are rightly refused with 422.
set +e
cd "$work_dir" # schemathesis keeps a cache in the folder it runs in
timeout $((MAX_TIME + 240)) "$API_DIR/.venv/bin/st" run "$CONCERTO_URL/api/v1/openapi.json" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-time "$MAX_TIME" --workers 2 --request-timeout 10 --seed 20261201 \
  --report junit --report-dir "$work_dir/report" 2>&1 | tee "$work_dir/st.log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ] && [ -n "$server_pid" ]; then
  echo "--- the server's log (tail)" >&2; tail -n 40 "$work_dir/server.log" >&2
fi
# One line per operation from the JUnit report: an operation passes when no check failed.
junit="$(ls "$work_dir"/report/*.xml 2>/dev/null | head -n 1)"
if [ -n "$junit" ]; then
  read -r tests failures < <(python3 - "$junit" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.iter("testcase")
total = bad = 0
for case in cases:
    total += 1
    bad += any(child.tag in ("failure", "error") for child in case)
print(total, bad)
PY
  )
else
  tests=0; failures=1
fi
[ "$status" -eq 0 ] || [ "$failures" -gt 0 ] || failures=1
echo "schemathesis: $((tests - failures)) passed, $failures failed"
[ "$status" -eq 0 ] && [ "$failures" -eq 0 ]
