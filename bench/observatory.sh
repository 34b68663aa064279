#!/usr/bin/env bash
# The observatory's search on a catalogue of 10,000 generated records (plus the demo's
# five), against /healthz on the same release server, loopback. Reports each route's
# throughput, p50 and p99, and its throughput ratio to /healthz.
# Usage: bench/observatory.sh [DATABASE_URL]   (default: a fresh SQLite file; pass an
# empty PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/concerto_obs_bench)
# Environment: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 8),
# BENCH_RECORDS (default 10000).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
SECONDS_EACH=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
RECORDS=${BENCH_RECORDS:-10000}

ensure_wrk
start_server "${1:-}"
trap stop_server EXIT
db=${1:-"sqlite://$BENCH_TMP/bench.db"}
"$CARGO_TARGET_DIR/release/concerto" observatory-generate --database-url "$db" --count "$RECORDS" >/dev/null

# A word in about 3 records in 7 (an area's name), a place in 1 in 12, a facet
# without words, and the HTML page with words and a facet.
routes=(
  "/api/v1/observatory?q=violenza"
  "/api/v1/observatory?q=altamura"
  "/api/v1/observatory?province=LE&page=3"
  "/osservatorio?q=violenza+minori&province=LE"
)
wrk_run /healthz "$CONNECTIONS" 2 >/dev/null  # warm up
for r in "${routes[@]}"; do wrk_run "$r" "$CONNECTIONS" 2 >/dev/null; done
read -r h_rps h_p50 h_p99 < <(wrk_run /healthz "$CONNECTIONS" "$SECONDS_EACH")
printf '%-46s %10s %9s %9s %7s\n' route "req/s" "p50 ms" "p99 ms" ratio
printf '%-46s %10s %9s %9s %7s\n' /healthz "$h_rps" "$h_p50" "$h_p99" 1.00
for r in "${routes[@]}"; do
  read -r rps p50 p99 < <(wrk_run "$r" "$CONNECTIONS" "$SECONDS_EACH")
  ratio=$(awk -v a="$rps" -v b="$h_rps" 'BEGIN { printf "%.2f", a / b }')
  printf '%-46s %10s %9s %9s %7s\n' "$r" "$rps" "$p50" "$p99" "$ratio"
done
echo "records: $RECORDS generated + the demo's; target: search p99 < 10 ms on SQLite"
