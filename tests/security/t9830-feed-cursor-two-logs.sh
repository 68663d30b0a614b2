#!/usr/bin/env bash
# Hostile live-feed cursors now that a cursor has two parts,
# t<tweet seq>-n<notify seq>: anything outside 1 to 128 of A-Z a-z 0-9 _ -
# is 400 before the upgrade; anything else that is not exactly
# "t<seq>" or "t<seq>-n<seq>" was never issued: reset, then ready at the
# current position. A well-formed n part is kept (resumed from, or said
# back in every cursor) and never holds up the tweets, even on a gateway
# that follows a notify log while no chirp-notifyd answers.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
W=$GATEWAY_WS
accounts "$G" amy
H=$(auth "$TA")
for i in 1 2 3; do post "$G" "$AMY" "$TA" "amy $i" >/dev/null; done
outbox_empty() { [ "$(sql "$TWEETDB" "SELECT count(*) FROM outbox")" = 0 ]; }
wait_until 10 outbox_empty
last=$(sql "$TWEETDB" "SELECT max(seq) FROM event_log")

long=t1-n$(printf '%0125d' 1)		# 129 characters
for c in "$long" "t1-n1%20" "t1-n1%0d%0a" "t1-n%2B1" "t1-n1.0" "t1_n1!"; do
	out=$(ws_client "$W/ws?cursor=$c" --header "$H" --timeout 5)
	expect_eq "cursor '$c': 400 before the upgrade" "$out" "status 400"
done
out=$(ws_client "$W/ws?cursor=t1-n1&since=1" --header "$H" --timeout 5)
expect_eq "a two-part cursor with since: 400" "$out" "status 400"
out=$(ws_client "$W/ws?cursor=t1-n1" --timeout 5)
expect_eq "a two-part cursor is no credential: 401" "$out" "status 401"

# resume NAME CURSOR: the first two frames, less their cursors
resume() {
	ws_client "$W/ws?cursor=$2" --header "$H" --count 2 --timeout 10 >"$T/$1.ws"
	jq -c 'del(.cursor)' "$T/$1.ws" | paste -sd, -
}
max=$(printf '9%.0s' $(seq 1 19))
for c in "t1-nX" "t1-n" "t1-" "t-n1" "t1-n01" "t1-n-1" "t1-x3" "t1-n1-n2" \
    "n1-t1" "t1n1" "t1--n1" "t1-N1" "t1-n$max" "t$max-n1" \
    "$(printf 't1-n%0124d' 1)" "t1-n1_"; do
	expect_eq "cursor $c (never issued): reset, then ready" \
	    "$(resume never "$c")" '{"type":"reset"},{"type":"ready"}'
	expect_eq "... ready at the tweet log's position" \
	    "$(tail -n 1 "$T/never.ws" | jq -r '.cursor | sub("-n[0-9]+$"; "")')" "t$last"
done

# a good n part on a gateway that follows no notify log: said back
G0_PORT=$(free_port)
NOTIFYDB='' start_gateway gw0 "$G0_PORT"
W=ws://127.0.0.1:$G0_PORT
expect_eq "t1-n5 replays the tweets after 1, then ready" \
    "$(ws_client "$W/ws?cursor=t1-n5" --header "$H" --count 3 --timeout 10 | jq -r '.type + " " + .cursor' | paste -sd, -)" \
    "tweet t2-n5,tweet t3-n5,ready t3-n5"
expect_eq "t$last-n0: ready at once, n kept" \
    "$(ws_client "$W/ws?cursor=t$last-n0" --header "$H" --count 1 --timeout 10 | jq -r '.type + " " + .cursor')" \
    "ready t$last-n0"

# a gateway that follows a notify log while no chirp-notifyd answers:
# the tweets go on, fresh cursors stay t<seq> (no notify position yet),
# an n part is kept and said back
stop_proc notifyd
NOTIFYDB=$(test_db n)
G2_PORT=$(free_port)
start_gateway gw2 "$G2_PORT" --notify_bus_url "$(bus_url "$NOTIFYDB")"
W2=ws://127.0.0.1:$G2_PORT
http GET "http://127.0.0.1:$G2_PORT/status"
expect_status "that gateway is ok" 200
watch fresh "$W2/ws" --header "$H" --timeout 30
watch kept "$W2/ws?cursor=t$last-n7" --header "$H" --timeout 30
check "a fresh connection is live" wait_until 10 ready fresh
check "a resumed one with an n part is live" wait_until 10 ready kept
expect_eq "... its ready keeps n" \
    "$(grep '"type":"ready"' "$T/kept.ws" | jq -r .cursor)" "t$last-n7"
A4=$(post "$G" "$AMY" "$TA" "amy 4")
check "a tweet reaches the fresh connection" wait_until 10 has fresh "\"tweetId\":\"$A4\""
check "and the resumed one" wait_until 10 has kept "\"tweetId\":\"$A4\""
expect_eq "its cursor keeps n" \
    "$(grep -F "\"tweetId\":\"$A4\"" "$T/kept.ws" | jq -r .cursor)" "t$((last + 1))-n7"
expect_eq "the fresh one's is t<seq>" \
    "$(grep -F "\"tweetId\":\"$A4\"" "$T/fresh.ws" | jq -r .cursor)" "t$((last + 1))"
stop_ws fresh kept
check "the gateway is still up" curl -sf -o /dev/null "http://127.0.0.1:$G2_PORT/status"

finish
