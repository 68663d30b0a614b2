#!/usr/bin/env bash
# t0200: chirp-tweetd's POST, GET and DELETE /tweets, every error of
# docs/API.md in its order (401, 403, 400/413, 404, 405), and idempotent posts.
. "$(dirname "$0")/../lib.sh"

start_core
ALICE=$(register "$USERD" alice); TA=$(login "$USERD" alice)
BOB=$(register "$USERD" bob); TB=$(login "$USERD" bob)
J='Content-Type: application/json'
P=$TWEETD/tweets AA=$(auth "$TA") AB=$(auth "$TB")

# tweet TOKEN BODY [HEADER...]: POST /tweets.
tweet() {
	local tok=$1 body=$2; shift 2
	http POST "$P" "$body" "$(auth "$tok")" "$@"
}

# --- success -------------------------------------------------------------

tweet "$TA" "{\"userId\":\"$ALICE\",\"content\":\"hello world\"}"
expect_status "post a tweet: 201" 201
T1=$(jb .tweetId)
check "the tweet has every field" jq -e --arg u "$ALICE" \
    '(.tweetId|test("^[0-9]+$")) and .userId==$u and .username=="alice"
     and .content=="hello world"
     and (.timestamp|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"))' "$T/body"
cp "$T/body" "$T/posted"

# The post carried a token: its answer has the author's flags, as a get
# with that token has them (API.md); a get without one has none.
http GET "$TWEETD/tweets/$T1" "" "$(auth "$TA")"
expect_status "get the tweet: 200" 200
check "get answers what the post answered" \
    bash -c "[ \"\$(jq -S . '$T/posted')\" = \"\$(jq -S . '$T/body')\" ]"
http GET "$TWEETD/tweets/$T1"
check "without a token, no flags" \
    jq -e 'has("liked") or has("reposted") | not' "$T/body"

tweet "$TA" "{\"userId\":\"$ALICE\",\"content\":\"second\"}"
T2=$(jb .tweetId)
check "a newer tweet has a larger id" test "$T2" -gt "$T1"

# 280 two-byte characters are fine and come back byte for byte.
E280=$(printf 'é%.0s' $(seq 1 280))
tweet "$TA" "{\"userId\":\"$ALICE\",\"content\":\"$E280\"}"
expect_status "280 two-byte characters: 201" 201
expect_eq "280 characters stored byte for byte" "$(jb .content)" "$E280"
# four-byte characters and a combining sequence, not normalised
tweet "$TA" "{\"userId\":\"$ALICE\",\"content\":\"$(printf '🐦%.0s' $(seq 1 278))e\\u0301\"}"
expect_status "278 emoji and e + combining accent (280 code points): 201" 201
TID=$(jb .tweetId)
http GET "$TWEETD/tweets/$TID"
expect_eq "decomposed accent kept as sent (not normalised)" \
    "$(jq -j .content <"$T/body" | tail -c 3 | od -An -tx1 | tr -d ' \n')" "65cc81"

# --- 401 before 403 before 400 --------------------------------------------

refuses "no token: 401" 401 unauthorized POST "$P" "{\"userId\":\"$ALICE\",\"content\":\"x\"}"
refuses "bad token: 401" 401 unauthorized \
    POST "$P" "{\"userId\":\"$ALICE\",\"content\":\"x\"}" "Authorization: Bearer not.a.token"
refuses "bad token and bad JSON: 401 first" 401 unauthorized \
    POST "$P" "{not json" "Authorization: Bearer nope"
refuses "another user's userId: 403" 403 forbidden POST "$P" "{\"userId\":\"$ALICE\",\"content\":\"x\"}" "$AB"
refuses "another user's userId and empty content: 403 first" 403 forbidden \
    POST "$P" "{\"userId\":\"$ALICE\",\"content\":\"\"}" "$AB"

# --- 400 ------------------------------------------------------------------

refuses "bad JSON: 400 invalid_json" 400 invalid_json POST "$P" "{not json" "$AA"
refuses "JSON that is not an object: 400" 400 bad_request POST "$P" "[1,2]" "$AA"
refuses "missing content: 400" 400 bad_request POST "$P" "{\"userId\":\"$ALICE\"}" "$AA"
refuses "missing userId: 400" 400 bad_request POST "$P" "{\"content\":\"x\"}" "$AA"
refuses "content a number: 400" 400 bad_request POST "$P" "{\"userId\":\"$ALICE\",\"content\":42}" "$AA"
refuses "userId a number: 400" 400 bad_request POST "$P" "{\"userId\":$ALICE,\"content\":\"x\"}" "$AA"
refuses "empty content: 400" 400 bad_request POST "$P" "{\"userId\":\"$ALICE\",\"content\":\"\"}" "$AA"
refuses "white space only: 400" 400 bad_request POST "$P" "{\"userId\":\"$ALICE\",\"content\":\"  \\n\\t \"}" "$AA"
refuses "281 characters: 400" 400 bad_request POST "$P" "{\"userId\":\"$ALICE\",\"content\":\"$E280é\"}" "$AA"
refuses "a NUL character: 400" 400 bad_request POST "$P" "{\"userId\":\"$ALICE\",\"content\":\"a\\u0000b\"}" "$AA"
refuses "invalid UTF-8 bytes: 400" 400 "" \
    POST "$P" "$(printf '{"userId":"%s","content":"bad \xff\xfe bytes"}' "$ALICE")" "$AA"
refuses "overlong UTF-8: 400" 400 "" \
    POST "$P" "$(printf '{"userId":"%s","content":"\xc0\xaf overlong"}' "$ALICE")" "$AA"
BIG=$(head -c 70000 /dev/zero | tr '\0' a)
refuses "a body over 64 KiB: 413" 413 payload_too_large POST "$P" "{\"userId\":\"$ALICE\",\"content\":\"$BIG\"}" "$AA"
http GET "$TWEETD/tweets/userTimeline/$ALICE?limit=100"
expect_eq "no failed post created anything" "$(jb '.tweets|length')" 4

# --- GET and DELETE ---------------------------------------------------------

refuses "unknown tweet: 404" 404 not_found GET "$P/99999999"
refuses "tweet id not a number: 400" 400 bad_request GET "$P/abc"
refuses "negative tweet id: 400" 400 bad_request GET "$P/-1"
refuses "wrong method: 405" 405 method_not_allowed PUT "$P/$T1" "{}"
check "405 says Allow" bash -c "grep -qi '^Allow:.*GET' '$T/headers'"
refuses "unknown path: 404" 404 not_found GET "$TWEETD/nothing/here"

refuses "delete without token: 401" 401 unauthorized DELETE "$P/$T1"
refuses "delete someone else's tweet: 403" 403 forbidden DELETE "$P/$T1" "" "$AB"
refuses "delete a bad id: 400" 400 bad_request DELETE "$P/abc" "" "$AA"
refuses "delete an unknown tweet: 404" 404 not_found DELETE "$P/99999999" "" "$AA"
http GET "$TWEETD/tweets/$T1"
expect_status "a refused delete deleted nothing" 200
http DELETE "$TWEETD/tweets/$T1" "" "$(auth "$TA")"
expect_status "delete own tweet: 200" 200
check "delete answers a message" jq -e '.message|length>0' "$T/body"
refuses "a deleted tweet is gone: 404" 404 not_found GET "$P/$T1"
refuses "deleting it again: 404" 404 not_found DELETE "$P/$T1" "" "$AA"

# --- idempotency ------------------------------------------------------------

tweet "$TB" "{\"userId\":\"$BOB\",\"content\":\"once\"}" "Idempotency-Key: k-1"
expect_status "post with a key: 201" 201
K1=$(jb .tweetId); cp "$T/body" "$T/first"
tweet "$TB" "{\"userId\":\"$BOB\",\"content\":\"once\"}" "Idempotency-Key: k-1"
expect_status "repeat with the same key: 201" 201
expect_eq "the repeat answers the same tweet" "$(jb .tweetId)" "$K1"
check "the repeat answers the same body" cmp -s "$T/first" "$T/body"
tweet "$TB" "{\"userId\":\"$BOB\",\"content\":\"other text\"}" "Idempotency-Key: k-1"
expect_eq "same key, other body: still the first answer" "$(jb .content)" once
tweet "$TA" "{\"userId\":\"$ALICE\",\"content\":\"once\"}" "Idempotency-Key: k-1"
expect_status "another user with the same key: 201" 201
check "another user with the same key gets a new tweet" test "$(jb .tweetId)" != "$K1"
# A key older than 24 hours is forgotten: the same key posts anew.
sql "$TWEETDB" "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'k-1' AND user_id = $BOB" >/dev/null
tweet "$TB" "{\"userId\":\"$BOB\",\"content\":\"once more\"}" "Idempotency-Key: k-1"
expect_status "a key older than 24 h: 201" 201
K2=$(jb .tweetId)
check "a key older than 24 h makes a new tweet" test "$K2" != "$K1"
tweet "$TB" "{\"userId\":\"$BOB\",\"content\":\"and again\"}" "Idempotency-Key: k-1"
expect_eq "... and is live again from then on" "$(jb .tweetId)" "$K2"
refuses "a 65-character key: 400" 400 bad_request \
    POST "$P" "{\"userId\":\"$BOB\",\"content\":\"x\"}" "$AB" "Idempotency-Key: $(head -c 65 /dev/zero | tr '\0' k)"
refuses "a key that is not ASCII: 400" 400 bad_request \
    POST "$P" "{\"userId\":\"$BOB\",\"content\":\"x\"}" "$AB" "Idempotency-Key: caf$(printf '\xc3\xa9')"
tweet "$TB" "{\"userId\":\"$BOB\",\"content\":\"x\"}" "Idempotency-Key: $(head -c 64 /dev/zero | tr '\0' k)"
expect_status "a 64-character key: 201" 201

# Concurrent repeats of one key make one tweet.
CONC=""
for i in 1 2 3 4 5 6; do
	curl -sS -o "$T/conc.$i" -w '%{http_code}\n' -X POST "$TWEETD/tweets" \
	    -H "$(auth "$TB")" -H "$J" -H "Idempotency-Key: race" \
	    --data-binary "{\"userId\":\"$BOB\",\"content\":\"race\"}" \
	    >"$T/conc.status.$i" &
	CONC="$CONC $!"
done
for p in $CONC; do wait "$p"; done
expect_eq "concurrent repeats: all 201" "$(cat "$T"/conc.status.* | sort -u)" 201
expect_eq "concurrent repeats: one tweet id" \
    "$(cat "$T"/conc.[0-9] | jq -r .tweetId | sort -u | wc -l)" 1
http GET "$TWEETD/tweets/userTimeline/$BOB?limit=100"
expect_eq "concurrent repeats created one tweet" \
    "$(jb '[.tweets[]|select(.content=="race")]|length')" 1
expect_eq "bob has exactly the tweets he made" "$(jb '.tweets|length')" 4

finish
