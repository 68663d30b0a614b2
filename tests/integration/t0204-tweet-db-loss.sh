#!/usr/bin/env bash
# t0204: chirp-tweetd without its database answers 503 and says degraded,
# crashes not, and comes back by itself; losing the user bus loses no
# follow (read your writes still holds).
. "$(dirname "$0")/../lib.sh"

start_core
A=$(register "$USERD" abe); TA=$(login "$USERD" abe)
B=$(register "$USERD" bea); TB=$(login "$USERD" bea)
A1=$(post "$TWEETD" "$A" "$TA" before)
http POST "$TWEETD/tweets" "{\"userId\":\"$B\",\"content\":\"bea\"}" "$(auth "$TB")"
DBNAME=$(basename "${TWEETDB%%\?*}")

# --- the tweet database goes away ------------------------------------------

admin "ALTER DATABASE $DBNAME ALLOW_CONNECTIONS false" >/dev/null
admin "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$DBNAME'" >/dev/null
http GET "$TWEETD/tweets/$A1"
expect_status "get without a database: 503" 503 unavailable
http POST "$TWEETD/tweets" "{\"userId\":\"$A\",\"content\":\"lost\"}" "$(auth "$TA")"
expect_status "post without a database: 503" 503 unavailable
http GET "$TWEETD/tweets/userTimeline/$A"
expect_status "timeline without a database: 503" 503 unavailable
http GET "$TWEETD/status"
expect_status "status without a database: 503" 503
expect_eq "status says degraded" "$(jb .status)" degraded
http POST "$TWEETD/tweets" "{\"userId\":\"$A\",\"content\":\"x\"}"
expect_status "without a database a missing token is still 401" 401 unauthorized

admin "ALTER DATABASE $DBNAME ALLOW_CONNECTIONS true" >/dev/null
http GET "$TWEETD/tweets/$A1"
expect_status "the database is back: get 200" 200
http POST "$TWEETD/tweets" "{\"userId\":\"$A\",\"content\":\"back\"}" "$(auth "$TA")"
expect_status "the database is back: post 201" 201
http GET "$TWEETD/status"
expect_status "status ok again" 200
expect_eq "status says ok" "$(jb .status)" ok
http GET "$TWEETD/tweets/userTimeline/$A"
expect_eq "the failed post left nothing" "$(jb '[.tweets[].content]|join(",")')" "back,before"

# --- the user bus connection is cut ---------------------------------------------

home() { http GET "$TWEETD/tweets/homeTimeline/$A?limit=100" "" "$(auth "$TA")"; }
home; home	# cached now
UDB=$(basename "${USERDB%%\?*}")
admin "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$UDB' AND application_name = 'chirp-bus'" >/dev/null
follow "$USERD" "$A" "$TA" "$B"
expect_status "abe follows bea while the bus reconnects" 200
home
expect_status "home timeline after the bus was cut" 200
expect_eq "the follow shows at once" "$(jb "[.tweets[]|select(.userId==\"$B\")]|length")" 1
sleep 1
unfollow "$USERD" "$A" "$TA" "$B"
home
expect_eq "and the unfollow after the bus is back" "$(jb "[.tweets[]|select(.userId==\"$B\")]|length")" 0

finish
