#!/usr/bin/env bash
# t1001: mentions (API.md "Conversations"): the rule of the name (case,
# punctuation, e-mail-like a@b, trailing dots, length), unknown names
# ignored, each user once in order of first appearance, resolved by one
# call to chirp-userd; userd down: 503 and nothing stored, unless the
# content names nobody.
. "$(dirname "$0")/../lib.sh"

start_core
accounts "$USERD" ann bob_1
ANN_ID=$ANN BOB=$BOB_1
CEE=$(register "$USERD" Cee.Dee)

post "$TWEETD" "$ANN_ID" "$TA" \
    'hi @BOB_1, (@cee.dee...) @nobody a@bob_1 x_@ann @ann @Bob_1 @ab!' >/dev/null
expect_status "a post with mentions: 201" 201
T1=$(jb .tweetId)
expect_eq "mentions: known names once, in order, as stored" \
    "$(jq -c .mentions "$T/body")" \
    "[{\"userId\":\"$BOB\",\"username\":\"bob_1\"},{\"userId\":\"$CEE\",\"username\":\"Cee.Dee\"},{\"userId\":\"$ANN_ID\",\"username\":\"ann\"}]"
cp "$T/body" "$T/posted"
http GET "$TWEETD/tweets/$T1"
check "get answers the same mentions" \
    bash -c "[ \"\$(jq -c .mentions '$T/posted')\" = \"\$(jq -c .mentions '$T/body')\" ]"
http GET "$TWEETD/tweets/userTimeline/$ANN_ID"
check "the timeline has them too" jq -e '.tweets[0].mentions | length == 3' \
    "$T/body"

post "$TWEETD" "$ANN_ID" "$TA" 'mail ann@bob_1.example or @nobody.' >/dev/null
check "e-mail-like and unknown names mention nobody" \
    jq -e '.mentions == []' "$T/body"
post "$TWEETD" "$ANN_ID" "$TA" '@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bob_1' >/dev/null
check "a run too long is no name (not cut)" jq -e '.mentions == []' "$T/body"

# --- chirp-userd's lookup --------------------------------------------------

U=$USERD/internal/users
http GET "$U?names=ann,BOB_1,nobody" "" "$(svc_hdr tweetd userd)"
expect_status "tweetd's lookup: 200" 200
check "the users that exist, names as stored" jq -e --arg b "$BOB" \
    '.users | map(.username) | sort == ["ann","bob_1"]' "$T/body"
http GET "$U?names=ann"
expect_status "no credential: 401" 401
http GET "$U?names=ann" "" "$(svc_hdr gateway userd)"
expect_status "the gateway's credential: 403" 403
names=$(printf 'abc,%.0s' $(seq 1 71)); names=${names%,}
for q in "" "names=" "names=a" "names=ann,,bob_1" "names=ann%0Abob" \
    "names=$names" "names=ann%20x" "names=%00"; do
	http GET "$U?$q" "" "$(svc_hdr tweetd userd)"
	expect_status "lookup '${q:0:30}': 400" 400 bad_request
done
names=$(printf 'abc,%.0s' $(seq 1 70)); names=${names%,}
http GET "$U?names=$names" "" "$(svc_hdr tweetd userd)"
expect_status "70 names: 200" 200

# --- userd down ------------------------------------------------------------

N=$(sql "$TWEETDB" "SELECT count(*) FROM tweets")
stop_proc userd
body=$(jq -cn --arg u "$ANN_ID" '{userId:$u,content:"hey @bob_1"}')
http POST "$TWEETD/tweets" "$body" "$(auth "$TA")"
expect_status "userd down, a post with a name: 503" 503 unavailable
check "nothing stored" sql_is "$TWEETDB" "SELECT count(*) FROM tweets" "$N"
http POST "$TWEETD/tweets" "$body" "$(auth "$TA")" "Idempotency-Key: m1"
expect_status "the same with a key: 503" 503 unavailable
post "$TWEETD" "$ANN_ID" "$TA" "no name here, mail a@b" >/dev/null
expect_status "a post without a mention needs no userd: 201" 201

finish
