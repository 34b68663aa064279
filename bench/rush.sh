#!/usr/bin/env bash
# The deadline rush: 64 clients submit expressions of interest to the open demo
# process for 60 s, against /healthz on the same server for the ratio. Then every
# 201 must be in the database and the register must have no gaps.
# Usage: bench/rush.sh [DATABASE_URL]   (default: a fresh SQLite file)
# Environment: BENCH_SECONDS (default 60), BENCH_CONNECTIONS (default 64).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
SECONDS_EACH=${BENCH_SECONDS:-60}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
DB=${1:-}

ensure_wrk
start_server "$DB"
trap stop_server EXIT
DB=${DB:-"sqlite://$BENCH_TMP/bench.db"}

area=$(curl -fs "$BENCH_URL/api/v1/processes/esempio-2026-2028" | python3 -c 'import json,sys; print(json.load(sys.stdin)["areas"][0]["id"])')
read -r h_rps h_p50 h_p99 < <(wrk_run /healthz "$CONNECTIONS" 10)

out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s bench/rush.lua \
  "$BENCH_URL/api/v1/processes/esempio-2026-2028/expressions" -- "$area")
created=$(sed -n 's/^created=\([0-9]*\) rejected=.*/\1/p' <<<"$out")
rejected=$(sed -n 's/^created=[0-9]* rejected=\([0-9]*\)/\1/p' <<<"$out")
p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
accepted_rps=$(awk -v c="$created" -v s="$SECONDS_EACH" 'BEGIN { printf "%.0f", c / s }')
ratio=$(awk -v a="$accepted_rps" -v b="$h_rps" 'BEGIN { printf "%.3f", a / b }')

stop_server
# The register, read back through the binary: count, gaps, duplicates.
register=$("$BENCH_BIN" register --database-url "$DB" --ambito esempio)
stored=$(sed -n 's/^.* count=\([0-9]*\).*/\1/p' <<<"$register" | head -n 1)

echo "backend:            ${DB%%:*}"
echo "/healthz:           $h_rps req/s (p99 $h_p99 ms)"
echo "accepted:           $created in ${SECONDS_EACH}s = $accepted_rps/s (rejected: $rejected)"
echo "submission latency: p50 $p50 ms, p99 $p99 ms"
echo "accepted/healthz:   $ratio"
echo "register:           $register"
# Requests still in flight when wrk stops are received but never counted by it: the
# register may hold up to one more per connection, never fewer than the 201s seen.
if [ "$stored" -lt "$created" ] || [ "$stored" -gt $((created + CONNECTIONS)) ] || grep -q "gaps=[1-9]\|duplicates=[1-9]" <<<"$register"; then
  echo "FAIL: $created answered 201 but the register holds $stored, or has gaps or duplicates" >&2
  exit 1
fi
echo "every 201 is in the database ($((stored - created)) more were in flight when the load stopped); numbers gapless"
