#!/usr/bin/env bash
# POST /users/logout ends the token everywhere: at chirp-userd, at
# chirp-tweetd and at the gateway (REST and the live feed, whose open
# connections are closed); other tokens of other users are untouched; a
# new login works. Old tokens without "gen" stay valid until revoked.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
accounts "$G" alice bob
TA2=$(login "$G" alice)

http POST "$USERD/users/logout"
expect_status "logout without a token is 401" 401 unauthorized
http GET "$G/users/logout"
expect_status "logout takes only POST" 405 method_not_allowed

watch live "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 30
check "a live connection is open before the logout" wait_until 10 ready live

http POST "$G/users/logout" "" "$(auth "$TA")"
expect_status "logout through the gateway" 200
check "logout answers a message" test -n "$(jb .message)"

# userd direct
follow "$USERD" "$ALICE" "$TA" "$BOB"
expect_status "userd refuses the logged-out token" 401 unauthorized
follow "$USERD" "$ALICE" "$TA2" "$BOB"
expect_status "userd refuses every earlier token of the user" 401 unauthorized
http POST "$USERD/users/logout" "" "$(auth "$TA")"
expect_status "a second logout with the dead token is 401" 401 unauthorized

# tweetd direct (the event reaches it through the user bus)
wait_until 5 post_refused "$TWEETD" "$ALICE" "$TA"
post "$TWEETD" "$ALICE" "$TA" "after logout" >/dev/null
expect_status "tweetd refuses the logged-out token" 401 unauthorized

# gateway
post "$G" "$ALICE" "$TA" "after logout" >/dev/null
expect_status "the gateway refuses a post with the old token" 401 unauthorized
http GET "$G/tweets/homeTimeline/$ALICE" "" "$(auth "$TA2")"
expect_status "the gateway refuses the other old token too" 401 unauthorized
out=$(ws_client "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 5)
expect_eq "a WebSocket with the old token is refused" "$out" "status 401"
wait_until 10 grep -q '^close' "$T/live.ws"
check "the open WebSocket of the old token is closed" grep -q '^close' "$T/live.ws"
stop_ws live

# others are untouched; a new login works
post "$G" "$BOB" "$TB" "bob still here" >/dev/null
expect_status "another user's token still works" 201
TA3=$(login "$G" alice)
post "$G" "$ALICE" "$TA3" "back again" >/dev/null
expect_status "a new login after the logout works" 201
follow "$USERD" "$ALICE" "$TA3" "$BOB"
expect_status "and works at userd" 200

# A token made before generations existed (no "gen") is generation 0:
# valid while the user never logged out, dead once they do.
CAROL=$(register "$G" carol)
OLD=$(old_token "$CAROL" carol 3600)
post "$G" "$CAROL" "$OLD" "old token" >/dev/null
expect_status "a token without gen still works" 201
http POST "$G/users/logout" "" "$(auth "$OLD")"
expect_status "and can log out" 200
follow "$USERD" "$CAROL" "$OLD" "$BOB"
expect_status "after which it is refused" 401 unauthorized

finish
