#!/usr/bin/env bash
# t0201: user and home timelines: newest first, paging with before and
# after without gaps or doubles, the home timeline's authors, read your
# writes after follow and unfollow, deleted tweets, a restart of tweetd.
. "$(dirname "$0")/../lib.sh"

start_core
A=$(register "$USERD" amy); TA=$(login "$USERD" amy)
B=$(register "$USERD" ben); TB=$(login "$USERD" ben)
C=$(register "$USERD" cat); TC=$(login "$USERD" cat)
E=$(register "$USERD" eve)

ids() { jb '[.tweets[].tweetId]|join(" ")'; }
home() { http GET "$TWEETD/tweets/homeTimeline/$1${3:+?$3}" "" "$(auth "$2")"; }

# 25 tweets by amy, interleaved with ben's and cat's.
ALL=""
for i in $(seq 1 25); do
	ALL="$(post "$TWEETD" "$A" "$TA" "amy $i") $ALL"
	[ $((i % 5)) -eq 0 ] && post "$TWEETD" "$B" "$TB" "ben $i" >/dev/null
	[ $((i % 7)) -eq 0 ] && post "$TWEETD" "$C" "$TC" "cat $i" >/dev/null
done
ALL=${ALL% }

# --- user timeline ----------------------------------------------------------

http GET "$TWEETD/tweets/userTimeline/$A"
expect_status "user timeline: 200" 200
expect_eq "default page is 20, newest first" "$(ids)" \
    "$(echo "$ALL" | cut -d' ' -f1-20)"
check "every entry is amy's" jq -e --arg a "$A" 'all(.tweets[]; .userId==$a and .username=="amy")' "$T/body"

# Down with before: pages of 7 cover all 25 once, in order.
got=""; before=""
while :; do
	http GET "$TWEETD/tweets/userTimeline/$A?limit=7${before:+&before=$before}"
	page=$(ids); [ -z "$page" ] && break
	got="$got $page"; before=${page##* }
done
expect_eq "paging down with before: no gap, no double" "${got# }" "$ALL"

# Up with after: from the oldest, pages of 6 (each newest first).
OLDEST=${ALL##* }
got=""; after=$OLDEST
while :; do
	http GET "$TWEETD/tweets/userTimeline/$A?limit=6&after=$after"
	page=$(ids); [ -z "$page" ] && break
	got="$page $got"; after=${page%% *}
done
expect_eq "paging up with after: the rest, no gap, no double" "${got% }" \
    "$(echo "$ALL" | cut -d' ' -f1-24)"
http GET "$TWEETD/tweets/userTimeline/$A?limit=3&after=$OLDEST"
expect_eq "after gives the items immediately newer, newest first" "$(ids)" \
    "$(echo "$ALL" | cut -d' ' -f22-24)"

for q in limit=0 limit=101 limit=abc limit=5x limit= before=abc after=-3 \
    before=0 "before=$OLDEST&after=$OLDEST"; do
	http GET "$TWEETD/tweets/userTimeline/$A?$q"
	expect_status "user timeline ?$q: 400" 400 bad_request
done
http GET "$TWEETD/tweets/userTimeline/$A?limit=100"
expect_eq "limit=100 is allowed" "$(jb '.tweets|length')" 25
http GET "$TWEETD/tweets/userTimeline/abc"
expect_status "user timeline of a bad id: 400" 400 bad_request
http GET "$TWEETD/tweets/userTimeline/987654321"
expect_status "user timeline of an unknown user: 404" 404 not_found
http GET "$TWEETD/tweets/userTimeline/$E"
expect_status "user timeline of a user with no tweets: 200" 200
expect_eq "... and empty" "$(jb '.tweets|length')" 0

# --- home timeline ------------------------------------------------------------

home "$A" ""
expect_status "home timeline without token: 401" 401 unauthorized
home "$A" "$TB"
expect_status "someone else's home timeline: 403" 403 forbidden
home "$A" "$TA" "limit=0"
expect_status "home timeline bad limit: 400" 400 bad_request
home "$A" "$TA" "limit=100"
expect_status "home timeline: 200" 200
expect_eq "home of a user following nobody: own tweets" "$(ids)" "$ALL"

follow "$USERD" "$A" "$TA" "$B"; expect_status "amy follows ben" 200
home "$A" "$TA" "limit=100"
check "home right after follow has ben's tweets" jq -e --arg b "$B" \
    '[.tweets[]|select(.userId==$b)]|length==5' "$T/body"
check "... and not cat's" jq -e --arg c "$C" 'all(.tweets[]; .userId!=$c)' "$T/body"
check "home is newest first" jq -e '[.tweets[].tweetId|tonumber] as $i | $i == ($i|sort|reverse)' "$T/body"
expect_eq "home has 30 entries" "$(jb '.tweets|length')" 30

# Paging the home timeline: pages of 4 down, then back up.
HOME=$(ids)
got=""; before=""
while :; do
	home "$A" "$TA" "limit=4${before:+&before=$before}"
	page=$(ids); [ -z "$page" ] && break
	got="$got $page"; before=${page##* }
done
expect_eq "home paging with before: no gap, no double" "${got# }" "$HOME"
got=""; after=${HOME##* }
while :; do
	home "$A" "$TA" "limit=4&after=$after"
	page=$(ids); [ -z "$page" ] && break
	got="$page $got"; after=${page%% *}
done
expect_eq "home paging with after: no gap, no double" "${got% }" \
    "$(echo "$HOME" | cut -d' ' -f1-29)"

# Read your writes, many times over so a stale cache would show.
for i in 1 2 3; do
	follow "$USERD" "$A" "$TA" "$C"
	home "$A" "$TA" "limit=100"
	expect_eq "round $i: cat's tweets right after follow" \
	    "$(jb "[.tweets[]|select(.userId==\"$C\")]|length")" 3
	unfollow "$USERD" "$A" "$TA" "$C"
	home "$A" "$TA" "limit=100"
	expect_eq "round $i: no cat right after unfollow" \
	    "$(jb "[.tweets[]|select(.userId==\"$C\")]|length")" 0
done

# A new tweet of a followed user shows at the top at once.
NEW=$(post "$TWEETD" "$B" "$TB" "fresh from ben")
home "$A" "$TA" "limit=1"
expect_eq "a followed user's new tweet is on top" "$(ids)" "$NEW"

# Deleted tweets vanish from every timeline.
http DELETE "$TWEETD/tweets/$NEW" "" "$(auth "$TB")"
expect_status "ben deletes it" 200
home "$A" "$TA" "limit=100"
check "deleted tweet gone from the follower's home" jq -e --arg n "$NEW" 'all(.tweets[]; .tweetId!=$n)' "$T/body"
http GET "$TWEETD/tweets/userTimeline/$B"
check "deleted tweet gone from the author's timeline" jq -e --arg n "$NEW" 'all(.tweets[]; .tweetId!=$n)' "$T/body"

# --- restart -------------------------------------------------------------------

home "$A" "$TA" "limit=100"; BEFORE=$(ids)
stop_proc tweetd
start_tweetd tweetd "$TWEETD_PORT" "$TWEETDB" "$USERD" "$USERDB"
home "$A" "$TA" "limit=100"
expect_eq "after a restart the home timeline is the same" "$(ids)" "$BEFORE"
NEWER=$(post "$TWEETD" "$A" "$TA" "after restart")
check "ids keep growing after a restart" test "$NEWER" -gt "${BEFORE%% *}"
follow "$USERD" "$A" "$TA" "$C"
home "$A" "$TA" "limit=100"
expect_eq "read your writes after a restart" \
    "$(jb "[.tweets[]|select(.userId==\"$C\")]|length")" 3

# --- userd away: the follow graph's replica still serves home timelines -------
# (its events come from the user database; userd itself is not asked)

stop_proc userd
home "$A" "$TA" "limit=100"
expect_status "a home timeline with userd down: 200" 200
home "$B" "$TB"
expect_status "a home timeline never read before, userd down: 200" 200
http GET "$TWEETD/tweets/userTimeline/$A?limit=1"
expect_status "user timeline with userd down still answers" 200
http GET "$TWEETD/status"
expect_status "status of tweetd" 200

finish
