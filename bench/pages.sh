#!/usr/bin/env bash
# The Casarano page against /healthz on the same release server, loopback, 64
# connections. Reports both throughputs, their ratio and the page's latency.
# Usage: bench/pages.sh [DATABASE_URL]   (default: a fresh SQLite file)
# Environment: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 64).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
SECONDS_EACH=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-64}

ensure_wrk
start_server "${1:-}"
trap stop_server EXIT

wrk_run /healthz "$CONNECTIONS" 2 >/dev/null  # warm up
read -r h_rps h_p50 h_p99 < <(wrk_run /healthz "$CONNECTIONS" "$SECONDS_EACH")
read -r p_rps p_p50 p_p99 < <(wrk_run /processi/casarano-2022-2024 "$CONNECTIONS" "$SECONDS_EACH")
ratio=$(awk -v a="$p_rps" -v b="$h_rps" 'BEGIN { printf "%.2f", a / b }')

printf '%-32s %12s %10s %10s\n' route "req/s" "p50 ms" "p99 ms"
printf '%-32s %12s %10s %10s\n' /healthz "$h_rps" "$h_p50" "$h_p99"
printf '%-32s %12s %10s %10s\n' /processi/casarano-2022-2024 "$p_rps" "$p_p50" "$p_p99"
echo "page/healthz throughput ratio: $ratio (target >= 0.30); page p99: ${p_p99} ms (target < 20)"
