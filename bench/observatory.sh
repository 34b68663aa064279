#!/usr/bin/env bash
# The observatory's search on a catalogue of 10,000 generated records (plus the demo's
# five), against /healthz on the same release server, loopback. Reports, per route, the
# first answer's time (cold: the search ranked and counted from the database) and then,
# under load, throughput, p50, p99 and the throughput ratio to /healthz (warm: the
# search remembered at the catalogue's revision, the page loaded and marked).
# Usage: bench/observatory.sh [sqlite|postgres|DATABASE_URL]
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

# A word in about 3 records in 7 (an area's name), a place in 1 in 12, a facet
# without words, and the HTML page with words and a facet.
routes=(
  "/api/v1/observatory?q=violenza"
  "/api/v1/observatory?q=altamura"
  "/api/v1/observatory?province=LE&page=3"
  "/osservatorio?q=violenza+minori&province=LE"
)
# The demo's records are derived on the first read: not part of any route's time.
curl -fs -o /dev/null "$BENCH_URL/api/v1/observatory?q=warmup"
declare -A cold
for r in "${routes[@]}"; do
  cold[$r]=$(curl -fs -o /dev/null -w '%{time_total}' "$BENCH_URL$r" | awk '{ printf "%.1f", $1 * 1000 }')
done
wrk_run /healthz "$CONNECTIONS" 2 >/dev/null  # warm up
for r in "${routes[@]}"; do wrk_run "$r" "$CONNECTIONS" 2 >/dev/null; done
read -r h_rps h_p50 h_p99 < <(wrk_run /healthz "$CONNECTIONS" "$SECONDS_EACH")
echo "backend: ${db%%:*}; build: $BENCH_PROFILE; records: $RECORDS generated + the demo's; $CONNECTIONS connections, ${SECONDS_EACH} s per route"
printf '%-46s %9s %10s %9s %9s %7s\n' route "cold ms" "req/s" "p50 ms" "p99 ms" ratio
printf '%-46s %9s %10s %9s %9s %7s\n' /healthz - "$h_rps" "$h_p50" "$h_p99" 1.00
for r in "${routes[@]}"; do
  read -r rps p50 p99 < <(wrk_run "$r" "$CONNECTIONS" "$SECONDS_EACH")
  ratio=$(awk -v a="$rps" -v b="$h_rps" 'BEGIN { printf "%.2f", a / b }')
  printf '%-46s %9s %10s %9s %9s %7s\n' "$r" "${cold[$r]}" "$rps" "$p50" "$p99" "$ratio"
done
echo "target: search p99 < 10 ms on SQLite"
