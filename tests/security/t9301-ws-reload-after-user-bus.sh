#!/usr/bin/env bash
# Follow events lost while the gateway's user bus was down must not leave
# open connections with a stale follow list: after the bus reconnects,
# every connection reloads its followings (a few at a time), so a follow
# and an unfollow made during the outage take effect on it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
ALICE=$(register "$G" alice); TA=$(login "$G" alice)
BOB=$(register "$G" bob); TB=$(login "$G" bob)
CAROL=$(register "$G" carol); TC=$(login "$G" carol)
http POST "$G/users/$ALICE/follow" "{\"followUserId\":\"$CAROL\"}" "$(auth "$TA")"
expect_status "alice follows carol" 200

post() {
	http POST "$G/tweets" "{\"userId\":\"$1\",\"content\":\"$3\"}" "$(auth "$2")"
	jb .tweetId
}
cut_bus() {
	sql "$USERDB" "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
	    WHERE application_name = 'chirp-gateway-bus' AND datname = current_database()"
}
watch alice "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 60
for i in 1 2 3; do
	watch "other$i" "$GATEWAY_WS/ws" --header "$(auth "$TB")" --timeout 60
done
check "alice is live" wait_until 10 grep -qF '{"type":"ready"}' "$T/alice.ws"

# the outage: the follow and unfollow events never reach this gateway
n=$(grep -c "user bus: connected" "$T/gateway.log")
expect_eq "the gateway's user bus connection is cut" "$(cut_bus)" 1
http POST "$USERD/users/$ALICE/follow" "{\"followUserId\":\"$BOB\"}" "$(auth "$TA")"
expect_status "alice follows bob at the user service while it is down" 200
http DELETE "$USERD/users/$ALICE/unfollow" "{\"unfollowUserId\":\"$CAROL\"}" "$(auth "$TA")"
expect_status "and unfollows carol" 200
check "the user bus is back" wait_until 15 sh -c \
    "[ \$(grep -c 'user bus: connected' '$T/gateway.log') -gt $n ]"
sleep 1
B1=$(post "$BOB" "$TB" "bob after the outage")
C1=$(post "$CAROL" "$TC" "carol after the outage")
check "alice's open connection gets bob's tweet (the missed follow)" \
    wait_until 10 grep -qF "\"tweetId\":\"$B1\"" "$T/alice.ws"
check "and no longer gets carol's (the missed unfollow)" \
    sh -c "! grep -qF '\"tweetId\":\"$C1\"' '$T/alice.ws'"
check "bob's own connections were reloaded too and still get his tweet" \
    wait_until 10 grep -qF "\"tweetId\":\"$B1\"" "$T/other3.ws"
stop_ws alice other1 other2 other3

finish
