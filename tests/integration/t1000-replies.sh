#!/usr/bin/env bash
# t1000: replies (API.md "Conversations"): replyTo, conversationId and an
# exact replyCount, also under concurrent replies through two chirp-tweetd
# instances; errors in API.md's order; deleting a reply or its parent;
# the tweet event's replyToUserId; Idempotency-Key with replyTo.
. "$(dirname "$0")/../lib.sh"

start_core
accounts "$USERD" alice bob carol
TWEETD2_PORT=$(free_port); TWEETD2=http://127.0.0.1:$TWEETD2_PORT
start_tweetd tweetd2 "$TWEETD2_PORT" "$TWEETDB" "$USERD" "$USERDB"

# reply URL TOKEN USERID REPLYTO CONTENT [HEADER...]
reply() {
	local url=$1 tok=$2 uid=$3 to=$4 c=$5; shift 5
	http POST "$url/tweets" "$(jq -cn --arg u "$uid" --arg c "$c" \
	    --arg r "$to" '{userId:$u,content:$c,replyTo:$r}')" \
	    "$(auth "$tok")" "$@"
}

ROOT=$(post "$TWEETD" "$ALICE" "$TA" "the root")
check "a tweet that replies to nothing" jq -e --arg r "$ROOT" \
    '.replyTo == null and .conversationId == $r and .replyCount == 0 and
     .mentions == [] and .likeCount == 0 and .repostCount == 0 and
     .repostOf == null' "$T/body"

bus_listen "$TWEETDB" chirp_tweet_events
reply "$TWEETD" "$TB" "$BOB" "$ROOT" "bob answers"
expect_status "a reply: 201" 201
R1=$(jb .tweetId)
check "the reply names its parent and conversation" jq -e --arg r "$ROOT" \
    '.replyTo == $r and .conversationId == $r and .replyCount == 0' \
    "$T/body"
reply "$TWEETD2" "$TC" "$CAROL" "$R1" "carol answers bob"
expect_status "a reply to a reply, on the other instance: 201" 201
R2=$(jb .tweetId)
check "a reply of a reply keeps the conversation" jq -e --arg r "$ROOT" \
    --arg p "$R1" '.replyTo == $p and .conversationId == $r' "$T/body"
bus_mark replies >"$T/events"
check "the reply's event names the parent's author" jq -se \
    --arg r "$R1" --arg a "$ALICE" \
    'map(select(.type == "tweet" and .tweet.tweetId == $r)) |
     length == 1 and .[0].replyToUserId == $a' "$T/events"
check "a tweet that replies to nothing has no replyToUserId" jq -se \
    'map(select(.type == "tweet" and .tweet.replyTo == null and
     has("replyToUserId"))) | length == 0' "$T/events"

http GET "$TWEETD/tweets/$ROOT"
expect_eq "the root counts one direct reply" "$(jb .replyCount)" 1
http GET "$TWEETD2/tweets/$R1"
expect_eq "the first reply counts one" "$(jb .replyCount)" 1
http GET "$TWEETD/tweets/userTimeline/$BOB"
check "a reply is in its author's timeline with its members" jq -e \
    --arg r "$R1" --arg p "$ROOT" '.tweets[0].tweetId == $r and
     .tweets[0].replyTo == $p and .tweets[0].replyCount == 1' "$T/body"

# --- errors in API.md's order ---------------------------------------------

http POST "$TWEETD/tweets" "{\"userId\":\"$BOB\",\"content\":\"x\",\"replyTo\":\"999999\"}"
expect_status "no token before an unknown parent: 401" 401 unauthorized
http POST "$TWEETD/tweets" "{\"userId\":\"$ALICE\",\"content\":\"x\",\"replyTo\":\"999999\"}" "$(auth "$TB")"
expect_status "another user's id before an unknown parent: 403" 403 forbidden
http POST "$TWEETD/tweets" "{\"userId\":\"$BOB\",\"content\":\"\",\"replyTo\":\"999999\"}" "$(auth "$TB")"
expect_status "bad content before an unknown parent: 400" 400 bad_request
reply "$TWEETD" "$TB" "$BOB" 999999 "to nothing"
expect_status "an unknown parent: 404" 404 not_found
for bad in '"abc"' '"-1"' '"0"' '"1.5"' '" 1"' '"99999999999999999999"' \
    '"9223372036854775808"' 5 true '[]' '{}' '"1\u0000"' '"1\n"' '""'; do
	http POST "$TWEETD/tweets" "{\"userId\":\"$BOB\",\"content\":\"x\",\"replyTo\":$bad}" "$(auth "$TB")"
	expect_status "replyTo $bad: 400" 400 bad_request
done
http POST "$TWEETD/tweets" "{\"userId\":\"$BOB\",\"content\":\"null parent\",\"replyTo\":null}" "$(auth "$TB")"
expect_status "replyTo null: no parent, 201" 201
check "replyTo null is a tweet of its own" jq -e '.replyTo == null' "$T/body"
NULLP=$(jb .tweetId)
check "nothing was stored by the refused replies" \
    sql_is "$TWEETDB" "SELECT count(*) FROM tweets" 4

# --- idempotency with replyTo --------------------------------------------

reply "$TWEETD" "$TB" "$BOB" "$ROOT" "once" "Idempotency-Key: k-reply-1"
expect_status "an idempotent reply: 201" 201
cp "$T/body" "$T/first"
reply "$TWEETD2" "$TB" "$BOB" "$ROOT" "once" "Idempotency-Key: k-reply-1"
expect_status "its repeat: 201" 201
check "the repeat answers the first answer" cmp -s "$T/first" "$T/body"
http GET "$TWEETD/tweets/$ROOT"
expect_eq "the repeat counted once" "$(jb .replyCount)" 2

# --- concurrent replies are counted exactly --------------------------------

C=$(post "$TWEETD" "$ALICE" "$TA" "reply to this")
pids=()
for i in $(seq 1 8); do
	(
		for j in $(seq 1 5); do
			url=$TWEETD; [ $((i % 2)) = 0 ] && url=$TWEETD2
			curl -s -o /dev/null -X POST -H "$(auth "$TC")" \
			    -H 'Content-Type: application/json' --data-binary \
			    "{\"userId\":\"$CAROL\",\"content\":\"r$i.$j\",\"replyTo\":\"$C\"}" \
			    "$url/tweets"
		done
	) &
	pids+=($!)
done
wait "${pids[@]}"	# not the bus listener
http GET "$TWEETD2/tweets/$C"
expect_eq "40 concurrent replies count 40" "$(jb .replyCount)" 40
check "and there are 40" sql_is "$TWEETDB" \
    "SELECT count(*) FROM tweets WHERE reply_to = $C" 40

# --- deletion -------------------------------------------------------------

http DELETE "$TWEETD/tweets/$R2" "" "$(auth "$TC")"
expect_status "delete a reply: 200" 200
http GET "$TWEETD/tweets/$R1"
expect_eq "its parent counts one less" "$(jb .replyCount)" 0
http DELETE "$TWEETD/tweets/$ROOT" "" "$(auth "$TA")"
expect_status "delete a parent: 200" 200
http GET "$TWEETD/tweets/$R1"
expect_status "its reply stays" 200
check "and still names it" jq -e --arg r "$ROOT" \
    '.replyTo == $r and .conversationId == $r' "$T/body"
http DELETE "$TWEETD/tweets/$R1" "" "$(auth "$TB")"
expect_status "delete a reply whose parent is gone: 200" 200
reply "$TWEETD" "$TB" "$BOB" "$ROOT" "too late"
expect_status "a reply to a deleted tweet: 404" 404 not_found

# An account deletion takes the counts of its replies along.
D=$(post "$TWEETD" "$ALICE" "$TA" "carol replied to this")
reply "$TWEETD" "$TC" "$CAROL" "$D" "soon gone"
http DELETE "$USERD/users/$CAROL" "" "$(auth "$TC")"
expect_status "carol deletes her account" 200
http GET "$TWEETD/tweets/$D"
expect_eq "her reply no longer counts" "$(jb .replyCount)" 0
: "$NULLP"

# A reply to a repost answers the original, as a like or a repost of one
# acts on the original: the repost has no words of its own.
O=$(post "$TWEETD" "$ALICE" "$TA" "worth passing on")
http POST "$TWEETD/tweets/$O/repost" "" "$(auth "$TB")"
expect_status "bob reposts it" 201
RP=$(jb .tweetId)
reply "$TWEETD" "$TA" "$ALICE" "$RP" "answering the repost"
expect_status "alice replies to the repost: 201" 201
check "the reply names the original" jq -e --arg o "$O" \
    '.replyTo == $o and .conversationId == $o' "$T/body"
http GET "$TWEETD/tweets/$O"
expect_eq "the original counts the reply" "$(jb .replyCount)" 1
http GET "$TWEETD/tweets/$RP"
expect_eq "the repost shows the original's count" \
    "$(jb .repostOf.replyCount)" 1

finish
