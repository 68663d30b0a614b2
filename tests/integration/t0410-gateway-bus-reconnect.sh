#!/usr/bin/env bash
# A lost bus connection: the gateway reconnects with backoff and every live
# connection catches up through the tweet service, so tweets posted while
# the bus was down arrive once, in order; the follow-list cache is dropped.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
ALICE=$(register "$G" alice); TA=$(login "$G" alice)
BOB=$(register "$G" bob); TB=$(login "$G" bob)
http POST "$G/users/$ALICE/follow" "{\"followUserId\":\"$BOB\"}" "$(auth "$TA")"
expect_status "alice follows bob" 200
CAROL=$(register "$G" carol); TC=$(login "$G" carol)
DAVE=$(register "$G" dave); TD=$(login "$G" dave)
http POST "$G/users/$CAROL/follow" "{\"followUserId\":\"$DAVE\"}" "$(auth "$TC")"
expect_status "carol follows dave" 200

post() {
	http POST "$G/tweets" "{\"userId\":\"$BOB\",\"content\":\"$1\"}" "$(auth "$TB")"
	jb .tweetId
}
tweets() { grep '"type":"tweet"' "$T/alice.ws" | jq -r .tweet.tweetId | paste -sd, -; }
cut_bus() {
	sql "$1" "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
	    WHERE application_name = 'chirp-gateway-bus' AND datname = current_database()"
}

watch alice "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 60
check "alice is live" wait_until 10 grep -qF '{"type":"ready"}' "$T/alice.ws"
# carol: live, sent no tweet before the loss, no since=
watch carol "$GATEWAY_WS/ws" --header "$(auth "$TC")" --timeout 60
check "carol is live" wait_until 10 grep -qF '{"type":"ready"}' "$T/carol.ws"
T1=$(post one)
check "a first tweet arrives" wait_until 10 grep -qF "\"tweetId\":\"$T1\"" "$T/alice.ws"

expect_eq "the gateway's tweet bus connection is cut" "$(cut_bus "$TWEETDB")" 1
T2=$(post two)
T3=$(post three)
http POST "$G/tweets" "{\"userId\":\"$DAVE\",\"content\":\"while down\"}" "$(auth "$TD")"
D1=$(jb .tweetId)
check "the gateway says the bus was lost" wait_until 10 grep -q "tweet bus: connection lost" "$T/gateway.log"
check "and that it is back" wait_until 15 grep -q "tweet bus: connected" "$T/gateway.log"
check "tweets posted meanwhile arrive" wait_until 15 grep -qF "\"tweetId\":\"$T3\"" "$T/alice.ws"
T4=$(post four)
check "and live ones after them" wait_until 10 grep -qF "\"tweetId\":\"$T4\"" "$T/alice.ws"
expect_eq "each once, in order" "$(tweets)" "$T1,$T2,$T3,$T4"
check "a connection sent nothing before the loss also gets what it missed" \
    wait_until 10 grep -qF "\"tweetId\":\"$D1\"" "$T/carol.ws"
expect_eq "once, and nothing else" \
    "$(grep '"type":"tweet"' "$T/carol.ws" | jq -r .tweet.tweetId | paste -sd, -)" "$D1"

# the user bus: the cache must not serve a list it may have missed events for
http GET "$G/users/$ALICE/followings"
http GET "$G/users/$ALICE/followings"
expect_eq "a cached list" "$(hdr X-Cache)" HIT
expect_eq "the gateway's user bus connection is cut" "$(cut_bus "$USERDB")" 1
http DELETE "$USERD/users/$ALICE/unfollow" "{\"unfollowUserId\":\"$BOB\"}" "$(auth "$TA")"
expect_status "alice unfollows bob directly at the user service" 200
check "the user bus is back" wait_until 15 grep -q "user bus: connected" "$T/gateway.log"
http GET "$G/users/$ALICE/followings"
expect_eq "no stale list after the bus came back" "$(jb '.followings | length')" 0
stop_ws alice
stop_ws carol

finish
