#!/usr/bin/env bash
# Two `concerto serve` instances on one PostgreSQL database. Checks:
#  - the demo load and the session table's creation survive both instances starting
#    at once on an empty database (probed on a throwaway database first);
#  - submissions spread over both instances: no duplicate protocol number, no gap;
#  - a session made on one instance is valid on the other, and a logout on one ends
#    it on both.
# Usage: bench/two-instances.sh [POSTGRES_ADMIN_URL]
#        (default postgres://postgres@127.0.0.1:5432/postgres; the script creates and
#        drops its own databases concerto_two_<pid> and concerto_race_<pid>)
# Environment: TWO_TOTAL (submissions, default 2000), BENCH_CONNECTIONS (default 32),
# BENCH_PORT (default 18091; the second instance takes the next port), CONCERTO_BIN,
# KEEP_DB=1 (keep the databases), ALLOW_KNOWN_DEFECTS=1 (a failed start race and
# receipts sent by both instances are reported but do not fail the run).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/crashlib.sh
ADMIN=${1:-postgres://postgres@127.0.0.1:5432/postgres}
TOTAL=${TWO_TOTAL:-2000}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
PORT_A=${BENCH_PORT:-18091}
PORT_B=$((PORT_A + 1))
A="http://127.0.0.1:$PORT_A" B="http://127.0.0.1:$PORT_B"
MAIN_DB="concerto_two_$$" RACE_DB="concerto_race_$$"
db_url() { echo "${ADMIN%/*}/$1"; }
DB=$(db_url "$MAIN_DB")
TMP=$(mktemp -d)
PID_A="" PID_B="" SINK_PID=""
cleanup() {
  stop_pid "$PID_A" 20; stop_pid "$PID_B" 20; stop_pid "$SINK_PID" 5
  if [ -z "${KEEP_DB:-}" ]; then
    psql "$ADMIN" -X -q -c "DROP DATABASE IF EXISTS $MAIN_DB" -c "DROP DATABASE IF EXISTS $RACE_DB" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
prepare_python
prepare_binary "$TMP"
fail=0

# --- 1. Both instances started at the same moment on an empty database ---
# The race is not deterministic: it is tried RACE_TRIES times (default 5), each on a
# fresh database.
RACE_TRIES=${RACE_TRIES:-5}
race_failed=0 race_note="" race_errors=""
for try in $(seq 1 "$RACE_TRIES"); do
  psql "$ADMIN" -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $RACE_DB" -c "CREATE DATABASE $RACE_DB" >/dev/null
  RACE_URL=$(db_url "$RACE_DB")
  : >"$TMP/race-a.log"; : >"$TMP/race-b.log"
  launch "$PORT_A" "$TMP/race-a.log" "$RACE_URL" --outbox-dir "$TMP/outbox"; PID_A=$LAUNCHED_PID
  launch "$PORT_B" "$TMP/race-b.log" "$RACE_URL" --outbox-dir "$TMP/outbox"; PID_B=$LAUNCHED_PID
  note=""
  wait_healthy "$PORT_A" "$PID_A" "$TMP/race-a.log" 2>>"$TMP/race.err" || note+="instance A exited at start; "
  wait_healthy "$PORT_B" "$PID_B" "$TMP/race-b.log" 2>>"$TMP/race.err" || note+="instance B exited at start; "
  copies=$(PGOPTIONS="-c default_transaction_read_only=on" psql "$RACE_URL" -X -At \
    -c "SELECT count(*) FROM processes WHERE slug = 'esempio-2026-2028'" 2>/dev/null || echo "?")
  [ "$copies" = 1 ] || note+="demo process loaded $copies times; "
  stop_pid "$PID_A" 20; stop_pid "$PID_B" 20; PID_A="" PID_B=""
  if [ -n "$note" ]; then
    race_failed=$((race_failed + 1)); race_note=$note
    cp "$TMP/race-a.log" "$TMP/race-$try-a.log"; cp "$TMP/race-b.log" "$TMP/race-$try-b.log"
    race_errors=$(cat "$TMP/race-a.log" "$TMP/race-b.log" | sed 's/\x1b\[[0-9;]*m//g' \
      | grep -A3 -E "^Error|ERROR" | grep -vE "^(--|Caused by:|Stack backtrace:|$)" | tr -s ' ' | paste -sd ' ' - | cut -c1-300 || true)
  fi
done

# --- 2. The workaround: A first, then B once A is healthy; both mail one SMTP sink ---
psql "$ADMIN" -X -q -c "CREATE DATABASE $MAIN_DB" >/dev/null
start_sink "$TMP"
MAIL=(--smtp-url "smtp://127.0.0.1:$SINK_PORT" --outbox-dir "$TMP/outbox")
launch "$PORT_A" "$TMP/a.log" "$DB" "${MAIL[@]}"; PID_A=$LAUNCHED_PID
wait_healthy "$PORT_A" "$PID_A" "$TMP/a.log"
launch "$PORT_B" "$TMP/b.log" "$DB" "${MAIL[@]}"; PID_B=$LAUNCHED_PID
wait_healthy "$PORT_B" "$PID_B" "$TMP/b.log"
AREA=$(first_area "$A")

PASSWORD="panchina-lunga-2026"
echo "$PASSWORD" | "$BIN" user add --database-url "$DB" --email ufficio@bench.invalid \
  --role ambito-editor --ambito esempio --name "Ufficio di Piano" >"$TMP/user.log" 2>&1 \
  || { echo "user add failed:" >&2; cat "$TMP/user.log" >&2; exit 1; }

# --- 3. Submissions alternately on A and B ---
T0=$(now)
"$PY" bench/submit.py --target "$A" --target "$B" --area "$AREA" --clients "$CONNECTIONS" \
  --total "$TOTAL" --accepted "$TMP/accepted.tsv" --events "$TMP/events.tsv" >"$TMP/load.json"
T1=$(now)
register=$(register_line "$DB") || fail=1
read_expressions "$DB" >"$TMP/expressions.txt"
load=$("$PY" - "$TMP" "$A" "$B" "$T0" "$T1" <<'EOF'
import json, sys
tmp, a, b, t0, t1 = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
rows = [l.rstrip("\n").split("\t") for l in open(f"{tmp}/accepted.tsv") if l.strip()]
protocols = [tuple(map(int, p.split("/"))) for _, p, _ in rows]
stored = {(int(y), int(s)) for _, y, s in (l.split() for l in open(f"{tmp}/expressions.txt"))}
stats = json.load(open(f"{tmp}/load.json"))
print(json.dumps({
    "accepted": len(rows), "on_a": sum(1 for r in rows if r[2] == a), "on_b": sum(1 for r in rows if r[2] == b),
    "answered_twice": len(protocols) - len(set(protocols)),
    "missing": len(set(protocols) - stored), "stored": len(stored),
    "per_s": round(len(rows) / (t1 - t0)), "refused": stats["status"], "errors": stats["errors"],
}))
EOF
)
get() { "$PY" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$load" "$1"; }

# --- 4. One session, two instances ---
status() { # URL [COOKIE_VALUE]
  if [ -n "${2:-}" ]; then curl -s -o /dev/null -w '%{http_code}' -b "concerto_session=$2" "$1"
  else curl -s -o /dev/null -w '%{http_code}' "$1"; fi
}
login_status=$(curl -s -o /dev/null -w '%{http_code}' -c "$TMP/cookies.txt" \
  --data-urlencode "email=ufficio@bench.invalid" --data-urlencode "password=$PASSWORD" "$A/accedi")
COOKIE=$(awk '$6 == "concerto_session" { print $7 }' "$TMP/cookies.txt")
office_a=$(status "$A/ufficio" "$COOKIE")
office_b=$(status "$B/ufficio" "$COOKIE")
anon_b=$(status "$B/ufficio")
logout_b=$(curl -s -o /dev/null -w '%{http_code}' -X POST -b "concerto_session=$COOKIE" "$B/esci")
after_a=$(status "$A/ufficio" "$COOKIE")
after_b=$(status "$B/ufficio" "$COOKIE")

# --- 5. Receipts: both outbox workers drain one outbox ---
stored=$(wc -l <"$TMP/expressions.txt")
for _ in $(seq 1 900); do # at most 180 s
  distinct=$("$PY" bench/smtp_sink.py --report "$SINK_LOG" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["distinct"])')
  [ "$distinct" -ge "$stored" ] && break
  sleep 0.2
done
sleep 2
stop_pid "$PID_A" 20; stop_pid "$PID_B" 20; PID_A="" PID_B=""
awk '{ printf "<receipt.%s@concerto.invalid>\n", $1 }' "$TMP/expressions.txt" >"$TMP/expected-ids.txt"
sink_ok=yes
sink_json=$("$PY" bench/smtp_sink.py --report "$SINK_LOG" --expect "$TMP/expected-ids.txt" --json) || sink_ok=no
double_sent=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["duplicated_ids"])' "$sink_json")

echo "backend:           postgres, two instances on ports $PORT_A and $PORT_B, one database"
if [ "$race_failed" = 0 ]; then
  echo "start race:        both started at once on an empty database, $RACE_TRIES times: both healthy, demo loaded once"
else
  echo "start race:        DEFECT in $race_failed of $RACE_TRIES starts at once on an empty database: ${race_note}last errors: ${race_errors:-none logged}"
  echo "                   (worked around: A started first, B after A's /healthz; logs in $TMP/race-N-*.log)"
  [ -n "${ALLOW_KNOWN_DEFECTS:-}" ] || { echo "FAIL: two instances cannot start at once on an empty database" >&2; fail=1; }
fi
echo "submissions:       $(get accepted) accepted of $TOTAL ($(get on_a) on A, $(get on_b) on B) at $(get per_s)/s with $CONNECTIONS clients; refused $(get refused), connection errors $(get errors)"
echo "register:          $register"
echo "sessions:          login on A $login_status; /ufficio with the cookie: A $office_a, B $office_b; without: B $anon_b"
echo "                   logout on B $logout_b; then /ufficio with the old cookie: A $after_a, B $after_b"
echo "receipts (sink):   $sink_json"
echo "run folder:        $TMP"

[ "$(get accepted)" = "$TOTAL" ] || { echo "FAIL: $(get accepted) of $TOTAL submissions answered 201" >&2; fail=1; }
[ "$(get answered_twice)" = 0 ] || { echo "FAIL: $(get answered_twice) protocol numbers answered twice" >&2; fail=1; }
[ "$(get missing)" = 0 ] || { echo "FAIL: $(get missing) protocol numbers answered 201 are not stored" >&2; fail=1; }
grep -Eq "count=$TOTAL (annulled=0 )?last=$TOTAL gaps=0 duplicates=0" <<<"$register" || { echo "FAIL: register not 1…$TOTAL without gaps or duplicates" >&2; fail=1; }
[ -n "$COOKIE" ] && [ "$login_status" = 303 ] || { echo "FAIL: login on A answered $login_status without a session cookie" >&2; fail=1; }
[ "$office_a" = 200 ] && [ "$office_b" = 200 ] || { echo "FAIL: the session is not valid on both instances" >&2; fail=1; }
[ "$anon_b" = 302 ] || { echo "FAIL: /ufficio without a session answered $anon_b" >&2; fail=1; }
[ "$after_a" = 302 ] && [ "$after_b" = 302 ] || { echo "FAIL: after logout on B the session still works (A $after_a, B $after_b)" >&2; fail=1; }
if [ "$double_sent" != 0 ]; then
  echo "DEFECT: $double_sent of $stored receipts reached the sink more than once (same Message-ID) with no crash: both outbox workers send the same due rows"
  [ -n "${ALLOW_KNOWN_DEFECTS:-}" ] || { echo "FAIL: receipts sent twice by the two instances" >&2; fail=1; }
fi
[ "$sink_ok" = yes ] || { echo "FAIL: the sink does not hold exactly one receipt Message-ID per expression" >&2; fail=1; }
[ "$fail" = 0 ] && echo "OK: protocol numbers unique and gapless across instances; sessions shared, logout on either ends them"
exit "$fail"
