#!/usr/bin/env bash
# POST /users/logout ends the token everywhere: at chirp-userd, at
# chirp-tweetd and at the gateway (REST and the live feed, whose open
# connections are closed); other tokens of other users are untouched; a
# new login works. Old tokens without "gen" stay valid until revoked.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY

A=$(register "$G" alice)
B=$(register "$G" bob)
TA=$(login "$G" alice)
TA2=$(login "$G" alice)
TB=$(login "$G" bob)

http POST "$USERD/users/logout"
expect_status "logout without a token is 401" 401 unauthorized
http GET "$G/users/logout"
expect_status "logout takes only POST" 405 method_not_allowed

watch live "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 30
wait_until 10 grep -q ready "$T/live.ws"
check "a live connection is open before the logout" grep -q ready "$T/live.ws"

http POST "$G/users/logout" "" "$(auth "$TA")"
expect_status "logout through the gateway" 200
check "logout answers a message" test -n "$(jb .message)"

# userd direct
http POST "$USERD/users/$A/follow" "{\"followUserId\":\"$B\"}" "$(auth "$TA")"
expect_status "userd refuses the logged-out token" 401 unauthorized
http POST "$USERD/users/$A/follow" "{\"followUserId\":\"$B\"}" "$(auth "$TA2")"
expect_status "userd refuses every earlier token of the user" 401 unauthorized
http POST "$USERD/users/logout" "" "$(auth "$TA")"
expect_status "a second logout with the dead token is 401" 401 unauthorized

# tweetd direct (the event reaches it through the user bus)
posted() {
	http POST "$TWEETD/tweets" "{\"userId\":\"$A\",\"content\":\"x\"}" "$(auth "$TA")"
	[ "$HTTP_STATUS" = 401 ]
}
wait_until 5 posted
http POST "$TWEETD/tweets" "{\"userId\":\"$A\",\"content\":\"after logout\"}" "$(auth "$TA")"
expect_status "tweetd refuses the logged-out token" 401 unauthorized

# gateway
http POST "$G/tweets" "{\"userId\":\"$A\",\"content\":\"after logout\"}" "$(auth "$TA")"
expect_status "the gateway refuses a post with the old token" 401 unauthorized
http GET "$G/tweets/homeTimeline/$A" "" "$(auth "$TA2")"
expect_status "the gateway refuses the other old token too" 401 unauthorized
out=$(ws_client "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 5)
expect_eq "a WebSocket with the old token is refused" "$out" "status 401"
wait_until 10 grep -q '^close' "$T/live.ws"
check "the open WebSocket of the old token is closed" grep -q '^close' "$T/live.ws"
stop_ws live

# others are untouched; a new login works
http POST "$G/tweets" "{\"userId\":\"$B\",\"content\":\"bob still here\"}" "$(auth "$TB")"
expect_status "another user's token still works" 201
TA3=$(login "$G" alice)
http POST "$G/tweets" "{\"userId\":\"$A\",\"content\":\"back again\"}" "$(auth "$TA3")"
expect_status "a new login after the logout works" 201
http POST "$USERD/users/$A/follow" "{\"followUserId\":\"$B\"}" "$(auth "$TA3")"
expect_status "and works at userd" 200

# A token made before generations existed (no "gen") is generation 0:
# valid while the user never logged out, dead once they do.
C=$(register "$G" carol)
SECRET=$(cat "$T/secret")
OLD=$(/usr/bin/python3 - "$SECRET" "$C" <<'PY'
import base64, hashlib, hmac, json, sys, time
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
secret, uid = sys.argv[1].encode(), sys.argv[2]
now = int(time.time())
h = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
p = b64(json.dumps({"sub": uid, "name": "carol", "iat": now,
                    "exp": now + 3600}).encode())
s = b64(hmac.new(secret, (h + "." + p).encode(), hashlib.sha256).digest())
print(h + "." + p + "." + s)
PY
)
http POST "$G/tweets" "{\"userId\":\"$C\",\"content\":\"old token\"}" "$(auth "$OLD")"
expect_status "a token without gen still works" 201
http POST "$G/users/logout" "" "$(auth "$OLD")"
expect_status "and can log out" 200
http POST "$USERD/users/$C/follow" "{\"followUserId\":\"$B\"}" "$(auth "$OLD")"
expect_status "after which it is refused" 401 unauthorized

finish
