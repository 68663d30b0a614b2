#!/usr/bin/env bash
# Notifications on the live feed, through two gateways that follow
# chirp-notifyd's events: a notification reaches every open connection of
# its recipient and no one else's, with the cursor t<tweet seq>-n<notify
# seq>; what came while away (a notification and the removal of another)
# is replayed from the cursor's n part on the other gateway, before
# ready, neither lost nor doubled; a cursor with only a t part resumes
# notifications from now; an n part past notifyd's log resets.
# Needs chirp-notifyd (its start function start_notifyd_d NAME PORT, in
# tests/lib-system.sh): until it is built this script checks nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

if [ ! -x "$CHIRP_BIN/chirp-notifyd" ] || ! declare -f start_notifyd_d >/dev/null; then
	ok "# SKIP chirp-notifyd is not built here yet"
	finish
	exit
fi

NOTIFYDB=$(test_db n)
start_system
G=$GATEWAY
if [ -z "$(pid_of notifyd)" ]; then	# start_system may run it
	NOTIFYD_PORT=$(free_port)
	start_notifyd_d notifyd "$NOTIFYD_PORT"
fi
check "the gateway sees chirp-notifyd" wait_until 10 gateway_sees "$G" notify "$NOTIFYD_PORT"
G2_PORT=$(free_port)
start_gateway gw2 "$G2_PORT"
G2=http://127.0.0.1:$G2_PORT
check "the second gateway sees it" wait_until 10 gateway_sees "$G2" notify "$NOTIFYD_PORT"
accounts "$G" amy bob cid dan

watch a1 "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 40
watch a2 "ws://127.0.0.1:$G2_PORT/ws" --header "$(auth "$TA")" --timeout 40
watch d1 "$GATEWAY_WS/ws" --header "$(auth "$TD")" --timeout 40
check "amy is live on both gateways" wait_until 10 sh -c "grep -q ready '$T/a1.ws' && grep -q ready '$T/a2.ws'"
check "dan is live" wait_until 10 ready d1
check "ready's cursor has both parts" \
    sh -c "grep '\"type\":\"ready\"' '$T/a1.ws' | jq -r .cursor | grep -Eq '^t[0-9]+-n[0-9]+\$'"

follow "$G" "$BOB" "$TB" "$AMY"
check "bob's follow reaches amy on gateway 1" wait_until 10 has a1 '"type":"notification"'
check "... and on gateway 2" wait_until 10 has a2 '"type":"notification"'
n1=$(grep '"type":"notification"' "$T/a1.ws" | head -n 1)
expect_eq "it is a follow by bob" "$(jq -r '.notification.type + " " + .notification.actor.userId' <<<"$n1")" "follow $BOB"
NID=$(jq -r .notification.notificationId <<<"$n1")
expect_eq "both gateways give it the same cursor" "$(jq -r .cursor <<<"$n1")" \
    "$(grep '"type":"notification"' "$T/a2.ws" | head -n 1 | jq -r .cursor)"
check "its cursor has both parts" bash -c "jq -r .cursor <<<'$n1' | grep -Eq '^t[0-9]+-n[0-9]+\$'"
sleep 0.5
check "dan got none of amy's notifications" lacks d1 '"type":"notification'
stop_ws a1 a2 d1
cur=$(grep -o '"cursor":"[^"]*"' "$T/a1.ws" | tail -n 1 | cut -d'"' -f4)

# away: bob's follow is undone, cid follows
unfollow "$G" "$BOB" "$TB" "$AMY"
follow "$G" "$CID" "$TC" "$AMY"
sleep 2
watch r "ws://127.0.0.1:$G2_PORT/ws?cursor=$cur" --header "$(auth "$TA")" --timeout 30
check "the resume on the other gateway is ready" wait_until 15 ready r
frames=$(jq -c 'if .type == "notification" then "n:" + .notification.type + ":" + .notification.actor.userId elif .type == "notification_delete" then "x:" + .notificationId else .type end' "$T/r.ws" | grep -v timeout | tr -d '"' | paste -sd, -)
expect_eq "the removal of bob's, cid's follow, then ready" "$frames" \
    "x:$NID,n:follow:$CID,ready"
rc=$(grep '"type":"ready"' "$T/r.ws" | jq -r .cursor)
follow "$G" "$DAN" "$TD" "$AMY"
check "then live" wait_until 10 sh -c "grep -c '\"type\":\"notification\"' '$T/r.ws' | grep -qx 2"
stop_ws r

# resuming from ready: nothing doubled
out=$(ws_client "$GATEWAY_WS/ws?cursor=$rc" --header "$(auth "$TA")" --count 2 --timeout 8)
expect_eq "from ready's cursor: dan's follow once, then ready" \
    "$(jq -r 'if .type == "notification" then .notification.actor.userId else .type end' <<<"$out" | paste -sd, -)" \
    "$DAN,ready"
# a t part alone (an older client): notifications from now, none replayed
tonly=${rc%%-*}
out=$(ws_client "$GATEWAY_WS/ws?cursor=$tonly" --header "$(auth "$TA")" --count 1 --timeout 8)
expect_eq "a t-only cursor: ready at once" "$(jq -r .type <<<"$out")" ready
check "... with both parts now" bash -c "jq -r .cursor <<<'$out' | grep -Eq '^t[0-9]+-n[0-9]+\$'"
# an n part notifyd never issued: reset, then ready
out=$(ws_client "$GATEWAY_WS/ws?cursor=${tonly}-n999999999" --header "$(auth "$TA")" --count 2 --timeout 8)
expect_eq "an n part never issued: reset, then ready" \
    "$(jq -r .type <<<"$out" | paste -sd, -)" "reset,ready"

# notifyd down: the tweets go on
stop_proc notifyd
watch t "$GATEWAY_WS/ws?cursor=$rc" --header "$(auth "$TA")" --timeout 30
check "with chirp-notifyd down a resume is still ready" wait_until 15 ready t
A1=$(post "$G" "$AMY" "$TA" "amy while notifyd is down")
check "and tweets arrive" wait_until 10 has t "\"tweetId\":\"$A1\""
stop_ws t

finish
