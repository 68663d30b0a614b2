#!/usr/bin/env bash
# Follow events lost while the gateway's user bus was down must not leave
# open connections with a stale follow list: after the bus reconnects,
# every connection reloads its followings (a few at a time), so a follow
# and an unfollow made during the outage take effect on it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
accounts "$G" alice bob carol
follow "$G" "$ALICE" "$TA" "$CAROL"
expect_status "alice follows carol" 200

watch alice "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 60
for i in 1 2 3; do
	watch "other$i" "$GATEWAY_WS/ws" --header "$(auth "$TB")" --timeout 60
done
check "alice is live" wait_until 10 ready alice

# the outage: the follow and unfollow events never reach this gateway
n=$(grep -c "user bus: connected" "$T/gateway.log")
expect_eq "the gateway's user bus connection is cut" "$(cut_bus "$USERDB")" 1
follow "$USERD" "$ALICE" "$TA" "$BOB"
expect_status "alice follows bob at the user service while it is down" 200
unfollow "$USERD" "$ALICE" "$TA" "$CAROL"
expect_status "and unfollows carol" 200
check "the user bus is back" wait_until 15 sh -c \
    "[ \$(grep -c 'user bus: connected' '$T/gateway.log') -gt $n ]"
sleep 1
B1=$(post "$G" "$BOB" "$TB" "bob after the outage")
C1=$(post "$G" "$CAROL" "$TC" "carol after the outage")
check "alice's open connection gets bob's tweet (the missed follow)" \
    wait_until 10 has alice "\"tweetId\":\"$B1\""
check "and no longer gets carol's (the missed unfollow)" \
    lacks alice "\"tweetId\":\"$C1\""
check "bob's own connections were reloaded too and still get his tweet" \
    wait_until 10 has other3 "\"tweetId\":\"$B1\""
stop_ws alice other1 other2 other3

finish
