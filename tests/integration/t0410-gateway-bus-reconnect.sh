#!/usr/bin/env bash
# A lost bus connection: the gateway reconnects with backoff and every live
# connection catches up through the tweet service, so tweets posted while
# the bus was down arrive once, in order; the follow-list cache is dropped.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
accounts "$G" alice bob carol dave
follow "$G" "$ALICE" "$TA" "$BOB"
expect_status "alice follows bob" 200
follow "$G" "$CAROL" "$TC" "$DAVE"
expect_status "carol follows dave" 200

watch alice "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 60
check "alice is live" wait_until 10 ready alice
# carol: live, sent no tweet before the loss, no since=
watch carol "$GATEWAY_WS/ws" --header "$(auth "$TC")" --timeout 60
check "carol is live" wait_until 10 ready carol
T1=$(post "$G" "$BOB" "$TB" one)
check "a first tweet arrives" wait_until 10 has alice "\"tweetId\":\"$T1\""

expect_eq "the gateway's tweet bus connection is cut" "$(cut_bus "$TWEETDB")" 1
T2=$(post "$G" "$BOB" "$TB" two)
T3=$(post "$G" "$BOB" "$TB" three)
D1=$(post "$G" "$DAVE" "$TD" "while down")
check "the gateway says the bus was lost" wait_until 10 grep -q "tweet bus: connection lost" "$T/gateway.log"
check "and that it is back" wait_until 15 grep -q "tweet bus: connected" "$T/gateway.log"
check "tweets posted meanwhile arrive" wait_until 15 has alice "\"tweetId\":\"$T3\""
T4=$(post "$G" "$BOB" "$TB" four)
check "and live ones after them" wait_until 10 has alice "\"tweetId\":\"$T4\""
expect_eq "each once, in order" "$(tweet_ids alice)" "$T1,$T2,$T3,$T4"
check "a connection sent nothing before the loss also gets what it missed" \
    wait_until 10 has carol "\"tweetId\":\"$D1\""
expect_eq "once, and nothing else" \
    "$(tweet_ids carol)" "$D1"

# the user bus: the cache must not serve a list it may have missed events for
http GET "$G/users/$ALICE/followings"
http GET "$G/users/$ALICE/followings"
expect_eq "a cached list" "$(hdr X-Cache)" HIT
expect_eq "the gateway's user bus connection is cut" "$(cut_bus "$USERDB")" 1
unfollow "$USERD" "$ALICE" "$TA" "$BOB"
expect_status "alice unfollows bob directly at the user service" 200
check "the user bus is back" wait_until 15 grep -q "user bus: connected" "$T/gateway.log"
http GET "$G/users/$ALICE/followings"
expect_eq "no stale list after the bus came back" "$(jb '.followings | length')" 0
stop_ws alice
stop_ws carol

finish
