#!/usr/bin/env bash
# t0702: GET /internal/feed/{userId} keeps the user's events and those of
# whom the user follows now (follow and unfollow show at once); "reset" for
# a position too old or never issued. /internal/events and /internal/feed
# are for the allowed services only (401, 403), and bad input is a 400.
. "$(dirname "$0")/../lib.sh"

start_core
A=$(register "$USERD" ada); TA=$(login "$USERD" ada)
B=$(register "$USERD" bob); TB=$(login "$USERD" bob)
C=$(register "$USERD" cat); TC=$(login "$USERD" cat)
GW=$(svc_hdr gateway tweetd)
follow "$USERD" "$A" "$TA" "$B"
B1=$(post "$TWEETD" "$B" "$TB" "bob 1")
C1=$(post "$TWEETD" "$C" "$TC" "cat 1")
A1=$(post "$TWEETD" "$A" "$TA" "ada 1")
http DELETE "$TWEETD/tweets/$B1" "" "$(auth "$TB")"
outbox_empty() { [ "$(sql "$TWEETDB" "SELECT count(*) FROM outbox")" = 0 ]; }
wait_until 10 outbox_empty

feed_ids() { jb '[.events[] | .event.tweet.tweetId // ("d" + .event.tweetId)] | join(",")'; }
http GET "$TWEETD/internal/feed/$A?after=0" "" "$GW"
expect_status "ada's feed: 200" 200
expect_eq "... her own and bob's, not cat's, tweets and deletes" \
    "$(feed_ids)" "$B1,$A1,d$B1"
expect_eq "... no reset" "$(jb '.reset // false')" false
expect_eq "... first and last of the whole log" \
    "$(jb '"\(.first) \(.last)"')" "1 4"
http GET "$TWEETD/internal/feed/$C?after=0" "" "$GW"
expect_eq "cat's feed: her own only" "$(feed_ids)" "$C1"

unfollow "$USERD" "$A" "$TA" "$B"
http GET "$TWEETD/internal/feed/$A?after=0" "" "$GW"
expect_eq "after unfollowing bob: ada's own only" "$(feed_ids)" "$A1"
follow "$USERD" "$A" "$TA" "$C"
http GET "$TWEETD/internal/feed/$A?after=1" "" "$GW"
expect_eq "after following cat, after seq 1: cat's and ada's" \
    "$(feed_ids)" "$C1,$A1"
http GET "$TWEETD/internal/feed/$A?after=0&limit=1" "" "$GW"
expect_eq "limit=1: one event" "$(jb '.events | length')" 1

http GET "$TWEETD/internal/feed/$A?after=5" "" "$GW"
expect_eq "a position never issued: reset" "$(jb '.reset')" true
expect_eq "... and no events" "$(jb '.events | length')" 0
http GET "$TWEETD/internal/feed/$A?after=4" "" "$GW"
expect_eq "the newest position: no reset, nothing new" \
    "$(jb '(.reset // false | tostring) + " " + (.events | length | tostring)')" \
    "false 0"
# The retention took the oldest two: a position before them is too old.
sql "$TWEETDB" "DELETE FROM event_log WHERE seq <= 2" >/dev/null
http GET "$TWEETD/internal/feed/$A?after=1" "" "$GW"
expect_eq "a position older than the log: reset" "$(jb '.reset')" true
http GET "$TWEETD/internal/feed/$A?after=2" "" "$GW"
expect_eq "right before the oldest kept: no reset" \
    "$(jb '(.reset // false | tostring) + " " + (.first | tostring)')" \
    "false 3"
http GET "$TWEETD/internal/feed/987654?after=0" "" "$GW"
expect_status "the feed of an unknown user: 404" 404 not_found

# Who may ask.
for path in "internal/events?after=0" "internal/feed/$A?after=0"; do
	http GET "$TWEETD/$path"
	expect_status "/$path without a credential: 401" 401
	http GET "$TWEETD/$path" "" "$(svc_hdr tweetd tweetd)"
	expect_status "/$path for tweetd itself: 403" 403
	http GET "$TWEETD/$path" "" "$(svc_hdr gateway userd)"
	expect_status "/$path with a credential for another: 401" 401
	http GET "$TWEETD/$path" "" "Authorization: Bearer $TA"
	expect_status "/$path with a user's token: 401" 401
done
# userd reads the events (it counts tweets from them), not the feeds.
http GET "$TWEETD/internal/events?after=0" "" "$(svc_hdr userd tweetd)"
expect_status "/internal/events for userd: 200" 200
http GET "$TWEETD/internal/feed/$A?after=0" "" "$(svc_hdr userd tweetd)"
expect_status "/internal/feed for userd: 403" 403
http GET "$USERD/internal/events?after=0" "" "$(svc_hdr gateway userd)"
expect_status "userd's events for the gateway: 200" 200
http GET "$USERD/internal/events?after=0"
expect_status "userd's events without a credential: 401" 401

# Bad input: 400, whichever route.
for q in "" "after=" "after=-1" "after=01" "after=abc" "after=1.5" \
    "after=99999999999999999999" "after=%201" "after=0&limit=0" \
    "after=0&limit=1001" "after=0&limit=x" "after=0&limit=-5"; do
	http GET "$TWEETD/internal/events?$q" "" "$GW"
	expect_status "tweetd /internal/events?$q: 400" 400 bad_request
	http GET "$TWEETD/internal/feed/$A?$q" "" "$GW"
	expect_status "tweetd /internal/feed?$q: 400" 400 bad_request
	http GET "$USERD/internal/events?$q" "" "$(svc_hdr tweetd userd)"
	expect_status "userd /internal/events?$q: 400" 400 bad_request
done
http GET "$TWEETD/internal/feed/0?after=0" "" "$GW"
expect_status "the feed of user 0: 400" 400 bad_request
http GET "$TWEETD/internal/events?after=0&limit=1000" "" "$GW"
expect_status "limit=1000 is allowed" 200

finish
