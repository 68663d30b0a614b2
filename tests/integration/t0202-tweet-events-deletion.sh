#!/usr/bin/env bash
# t0202: the events of chirp-tweetd on the bus, and its side of account
# deletion: prepare, commit, abort, repeats, the outbox, a real DELETE
# /users/{id} through chirp-userd.
. "$(dirname "$0")/../lib.sh"

start_core
A=$(register "$USERD" ann); TA=$(login "$USERD" ann)
D=$(register "$USERD" dan); TD=$(login "$USERD" dan)
G=$(register "$USERD" gus); TG=$(login "$USERD" gus)


# A listener on the tweet channel: psql prints each notification after the
# next command, so it runs one every 0.1 s until $T/stop exists.
{
	echo "LISTEN chirp_tweet_events;"
	while [ ! -f "$T/stop" ]; do echo "SELECT 1;"; sleep 0.1; done
} | psql -X -q -A -t -d "$TWEETDB" >"$T/events" 2>&1 &
LISTENER=$!
sleep 0.5
# events: the notifications so far, without their "seq" (the publisher
# appends it to each event; t0700 looks at it).
events() { sed 's/,"seq":[0-9]*//' "$T/events"; }
# wait_event TEXT: until a notification with TEXT arrives (20 s).
wait_event() {
	for _ in $(seq 1 200); do
		events | grep -F -q -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
count_events() { events | grep -c -F -- "$1"; }

# --- events -------------------------------------------------------------

T1=$(post "$TWEETD" "$A" "$TA" "an event")
check "a post publishes a tweet event" \
    wait_event "{\"type\":\"tweet\",\"tweet\":{\"tweetId\":\"$T1\""
check "the event carries the whole tweet" \
    bash -c "grep -F \"\\\"tweetId\\\":\\\"$T1\\\"\" '$T/events' | grep -q '\"content\":\"an event\"'"
http DELETE "$TWEETD/tweets/$T1" "" "$(auth "$TA")"
check "a delete publishes a delete event" \
    wait_event "{\"type\":\"delete\",\"tweetId\":\"$T1\",\"userId\":\"$A\"}"
http POST "$TWEETD/tweets" "{\"userId\":\"$A\",\"content\":\"\"}" "$(auth "$TA")"
http POST "$TWEETD/tweets" "{\"userId\":\"$A\",\"content\":\"k\"}" "$(auth "$TA")" "Idempotency-Key: ev"
K=$(jb .tweetId)
http POST "$TWEETD/tweets" "{\"userId\":\"$A\",\"content\":\"k\"}" "$(auth "$TA")" "Idempotency-Key: ev"
wait_event "\"tweetId\":\"$K\"" >/dev/null
T2=$(post "$TWEETD" "$A" "$TA" "marker")
wait_event "\"tweetId\":\"$T2\"" >/dev/null
expect_eq "an idempotent repeat publishes nothing more" \
    "$(count_events "\"tweetId\":\"$K\"")" 1

# --- the participant: prepare, then commit ----------------------------------

D1=$(post "$TWEETD" "$D" "$TD" "dan one"); D2=$(post "$TWEETD" "$D" "$TD" "dan two")
GID="chirp_del_${D}_0123456789abcdef"
http POST "$TWEETD/internal/deletions" "{\"gid\":\"$GID\",\"userId\":\"$D\"}" "$(svc_hdr userd tweetd)"
expect_status "prepare: 200" 200
expect_eq "the transaction is prepared" \
    "$(sql "$TWEETDB" "SELECT count(*) FROM pg_prepared_xacts WHERE gid='$GID'")" 1
http GET "$TWEETD/tweets/$D1"
expect_status "prepared, not committed: the tweets are still there" 200
http POST "$TWEETD/tweets" "{\"userId\":\"$D\",\"content\":\"late\"}" "$(auth "$TD")"
expect_status "a post while the deletion is prepared: 503, not a wait" 503 unavailable
http POST "$TWEETD/internal/deletions" "{\"gid\":\"$GID\",\"userId\":\"$D\"}" "$(svc_hdr userd tweetd)"
expect_status "prepare again: 200" 200
expect_eq "prepare again makes no second transaction" "$(prepared)" 1
http POST "$TWEETD/internal/deletions/$GID/commit" "" "$(svc_hdr userd tweetd)"
expect_status "commit: 200" 200
expect_eq "... and says committed" "$(jb .state)/$(jb .message)" committed/committed
http GET "$TWEETD/tweets/$D1"
expect_status "committed: the tweets are gone" 404 not_found
http GET "$TWEETD/tweets/userTimeline/$D"
expect_status "the deleted user's timeline: 404" 404 not_found
check "a delete event for each tweet" wait_event \
    "{\"type\":\"delete\",\"tweetId\":\"$D2\",\"userId\":\"$D\"}"
check "... the first too" bash -c "sed 's/,\"seq\":[0-9]*//' '$T/events' | grep -q -F '{\"type\":\"delete\",\"tweetId\":\"$D1\",\"userId\":\"$D\"}'"
expect_eq "the outbox is empty" "$(sql "$TWEETDB" "SELECT count(*) FROM outbox")" 0
http POST "$TWEETD/internal/deletions/$GID/commit" "" "$(svc_hdr userd tweetd)"
expect_status "commit again: 200" 200
http POST "$TWEETD/tweets" "{\"userId\":\"$D\",\"content\":\"ghost\"}" "$(auth "$TD")"
expect_status "a deleted account's token cannot post: 401" 401 unauthorized

# --- prepare, then abort --------------------------------------------------------

G1=$(post "$TWEETD" "$G" "$TG" "gus stays")
GID2="chirp_del_${G}_fedcba9876543210"
http POST "$TWEETD/internal/deletions" "{\"gid\":\"$GID2\",\"userId\":\"$G\"}" "$(svc_hdr userd tweetd)"
expect_status "prepare gus: 200" 200
http POST "$TWEETD/internal/deletions/$GID2/abort" "" "$(svc_hdr userd tweetd)"
expect_status "abort: 200" 200
expect_eq "... and says aborted" "$(jb .state)/$(jb .message)" aborted/aborted
http GET "$TWEETD/tweets/$G1"
expect_status "aborted: the tweets are still there" 200
http POST "$TWEETD/internal/deletions/$GID2/abort" "" "$(svc_hdr userd tweetd)"
expect_status "abort again: 200" 200
http POST "$TWEETD/internal/deletions/$GID2/commit" "" "$(svc_hdr userd tweetd)"
expect_status "commit of an aborted deletion: 200" 200
expect_eq "... that says no such deletion is there" "$(jb .state)/$(jb .message)" \
    "absent/no such deletion was prepared or committed"
http POST "$TWEETD/tweets" "{\"userId\":\"$G\",\"content\":\"still here\"}" "$(auth "$TG")"
expect_status "after an abort the user posts as before" 201
expect_eq "no prepared transaction is left" "$(prepared)" 0

# --- bad input ------------------------------------------------------------------

http POST "$TWEETD/internal/deletions" "{\"gid\":\"chirp_del_${G}_xyz\",\"userId\":\"$G\"}" "$(svc_hdr userd tweetd)"
expect_status "a malformed gid: 400" 400 bad_request
http POST "$TWEETD/internal/deletions" "{\"gid\":\"chirp_del_${A}_0123456789abcdef\",\"userId\":\"$G\"}" "$(svc_hdr userd tweetd)"
expect_status "a gid of another user: 400" 400 bad_request
http POST "$TWEETD/internal/deletions" "{\"gid\":\"x'; DROP TABLE tweets; --\",\"userId\":\"$G\"}" "$(svc_hdr userd tweetd)"
expect_status "a gid with SQL in it: 400" 400 bad_request
http POST "$TWEETD/internal/deletions/nope/commit" "" "$(svc_hdr userd tweetd)"
expect_status "commit of a malformed gid: 400" 400 bad_request
http GET "$TWEETD/tweets/$G1"
expect_status "bad input deleted nothing" 200

# --- the whole protocol through chirp-userd ---------------------------------------

A2=$(post "$TWEETD" "$A" "$TA" "ann again")
http DELETE "$USERD/users/$A" "" "$(auth "$TA")"
expect_status "userd deletes ann's account" 200
http GET "$TWEETD/tweets/$A2"
expect_status "ann's tweets are gone" 404 not_found
check "... announced as delete events" wait_event \
    "{\"type\":\"delete\",\"tweetId\":\"$A2\",\"userId\":\"$A\"}"
# tweetd learns of the deletion from userd's event, a moment later
dead() {
	http GET "$TWEETD/tweets/homeTimeline/$A" "" "$(auth "$TA")"
	[ "$HTTP_STATUS" = 401 ]
}
wait_until 10 dead
expect_status "the deleted user's token is dead: 401" 401 unauthorized
http GET "$TWEETD/tweets/userTimeline/$A"
expect_status "the deleted user's timeline: 404" 404 not_found
expect_eq "no prepared transaction is left behind" "$(prepared)" 0

touch "$T/stop"; wait "$LISTENER" 2>/dev/null
finish
