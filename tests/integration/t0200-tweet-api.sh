#!/usr/bin/env bash
# t0200: chirp-tweetd's POST, GET and DELETE /tweets, every error of
# API.md in its order (401, 403, 400/413, 404, 405), and idempotent posts.
. "$(dirname "$0")/../lib.sh"

start_core
ALICE=$(register "$USERD" alice); TA=$(login "$USERD" alice)
BOB=$(register "$USERD" bob); TB=$(login "$USERD" bob)
J='Content-Type: application/json'

post() { # post TOKEN BODY [HEADER...]
	local tok=$1 body=$2; shift 2
	http POST "$TWEETD/tweets" "$body" "$(auth "$tok")" "$@"
}

# --- success -------------------------------------------------------------

post "$TA" "{\"userId\":\"$ALICE\",\"content\":\"hello world\"}"
expect_status "post a tweet: 201" 201
T1=$(jb .tweetId)
check "the tweet has every field" jq -e --arg u "$ALICE" \
    '(.tweetId|test("^[0-9]+$")) and .userId==$u and .username=="alice"
     and .content=="hello world"
     and (.timestamp|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"))' "$T/body"
cp "$T/body" "$T/posted"

http GET "$TWEETD/tweets/$T1"
expect_status "get the tweet: 200" 200
check "get answers what the post answered" \
    bash -c "[ \"\$(jq -S . '$T/posted')\" = \"\$(jq -S . '$T/body')\" ]"

post "$TA" "{\"userId\":\"$ALICE\",\"content\":\"second\"}"
T2=$(jb .tweetId)
check "a newer tweet has a larger id" test "$T2" -gt "$T1"

# 280 two-byte characters are fine and come back byte for byte.
E280=$(printf 'é%.0s' $(seq 1 280))
post "$TA" "{\"userId\":\"$ALICE\",\"content\":\"$E280\"}"
expect_status "280 two-byte characters: 201" 201
expect_eq "280 characters stored byte for byte" "$(jb .content)" "$E280"
# four-byte characters and a combining sequence, not normalised
post "$TA" "{\"userId\":\"$ALICE\",\"content\":\"$(printf '🐦%.0s' $(seq 1 278))e\\u0301\"}"
expect_status "278 emoji and e + combining accent (280 code points): 201" 201
TID=$(jb .tweetId)
http GET "$TWEETD/tweets/$TID"
expect_eq "decomposed accent kept as sent (not normalised)" \
    "$(jq -j .content <"$T/body" | tail -c 3 | od -An -tx1 | tr -d ' \n')" "65cc81"

# --- 401 before 403 before 400 --------------------------------------------

http POST "$TWEETD/tweets" "{\"userId\":\"$ALICE\",\"content\":\"x\"}"
expect_status "no token: 401" 401 unauthorized
http POST "$TWEETD/tweets" "{\"userId\":\"$ALICE\",\"content\":\"x\"}" \
    "Authorization: Bearer not.a.token"
expect_status "bad token: 401" 401 unauthorized
http POST "$TWEETD/tweets" "{not json" "Authorization: Bearer nope"
expect_status "bad token and bad JSON: 401 first" 401 unauthorized
post "$TB" "{\"userId\":\"$ALICE\",\"content\":\"x\"}"
expect_status "another user's userId: 403" 403 forbidden
post "$TB" "{\"userId\":\"$ALICE\",\"content\":\"\"}"
expect_status "another user's userId and empty content: 403 first" 403 forbidden

# --- 400 ------------------------------------------------------------------

post "$TA" "{not json"
expect_status "bad JSON: 400 invalid_json" 400 invalid_json
post "$TA" "[1,2]"
expect_status "JSON that is not an object: 400" 400 bad_request
post "$TA" "{\"userId\":\"$ALICE\"}"
expect_status "missing content: 400" 400 bad_request
post "$TA" "{\"content\":\"x\"}"
expect_status "missing userId: 400" 400 bad_request
post "$TA" "{\"userId\":\"$ALICE\",\"content\":42}"
expect_status "content a number: 400" 400 bad_request
post "$TA" "{\"userId\":$ALICE,\"content\":\"x\"}"
expect_status "userId a number: 400" 400 bad_request
post "$TA" "{\"userId\":\"$ALICE\",\"content\":\"\"}"
expect_status "empty content: 400" 400 bad_request
post "$TA" "{\"userId\":\"$ALICE\",\"content\":\"  \\n\\t \"}"
expect_status "white space only: 400" 400 bad_request
post "$TA" "{\"userId\":\"$ALICE\",\"content\":\"$E280é\"}"
expect_status "281 characters: 400" 400 bad_request
post "$TA" "{\"userId\":\"$ALICE\",\"content\":\"a\\u0000b\"}"
expect_status "a NUL character: 400" 400 bad_request
post "$TA" "$(printf '{"userId":"%s","content":"bad \xff\xfe bytes"}' "$ALICE")"
expect_status "invalid UTF-8 bytes: 400" 400
post "$TA" "$(printf '{"userId":"%s","content":"\xc0\xaf overlong"}' "$ALICE")"
expect_status "overlong UTF-8: 400" 400
BIG=$(head -c 70000 /dev/zero | tr '\0' a)
post "$TA" "{\"userId\":\"$ALICE\",\"content\":\"$BIG\"}"
expect_status "a body over 64 KiB: 413" 413 payload_too_large
http GET "$TWEETD/tweets/userTimeline/$ALICE?limit=100"
expect_eq "no failed post created anything" "$(jb '.tweets|length')" 4

# --- GET and DELETE ---------------------------------------------------------

http GET "$TWEETD/tweets/99999999"
expect_status "unknown tweet: 404" 404 not_found
http GET "$TWEETD/tweets/abc"
expect_status "tweet id not a number: 400" 400 bad_request
http GET "$TWEETD/tweets/-1"
expect_status "negative tweet id: 400" 400 bad_request
http PUT "$TWEETD/tweets/$T1" "{}"
expect_status "wrong method: 405" 405 method_not_allowed
check "405 says Allow" bash -c "grep -qi '^Allow:.*GET' '$T/headers'"
http GET "$TWEETD/nothing/here"
expect_status "unknown path: 404" 404 not_found

http DELETE "$TWEETD/tweets/$T1"
expect_status "delete without token: 401" 401 unauthorized
http DELETE "$TWEETD/tweets/$T1" "" "$(auth "$TB")"
expect_status "delete someone else's tweet: 403" 403 forbidden
http DELETE "$TWEETD/tweets/abc" "" "$(auth "$TA")"
expect_status "delete a bad id: 400" 400 bad_request
http DELETE "$TWEETD/tweets/99999999" "" "$(auth "$TA")"
expect_status "delete an unknown tweet: 404" 404 not_found
http GET "$TWEETD/tweets/$T1"
expect_status "a refused delete deleted nothing" 200
http DELETE "$TWEETD/tweets/$T1" "" "$(auth "$TA")"
expect_status "delete own tweet: 200" 200
check "delete answers a message" jq -e '.message|length>0' "$T/body"
http GET "$TWEETD/tweets/$T1"
expect_status "a deleted tweet is gone: 404" 404 not_found
http DELETE "$TWEETD/tweets/$T1" "" "$(auth "$TA")"
expect_status "deleting it again: 404" 404 not_found

# --- idempotency ------------------------------------------------------------

post "$TB" "{\"userId\":\"$BOB\",\"content\":\"once\"}" "Idempotency-Key: k-1"
expect_status "post with a key: 201" 201
K1=$(jb .tweetId); cp "$T/body" "$T/first"
post "$TB" "{\"userId\":\"$BOB\",\"content\":\"once\"}" "Idempotency-Key: k-1"
expect_status "repeat with the same key: 201" 201
expect_eq "the repeat answers the same tweet" "$(jb .tweetId)" "$K1"
check "the repeat answers the same body" cmp -s "$T/first" "$T/body"
post "$TB" "{\"userId\":\"$BOB\",\"content\":\"other text\"}" "Idempotency-Key: k-1"
expect_eq "same key, other body: still the first answer" "$(jb .content)" once
post "$TA" "{\"userId\":\"$ALICE\",\"content\":\"once\"}" "Idempotency-Key: k-1"
expect_status "another user with the same key: 201" 201
check "another user with the same key gets a new tweet" test "$(jb .tweetId)" != "$K1"
# A key older than 24 hours is forgotten: the same key posts anew.
sql "$TWEETDB" "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'k-1' AND user_id = $BOB" >/dev/null
post "$TB" "{\"userId\":\"$BOB\",\"content\":\"once more\"}" "Idempotency-Key: k-1"
expect_status "a key older than 24 h: 201" 201
K2=$(jb .tweetId)
check "a key older than 24 h makes a new tweet" test "$K2" != "$K1"
post "$TB" "{\"userId\":\"$BOB\",\"content\":\"and again\"}" "Idempotency-Key: k-1"
expect_eq "... and is live again from then on" "$(jb .tweetId)" "$K2"
post "$TB" "{\"userId\":\"$BOB\",\"content\":\"x\"}" "Idempotency-Key: $(head -c 65 /dev/zero | tr '\0' k)"
expect_status "a 65-character key: 400" 400 bad_request
post "$TB" "{\"userId\":\"$BOB\",\"content\":\"x\"}" "Idempotency-Key: caf$(printf '\xc3\xa9')"
expect_status "a key that is not ASCII: 400" 400 bad_request
post "$TB" "{\"userId\":\"$BOB\",\"content\":\"x\"}" "Idempotency-Key: $(head -c 64 /dev/zero | tr '\0' k)"
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
