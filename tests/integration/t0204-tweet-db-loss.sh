#!/usr/bin/env bash
# t0204: chirp-tweetd without its database answers 503 and says degraded,
# crashes not, and comes back by itself; losing the user bus loses no
# follow (read your writes still holds); started before its database is
# up, it waits for it, as chirp-userd does.
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

# --- started before its database is up ---------------------------------------
# A whole system starting at once: tweetd retries its migrations until the
# database takes connections, then serves.

TDB2=$(test_db t2); DB2=$(basename "${TDB2%%\?*}")
admin "ALTER DATABASE $DB2 ALLOW_CONNECTIONS false" >/dev/null
P2=$(free_port)
start_proc tweetd2 "$CHIRP_BIN/chirp-tweetd" --port "$P2" \
    --database_url "$TDB2" --user_url "$USERD" --user_bus_url "$USERDB" \
    --token_secret_file "$T/secret" --sql_dir "$CHIRP_ROOT/sql/tweet"
check "tweetd without its database waits and retries" wait_until 15 sh -c \
    "test \$(grep -c 'cannot migrate the tweet database; retrying' $T/tweetd2.log) -ge 2"
admin "ALTER DATABASE $DB2 ALLOW_CONNECTIONS true" >/dev/null
check "the database up, tweetd serves" wait_http "http://127.0.0.1:$P2/status"
http POST "http://127.0.0.1:$P2/tweets" "{\"userId\":\"$A\",\"content\":\"late\"}" "$(auth "$TA")"
expect_status "and takes a tweet" 201

finish
