#!/usr/bin/env bash
# t9800: the internal routes of conversations hold to "Trust between
# processes": chirp-tweetd's GET /internal/tweets is chirp-notifyd's only
# (401 without a credential, 403 for another process's), and bounds and
# checks its every input byte (400), as does POST /tweets its replyTo.
. "$(dirname "$0")/../lib.sh"

start_core
accounts "$USERD" alice bob
A=$(post "$TWEETD" "$ALICE" "$TA" "first")
B=$(post "$TWEETD" "$BOB" "$TB" "second")
I=$TWEETD/internal/tweets
N=$(svc_hdr notifyd tweetd)

http GET "$I?ids=$A"
expect_status "no credential: 401" 401
http GET "$I?ids=$A" "" "X-Chirp-Service: forged.token.value"
expect_status "a forged credential: 401" 401
for who in gateway userd; do
	http GET "$I?ids=$A" "" "$(svc_hdr "$who" tweetd)"
	expect_status "$who's credential: 403" 403
done
http GET "$I?ids=$A" "" "$(auth "$TA")"
expect_status "a user's token is no credential: 401" 401

http GET "$I?ids=$B,999999,$A,$B" "" "$N"
expect_status "notifyd's credential: 200" 200
check "those that exist, in the order asked, each once" jq -ce \
    --arg a "$A" --arg b "$B" '[.tweets[].tweetId] == [$b,$a]' "$T/body"
check "no flags without a viewer" jq -e \
    '[.tweets[] | has("liked")] | any | not' "$T/body"
http GET "$I?ids=$A&viewer=$BOB" "" "$N"
check "a viewer's flags" jq -e '.tweets[0].liked == false and
    .tweets[0].reposted == false' "$T/body"
ids=$(seq -s, 1 100)
http GET "$I?ids=$ids" "" "$N"
expect_status "100 ids: 200" 200
ids=$(seq -s, 1 101)
http GET "$I?ids=$ids" "" "$N"
expect_status "101 ids: 400" 400 bad_request
for q in "" "ids=" "ids=," "ids=1,,2" "ids=abc" "ids=-1" "ids=0" \
    "ids=99999999999999999999" "ids=1%0A" "ids=1%00" "ids=1%202" \
    "ids=$A&viewer=x" "ids=$A&viewer=" "ids=$A&viewer=1%0D"; do
	http GET "$I?$q" "" "$N"
	expect_status "internal tweets ?$q: 400" 400 bad_request
done
http GET "$I?ids=$(head -c 70000 /dev/zero | tr '\0' 1)" "" "$N"
check "a huge query: a 4xx, never a crash" \
    bash -c "[ '$HTTP_STATUS' -ge 400 ] && [ '$HTTP_STATUS' -lt 500 ]"
http GET "$TWEETD/status"
expect_status "still up" 200

# replyTo: control characters and huge bodies change nothing.
n=$(sql "$TWEETDB" "SELECT count(*) FROM tweets")
for r in '"1\r\nX-Evil: 1"' '"\u0000"' "\"$(head -c 5000 /dev/zero | tr '\0' 9)\"" \
    '1e400' '-0' '"+1"' '"0x10"'; do
	http POST "$TWEETD/tweets" "{\"userId\":\"$ALICE\",\"content\":\"x\",\"replyTo\":$r}" "$(auth "$TA")"
	expect_status "replyTo ${r:0:20}: 400" 400
done
check "nothing stored" sql_is "$TWEETDB" "SELECT count(*) FROM tweets" "$n"

finish
