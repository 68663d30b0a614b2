#!/usr/bin/env bash
# t0203: chirp-tweetd finishes what a crashed coordinator left: a
# transaction prepared and never decided is rolled back once chirp-userd
# says so; one decided commit ends committed; the outbox is published.
# (In-doubt transactions count after --recovery_age seconds: 2 here.)
. "$(dirname "$0")/../lib.sh"

# In-doubt deletions are asked about after 2 s here, not 30.
TWEETD_FLAGS="--recovery_age 2 --recovery_period 1"
start_core --crash_point after_prepare
A=$(register "$USERD" ada); TA=$(login "$USERD" ada)
A1=$(post "$TWEETD" "$A" "$TA" ada)

# The coordinator dies right after tweetd prepared.
http DELETE "$USERD/users/$A" "" "$(auth "$TA")"
check "userd died mid-deletion" test "$HTTP_STATUS" != 200
expect_eq "tweetd holds the prepared transaction" "$(prepared)" 1
stop_proc userd
start_userd userd2 "$USERD_PORT" "$USERDB" --tweet_url "$TWEETD"

check "recovery rolls back the undecided deletion" \
    wait_until 90 sql_is "$TWEETDB" "SELECT count(*) FROM pg_prepared_xacts" 0
http GET "$TWEETD/tweets/$A1"
expect_status "ada's tweet is still there" 200
http GET "$USERD/users/$A"
expect_status "ada's account is still there" 200
http POST "$TWEETD/tweets" "{\"userId\":\"$A\",\"content\":\"back\"}" "$(auth "$TA")"
expect_status "ada posts again" 201

# A deletion that did commit at the coordinator completes here too.
http DELETE "$USERD/users/$A" "" "$(auth "$TA")"
expect_status "deleting ada for real: 200" 200
http GET "$TWEETD/tweets/$A1"
expect_status "now her tweets are gone" 404 not_found

# Events in the outbox are published by the recovery pass.
sql "$TWEETDB" "INSERT INTO outbox (channel, payload) VALUES
    ('chirp_tweet_events', '{\"type\":\"delete\",\"tweetId\":\"1\",\"userId\":\"1\"}')" >/dev/null
check "the outbox is published and emptied" \
    wait_until 30 sql_is "$TWEETDB" "SELECT count(*) FROM outbox" 0

finish
