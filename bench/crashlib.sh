# Shared by crash.sh and two-instances.sh: the release binary, Python with aiosmtpd,
# servers started and stopped by pid, and read-only looks at the database.
# Source it after `cd` to the repository root.

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/concerto-target}"

# The binary under test is copied into the run's folder, so that a build running in
# parallel (someone else's `cargo build`) cannot swap it between a kill and a restart.
# CONCERTO_BIN=path skips the build and uses that binary.
prepare_binary() { # DIR
  local src=${CONCERTO_BIN:-}
  if [ -z "$src" ]; then
    cargo build --release -p concerto --quiet
    src="$CARGO_TARGET_DIR/release/concerto"
  fi
  cp "$src" "$1/concerto"
  BIN="$1/concerto"
}

# Python with aiosmtpd: the system's (Debian's python3-aiosmtpd) or bench/.venv,
# created from PyPI when neither has it.
prepare_python() {
  if python3 -c 'import aiosmtpd' 2>/dev/null; then PY=python3; return; fi
  if [ ! -x bench/.venv/bin/python ] || ! bench/.venv/bin/python -c 'import aiosmtpd' 2>/dev/null; then
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install --quiet aiosmtpd
  fi
  PY=bench/.venv/bin/python
}

now() { date +%s.%N; }

# start_sink DIR: an SMTP sink on a free loopback port; sets SINK_PID, SINK_PORT, SINK_LOG.
start_sink() {
  SINK_LOG="$1/sink.jsonl"
  : >"$SINK_LOG"
  "$PY" bench/smtp_sink.py --port 0 --port-file "$1/sink.port" --out "$SINK_LOG" 2>"$1/sink.err" &
  SINK_PID=$!
  for _ in $(seq 1 100); do
    [ -s "$1/sink.port" ] && { SINK_PORT=$(cat "$1/sink.port"); return; }
    sleep 0.1
  done
  echo "the SMTP sink did not start:" >&2; cat "$1/sink.err" >&2; return 1
}

# launch PORT LOG DATABASE_URL [extra serve flags…]: starts `concerto serve` in the
# background and sets LAUNCHED_PID; wait_healthy PORT PID LOG waits for /healthz.
launch() {
  local port=$1 log=$2 db=$3
  shift 3
  # submit.py speaks for many clients through X-Forwarded-For, as a reverse proxy would.
  CONCERTO_TRUSTED_PROXIES=127.0.0.1/32 "$BIN" serve --database-url "$db" --listen "127.0.0.1:$port" "$@" >>"$log" 2>&1 &
  LAUNCHED_PID=$!
}

wait_healthy() { # PORT PID LOG
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "the server on port $1 exited:" >&2; tail -n 20 "$3" >&2; return 1; }
    sleep 0.1
  done
  echo "the server on port $1 did not answer /healthz in 30 s:" >&2; tail -n 20 "$3" >&2; return 1
}

# stop_pid PID [SECONDS]: SIGTERM, then SIGKILL after the bound; only our own pids.
stop_pid() {
  local pid=$1 limit=${2:-20}
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((limit * 10))); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  echo "pid $pid did not stop in ${limit}s: killed" >&2
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# The demo process's first area id, from the public API.
first_area() { # BASE_URL
  curl -fs "$1/api/v1/processes/esempio-2026-2028" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["areas"][0]["id"])'
}

# read_expressions DATABASE_URL: "id year sequence" per expression, through a
# read-only connection. The only place these scripts read the schema directly.
read_expressions() {
  local db=$1 sql="SELECT id, protocol_year, protocol_sequence FROM expressions ORDER BY id"
  case "$db" in
    sqlite:*)
      local path=${db#sqlite://}; path=${path#sqlite:}; path=${path%%\?*}
      sqlite3 -readonly -separator ' ' "$path" "$sql" ;;
    postgres*)
      PGOPTIONS="-c default_transaction_read_only=on" psql "$db" -X -q -At -F ' ' -v ON_ERROR_STOP=1 -c "$sql" ;;
    *) echo "unknown database URL $db" >&2; return 1 ;;
  esac
}

# register_line DATABASE_URL: `concerto register` for the demo Ambito (one year).
register_line() {
  "$BIN" register --database-url "$1" --ambito esempio 2>&1
}
