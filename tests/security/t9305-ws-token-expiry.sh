#!/usr/bin/env bash
# A live connection ends when its access token expires: the gateway closes
# it with 1008 "token expired" (a cheap periodic walk, not a timer per
# connection), and a connection whose token is still good stays open.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
accounts "$G" alice
# a token for alice that expires in 3 s, signed like the user service's
short=$(old_token "$ALICE" alice 3)

watch short "$GATEWAY_WS/ws" --header "$(auth "$short")" --timeout 30
watch long "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 30
check "the short-lived token's connection is live" \
    wait_until 10 ready short
check "the long-lived one too" \
    wait_until 10 ready long
check "the connection is closed with 1008 once the token expired" \
    wait_until 15 grep -qx 'close 1008' "$T/short.ws"
check "the other connection of the same user stays open" \
    sh -c "! grep -q '^close' '$T/long.ws'"
TW=$(post "$G" "$ALICE" "$TA" "still here")
check "and still gets its entries" \
    wait_until 10 has long "\"tweetId\":\"$TW\""
check "the expired one got nothing after its close" \
    lacks short "\"tweetId\":\"$TW\""
stop_ws short long

finish
