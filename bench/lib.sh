# Shared by the benchmark scripts: a release server on a fresh database, and wrk.
# Source it; it defines start_server, stop_server and wrk_run.

BENCH_PORT=${BENCH_PORT:-18080}
BENCH_URL="http://127.0.0.1:$BENCH_PORT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/concerto-target}"
# The build measured: release unless BENCH_PROFILE=debug (figures then only compare
# with each other, never with a release build's).
BENCH_PROFILE=${BENCH_PROFILE:-release}
# BENCH_BIN measures a binary built elsewhere (another commit, say) as it is.
BENCH_BUILD=${BENCH_BIN:+no}
BENCH_BIN=${BENCH_BIN:-"$CARGO_TARGET_DIR/$BENCH_PROFILE/concerto"}

ensure_wrk() {
  command -v wrk >/dev/null && return
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
}

# start_server [DATABASE_URL]: a release build on a fresh SQLite file by default.
start_server() {
  if [ "${BENCH_BUILD:-}" = no ]; then :
  elif [ "$BENCH_PROFILE" = debug ]; then cargo build -p concerto --quiet
  else cargo build --release -p concerto --quiet; fi
  BENCH_TMP=$(mktemp -d)
  local db=${1:-"sqlite://$BENCH_TMP/bench.db"}
  # The load generators speak for many clients through X-Forwarded-For, as a
  # reverse proxy would: the limits on public writes stay on, per client.
  CONCERTO_TRUSTED_PROXIES=127.0.0.1/32 "$BENCH_BIN" serve --database-url "$db" --listen "127.0.0.1:$BENCH_PORT" \
    >"$BENCH_TMP/server.log" 2>&1 &
  BENCH_PID=$!
  for _ in $(seq 1 100); do
    curl -fs "$BENCH_URL/healthz" >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "the server did not start:" >&2; cat "$BENCH_TMP/server.log" >&2; return 1
}

stop_server() {
  [ -n "${BENCH_PID:-}" ] && kill "$BENCH_PID" 2>/dev/null && wait "$BENCH_PID" 2>/dev/null || true
}

# wrk_run PATH CONNECTIONS SECONDS [SCRIPT [ARGS...]]: prints "requests_per_second
# p50_ms p99_ms". A script writes the requests itself, PATH is then only a label.
wrk_run() {
  local out script=()
  [ $# -gt 3 ] && script=(-s "$4" "$BENCH_URL" -- "${@:5}")
  [ ${#script[@]} -eq 0 ] && script=("$BENCH_URL$1")
  out=$(wrk -t2 -c"$2" -d"$3"s --latency "${script[@]}")
  local rps p50 p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  if grep -q "Non-2xx" <<<"$out"; then echo "non-2xx answers on $1:" >&2; echo "$out" >&2; return 1; fi
  echo "$rps $(to_ms "$p50") $(to_ms "$p99")"
}

# wrk prints latencies as 812.00us, 1.20ms or 1.02s.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else print v }'
}
