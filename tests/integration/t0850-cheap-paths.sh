#!/usr/bin/env bash
# t0850: the cheaper paths of issue 11 answer exactly as the old ones: a
# timeline page written without jansson holds each tweet byte for byte as
# GET /tweets/{id} (still jansson) writes it, whatever the content; a
# token kept by the token cache is still refused once a byte differs or
# the user logs out; the services' smaller header memory still takes a
# 4 KiB bearer token (401, not 431) and refuses more with a 4xx.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system --rate_limit 1000000000
A=$(register "$GATEWAY" amy); TA=$(login "$GATEWAY" amy)

# --- timeline pages: the same bytes as jansson's --------------------------

# Quotes, backslashes, a slash, control characters, non-ASCII, U+2028,
# an emoji and long plain runs (the writer copies 8 bytes at a time).
CONTENTS=(
	'plain text that is long enough to be copied eight bytes at a time'
	'say "hi" \ back\slash / and a tab	here'
	$'bell \x01 escape \x1b delete \x7f line\nbreak\r\n'
	'café naïve 日本語 🐦 tweet'
	$'sep \u2028 para \u2029 end'
	"$(printf 'x%.0s' $(seq 1 270))\"\\"
)
IDS=()
for c in "${CONTENTS[@]}"; do
	body=$(jq -cn --arg u "$A" --arg c "$c" '{userId:$u,content:$c}')
	http POST "$GATEWAY/tweets" "$body" "$(auth "$TA")"
	[ "$HTTP_STATUS" = 201 ] || not_ok "post '$c'" "status $HTTP_STATUS"
	IDS+=("$(jb .tweetId)")
done
curl -s "$TWEETD/tweets/userTimeline/$A" >"$T/user.json"
curl -s -H "$(auth "$TA")" "$TWEETD/tweets/homeTimeline/$A" >"$T/home.json"
for i in "${!IDS[@]}"; do
	curl -s "$TWEETD/tweets/${IDS[$i]}" >"$T/one.json"
	check "user timeline holds tweet $i byte for byte" \
	    grep -qF -- "$(cat "$T/one.json")" "$T/user.json"
	# The home timeline has the reader's flags, as a get with the token.
	curl -s -H "$(auth "$TA")" "$TWEETD/tweets/${IDS[$i]}" >"$T/oneflags.json"
	check "home timeline holds tweet $i byte for byte" \
	    grep -qF -- "$(cat "$T/oneflags.json")" "$T/home.json"
	expect_eq "content $i reads back as posted" \
	    "$(jq -r --arg id "${IDS[$i]}" \
	    '.tweets[] | select(.tweetId == $id) | .content' "$T/user.json")" \
	    "$(jq -r .content "$T/one.json")"
done
check "the page is valid JSON, newest first" jq -e \
    --arg first "${IDS[-1]}" '.tweets[0].tweetId == $first' "$T/user.json"

# --- kept tokens ----------------------------------------------------------

home_as() { http GET "$1/tweets/homeTimeline/$A" "" "Authorization: Bearer $2"; }
for url in "$TWEETD" "$GATEWAY"; do
	home_as "$url" "$TA"
	expect_status "a good token ($url)" 200
	home_as "$url" "$TA"
	expect_status "the same token again ($url)" 200
	# the last byte of the signature, and one of the claims
	last=${TA: -1}; [ "$last" = A ] && other=B || other=A
	home_as "$url" "${TA%?}$other"
	expect_status "one byte off after the good one ($url)" 401 unauthorized
	mid=$(( ${#TA} / 2 )); c=${TA:$mid:1}; [ "$c" = A ] && o=B || o=A
	home_as "$url" "${TA:0:$mid}$o${TA:$((mid + 1))}"
	expect_status "a claim byte off ($url)" 401 unauthorized
	home_as "$url" "$TA "
	expect_status "the good token with a byte more ($url)" 401
done
http POST "$GATEWAY/users/logout" "" "$(auth "$TA")"
expect_status "logout" 200
check "tweetd refuses the kept token after the logout" \
    wait_until 5 sh -c "test \"\$(curl -s -o /dev/null -w '%{http_code}' \
    -H 'Authorization: Bearer $TA' $TWEETD/tweets/homeTimeline/$A)\" = 401"
home_as "$GATEWAY" "$TA"
expect_status "the gateway refuses the kept token after the logout" 401

# --- header memory --------------------------------------------------------

big=$(head -c 3000 /dev/urandom | base64 -w0 | tr '+/' '-_' | head -c 4000)
home_as "$TWEETD" "a.$big.b"
expect_status "a 4 KiB bearer token is read (401, not 431)" 401 unauthorized
huge=$(printf 'y%.0s' $(seq 1 20000))
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Filler: $huge" \
    "$TWEETD/tweets/userTimeline/$A")
check "20 KB of headers get a 4xx ($code)" test "${code:0:1}" = 4
http GET "$TWEETD/tweets/userTimeline/$A"
expect_status "and the service answers on" 200

finish
