#!/usr/bin/env bash
# The observatory's search on a catalogue of 10,000 generated records (plus the demo's
# five), against /healthz on the same release server, loopback. Reports, per route, the
# first answer's time (cold: the search ranked and counted from the database) and then,
# under load, throughput, p50, p99 and the throughput ratio to /healthz (warm: the
# search remembered at the catalogue's revision, the page loaded and marked).
# Usage: bench/observatory.sh [sqlite|postgres|DATABASE_URL] [fixed|cold|zipf]
#   fixed (default): the four routes below, each asked again and again (warm);
#   cold: searches never asked before, each request a new pair of words, a province
#     or none, and a page (bench/observatory.lua), so no remembered page answers;
#   zipf: 2,000 such searches drawn by a Zipf law, as a public catalogue is asked.
#   Every mode ends with the server's memory (RSS now and at its peak).
#   sqlite (default): a fresh SQLite file;
#   postgres: a fresh database concerto_obs_bench on $BENCH_PG_SERVER
#     (default postgres://postgres@127.0.0.1:5432), dropped and created with psql;
#   a URL: an empty database of your own.
# Environment: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 8),
# BENCH_RECORDS (default 10000).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
SECONDS_EACH=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
RECORDS=${BENCH_RECORDS:-10000}

target=${1:-sqlite}
mode=${2:-fixed}
case "$mode" in fixed|cold|zipf) ;; *) echo "unknown mode: $mode" >&2; exit 2 ;; esac
case "$target" in
  sqlite) url="" ;;
  postgres)
    server=${BENCH_PG_SERVER:-postgres://postgres@127.0.0.1:5432}
    psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS concerto_obs_bench" -c "CREATE DATABASE concerto_obs_bench"
    url="$server/concerto_obs_bench" ;;
  *) url=$target ;;
esac

ensure_wrk
start_server "$url"
trap stop_server EXIT
db=${url:-"sqlite://$BENCH_TMP/bench.db"}
"$BENCH_BIN" observatory-generate --database-url "$db" --count "$RECORDS" >/dev/null

# The demo's records are derived on the first read, and the index loads then:
# neither is part of any route's time. The load is timed on its own.
load_ms=$(curl -fs -o /dev/null -w '%{time_total}' "$BENCH_URL/api/v1/observatory?q=warmup" | awk '{ printf "%.0f", $1 * 1000 }')
wrk_run /healthz "$CONNECTIONS" 2 >/dev/null  # warm up
echo "backend: ${db%%:*}; build: $BENCH_PROFILE; records: $RECORDS generated + the demo's; $CONNECTIONS connections, ${SECONDS_EACH} s per route; mode: $mode"
echo "first search (loads the index): $load_ms ms"
read -r h_rps h_p50 h_p99 < <(wrk_run /healthz "$CONNECTIONS" "$SECONDS_EACH")
printf '%-46s %9s %10s %9s %9s %7s\n' route "cold ms" "req/s" "p50 ms" "p99 ms" ratio
printf '%-46s %9s %10s %9s %9s %7s\n' /healthz - "$h_rps" "$h_p50" "$h_p99" 1.00
row() {  # row LABEL COLD_MS rps p50 p99
  local ratio
  ratio=$(awk -v a="$3" -v b="$h_rps" 'BEGIN { printf "%.2f", a / b }')
  printf '%-46s %9s %10s %9s %9s %7s\n' "$1" "$2" "$3" "$4" "$5" "$ratio"
}
if [ "$mode" = fixed ]; then
  # A word in about 3 records in 7 (an area's name), a place in 1 in 12, a facet
  # without words, and the HTML page with words and a facet.
  routes=(
    "/api/v1/observatory?q=violenza"
    "/api/v1/observatory?q=altamura"
    "/api/v1/observatory?province=LE&page=3"
    "/osservatorio?q=violenza+minori&province=LE"
  )
  declare -A cold
  for r in "${routes[@]}"; do
    cold[$r]=$(curl -fs -o /dev/null -w '%{time_total}' "$BENCH_URL$r" | awk '{ printf "%.1f", $1 * 1000 }')
  done
  for r in "${routes[@]}"; do wrk_run "$r" "$CONNECTIONS" 2 >/dev/null; done
  for r in "${routes[@]}"; do
    read -r rps p50 p99 < <(wrk_run "$r" "$CONNECTIONS" "$SECONDS_EACH")
    row "$r" "${cold[$r]}" "$rps" "$p50" "$p99"
  done
  echo "target: search p99 < 10 ms"
else
  read -r rps p50 p99 < <(wrk_run "/api/v1/observatory ($mode searches)" "$CONNECTIONS" "$SECONDS_EACH" bench/observatory.lua "$mode")
  row "/api/v1/observatory ($mode searches)" - "$rps" "$p50" "$p99"
  if [ "$mode" = cold ]; then echo "target: p99 < 25 ms"; else echo "target: p99 < 10 ms"; fi
fi
awk '/^VmRSS|^VmHWM/ { printf "%s %.0f MB\n", $1, $2 / 1024 }' "/proc/$BENCH_PID/status"
