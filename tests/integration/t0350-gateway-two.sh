#!/usr/bin/env bash
# Two gateways, two instances of each service: round robin spreads the
# requests, and a tweet posted through gateway A reaches a follower
# connected to gateway B.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
GA=$GATEWAY
start_userd_d userd2 "$(free_port)"
start_tweetd_d tweetd2 "$(free_port)"
GB_PORT=$(free_port); GB=http://127.0.0.1:$GB_PORT
start_gateway gwb "$GB_PORT"
check "gateway A routes to both tweet services" wait_until 10 sh -c \
    "curl -s '$GA/metrics' | grep -c 'chirp_gateway_breaker_state{.*upstream=\"tweet\"' | grep -qx 2"

ALICE=$(register "$GA" alice); TA=$(login "$GA" alice)
BOB=$(register "$GB" bob); TB=$(login "$GB" bob)
follow "$GA" "$ALICE" "$TA" "$BOB"
expect_status "alice follows bob" 200

for i in $(seq 1 10); do curl -s -o /dev/null "$GA/tweets/userTimeline/$BOB"; done
n1=$(grep -c "GET /tweets/userTimeline/$BOB " "$T/tweetd.log")
n2=$(grep -c "GET /tweets/userTimeline/$BOB " "$T/tweetd2.log")
expect_eq "round robin: 10 reads spread 5 and 5" "$n1,$n2" "5,5"
for i in $(seq 1 10); do curl -s -o /dev/null "$GA/users/$BOB"; done
n1=$(grep -c "GET /users/$BOB " "$T/userd.log")
n2=$(grep -c "GET /users/$BOB " "$T/userd2.log")
check "round robin over the user services too" test "$n1" -ge 4 -a "$n2" -ge 4

watch alice "ws://127.0.0.1:$GB_PORT/ws" --header "$(auth "$TA")" --timeout 60
check "alice is connected to gateway B" wait_until 10 ready alice
ids=""
for i in 1 2 3 4; do
	http POST "$GA/tweets" "{\"userId\":\"$BOB\",\"content\":\"via A $i\"}" "$(auth "$TB")"
	ids="$ids${ids:+,}$(jb .tweetId)"
done
check "posts through gateway A reach a client of gateway B" wait_until 10 sh -c \
    "grep -c '\"type\":\"tweet\"' '$T/alice.ws' | grep -qx 4"
got=$(grep '"type":"tweet"' "$T/alice.ws" | jq -r .tweet.tweetId | paste -sd, -)
expect_eq "in order, each once, whichever tweet service stored them" "$got" "$ids"
stop_ws alice

finish
