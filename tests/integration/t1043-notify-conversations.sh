#!/usr/bin/env bash
# t1043: notifications of replies, mentions, reposts and likes made through
# chirp-tweetd's own routes (API.md, Conversations), and their undoing,
# read through chirp-notifyd with the tweet as it is now (exact counts,
# the reader's flags: tweetd's GET /internal/tweets). Two notifyd
# instances on one database.
#
# Needs tweetd's replies and mentions (branch conv-tweet) and likes and
# reposts (branch conv-social); t1042 holds notifyd to the same events
# written straight into tweetd's log.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
N2_PORT=$(free_port); N2=http://127.0.0.1:$N2_PORT
start_notifyd_d notifyd2 "$N2_PORT"
N=$NOTIFYD
accounts "$USERD" ann bob cid dan

# of URL TOKEN: "type:actor:tweetId" of each notification, newest first.
of() {
	curl -s -H "Authorization: Bearer $2" "$1/notifications" |
	    jq -r '[.notifications[] | "\(.type):\(.actor.username):\(.tweet.tweetId // "-")"] | join(",")'
}
# becomes URL TOKEN EXPECTED: of URL TOKEN says EXPECTED within 5 s.
becomes() { wait_until 5 sh -c "[ \"\$(curl -s -H 'Authorization: Bearer $2' '$1/notifications' | jq -r '[.notifications[] | \"\\(.type):\\(.actor.username):\\(.tweet.tweetId // \"-\")\"] | join(\",\")')\" = '$3' ]"; }
reply() {
	http POST "$TWEETD/tweets" \
	    "$(jq -cn --arg u "$1" --arg c "$3" --arg r "$4" '{userId:$u,content:$c,replyTo:$r}')" \
	    "$(auth "$2")"
	jb .tweetId
}

# (post and reply run in a subshell: their status is read back from the id)
P=$(post "$TWEETD" "$ANN" "$TA" "hello world")
check "ann posts" expr "$P" : "[1-9][0-9]*$"
R=$(reply "$BOB" "$TB" "hi @ann and @cid and @cid" "$P")
check "bob replies, mentioning ann and cid" expr "$R" : "[1-9][0-9]*$"
M=$(post "$TWEETD" "$CID" "$TC" "@cid talks to @bob")
check "ann: the reply only, not a mention as well" becomes "$N" "$TA" "reply:bob:$R"
check "cid: one mention" becomes "$N" "$TC" "mention:bob:$R"
check "bob: cid's mention, nothing of his own" becomes "$N2" "$TB" "mention:cid:$M"

http POST "$TWEETD/tweets/$P/like" "" "$(auth "$TC")"
expect_status "cid likes ann's tweet" 200
http POST "$TWEETD/tweets/$P/like" "" "$(auth "$TA")"
expect_status "ann likes her own" 200
http POST "$TWEETD/tweets/$P/repost" "" "$(auth "$TD")"
expect_status "dan reposts it" 201
RP=$(jb .tweetId)
check "ann: repost, like (of her tweet), reply" becomes "$N" "$TA" "repost:dan:$P,like:cid:$P,reply:bob:$R"
http GET "$N/notifications" "" "$(auth "$TA")"
expect_eq "the tweet is as it is now: exact counts" \
    "$(jb '.notifications[] | select(.type == "like") | .tweet | "\(.likeCount):\(.repostCount):\(.replyCount)"')" "2:1:1"
expect_eq "with the reader's flags" \
    "$(jb '.notifications[] | select(.type == "like") | .tweet | "\(.liked):\(.reposted)"')" "true:false"
http POST "$TWEETD/tweets/$RP/like" "" "$(auth "$TB")"
check "liking the repost notifies the original's author" becomes "$N" "$TA" "like:bob:$P,repost:dan:$P,like:cid:$P,reply:bob:$R"

# undoing
http DELETE "$TWEETD/tweets/$P/like" "" "$(auth "$TC")"
expect_status "cid unlikes" 200
http DELETE "$TWEETD/tweets/$P/repost" "" "$(auth "$TD")"
expect_status "dan unreposts" 200
http DELETE "$TWEETD/tweets/$R" "" "$(auth "$TB")"
expect_status "bob deletes his reply" 200
check "only bob's like is left for ann" becomes "$N" "$TA" "like:bob:$P"
check "cid's mention went with the reply" becomes "$N2" "$TC" ""
http DELETE "$TWEETD/tweets/$P" "" "$(auth "$TA")"
check "deleting the tweet removes the notifications about it" becomes "$N" "$TA" ""
expect_eq "SQL: nothing about ann's tweet is left" \
    "$(sql "$NOTIFYDB" "SELECT count(*) FROM notifications WHERE tweet_id = $P OR cause_id = $P")" 0
finish
