#!/usr/bin/env bash
# t1021: reposts (API.md "Conversations") on two chirp-tweetd over one
# database: 201 then 200 and the same repost, a repost of a repost acts on
# the original, repostCount exact, the repost in the reposter's user
# timeline and their followers' home timelines (a follower of both sees
# both entries), unrepost by either id, delete of a repost or of the
# original everywhere with its events, and an account deletion taking its
# likes and reposts with it (the counts drop).
. "$(dirname "$0")/../lib.sh"

start_core
TWEETD2_PORT=$(free_port); TWEETD2=http://127.0.0.1:$TWEETD2_PORT
start_tweetd tweetd2 "$TWEETD2_PORT" "$TWEETDB" "$USERD" "$USERDB"
accounts "$USERD" ann bob cid dan
# cid follows bob only; dan follows ann and bob.
follow "$USERD" "$CID" "$TC" "$BOB"
follow "$USERD" "$DAN" "$TD" "$BOB"
follow "$USERD" "$DAN" "$TD" "$ANN"
P=$(post "$TWEETD" "$ANN" "$TA" "worth a repost")

# home READER TOKEN: the reader's home timeline as "id:repostOf" lines.
home() {
	http GET "$TWEETD2/tweets/homeTimeline/$1" "" "$(auth "$2")"
	jb '[.tweets[] | "\(.tweetId):\(.repostOf.tweetId // "")"] | join(",")'
}
# events_after SEQ: the tweet and delete events of the log after SEQ, as
# type:tweetId:userId:repostOf-or-repost.
events_after() {
	http GET "$TWEETD/internal/events?after=$1&limit=1000" "" \
	    "$(svc_hdr gateway tweetd)"
	jb '[.events[].event | select(.type == "tweet" or .type == "delete")
	    | if .type == "tweet" then
	        "tweet:\(.tweet.tweetId):\(.tweet.userId):\(.tweet.repostOf.tweetId // "")"
	      else "delete:\(.tweetId):\(.userId):\(.repost // false)" end]
	    | join(",")'
}
events_are() { [ "$(events_after "$1")" = "$2" ]; }
last_seq() {
	http GET "$TWEETD/internal/events?after=0&limit=1000" "" \
	    "$(svc_hdr gateway tweetd)"
	jb .last
}

# --- repost: 201, then 200 and the same one ---------------------------------

S0=$(last_seq)
http POST "$TWEETD/tweets/$P/repost" "" "$(auth "$TB")"
expect_status "bob reposts ann's tweet: 201" 201
RB=$(jb .tweetId)
expect_eq "the repost: its own id, bob's, content \"\", the original in it" \
    "$(jb '[.userId, .username, .content, .repostOf.tweetId, .repostOf.content] | @tsv')" \
    "$(printf '%s\tbob\t\t%s\tworth a repost' "$BOB" "$P")"
check "... a new id" test "$RB" != "$P"
expect_eq "... the original's count and bob's flags after" \
    "$(jb '[.repostOf.repostCount, .reposted, .repostOf.reposted] | @tsv')" \
    "$(printf '1\ttrue\ttrue')"
http POST "$TWEETD2/tweets/$P/repost" "" "$(auth "$TB")"
expect_status "again, on the other instance: 200" 200
expect_eq "... the same repost" "$(jb .tweetId)" "$RB"
http POST "$TWEETD/tweets/$RB/repost" "" "$(auth "$TB")"
expect_eq "reposting the repost: the same repost (of the original)" \
    "$(jb '[.tweetId, .repostOf.tweetId] | @tsv')" "$(printf '%s\t%s' "$RB" "$P")"
http POST "$TWEETD/tweets/$RB/repost" "" "$(auth "$TA")"
expect_status "ann reposts bob's repost: 201" 201
RA=$(jb .tweetId)
expect_eq "... which reposts her own original" \
    "$(jb '[.userId, .repostOf.tweetId, .repostOf.repostCount] | @tsv')" \
    "$(printf '%s\t%s\t2' "$ANN" "$P")"
http GET "$TWEETD/tweets/$P"
expect_eq "repostCount of the original: 2" "$(jb .repostCount)" 2
expect_eq "... the rows agree" \
    "$(sql "$TWEETDB" "SELECT count(*) FROM tweets WHERE repost_of = $P")" 2

# --- timelines --------------------------------------------------------------

http GET "$TWEETD/tweets/userTimeline/$BOB" "" "$(auth "$TC")"
expect_eq "the repost is in bob's user timeline, with the original" \
    "$(jb '[.tweets[] | "\(.tweetId):\(.repostOf.tweetId):\(.repostOf.username)"] | join(",")')" \
    "$RB:$P:ann"
expect_eq "... and cid's flags of the original" \
    "$(jb '[.tweets[0] | .liked, .reposted] | @tsv')" "$(printf 'false\tfalse')"
expect_eq "cid (follows bob) has bob's repost in his home timeline" \
    "$(home "$CID" "$TC")" "$RB:$P"
expect_eq "dan (follows ann and bob) sees every entry: both reposts and the original" \
    "$(home "$DAN" "$TD")" "$RA:$P,$RB:$P,$P:"
check "a repost event for each repost, as a tweet event" \
    wait_until 10 events_are "$S0" "tweet:$RB:$BOB:$P,tweet:$RA:$ANN:$P"

# --- unrepost, by either id -----------------------------------------------------

S1=$(last_seq)
http DELETE "$TWEETD2/tweets/$P/repost" "" "$(auth "$TA")"
expect_status "ann unreposts by the original's id: 200" 200
check "... a message" test -n "$(jb .message)"
http GET "$TWEETD/tweets/$RA"
expect_status "... her repost is gone" 404 not_found
http GET "$TWEETD/tweets/$P" "" "$(auth "$TA")"
expect_eq "... the count drops, her flag too" \
    "$(jb '[.repostCount, .reposted] | @tsv')" "$(printf '1\tfalse')"
expect_eq "... and it left dan's home timeline" "$(home "$DAN" "$TD")" "$RB:$P,$P:"
http DELETE "$TWEETD/tweets/$P/repost" "" "$(auth "$TA")"
expect_status "unreposting what is not reposted: 200" 200
http GET "$TWEETD/tweets/$P"
expect_eq "... changes nothing" "$(jb .repostCount)" 1
http POST "$TWEETD/tweets/$P/repost" "" "$(auth "$TC")"
RC1=$(jb .tweetId)
http DELETE "$TWEETD/tweets/$RC1/repost" "" "$(auth "$TC")"
expect_status "cid unreposts by the repost's id: 200" 200
http GET "$TWEETD/tweets/$RC1"
expect_status "... gone" 404 not_found
http POST "$TWEETD/tweets/$P/repost" "" "$(auth "$TC")"
RC=$(jb .tweetId)
http DELETE "$TWEETD/tweets/$RC" "" "$(auth "$TC")"
expect_status "DELETE /tweets/{id} of cid's own repost: 200" 200
http GET "$TWEETD/tweets/$P"
expect_eq "... removes only it: the original stays, its count drops" \
    "$(jb '[.tweetId, .repostCount] | @tsv')" "$(printf '%s\t1' "$P")"
WANT="delete:$RA:$ANN:true,tweet:$RC1:$CID:$P,delete:$RC1:$CID:true,tweet:$RC:$CID:$P,delete:$RC:$CID:true"
check "the events of unreposts and of a repost's delete (repost:true)" \
    wait_until 10 events_are "$S1" "$WANT"
expect_eq "... exactly these" "$(events_after "$S1")" "$WANT"

# --- deleting the original removes its reposts everywhere ------------------------

http POST "$TWEETD/tweets/$P/repost" "" "$(auth "$TD")"
RD=$(jb .tweetId)
http POST "$TWEETD/tweets/$P/like" "" "$(auth "$TC")"
S2=$(last_seq)
http DELETE "$TWEETD/tweets/$P" "" "$(auth "$TB")"
expect_status "bob may not delete ann's original" 403 forbidden
http GET "$TWEETD/tweets/$RB"
expect_status "... and bob's repost is still there" 200
http DELETE "$TWEETD2/tweets/$P" "" "$(auth "$TA")"
expect_status "ann deletes her original: 200" 200
http GET "$TWEETD/tweets/$RB"
expect_status "bob's repost is gone" 404 not_found
http GET "$TWEETD/tweets/$RD"
expect_status "dan's too" 404 not_found
expect_eq "no repost and no like of it left" \
    "$(sql "$TWEETDB" "SELECT (SELECT count(*) FROM tweets WHERE repost_of = $P) + (SELECT count(*) FROM likes WHERE tweet_id = $P)")" 0
expect_eq "cid's home timeline is empty" "$(home "$CID" "$TC")" ""
expect_eq "dan's too" "$(home "$DAN" "$TD")" ""
http GET "$TWEETD/tweets/userTimeline/$BOB"
expect_eq "bob's user timeline too" "$(jb '.tweets | length')" 0
expect_eq "no feed row of them anywhere" \
    "$(sql "$TWEETDB" "SELECT count(*) FROM feed WHERE tweet_id IN ($P, $RB, $RD)")" 0
sorted_after() { events_after "$1" | tr , '\n' | sort | tr '\n' ,; }
check "a delete event for each repost (repost:true) and the original" \
    wait_until 10 eval '[ "$(sorted_after "$S2")" = \
    "$(printf "%s\n" "delete:$RB:$BOB:true" "delete:$RD:$DAN:true" "delete:$P:$ANN:false" | sort | tr "\n" ,)" ]'

# --- account deletion: its likes and reposts go, the counts drop -------------------

Q=$(post "$TWEETD" "$ANN" "$TA" "dan will like and repost this")
Z=$(post "$TWEETD" "$DAN" "$TD" "dan's own, reposted by bob")
http POST "$TWEETD/tweets/$Q/like" "" "$(auth "$TD")"
http POST "$TWEETD/tweets/$Q/repost" "" "$(auth "$TD")"
RQ=$(jb .tweetId)
http POST "$TWEETD/tweets/$Q/like" "" "$(auth "$TB")"
http POST "$TWEETD/tweets/$Z/repost" "" "$(auth "$TB")"
RZ=$(jb .tweetId)
http GET "$TWEETD/tweets/$Q"
expect_eq "before: 2 likes, 1 repost" "$(jb '[.likeCount, .repostCount] | @tsv')" \
    "$(printf '2\t1')"
S3=$(last_seq)
http DELETE "$USERD/users/$DAN" "" "$(auth "$TD")"
expect_status "dan deletes his account: 200" 200
http GET "$TWEETD2/tweets/$Q"
expect_eq "his like and his repost no longer count" \
    "$(jb '[.likeCount, .repostCount] | @tsv')" "$(printf '1\t0')"
http GET "$TWEETD/tweets/$RQ"
expect_status "his repost is gone" 404 not_found
http GET "$TWEETD/tweets/$RZ"
expect_status "bob's repost of dan's tweet is gone" 404 not_found
http GET "$TWEETD/tweets/$Q/likes"
expect_eq "the likers: bob only" "$(jb '[.users[].username] | join(",")')" bob
expect_eq "no row of dan's left in likes or tweets" \
    "$(sql "$TWEETDB" "SELECT (SELECT count(*) FROM likes WHERE user_id = $DAN) + (SELECT count(*) FROM tweets WHERE user_id = $DAN OR id = $RZ)")" 0
check "delete events of his repost and of bob's repost of his tweet, repost:true" \
    wait_until 10 bash -c "
	curl -s -H '$(svc_hdr gateway tweetd)' '$TWEETD/internal/events?after=$S3&limit=1000' |
	jq -e '[.events[].event | select(.type == \"delete\" and .repost == true) | .tweetId] | sort == ([\"$RQ\", \"$RZ\"] | sort)'"
expect_eq "bob's home timeline holds no repost of a deleted account" \
    "$(home "$BOB" "$TB")" ""

finish
