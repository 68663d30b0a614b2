#!/usr/bin/env bash
# Killing one of two tweet services under traffic: requests move to the
# other (nothing fails), its breaker opens, and closes again after a /status
# probe once it is back.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
T2_PORT=$(free_port)
start_tweetd_d tweetd2 "$T2_PORT"
check "the gateway routes to the second tweet service" wait_until 10 gateway_sees "$G" tweet "$T2_PORT"
BOB=$(register "$G" bob); TB=$(login "$G" bob)
http POST "$G/tweets" "{\"userId\":\"$BOB\",\"content\":\"hi\"}" "$(auth "$TB")"
expect_status "a tweet" 201

expect_eq "traffic flows over both" "$(traffic "$G" "$BOB" "$TB" 10)" 0
check "the second service took some" grep -q "GET /tweets/userTimeline/$BOB " "$T/tweetd2.log"

kill_proc tweetd2
expect_eq "with one instance killed no request fails (retried on the other)" \
    "$(traffic "$G" "$BOB" "$TB" 30 during)" 0
check "its breaker is open (1)" breaker "$G" "$T2_PORT" 1
http GET "$G/status"
expect_status "the gateway is still ok with one tweet service" 200

: >"$T/tweetd2.log"
start_tweetd tweetd2 "$T2_PORT" "$TWEETDB" "$USERD" "$USERDB" --discovery_url "$DISCOVERY"
check "after the cool-down a probe closes the breaker (0)" wait_until 30 breaker "$G" "$T2_PORT" 0
traffic "$G" "$BOB" "$TB" 10 >/dev/null
check "requests reach the instance again" grep -q "GET /tweets/userTimeline/$BOB " "$T/tweetd2.log"

finish
