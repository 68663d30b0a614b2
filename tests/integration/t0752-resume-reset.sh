#!/usr/bin/env bash
# A cursor that cannot be resumed: one older than the log keeps, or a
# well-formed one never issued, gets {"type":"reset"} then ready with the
# current position, then live. A malformed or empty cursor, or cursor
# together with since, is refused with 400 before the upgrade.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
W=$GATEWAY_WS
accounts "$G" amy
H=$(auth "$TA")

for c in "" "t1!" "t1%20" "t%2B1" "t1.5" "$(printf 't%0128d' 1)"; do
	out=$(ws_client "$W/ws?cursor=$c" --header "$H" --timeout 5)
	expect_eq "cursor '$c': 400 before the upgrade" "$out" "status 400"
done
out=$(ws_client "$W/ws?cursor=t1&since=1" --header "$H" --timeout 5)
expect_eq "cursor with since: 400" "$out" "status 400"
out=$(ws_client "$W/ws?since=1&cursor=" --header "$H" --timeout 5)
expect_eq "an empty cursor with since: 400" "$out" "status 400"
out=$(ws_client "$W/ws?cursor=t1" --timeout 5)
expect_eq "a cursor is no credential: 401" "$out" "status 401"

for i in 1 2 3 4 5; do post "$G" "$AMY" "$TA" "amy $i" >/dev/null; done
outbox_empty() { [ "$(sql "$TWEETDB" "SELECT count(*) FROM outbox")" = 0 ]; }
wait_until 10 outbox_empty
last=$(sql "$TWEETDB" "SELECT max(seq) FROM event_log")
expect_eq "five events in the log" "$last" 5

# resume NAME CURSOR: the first two frames of a resume with CURSOR, less
# their cursors
resume() {
	ws_client "$W/ws?cursor=$2" --header "$H" --count 2 --timeout 10 >"$T/$1.ws"
	jq -c 'del(.cursor)' "$T/$1.ws" | paste -sd, -
}
for c in t6 t9223372036854775807 abc t00 t-1 n5 "t$(printf '9%.0s' $(seq 1 25))" \
    "$(printf 'x%.0s' $(seq 1 128))"; do
	expect_eq "cursor $c (never issued): reset, then ready" \
	    "$(resume never "$c")" '{"type":"reset"},{"type":"ready"}'
	expect_eq "... ready at the log's position" \
	    "$(tail -n 1 "$T/never.ws" | jq -r '.cursor | sub("-n[0-9]+$"; "")')" "t$last"
done
expect_eq "t2 replays the three after it, then ready at the last" \
    "$(ws_client "$W/ws?cursor=t2" --header "$H" --count 4 --timeout 10 | jq -r '.type + " " + (.cursor | sub("-n[0-9]+$"; ""))' | paste -sd, -)" \
    "tweet t3,tweet t4,tweet t5,ready t5"

# The retention took the oldest events: a cursor before them is too old.
sql "$TWEETDB" "DELETE FROM event_log WHERE seq <= 3" >/dev/null
expect_eq "t1 (older than the log): reset, then ready" \
    "$(resume old t1)" '{"type":"reset"},{"type":"ready"}'
expect_eq "t3 (right before the oldest kept): the two after it" \
    "$(ws_client "$W/ws?cursor=t3" --header "$H" --count 3 --timeout 10 | jq -r .type | paste -sd, -)" \
    "tweet,tweet,ready"

# after a reset the feed goes live from the position in ready
watch live "$W/ws?cursor=t1" --header "$H" --timeout 30
check "reset then ready" wait_until 10 ready live
L=$(post "$G" "$AMY" "$TA" "live")
check "then live" wait_until 10 has live "\"tweetId\":\"$L\""
expect_eq "the live tweet's cursor is the next position" \
    "$(grep -F "\"tweetId\":\"$L\"" "$T/live.ws" | jq -r '.cursor | sub("-n[0-9]+$"; "")')" "t$((last + 1))"
stop_ws live

finish
