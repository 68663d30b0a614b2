#!/usr/bin/env bash
# t9810: the refusals of likes and reposts at chirp-tweetd, in API.md's
# order: no, bad, forged or revoked token 401 before anything (even a bad
# id or an unknown tweet), a path id that is not a decimal 400, an unknown
# tweet 404, a wrong method 405 with Allow; the likers list's limit and
# cursor checked (forged and hostile cursors 400, never 500); and no
# refused request changes a count or writes an event.
. "$(dirname "$0")/../lib.sh"

start_core
accounts "$USERD" ann bob eve
P=$(post "$TWEETD" "$ANN" "$TA" "a tweet to leave alone")
http POST "$TWEETD/tweets/$P/like" "" "$(auth "$TB")"
FORGED=$(sed 's/.$/x/' <<<"$TB")
NONE=999999999999

# --- 401 before anything --------------------------------------------------------

for m in "POST like" "DELETE like" "POST repost" "DELETE repost"; do
	set -- $m
	for id in "$P" abc "$NONE"; do
		refuses "$1 /tweets/$id/$2 without a token: 401" 401 unauthorized \
		    "$1" "$TWEETD/tweets/$id/$2"
		refuses "$1 /tweets/$id/$2 with a forged token: 401" 401 unauthorized \
		    "$1" "$TWEETD/tweets/$id/$2" "" "$(auth "$FORGED")"
		refuses "$1 /tweets/$id/$2 with a Basic header: 401" 401 unauthorized \
		    "$1" "$TWEETD/tweets/$id/$2" "" "Authorization: Basic YTpi"
	done
done
# eve logs out: her token is dead everywhere.
http POST "$USERD/users/logout" "" "$(auth "$TE")"
wait_until 10 eval 'http POST "$TWEETD/tweets/$P/like" "" "$(auth "$TE")"; [ "$HTTP_STATUS" = 401 ]'
refuses "a like with a revoked token: 401" 401 unauthorized \
    POST "$TWEETD/tweets/$P/like" "" "$(auth "$TE")"
refuses "a repost with a revoked token: 401" 401 unauthorized \
    POST "$TWEETD/tweets/$P/repost" "" "$(auth "$TE")"

# --- 400: ids that are not decimal numbers ------------------------------------------

for id in abc -1 0x10 1e3 +1 "%201" "1%20" "1%00" 99999999999999999999 "1;DROP" "%27"; do
	for m in "POST like" "DELETE like" "POST repost" "DELETE repost"; do
		set -- $m
		refuses "$1 /tweets/$id/$2: 400" 400 bad_request \
		    "$1" "$TWEETD/tweets/$id/$2" "" "$(auth "$TB")"
	done
	refuses "GET /tweets/$id/likes: 400" 400 bad_request \
	    GET "$TWEETD/tweets/$id/likes"
done

# --- 404: unknown tweets ----------------------------------------------------------

for m in "POST like" "DELETE like" "POST repost" "DELETE repost"; do
	set -- $m
	refuses "$1 of an unknown tweet: 404" 404 not_found \
	    "$1" "$TWEETD/tweets/$NONE/$2" "" "$(auth "$TB")"
done
refuses "GET likes of an unknown tweet: 404" 404 not_found \
    GET "$TWEETD/tweets/$NONE/likes"
refuses "GET likes of an unknown tweet with a cursor: 404" 404 not_found \
    GET "$TWEETD/tweets/$NONE/likes?limit=5"

# --- 405 with Allow ---------------------------------------------------------------

for m in GET PUT PATCH; do
	refuses "$m /tweets/{id}/like: 405" 405 method_not_allowed \
	    "$m" "$TWEETD/tweets/$P/like"
	check "... Allow names POST and DELETE" \
	    sh -c "echo '$(hdr Allow)' | grep -q POST && echo '$(hdr Allow)' | grep -q DELETE"
	refuses "$m /tweets/{id}/repost: 405" 405 method_not_allowed \
	    "$m" "$TWEETD/tweets/$P/repost"
done
for m in POST DELETE PUT; do
	refuses "$m /tweets/{id}/likes: 405" 405 method_not_allowed \
	    "$m" "$TWEETD/tweets/$P/likes" "" "$(auth "$TB")"
	expect_eq "... Allow: GET" "$(hdr Allow)" GET
done
refuses "405 comes before 401" 405 method_not_allowed \
    PUT "$TWEETD/tweets/abc/like"

# --- the likers list's limit and cursor --------------------------------------------

for l in 0 1001 -1 abc 1.5 "" 99999999999; do
	refuses "likes?limit=$l: 400" 400 bad_request \
	    GET "$TWEETD/tweets/$P/likes?limit=$l"
done
http GET "$TWEETD/tweets/$P/likes?limit=1000"
expect_status "limit 1000: 200" 200
forged=$(/usr/bin/python3 - <<'PY'
import base64, os, struct
def v2(t, i):
    return bytes([2]) + struct.pack(">qq", t, i) + os.urandom(16)
enc = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
M, m = 2**63 - 1, -2**63
for t, i in [(M, M), (m, m), (0, 0), (1764000000123456, 1)]:
    print(enc(v2(t, i)))
for s in ["A" * 63, "A" * 300, "%00", "%FF%FE", "-_-_", "null"]:
    print(s)
PY
)
while IFS= read -r c; do
	refuses "a cursor the server never gave (${c:0:12}...): 400" 400 \
	    bad_request GET "$TWEETD/tweets/$P/likes?cursor=$c"
done <<<"$forged"

# --- nothing changed --------------------------------------------------------------

http GET "$TWEETD/tweets/$P"
expect_eq "the counts are as before the refusals" \
    "$(jb '[.likeCount, .repostCount] | @tsv')" "$(printf '1\t0')"
expect_eq "no like or repost row of anyone but bob" \
    "$(sql "$TWEETDB" "SELECT (SELECT count(*) FROM likes) + (SELECT count(*) FROM tweets WHERE repost_of IS NOT NULL)")" 1
http GET "$TWEETD/internal/events?after=0&limit=1000" "" "$(svc_hdr gateway tweetd)"
expect_eq "the log: the post and bob's like only" \
    "$(jb '[.events[].event.type] | join(",")')" "tweet,like"
check "no 500 in tweetd's log" sh -c "! grep -q ' 500 ' '$T/tweetd.log'"

finish
