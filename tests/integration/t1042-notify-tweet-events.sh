#!/usr/bin/env bash
# t1042: the notifications of chirp-tweetd's events (reply, mention,
# repost, like and their undoing), and an account deletion removing
# notifications both ways. The tweet events are written into tweetd's
# event log as tweetd publishes them (common/events.h), so that this
# script holds notifyd to the event formats whatever tweetd's routes do;
# t1043 makes the same through tweetd's routes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

NOTIFYD_FLAGS="--event_poll_ms 200"
start_system
N=$NOTIFYD
accounts "$USERD" ann bob cid dan

# inject PAYLOAD: the next event of tweetd's log.
inject() {
	echo "INSERT INTO event_log (seq, channel, author, payload, created_at)
	    SELECT coalesce(max(seq), 0) + 1, 'chirp_tweet_events', NULL, :'p', now()
	    FROM event_log;" | psql -X -q -d "$TWEETDB" -v p="$1" >/dev/null
}
# tw ID USERID NAME [REPLYTO [MENTIONS [REPOSTOF]]]: a tweet object.
tw() {
	jq -cn --arg id "$1" --arg u "$2" --arg n "$3" --arg r "${4:-}" \
	    --argjson m "${5:-[]}" --argjson o "${6:-null}" \
	    '{tweetId:$id,userId:$u,username:$n,content:(if $o then "" else "hi @someone" end),
	      timestamp:"2026-01-01T00:00:00.000Z",replyTo:(if $r == "" then null else $r end),
	      conversationId:$id,mentions:$m,replyCount:0,likeCount:0,repostCount:0,repostOf:$o}'
}
mention() { jq -cn --arg u "$1" --arg n "$2" '{userId:$u,username:$n}'; }
applied() { sql_is "$NOTIFYDB" "SELECT seq FROM source_state WHERE owner = 'tweet'" \
    "$(sql "$TWEETDB" "SELECT max(seq) FROM event_log")"; }
# of TOKEN: "type:actor:tweetId" of each notification, newest first.
of() {
	curl -s -H "Authorization: Bearer $1" "$N/notifications" |
	    jq -r '[.notifications[] | "\(.type):\(.actor.username):\(.tweet.tweetId // "-")"] | join(",")'
}

T100=$(tw 100 "$ANN" ann)
inject "{\"type\":\"tweet\",\"tweet\":$T100}"
# bob replies to ann, mentioning ann and cid
T101=$(tw 101 "$BOB" bob 100 "[$(mention "$ANN" ann),$(mention "$CID" cid),$(mention "$CID" cid)]")
inject "{\"type\":\"tweet\",\"tweet\":$T101,\"replyToUserId\":\"$ANN\"}"
# cid mentions himself and bob
T102=$(tw 102 "$CID" cid "" "[$(mention "$CID" cid),$(mention "$BOB" bob)]")
inject "{\"type\":\"tweet\",\"tweet\":$T102}"
# dan reposts ann's 100; ann reposts her own
inject "{\"type\":\"tweet\",\"tweet\":$(tw 103 "$DAN" dan "" "[]" "$T100")}"
inject "{\"type\":\"tweet\",\"tweet\":$(tw 104 "$ANN" ann "" "[]" "$T100")}"
# cid likes ann's 100; ann likes it too
inject "{\"type\":\"like\",\"userId\":\"$CID\",\"username\":\"cid\",\"tweet\":$T100}"
inject "{\"type\":\"like\",\"userId\":\"$ANN\",\"username\":\"ann\",\"tweet\":$T100}"
check "notifyd applied tweetd's log" wait_until 10 applied

expect_eq "ann: like, repost (of her tweet), reply (the reply itself), no mention" \
    "$(of "$TA")" "like:cid:100,repost:dan:100,reply:bob:101"
expect_eq "cid: one mention for two in the tweet" "$(of "$TC")" "mention:bob:101"
expect_eq "bob: cid's mention, none of his own reply" "$(of "$TB")" "mention:cid:102"
expect_eq "dan: nothing" "$(of "$TD")" ""
http GET "$N/notifications" "" "$(auth "$TA")"
expect_eq "until tweetd answers /internal/tweets, the tweet as the event had it" \
    "$(jb '.notifications[2].tweet | "\(.userId):\(.replyTo):\(.content)"')" "$BOB:100:hi @someone"

# undoing
inject "{\"type\":\"unlike\",\"userId\":\"$CID\",\"tweetId\":\"100\"}"
inject "{\"type\":\"delete\",\"tweetId\":\"101\",\"userId\":\"$BOB\"}"
inject "{\"type\":\"delete\",\"tweetId\":\"103\",\"userId\":\"$DAN\",\"repost\":true}"
check "notifyd applied the undoing" wait_until 10 applied
expect_eq "unlike, deleted reply, unrepost: ann has nothing left" "$(of "$TA")" ""
expect_eq "the deleted reply's mention is gone too" "$(of "$TC")" ""
inject "{\"type\":\"like\",\"userId\":\"$DAN\",\"username\":\"dan\",\"tweet\":$T100}"
inject "{\"type\":\"delete\",\"tweetId\":\"100\",\"userId\":\"$ANN\"}"
check "notifyd applied the delete of the liked tweet" wait_until 10 applied
expect_eq "deleting a tweet removes the notifications about it" "$(of "$TA")" ""
http GET "$N/internal/feed?after=0&authors=$ANN" "" "$(svc_hdr gateway notifyd)"
expect_eq "ann's notification events: each made and removed once" \
    "$(jb '[.events[].event.type] | map(if . == "notification" then "+" else "-" end) | join("")')" "+++---+-"

# --- account deletion removes notifications both ways ------------------------------
follow "$USERD" "$BOB" "$TB" "$ANN"
follow "$USERD" "$ANN" "$TA" "$BOB"
follow "$USERD" "$CID" "$TC" "$BOB"
inject "{\"type\":\"tweet\",\"tweet\":$(tw 105 "$BOB" bob "" "[$(mention "$ANN" ann)]")}"
check "ann has bob's follow and mention" wait_until 10 \
    sh -c "[ \"\$(curl -s -H 'Authorization: Bearer $TA' $N/notifications | jq -r '[.notifications[].type]|sort|join(\",\")')\" = follow,mention ]"
check "bob has ann's and cid's follows" wait_until 10 \
    sql_is "$NOTIFYDB" "SELECT count(*) FROM notifications WHERE recipient_id = $BOB AND type = 'follow'" 2
http DELETE "$USERD/users/$BOB" "" "$(auth "$TB")"
expect_status "bob deletes his account" 200
check "every notification to or by bob is gone" wait_until 10 \
    sql_is "$NOTIFYDB" "SELECT count(*) FROM notifications WHERE $BOB IN (recipient_id, actor_id)" 0
expect_eq "ann's list is empty" "$(of "$TA")" ""
expect_eq "cid's is untouched (he got nothing from bob)" "$(of "$TC")" ""
# an event of tweetd's log that comes after the deletion was applied
inject "{\"type\":\"like\",\"userId\":\"$BOB\",\"username\":\"bob\",\"tweet\":$(tw 106 "$ANN" ann)}"
inject "{\"type\":\"like\",\"userId\":\"$ANN\",\"username\":\"ann\",\"tweet\":$(tw 105 "$BOB" bob)}"
check "notifyd applied them" wait_until 10 applied
expect_eq "a late event makes nothing by a deleted account" "$(of "$TA")" ""
expect_eq "nor to one" "$(sql "$NOTIFYDB" "SELECT count(*) FROM notifications WHERE recipient_id = $BOB")" 0
finish
