#!/usr/bin/env bash
# A deleted account's token is refused everywhere; revocations made while
# the gateway and chirp-tweetd were down (or before they started) are
# loaded from userd's GET /internal/revocations when they come back.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
accounts "$G" alice bob carol

# A deleted account: every token is dead.
http DELETE "$G/users/$BOB" "" "$(auth "$TB")"
expect_status "bob deletes his account" 200
follow "$USERD" "$ALICE" "$TB" "$ALICE"
expect_status "userd refuses the deleted account's token" 401 unauthorized
wait_until 5 post_refused "$TWEETD" "$BOB" "$TB"
expect_status "tweetd refuses the deleted account's token" 401 unauthorized
post_refused "$G" "$BOB" "$TB"
expect_status "the gateway refuses the deleted account's token" 401 unauthorized
out=$(ws_client "$GATEWAY_WS/ws" --header "$(auth "$TB")" --timeout 5)
expect_eq "no WebSocket for a deleted account's token" "$out" "status 401"

http GET "$USERD/internal/revocations" "" "$(svc_hdr gateway userd)"
expect_status "userd lists its revocations" 200
expect_eq "the deleted account is listed" \
    "$(jb ".revocations[] | select(.userId == \"$BOB\") | .deleted")" true

# Stop the gateway and tweetd; log alice out meanwhile; start them again.
stop_proc gateway
stop_proc tweetd
http POST "$USERD/users/logout" "" "$(auth "$TA")"
expect_status "alice logs out while they are down" 200
http GET "$USERD/internal/revocations" "" "$(svc_hdr gateway userd)"
expect_eq "the logout is listed with the new generation" \
    "$(jb ".revocations[] | select(.userId == \"$ALICE\") | .gen")" 1

start_tweetd_d tweetd "$TWEETD_PORT"
start_gateway gateway "$GATEWAY_PORT"
sleep 1	# the gateway asks as soon as discovery lists userd

post "$TWEETD" "$ALICE" "$TA" "x" >/dev/null
expect_status "a restarted tweetd refuses a token revoked while it was down" 401 unauthorized
post_refused "$TWEETD" "$BOB" "$TB"
expect_status "and the deleted account's" 401 unauthorized
ws_ok() { [ "$(ws_client "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 2)" = "status 401" ]; }
wait_until 10 ws_ok
out=$(ws_client "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 5)
expect_eq "a restarted gateway refuses a WebSocket with the revoked token" "$out" "status 401"
out=$(ws_client "$GATEWAY_WS/ws" --header "$(auth "$TB")" --timeout 5)
expect_eq "and with the deleted account's" "$out" "status 401"
out=$(ws_client "$GATEWAY_WS/ws" --header "$(auth "$TC")" --count 1 --timeout 10)
expect_eq "carol's token still opens the feed" "$(echo "$out" | jq -r .type)" ready
post "$G" "$CAROL" "$TC" "still here" >/dev/null
expect_status "and still posts" 201

finish
