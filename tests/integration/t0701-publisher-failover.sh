#!/usr/bin/env bash
# t0701: the publisher killed between commit and publish. Two chirp-tweetd
# on one database; an open transaction holds every later commit back from
# the log, tweets are committed meanwhile, the publishing instance is
# killed with SIGKILL, the transaction ends: the other instance takes over
# and every event is logged and notified exactly once, in order.
. "$(dirname "$0")/../lib.sh"

start_core
TWEETD2_PORT=$(free_port); TWEETD2=http://127.0.0.1:$TWEETD2_PORT
start_tweetd tweetd2 "$TWEETD2_PORT" "$TWEETDB" "$USERD" "$USERDB"
A=$(register "$USERD" ada); TA=$(login "$USERD" ada)

tap "$TWEETDB" chirp_tweet_events "$T/events"

outbox_empty() { [ "$(sql "$TWEETDB" "SELECT count(*) FROM outbox")" = 0 ]; }
leader() { curl -s "$1/metrics" | awk '/^chirp_publisher_leader/ {print $2}'; }
wait_until 10 bash -c "[ \"\$(curl -s $TWEETD/metrics | awk '/^chirp_publisher_leader/ {print \$2}')\$(curl -s $TWEETD2/metrics | awk '/^chirp_publisher_leader/ {print \$2}')\" != 00 ]"
if [ "$(leader "$TWEETD")" = 1 ]; then LEAD=tweetd OTHER=$TWEETD2; else
	LEAD=tweetd2 OTHER=$TWEETD; fi
check "one instance publishes" test "$(leader "$TWEETD")$(leader "$TWEETD2")" = 10 -o \
    "$(leader "$TWEETD")$(leader "$TWEETD2")" = 01

post "$OTHER" "$A" "$TA" "before" >/dev/null
wait_until 10 test "$(sql "$TWEETDB" "SELECT count(*) FROM event_log")" = 1
# An older transaction with an xid: nothing committed after it may move.
coproc HOLD { psql -X -q -A -t -d "$TWEETDB" 2>&1; }
echo "BEGIN; SELECT pg_current_xact_id(); SELECT 'held';" >&"${HOLD[1]}"
while IFS= read -r -t 10 line <&"${HOLD[0]}"; do [ "$line" = held ] && break; done
for i in 1 2 3 4 5; do post "$OTHER" "$A" "$TA" "held $i" >/dev/null; done
sleep 0.5
expect_eq "committed, not published: in the outbox" \
    "$(sql "$TWEETDB" "SELECT count(*) FROM outbox")" 5
kill_proc "$LEAD"
echo "COMMIT;" >&"${HOLD[1]}"
check "the other instance takes over and empties the outbox" \
    wait_until 15 outbox_empty
expect_eq "... and publishes" "$(leader "$OTHER")" 1
for i in 6 7; do post "$OTHER" "$A" "$TA" "after $i" >/dev/null; done
wait_until 10 outbox_empty
expect_eq "every tweet logged once" \
    "$(sql "$TWEETDB" "SELECT count(*) || ' ' || count(DISTINCT payload::json->'tweet'->>'tweetId') || ' ' || max(seq) FROM event_log")" \
    "8 8 8"
sleep 0.5
untap
grep -o '"seq":[0-9]*' "$T/events" | cut -d: -f2 >"$T/seqs"
expect_eq "every event notified once, in order" "$(tr '\n' ' ' <"$T/seqs")" \
    "1 2 3 4 5 6 7 8 "
echo "\\q" >&"${HOLD[1]}" 2>/dev/null

finish
