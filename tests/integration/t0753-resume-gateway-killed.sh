#!/usr/bin/env bash
# A gateway killed in the middle of a long replay: the client resumes at
# another gateway with the last cursor it received, and ends with every
# tweet once, in the log's order, with no gap.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
GC_PORT=$(free_port)
# a small send buffer, so that the replay waits on a slow client
start_gateway gwc "$GC_PORT" --ws_sndbuf 4096
accounts "$GATEWAY" reader amy
follow "$GATEWAY" "$READER" "$TR" "$AMY"
expect_status "the reader follows amy" 200
sleep 1
cur=$(ws_client "$GATEWAY_WS/ws" --header "$(auth "$TR")" --count 1 --timeout 10 | jq -r .cursor)

# a backlog of 300 tweets, from three posters at once
poster() {
	local i
	for i in $(seq 1 100); do
		curl -s -o /dev/null -H "$(auth "$TA")" -H 'Content-Type: application/json' \
		    --data "{\"userId\":\"$AMY\",\"content\":\"backlog $1 $i with some more text to make the frame longer\"}" \
		    "$GATEWAY/tweets"
	done
}
poster a & P1=$!; poster b & P2=$!; poster c & P3=$!
wait $P1 $P2 $P3
outbox_empty() { [ "$(sql "$TWEETDB" "SELECT count(*) FROM outbox")" = 0 ]; }
check "the backlog is in the log" wait_until 10 outbox_empty
want=$(sql "$TWEETDB" "SELECT payload::json->'tweet'->>'tweetId' FROM event_log
    WHERE payload::json->>'type' = 'tweet' ORDER BY seq" | paste -sd, -)
expect_eq "300 tweets" "$(tr , '\n' <<<"$want" | grep -c .)" 300

# a slow client replays from gateway C, which dies meanwhile
watch r1 "ws://127.0.0.1:$GC_PORT/ws?cursor=$cur" --header "$(auth "$TR")" \
    --no-read 3 --timeout 20
sleep 1.5
kill_proc gwc
wait "$WS_r1" 2>/dev/null; WS_r1=
n1=$(grep -c '"type":"tweet"' "$T/r1.ws")
check "the client got part of the replay before the gateway died ($n1)" \
    test "$n1" -gt 0 -a "$n1" -lt 300
check "and no ready" lacks r1 '"type":"ready"'
cur1=$(grep -o '"cursor":"[^"]*"' "$T/r1.ws" | tail -n 1 | cut -d'"' -f4)

# it resumes at gateway A with the last cursor it received
ws_client "$GATEWAY_WS/ws?cursor=$cur1" --header "$(auth "$TR")" \
    --count $((300 - n1 + 1)) --timeout 20 >"$T/r2.ws"
check "the resume at the other gateway ends with ready" ready r2
got=$(cat "$T/r1.ws" "$T/r2.ws" | grep '"type":"tweet"' | jq -r .tweet.tweetId | paste -sd, -)
expect_eq "every tweet once, in the log's order" "$got" "$want"

finish
