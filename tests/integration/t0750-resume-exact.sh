#!/usr/bin/env bash
# Exact resume across gateways: two tweet services and two gateways, three
# writers posting at once through both; a reader that keeps disconnecting
# and resuming with the last cursor it got, from either gateway, ends with
# every tweet of the people it follows exactly once, in the log's order,
# and nothing of anyone else; the cursors it saw only go up.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
GA_PORT=$GATEWAY_PORT
start_tweetd_d tweetd2 "$(free_port)"
GB_PORT=$(free_port)
start_gateway gwb "$GB_PORT"
for p in "$GA_PORT" "$GB_PORT"; do
	check "gateway :$p routes to both tweet services" wait_until 10 sh -c \
	    "curl -s 'http://127.0.0.1:$p/metrics' | grep -c 'chirp_gateway_breaker_state{.*upstream=\"tweet\"' | grep -qx 2"
done
accounts "$GATEWAY" reader uma vic wes zed
for w in "$UMA" "$VIC" "$WES"; do
	follow "$GATEWAY" "$READER" "$TR" "$w"
	expect_status "the reader follows $w" 200
done
sleep 1	# the tweet services' follow caches

out=$(ws_client "$GATEWAY_WS/ws" --header "$(auth "$TR")" --count 1 --timeout 10)
cur=$(jq -r .cursor <<<"$out")
check "a first connection is ready with a cursor" \
    sh -c "[ '$(jq -r .type <<<"$out")' = ready ] && echo '$cur' | grep -Eqx 't[0-9]+(-n[0-9]+)?'"

# writer ID TOKEN TEXT N: N posts, alternating between the gateways
writer() {
	local i port
	for i in $(seq 1 "$4"); do
		port=$GA_PORT; [ $((i % 2)) = 0 ] && port=$GB_PORT
		curl -s -o /dev/null -H "$(auth "$2")" -H 'Content-Type: application/json' \
		    --data "{\"userId\":\"$1\",\"content\":\"$3 $i\"}" \
		    "http://127.0.0.1:$port/tweets"
		sleep 0.1
	done
}
writer "$UMA" "$TU" uma 40 & W1=$!
writer "$VIC" "$TV" vic 40 & W2=$!
writer "$WES" "$TW" wes 40 & W3=$!
writer "$ZED" "$TZ" zed 20 & W4=$!

: >"$T/all.ws"
i=0; after=0
while [ "$after" -lt 2 ]; do
	port=$GA_PORT; [ $((i % 2)) = 1 ] && port=$GB_PORT
	ws_client "ws://127.0.0.1:$port/ws?cursor=$cur" --header "$(auth "$TR")" \
	    --timeout "0.$((RANDOM % 8 + 2))" >"$T/s.ws" 2>&1
	cat "$T/s.ws" >>"$T/all.ws"
	sleep "0.$((RANDOM % 4))"	# away a while: a replay is due
	last=$(grep -o '"cursor":"[^"]*"' "$T/s.ws" | tail -n 1 | cut -d'"' -f4)
	[ -n "$last" ] && cur=$last
	i=$((i + 1))
	kill -0 $W1 $W2 $W3 $W4 2>/dev/null || after=$((after + 1))
done
wait $W1 $W2 $W3 $W4
check "the reader resumed many times" test "$i" -ge 5

want=$(sql "$TWEETDB" "SELECT payload::json->'tweet'->>'tweetId' FROM event_log
    WHERE payload::json->>'type' = 'tweet' AND author IN ($UMA, $VIC, $WES)
    ORDER BY seq" | paste -sd, -)
expect_eq "the log holds the 120 tweets of the followed" \
    "$(tr , '\n' <<<"$want" | grep -c .)" 120
# one last resume takes whatever is left
ws_client "ws://127.0.0.1:$GA_PORT/ws?cursor=$cur" --header "$(auth "$TR")" \
    --timeout 3 >>"$T/all.ws" 2>&1
got=$(grep '"type":"tweet"' "$T/all.ws" | jq -r .tweet.tweetId | paste -sd, -)
expect_eq "every tweet exactly once, in the log's order, none of zed's" "$got" "$want"
seqs=$(grep '"type":"tweet"' "$T/all.ws" | jq -r '.cursor | sub("-n[0-9]+$"; "")' | tr -d t)
check "each tweet's cursor is above the one before" \
    sh -c "printf '%s\n' '$seqs' | sort -n -c -u"
check "no frame without a cursor" \
    sh -c "! grep -E '\"type\":\"(tweet|delete|ready)\"' '$T/all.ws' | grep -Ev '\"cursor\":\"t[0-9]+(-n[0-9]+)?\"'"

finish
