#!/usr/bin/env bash
# A big office: one process with 5,000 expressions over 20 areas, each with its pact
# (`concerto bench-seed`, a hidden command, through the store's submission path).
# Against /healthz on the same release server, loopback, signed in as the Ambito's
# office: the workspace's dashboard, the list of expressions (first page), the
# register of pacts under load (req/s, p50, p99), then each export (CSV and XLSX,
# per organization = 5,000 rows and per representative = one row per area chosen)
# timed whole, then (unless OFFICE_ARCHIVE=0) the ZIP of every pact: time to build
# it, its size, and the server's peak RSS (VmHWM) before and after.
# Usage: bench/office.sh [sqlite|postgres|DATABASE_URL]
#   sqlite (default): a fresh SQLite file;
#   postgres: a fresh database concerto_office_bench on $BENCH_PG_SERVER
#     (default postgres://postgres@127.0.0.1:5432), dropped and created with psql;
#   a URL: an empty database of your own.
# Environment: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 8),
# OFFICE_EXPRESSIONS (default 5000), OFFICE_EXPORT_RUNS (default 5), OFFICE_ARCHIVE
# (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
SECONDS_EACH=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
COUNT=${OFFICE_EXPRESSIONS:-5000}
RUNS=${OFFICE_EXPORT_RUNS:-5}
SLUG=ufficio-grande-2026-2028

target=${1:-sqlite}
OFFICE_TMP=$(mktemp -d)
case "$target" in
  sqlite) url="sqlite://$OFFICE_TMP/office.db" ;;
  postgres)
    server=${BENCH_PG_SERVER:-postgres://postgres@127.0.0.1:5432}
    psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS concerto_office_bench" -c "CREATE DATABASE concerto_office_bench"
    url="$server/concerto_office_bench" ;;
  *) url=$target ;;
esac

ensure_wrk
if [ "${BENCH_BUILD:-}" = no ]; then :
elif [ "$BENCH_PROFILE" = debug ]; then cargo build -p concerto --quiet; else cargo build --release -p concerto --quiet; fi
seed_start=$(date +%s.%N)
"$BENCH_BIN" bench-seed --database-url "$url" --count "$COUNT" >/dev/null
seed_s=$(awk -v a="$seed_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
PASSWORD="panchina-lunga-2026"
echo "$PASSWORD" | "$BENCH_BIN" user add --database-url "$url" --email ufficio@bench.invalid \
  --role ambito-editor --ambito ufficio-grande --name "Ufficio di Piano" >/dev/null
start_server "$url"
trap stop_server EXIT

curl -fs -o /dev/null -c "$OFFICE_TMP/cookies.txt" --data-urlencode "email=ufficio@bench.invalid" \
  --data-urlencode "password=$PASSWORD" "$BENCH_URL/accedi"
COOKIE="concerto_session=$(awk '$6 == "concerto_session" { print $7 }' "$OFFICE_TMP/cookies.txt")"

# office_run PATH SECONDS: "requests_per_second p50_ms p99_ms", signed in.
office_run() {
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$2"s --latency -H "Cookie: $COOKIE" "$BENCH_URL$1")
  if grep -q "Non-2xx" <<<"$out"; then echo "non-2xx answers on $1:" >&2; echo "$out" >&2; return 1; fi
  echo "$(awk '/^Requests\/sec:/ {print $2}' <<<"$out") $(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")") $(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
}
# fetch PATH: "seconds bytes" of one signed-in GET, failing on an error status.
fetch() {
  curl -fs -o "$OFFICE_TMP/fetched" -H "Cookie: $COOKIE" -w '%{time_total} %{size_download}\n' "$BENCH_URL$1"
}

pages=("/ufficio" "/ufficio/processi/$SLUG" "/ufficio/processi/$SLUG/patti")
declare -A first
for p in "${pages[@]}"; do read -r t b < <(fetch "$p"); first[$p]="$(awk -v t="$t" 'BEGIN { printf "%.1f", t * 1000 }') ms, $b bytes"; done
office_run /healthz 2 >/dev/null # warm up
for p in "${pages[@]}"; do office_run "$p" 2 >/dev/null; done
read -r h_rps h_p50 h_p99 < <(office_run /healthz "$SECONDS_EACH")
echo "backend: ${url%%:*}; build: $BENCH_PROFILE; $COUNT expressions over 20 areas, $COUNT pacts (seeded in $seed_s s); $CONNECTIONS connections, ${SECONDS_EACH} s per route"
printf '%-44s %10s %9s %9s %7s   %s\n' route "req/s" "p50 ms" "p99 ms" ratio "first answer"
printf '%-44s %10s %9s %9s %7s\n' /healthz "$h_rps" "$h_p50" "$h_p99" 1.00
worst=0
for p in "${pages[@]}"; do
  read -r rps p50 p99 < <(office_run "$p" "$SECONDS_EACH")
  ratio=$(awk -v a="$rps" -v b="$h_rps" 'BEGIN { printf "%.3f", a / b }')
  printf '%-44s %10s %9s %9s %7s   %s\n' "$p" "$rps" "$p50" "$p99" "$ratio" "${first[$p]}"
  worst=$(awk -v a="$worst" -v b="$p99" 'BEGIN { print (b > a) ? b : a }')
done

echo "exports, $RUNS runs each (seconds: slowest, all):"
slowest_export=0
for e in "manifestazioni.csv?per=organizzazioni" "manifestazioni.xlsx?per=organizzazioni" \
  "manifestazioni.csv?per=rappresentanti" "manifestazioni.xlsx?per=rappresentanti" "patti.csv" "patti.xlsx"; do
  times=() size=0
  for _ in $(seq 1 "$RUNS"); do read -r t size < <(fetch "/ufficio/processi/$SLUG/$e"); times+=("$t"); done
  rows=$( [[ $e == *.csv* ]] && echo $(( $(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding="utf-8-sig"))))' "$OFFICE_TMP/fetched") - 1 )) || echo "-")
  max=$(printf '%s\n' "${times[@]}" | sort -g | tail -n 1)
  printf '  %-42s %6s s  (%s)  %s bytes, %s rows\n' "$e" "$max" "${times[*]}" "$size" "$rows"
  slowest_export=$(awk -v a="$slowest_export" -v b="$max" 'BEGIN { print (b > a) ? b : a }')
done
echo "targets: pages p99 < 50 ms (worst $worst ms); exports of $COUNT rows < 1 s (slowest $slowest_export s)"

if [ "${OFFICE_ARCHIVE:-1}" != 0 ]; then
  hwm() { awk '/^VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$BENCH_PID/status"; }
  rss() { awk '/^VmRSS/ { printf "%.0f MB", $2 / 1024 }' "/proc/$BENCH_PID/status"; }
  before="VmHWM $(hwm), VmRSS $(rss)"
  a0=$(date +%s.%N)
  job=$(curl -fs -o /dev/null -w '%{redirect_url}' -H "Cookie: $COOKIE" -H "Origin: $BENCH_URL" \
    --data "tipo=patti" "$BENCH_URL/ufficio/processi/$SLUG/archivi")
  while ! curl -fs -H "Cookie: $COOKIE" "$job" | grep -q "archivio.zip"; do
    if curl -fs -H "Cookie: $COOKIE" "$job" | grep -qi "errore\|non è stato"; then echo "the archive failed: $job" >&2; break; fi
    sleep 1
  done
  built=$(awk -v a="$a0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  after_build="VmHWM $(hwm), VmRSS $(rss)"
  read -r dl_t dl_b < <(fetch "${job#"$BENCH_URL"}/archivio.zip")
  entries=$(python3 -c 'import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))' "$OFFICE_TMP/fetched")
  echo "archive of every pact: built in $built s; $entries entries, $dl_b bytes, downloaded in $dl_t s"
  echo "server memory: before the archive $before; after building it $after_build; after the download VmHWM $(hwm)"
  echo "targets: < 100 s, peak RSS < 300 MB"
fi
echo "run folder: $OFFICE_TMP (server log: $BENCH_TMP/server.log)"
