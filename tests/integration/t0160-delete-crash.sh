#!/usr/bin/env bash
# t0160: account deletion survives a crash of chirp-userd at either point
# of the two-phase commit: never a half-deleted account.
#   after_prepare: tweetd prepared, no decision yet -> after recovery the
#                  account is whole (tweetd asks, learns abort, rolls back)
#   after_decision: decided commit, tweetd not told -> after a restart
#                  the deletion completes, also when tweetd is down
#                  at the restart and comes back later
. "$(dirname "$0")/../lib.sh"

# In-doubt deletions are asked about after 2 s here, not 30.
TWEETD_FLAGS="--recovery_age 2 --recovery_period 1"
start_core --crash_point after_prepare

# Recovery runs on timers: the checks below wait up to 120 s for it.

A=$(register "$USERD" alice); B=$(register "$USERD" bob)
TA=$(login "$USERD" alice); TB=$(login "$USERD" bob)
follow "$USERD" "$A" "$TA" "$B"; follow "$USERD" "$B" "$TB" "$A"
for i in 1 2 3; do post "$TWEETD" "$A" "$TA" "alice $i" >/dev/null; done
expect_eq "alice has 3 tweets" "$(tweets_of "$A")" 3

# --- crash after prepare ---------------------------------------------------
http DELETE "$USERD/users/$A" "" "$(auth "$TA")"
check "the crash drops the request" test "$HTTP_STATUS" = 000 -o "$HTTP_STATUS" -ge 500
check "userd died at after_prepare" wait_until 10 down "$USERD"
stop_proc userd
expect_eq "tweetd holds the prepared deletion" "$(prepared)" 1
start_userd userd "$USERD_PORT" "$USERDB" --tweet_url "$TWEETD"
http GET "$USERD/users/$A"
expect_status "with no decision the account is whole" 200
check "tweetd resolves the in-doubt deletion" wait_until 120 none_prepared
expect_eq "it was aborted: the tweets are back" "$(tweets_of "$A")" 3
http GET "$USERD/users/$A"
expect_eq "the edges are whole" "$(jq -c '[.followersCount,.followingsCount]' "$T/body")" '[1,1]'
expect_eq "the decision is abort" \
    "$(sql "$USERDB" "SELECT string_agg(decision, ',') FROM deletion_log WHERE user_id = $A")" abort
post "$TWEETD" "$A" "$TA" "still here" >/dev/null
expect_status "the account still posts" 201

# --- crash after the decision ----------------------------------------------
stop_proc userd
start_userd userd "$USERD_PORT" "$USERDB" --tweet_url "$TWEETD" \
    --crash_point after_decision
http DELETE "$USERD/users/$A" "" "$(auth "$TA")"
check "the crash drops the request" test "$HTTP_STATUS" = 000 -o "$HTTP_STATUS" -ge 500
check "userd died at after_decision" wait_until 10 down "$USERD"
stop_proc userd
expect_eq "the user row is gone with the decision" \
    "$(sql "$USERDB" "SELECT count(*) FROM users WHERE id = $A")" 0
expect_eq "the decision is commit, not done" "$(commit_flag "$A")" f
start_userd userd "$USERD_PORT" "$USERDB" --tweet_url "$TWEETD"
check "recovery commits the tweet side" wait_until 120 none_prepared
expect_eq "the tweets are gone" "$(tweets_of "$A")" 0
check "the decision is marked done" wait_until 120 commit_done "$A"
http GET "$USERD/users/$A"
expect_status "the account is gone" 404 not_found
http GET "$USERD/users/$B"
expect_eq "bob's counts lost alice both ways" \
    "$(jq -c '[.followersCount,.followingsCount]' "$T/body")" '[0,0]'
follow "$USERD" "$A" "$TA" "$B"
expect_status "the token is refused" 401 unauthorized

# --- crash after the decision, tweetd down at the restart -------------------
post "$TWEETD" "$B" "$TB" "bob 1" >/dev/null
stop_proc userd
start_userd userd "$USERD_PORT" "$USERDB" --tweet_url "$TWEETD" \
    --crash_point after_decision
http DELETE "$USERD/users/$B" "" "$(auth "$TB")"
check "userd died at after_decision again" wait_until 10 down "$USERD"
stop_proc userd
stop_proc tweetd
start_userd userd "$USERD_PORT" "$USERDB" --tweet_url "$TWEETD"
http GET "$USERD/users/$B"
expect_status "the account is gone at once" 404 not_found
start_tweetd tweetd "$TWEETD_PORT" "$TWEETDB" "$USERD" "$USERDB" \
    --recovery_age 2 --recovery_period 1
check "the periodic recovery commits once tweetd is back" \
    wait_until 120 none_prepared
expect_eq "bob's tweet is gone" "$(tweets_of "$B")" 0
check "and the decision is marked done" wait_until 120 commit_done "$B"

finish
