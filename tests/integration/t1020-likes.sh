#!/usr/bin/env bash
# t1020: likes (API.md "Conversations") on two chirp-tweetd over one
# database: like_count exact under 8 concurrent likers and unlikers, likes
# idempotent per user and tweet, a repost's like is its original's, the
# likers list newest first and paged by an opaque cursor, and the like and
# unlike events in the event log only when something changed.
. "$(dirname "$0")/../lib.sh"

start_core
TWEETD2_PORT=$(free_port); TWEETD2=http://127.0.0.1:$TWEETD2_PORT
start_tweetd tweetd2 "$TWEETD2_PORT" "$TWEETDB" "$USERD" "$USERDB"
accounts "$USERD" ann bob cid
P=$(post "$TWEETD" "$ANN" "$TA" "like me")

# --- one like, idempotent ---------------------------------------------------

http POST "$TWEETD/tweets/$P/like" "" "$(auth "$TB")"
expect_status "bob likes ann's tweet: 200" 200
expect_eq "the answer is the tweet, counts and flags after" \
    "$(jb '[.tweetId, .likeCount, .liked, .reposted] | @tsv')" \
    "$(printf '%s\t1\ttrue\tfalse' "$P")"
http POST "$TWEETD2/tweets/$P/like" "" "$(auth "$TB")"
expect_status "liking again, on the other instance: 200" 200
expect_eq "... still one like" "$(jb '[.likeCount, .liked] | @tsv')" \
    "$(printf '1\ttrue')"
http POST "$TWEETD/tweets/$P/like" "" "$(auth "$TA")"
expect_eq "ann may like her own tweet" "$(jb .likeCount)" 2
http DELETE "$TWEETD2/tweets/$P/like" "" "$(auth "$TA")"
expect_status "ann unlikes: 200" 200
expect_eq "... the tweet after" "$(jb '[.likeCount, .liked] | @tsv')" \
    "$(printf '1\tfalse')"
http DELETE "$TWEETD/tweets/$P/like" "" "$(auth "$TA")"
expect_status "unliking what was not liked: 200" 200
expect_eq "... changes nothing" "$(jb .likeCount)" 1
http GET "$TWEETD/tweets/$P" "" "$(auth "$TB")"
expect_eq "GET the tweet: bob's flag and the count" \
    "$(jb '[.likeCount, .liked] | @tsv')" "$(printf '1\ttrue')"

# --- a repost's like is its original's --------------------------------------

http POST "$TWEETD/tweets/$P/repost" "" "$(auth "$TC")"
RP=$(jb .tweetId)
http POST "$TWEETD2/tweets/$RP/like" "" "$(auth "$TC")"
expect_status "cid likes the repost: 200" 200
expect_eq "... which likes the original" \
    "$(jb '[.tweetId, .likeCount, .liked] | @tsv')" \
    "$(printf '%s\t2\ttrue' "$P")"
expect_eq "no like row names the repost" \
    "$(sql "$TWEETDB" "SELECT count(*) FROM likes WHERE tweet_id = $RP")" 0
http DELETE "$TWEETD/tweets/$RP/like" "" "$(auth "$TC")"
expect_eq "unliking the repost unlikes the original" \
    "$(jb '[.tweetId, .likeCount] | @tsv')" "$(printf '%s\t1' "$P")"

# --- the flags in a page are each reader's own ------------------------------

# ann's tweet has one like (bob's): a page shows bob liked true and the
# others false with the same count; cid's repost of it carries the
# original's flags; a tweet nobody liked is liked by nobody.
N0=$(post "$TWEETD" "$ANN" "$TA" "nobody liked this one yet")
check "a tweet nobody liked: posted" expr "$N0" : '[1-9][0-9]*$' 
flags() {	# reader token, author id: "id:likeCount:liked" of each entry
	http GET "$TWEETD/tweets/userTimeline/$2" "" "$(auth "$1")"
	jb '[.tweets[] | "\(.tweetId):\(.repostOf.likeCount // .likeCount):\(.liked)"] | join(",")'
}
expect_eq "bob reads ann's timeline: his like, not on the other" \
    "$(flags "$TB" "$ANN")" "$N0:0:false,$P:1:true"
expect_eq "cid reads it: the same counts, liked by nobody of his" \
    "$(flags "$TC" "$ANN")" "$N0:0:false,$P:1:false"
expect_eq "bob reads cid's repost: the original's flag, true" \
    "$(flags "$TB" "$CID")" "$RP:1:true"
expect_eq "ann reads cid's repost: false (she unliked it)" \
    "$(flags "$TA" "$CID")" "$RP:1:false"

# --- 8 concurrent likers through both instances --------------------------------

Q=$(post "$TWEETD" "$ANN" "$TA" "the busy one")
NL=8
for i in $(seq 1 $NL); do
	eval "U$i=\$(register \"\$USERD\" liker$i)"
	eval "K$i=\$(login \"\$USERD\" liker$i)"
done
# liker I: like, unlike, like ... 12 times on alternating instances;
# odd I end liked, even I end unliked.
liker() {
	local i=$1 tok=$2 n m url
	for n in $(seq 1 12); do
		url=$TWEETD; [ $(((n + i) % 2)) -eq 0 ] && url=$TWEETD2
		m=POST; [ $((n % 2)) -eq 0 ] && m=DELETE
		curl -sS -o /dev/null -w '%{http_code}\n' --max-time 20 \
		    -X "$m" -H "Authorization: Bearer $tok" \
		    "$url/tweets/$Q/like"
	done
	if [ $((i % 2)) -eq 1 ]; then
		curl -sS -o /dev/null -w '%{http_code}\n' --max-time 20 \
		    -X POST -H "Authorization: Bearer $tok" \
		    "$url/tweets/$Q/like"
	fi
}
pids=
for i in $(seq 1 $NL); do
	eval "liker $i \"\$K$i\"" >"$T/liker.$i" &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids
expect_eq "every like and unlike answered 200" \
    "$(cat "$T"/liker.* | sort | uniq -c | tr -s ' ')" " $((NL * 12 + NL / 2)) 200"
expect_eq "like_count is the number of like rows" \
    "$(sql "$TWEETDB" "SELECT like_count = (SELECT count(*) FROM likes WHERE tweet_id = $Q) FROM tweets WHERE id = $Q")" t
http GET "$TWEETD2/tweets/$Q"
expect_eq "... which is the four who ended liked" "$(jb .likeCount)" $((NL / 2))

# --- the likers list --------------------------------------------------------

http GET "$TWEETD/tweets/$Q/likes"
expect_status "GET likes: 200 without a token" 200
expect_eq "the likers, newest first" \
    "$(jb '[.users[].username] | join(",")')" \
    "$(sql "$TWEETDB" "SELECT string_agg(username, ',' ORDER BY created_at DESC, user_id DESC) FROM likes WHERE tweet_id = $Q")"
expect_eq "... with their ids" \
    "$(jb '[.users[] | select(.username == "liker1") | .userId] | join(",")')" "$U1"
expect_eq "one page: nextCursor null" "$(jb .nextCursor)" null
ALL=$(jb '[.users[].userId] | join(",")')
http GET "$TWEETD/tweets/$Q/likes?limit=3"
expect_eq "limit 3: three" "$(jb '.users | length')" 3
C1=$(jb .nextCursor)
check "... and a cursor" test -n "$C1" -a "$C1" != null
PAGED=$(jb '[.users[].userId] | join(",")')
http GET "$TWEETD2/tweets/$Q/likes?limit=3&cursor=$C1"
expect_status "the next page, on the other instance: 200" 200
expect_eq "... the last one, no cursor after" \
    "$(jb '[(.users | length), .nextCursor] | @tsv')" "$(printf '1\t')"
PAGED="$PAGED,$(jb '[.users[].userId] | join(",")')"
expect_eq "the pages together are the list" "$PAGED" "$ALL"
http GET "$TWEETD/tweets/$RP/likes"
expect_eq "a repost's likers are its original's" \
    "$(jb '[.users[].username] | join(",")')" bob
N=$(post "$TWEETD" "$BOB" "$TB" "nobody likes me")
http GET "$TWEETD/tweets/$N/likes"
expect_eq "a tweet nobody likes: an empty list" \
    "$(jb '[(.users | length), .nextCursor] | @tsv')" "$(printf '0\t')"

# --- events -----------------------------------------------------------------

events() {
	http GET "$TWEETD/internal/events?after=0&limit=1000" "" \
	    "$(svc_hdr gateway tweetd)"
	jb "[.events[].event | select(.type == \"like\" or .type == \"unlike\")
	    | select(.tweet.tweetId == \"$P\" or .tweetId == \"$P\")
	    | \"\(.type):\(.userId):\(.username // \"\")\"] | join(\",\")"
}
WANT="like:$BOB:bob,like:$ANN:ann,unlike:$ANN:,like:$CID:cid,unlike:$CID:"
check "like and unlike events, only for changes" \
    wait_until 10 test "$(events)" = "$WANT"
expect_eq "... exactly these" "$(events)" "$WANT"
http GET "$TWEETD/internal/events?after=0&limit=1000" "" "$(svc_hdr gateway tweetd)"
expect_eq "a like event carries the liked tweet, counts after" \
    "$(jb "[.events[].event | select(.type == \"like\" and .userId == \"$CID\")
        | .tweet | \"\(.tweetId):\(.likeCount)\"] | join(\",\")")" "$P:2"
expect_eq "an unlike event names the tweet" \
    "$(jb "[.events[].event | select(.type == \"unlike\" and .userId == \"$ANN\")
        | .tweetId] | join(\",\")")" "$P"

finish
