#!/usr/bin/env bash
# The deadline rush with the server killed (kill -9) mid-way and restarted on the same
# database and port. Then: every 201 is in the database, the register is gapless and
# without duplicates, and the outbox delivered one receipt per expression to a real
# SMTP sink (resends of the same Message-ID are counted, never a second Message-ID).
# Usage: bench/crash.sh [DATABASE_URL]   (default: a fresh SQLite file; a PostgreSQL
#        database given here must hold no expressions yet, e.g. a fresh `createdb`)
# Environment: CRASH_BEFORE (s of load before the kill, default 6), CRASH_AFTER (s of
# load after the restart, default 6), BENCH_CONNECTIONS (default 32), BENCH_PORT
# (default 18081), CONCERTO_BIN (a binary to use instead of building one).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/crashlib.sh
BEFORE=${CRASH_BEFORE:-6}
AFTER=${CRASH_AFTER:-6}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
PORT=${BENCH_PORT:-18081}
BASE="http://127.0.0.1:$PORT"
DRAIN_LIMIT=${CRASH_DRAIN_LIMIT:-180}

TMP=$(mktemp -d)
DB=${1:-"sqlite://$TMP/crash.db"}
SERVER_PID="" SINK_PID="" LOAD_PID=""
cleanup() { stop_pid "$LOAD_PID" 5; stop_pid "$SERVER_PID" 20; stop_pid "$SINK_PID" 5; }
trap cleanup EXIT

prepare_python
prepare_binary "$TMP"
if [ -n "${1:-}" ] && [ "$(read_expressions "$DB" 2>/dev/null | wc -l)" -gt 0 ]; then
  echo "$DB already holds expressions: give a fresh database" >&2; exit 2
fi
start_sink "$TMP"
SERVE_FLAGS=(--smtp-url "smtp://127.0.0.1:$SINK_PORT" --outbox-dir "$TMP/outbox")

launch "$PORT" "$TMP/server.log" "$DB" "${SERVE_FLAGS[@]}"; SERVER_PID=$LAUNCHED_PID
wait_healthy "$PORT" "$SERVER_PID" "$TMP/server.log"
AREA=$(first_area "$BASE")

# The load runs across the crash: it is stopped with SIGTERM after the second phase.
"$PY" bench/submit.py --target "$BASE" --area "$AREA" --clients "$CONNECTIONS" \
  --seconds $((BEFORE + AFTER + 120)) --accepted "$TMP/accepted.tsv" --events "$TMP/events.tsv" \
  >"$TMP/load.json" &
LOAD_PID=$!
sleep "$BEFORE"

T_KILL=$(now)
kill -KILL "$SERVER_PID"
{ wait "$SERVER_PID"; } 2>/dev/null || true
echo "--- kill -9 at $T_KILL ---" >>"$TMP/server.log"
T_LAUNCH=$(now) # the old process is gone: every answer from here on is the new one's
launch "$PORT" "$TMP/server.log" "$DB" "${SERVE_FLAGS[@]}"; SERVER_PID=$LAUNCHED_PID
wait_healthy "$PORT" "$SERVER_PID" "$TMP/server.log"
T_READY=$(now)
sleep "$AFTER"

kill -TERM "$LOAD_PID"
wait "$LOAD_PID" || true
LOAD_PID=""
T_STOP=$(now)

# The outbox is drained when the sink holds a receipt for every stored expression.
stored=$(read_expressions "$DB" | wc -l)
drained=no
for _ in $(seq 1 $((DRAIN_LIMIT * 5))); do
  distinct=$("$PY" bench/smtp_sink.py --report "$SINK_LOG" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["distinct"])')
  if [ "$distinct" -ge "$stored" ]; then drained=yes; break; fi
  sleep 0.2
done
sleep 2 # late resends, if any, still reach the sink before the check
stop_pid "$SERVER_PID" 30; SERVER_PID=""

# --- checks ---
fail=0
register=$(register_line "$DB") || fail=1
read_expressions "$DB" >"$TMP/expressions.txt"
awk '{ printf "<receipt.%s@concerto.invalid>\n", $1 }' "$TMP/expressions.txt" >"$TMP/expected-ids.txt"
sink_report=$("$PY" bench/smtp_sink.py --report "$SINK_LOG" --expect "$TMP/expected-ids.txt") || fail=1
sink_json=$("$PY" bench/smtp_sink.py --report "$SINK_LOG" --expect "$TMP/expected-ids.txt" --json || true)

figures=$("$PY" - "$TMP" "$T_KILL" "$T_LAUNCH" "$T_READY" "$T_STOP" <<'EOF'
import json, sys
tmp, t_kill, t_launch, t_ready, t_stop = sys.argv[1], *map(float, sys.argv[2:])
accepted = [l.rstrip("\n").split("\t") for l in open(f"{tmp}/accepted.tsv") if l.strip()]
events = [l.rstrip("\n").split("\t") for l in open(f"{tmp}/events.tsv") if l.strip()]
stored = {}
for line in open(f"{tmp}/expressions.txt"):
    i, y, s = line.split()
    stored[(int(y), int(s))] = int(i)
seen = [(float(t), tuple(map(int, p.split("/")))) for t, p, _ in accepted]
lost = sorted({p for _, p in seen if p not in stored})
twice = len(seen) - len({p for _, p in seen})
before = sum(1 for t, _ in seen if t < t_launch)
after = len(seen) - before
first_after = min((t for t, _ in seen if t >= t_launch), default=None)
window_end = first_after if first_after is not None else t_stop
failed_window = [e for e in events if t_kill <= float(e[0]) <= window_end]
failed_other = len(events) - len(failed_window)
kinds = {}
for e in failed_window:
    kinds[e[1] if e[1] != "error" else e[2]] = kinds.get(e[1] if e[1] != "error" else e[2], 0) + 1
sink = [json.loads(l) for l in open(f"{tmp}/sink.jsonl") if l.strip()]
# Each receipt names its protocol number in the subject: it must be its expression's.
import re
by_id = {i: p for p, i in stored.items()}
mismatched = 0
for m in sink:
    mid, subj = re.search(r"<receipt\.(\d+)@", m["message_id"]), re.search(r"(\d{4})/(\d+)", m["subject"])
    if not mid or not subj or by_id.get(int(mid.group(1))) != (int(subj.group(1)), int(subj.group(2))):
        mismatched += 1
last_receipt = max((m["at"] for m in sink), default=t_stop)
first_receipt = min((m["at"] for m in sink), default=t_stop)
print(json.dumps({
    "accepted_before": before, "accepted_after": after, "accepted": len(seen),
    "lost_201s": len(lost), "lost_sample": ["%d/%07d" % p for p in lost[:5]],
    "protocol_answered_twice": twice,
    "stored": len(stored), "stored_without_201": len(stored) - len(set(p for _, p in seen) & stored.keys()),
    "failed_in_window": len(failed_window), "failed_kinds": kinds, "failed_elsewhere": failed_other,
    "restart_to_healthy_s": round(t_ready - t_kill, 2),
    "kill_to_first_201_s": round(first_after - t_kill, 2) if first_after else None,
    "drain_after_load_s": round(max(0.0, last_receipt - t_stop), 2),
    "receipt_mismatch": mismatched,
    "receipts_per_s": round(len(sink) / max(0.001, last_receipt - first_receipt)),
}))
EOF
)
get() { "$PY" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$figures" "$1"; }

echo "backend:              ${DB%%:*}   (clients: $CONNECTIONS, load ${BEFORE}s + kill -9 + ${AFTER}s)"
echo "accepted (201):       $(get accepted_before) before the kill, $(get accepted_after) after the restart"
echo "failed in the crash window: $(get failed_in_window) requests $(get failed_kinds) (connection errors are expected; none is a 201); other failures: $(get failed_elsewhere)"
echo "recovery:             restart to /healthz $(get restart_to_healthy_s) s after the kill; first 201 $(get kill_to_first_201_s) s after the kill"
echo "stored:               $(get stored) expressions; $(get stored_without_201) without a 201 seen (in flight at the kill)"
echo "register:             $register"
echo "outbox drain:         last receipt $(get drain_after_load_s) s after the load stopped (drained: $drained); $(get receipts_per_s) receipts/s at the sink"
echo "sink:                 $sink_json"
echo "$sink_report" | sed 's/^/  /'
echo "run folder:           $TMP"

[ "$drained" = yes ] || { echo "FAIL: the outbox did not deliver a receipt for each of $stored expressions within ${DRAIN_LIMIT}s" >&2; fail=1; }
[ "$(get lost_201s)" = 0 ] || { echo "FAIL: $(get lost_201s) protocol numbers answered 201 are not in the database: $(get lost_sample)" >&2; fail=1; }
[ "$(get receipt_mismatch)" = 0 ] || { echo "FAIL: $(get receipt_mismatch) receipts name another protocol number than their expression's" >&2; fail=1; }
[ "$(get protocol_answered_twice)" = 0 ] || { echo "FAIL: a protocol number was answered 201 twice" >&2; fail=1; }
grep -q "gaps=0 duplicates=0" <<<"$register" || { echo "FAIL: the register has gaps or duplicates" >&2; fail=1; }
[ "$(grep -c '^ambito=' <<<"$register")" = 1 ] || { echo "FAIL: expected one register year: $register" >&2; fail=1; }
[ "$fail" = 0 ] && echo "OK: every 201 stored; register gapless and unique; one receipt Message-ID per expression"
exit "$fail"
