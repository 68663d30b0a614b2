#!/usr/bin/env bash
# The routes of API.md "Conversations" and "Notifications" through the
# gateway: 401 decided at the gateway before anything else, 404 for a path
# that is none, 405 with Allow, rate-limit headers, and each route reaching
# its owner (the tweet service for the conversation routes, chirp-notifyd
# for the notification routes: 503 unavailable while none is up, and the
# rest of the gateway stays ok).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
accounts "$G" amy bob
A1=$(post "$G" "$AMY" "$TA" "amy 1")

# 401 first, whatever the rest: no token, a bad token
for mp in "POST /tweets/$A1/like" "DELETE /tweets/$A1/like" \
    "POST /tweets/$A1/repost" "DELETE /tweets/$A1/repost" \
    "GET /notifications" "POST /notifications/read" \
    "POST /tweets/x/like" "DELETE /tweets/x/repost"; do
	set -- $mp
	refuses "$mp without a token: 401" 401 unauthorized "$1" "$G$2" '{"upTo":"1"}'
	refuses "$mp with a bad token: 401" 401 unauthorized "$1" "$G$2" '{}' \
	    "Authorization: Bearer nonsense"
done
http POST "$G/tweets/$A1/like"
check "401 says how to authenticate" test "$(hdr WWW-Authenticate)" = Bearer

# 405 with Allow, before the token is looked at
allow() {
	http "$1" "$G$2"
	expect_status "$1 $2: 405" 405 method_not_allowed
	expect_eq "$1 $2: Allow" "$(hdr Allow)" "$3"
}
allow GET "/tweets/$A1/like" "POST, DELETE"
allow PUT "/tweets/$A1/repost" "POST, DELETE"
allow POST "/tweets/$A1/thread" GET
allow DELETE "/tweets/$A1/likes" GET
allow POST "/notifications" GET
allow GET "/notifications/read" POST
allow DELETE "/notifications/read" POST

# 404: no such path
for p in /notifications/7 /notifications/read/7 "/tweets/$A1/replies" \
    "/tweets/$A1/like/x" /internal/feed /internal/events; do
	http GET "$G$p" "" "$(auth "$TA")"
	expect_status "GET $p: 404" 404 not_found
done

# the conversation routes reach the tweet service, the request id with them
for mp in "GET /tweets/$A1/thread" "GET /tweets/$A1/likes" \
    "POST /tweets/$A1/like" "DELETE /tweets/$A1/like" \
    "POST /tweets/$A1/repost" "DELETE /tweets/$A1/repost"; do
	set -- $mp
	rid=conv-$RANDOM$RANDOM
	http "$1" "$G$2" "" "$(auth "$TB")" "X-Request-Id: $rid"
	check "$mp reaches the tweet service (got $HTTP_STATUS)" \
	    wait_until 5 grep -q "$rid" "$T/tweetd.log"
	check "$mp answers the rate-limit headers" test -n "$(hdr X-RateLimit-Limit)"
	expect_eq "$mp keeps the request id" "$(hdr X-Request-Id)" "$rid"
done
# replyTo in POST /tweets is the tweet service's to read
http POST "$G/tweets" "{\"userId\":\"$BOB\",\"content\":\"a reply\",\"replyTo\":\"$A1\"}" "$(auth "$TB")"
check "POST /tweets with replyTo is passed on (got $HTTP_STATUS)" \
    test "$HTTP_STATUS" = 201 -o "$HTTP_STATUS" = 400

# no notify instance: 503 unavailable with Retry-After, after the 401
if ! curl -s "$DISCOVERY/services" | jq -e '.notifyServices | length > 0' >/dev/null; then
	http GET "$G/notifications" "" "$(auth "$TA")"
	expect_status "GET /notifications without chirp-notifyd: 503" 503 unavailable
	check "... with Retry-After" test -n "$(hdr Retry-After)"
	http POST "$G/notifications/read" '{"upTo":"1"}' "$(auth "$TA")"
	expect_status "POST /notifications/read without chirp-notifyd: 503" 503 unavailable
	http GET "$G/status"
	expect_status "the gateway stays ok without chirp-notifyd" 200
	expect_eq "its status says notifications are down" \
	    "$(jb .dependencies.notifyService)" false
	A2=$(post "$G" "$AMY" "$TA" "amy 2")
	check "and the tweets work" test -n "$A2"
fi

# with chirp-notifyd registered, the routes reach it
if [ -x "$CHIRP_BIN/chirp-notifyd" ] && declare -f start_notifyd_d >/dev/null; then
	if [ -z "$(pid_of notifyd)" ]; then	# start_system may run it
		NOTIFYD_PORT=$(free_port)
		start_notifyd_d notifyd "$NOTIFYD_PORT"
	fi
	check "the gateway sees chirp-notifyd" \
	    wait_until 10 gateway_sees "$G" notify "$NOTIFYD_PORT"
	rid=notif-$RANDOM$RANDOM
	http GET "$G/notifications" "" "$(auth "$TA")" "X-Request-Id: $rid"
	expect_status "GET /notifications through the gateway" 200
	check "... answered by chirp-notifyd" grep -q "$rid" "$T/notifyd.log"
	expect_eq "... with the unread count" "$(jb '.unread | type')" number
	http POST "$G/notifications/read" '{"upTo":"1"}' "$(auth "$TA")"
	expect_status "POST /notifications/read through the gateway" 200
	http GET "$G/status"
	expect_eq "status says notifications are up" \
	    "$(jb .dependencies.notifyService)" true
	stop_proc notifyd
	check "chirp-notifyd gone: GET /notifications is 503" \
	    wait_until 15 sh -c "curl -s -o /dev/null -w '%{http_code}' -H '$(auth "$TA")' '$G/notifications' | grep -q 503"
fi

finish
