#!/usr/bin/env bash
# t1002: GET /tweets/{tweetId}/thread (API.md "Conversations"): the
# ancestors from the first tweet down, a deleted one null in its place
# (deleted by its author or with its account; the walk goes on through it
# to the first tweet), at most the 100 nearest; the tombstones that walk
# uses are kept only while a live tweet replies below them; direct replies
# oldest first paged by limit and cursor; errors; the caller's flags and a
# repost's original on every read path.
. "$(dirname "$0")/../lib.sh"

start_core
accounts "$USERD" alice bob carol
TWEETD2_PORT=$(free_port); TWEETD2=http://127.0.0.1:$TWEETD2_PORT
start_tweetd tweetd2 "$TWEETD2_PORT" "$TWEETDB" "$USERD" "$USERDB"

# reply TOKEN USERID REPLYTO CONTENT: prints the new id.
reply() {
	http POST "$TWEETD/tweets" "$(jq -cn --arg u "$2" --arg c "$4" \
	    --arg r "$3" '{userId:$u,content:$c,replyTo:$r}')" "$(auth "$1")"
	jb .tweetId
}

ROOT=$(post "$TWEETD" "$ALICE" "$TA" "root")
R1=$(reply "$TB" "$BOB" "$ROOT" "r1")
R2=$(reply "$TA" "$ALICE" "$R1" "r2")
R3=$(reply "$TB" "$BOB" "$R2" "r3")
http GET "$TWEETD2/tweets/$R3/thread"
expect_status "a thread: 200" 200
check "ancestors from the first tweet down, the tweet, no replies" jq -e \
    --arg a "$ROOT" --arg b "$R1" --arg c "$R2" --arg d "$R3" \
    '[.ancestors[].tweetId] == [$a,$b,$c] and .tweet.tweetId == $d and
     .replies == [] and .nextCursor == null' "$T/body"
check "no flags without a token" jq -e \
    '[.. | objects | select(has("liked"))] == []' "$T/body"

# Replies of the root: R1 and five more, oldest first, two a page.
MORE=()
for i in 1 2 3 4 5; do MORE+=("$(reply "$TA" "$ALICE" "$ROOT" "m$i")"); done
want=$(printf '%s\n' "$R1" "${MORE[@]}" | paste -sd, -)
got=() cur=""
for page in 1 2 3 4; do
	http GET "$TWEETD/tweets/$ROOT/thread?limit=2${cur:+&cursor=$cur}"
	expect_status "page $page: 200" 200
	got+=($(jq -r '.replies[].tweetId' "$T/body"))
	cur=$(jb '.nextCursor // empty')
	[ -z "$cur" ] && break
done
expect_eq "the replies, oldest first, each once over 3 pages" \
    "$(printf '%s\n' "${got[@]}" | paste -sd, -)/$page" "$want/3"
http GET "$TWEETD/tweets/$ROOT/thread"
check "the default page holds all six; the root has no ancestors" jq -e \
    '(.replies | length) == 6 and .ancestors == [] and .nextCursor == null
     and .tweet.replyCount == 6' "$T/body"

# --- errors ----------------------------------------------------------------

http GET "$TWEETD/tweets/999999/thread"
expect_status "an unknown tweet: 404" 404 not_found
for q in limit=0 limit=101 limit=x limit=1.5 cursor=abc cursor= \
    "cursor=$cur%00" "limit=-1"; do
	http GET "$TWEETD/tweets/$ROOT/thread?$q"
	expect_status "thread ?$q: 400" 400 bad_request
done
http GET "$TWEETD/tweets/12x/thread"
expect_status "a bad id: 400" 400 bad_request
http GET "$TWEETD/tweets/99999999999999999999/thread"
expect_status "a huge id: 400" 400 bad_request
http POST "$TWEETD/tweets/$ROOT/thread" "{}"
expect_status "POST thread: 405" 405 method_not_allowed
expect_eq "Allow: GET" "$(hdr Allow)" GET

# --- deleted ancestors -----------------------------------------------------

# ids ANCESTORS: the ancestors' ids, null for a deleted one, as one line.
ids() { jq -c '[.ancestors[] | if . == null then null else .tweetId end]' "$T/body"; }
# tombstones CONVERSATION: the tombstones of a conversation (white box: the
# bound of the table is part of the change).
tombstones() { sql "$TWEETDB" "SELECT count(*) FROM thread_tombstones WHERE conversation_id = $1"; }

http DELETE "$TWEETD/tweets/$R1" "" "$(auth "$TB")"
expect_status "delete r1" 200
http GET "$TWEETD/tweets/$R3/thread"
expect_eq "the deleted ancestor is null in its place, the root above it" \
    "$(ids)" "[\"$ROOT\",null,\"$R2\"]"
http GET "$TWEETD/tweets/$ROOT/thread"
check "the root's page no longer holds it, and counts five" jq -e \
    --arg b "$R1" '([.replies[].tweetId] | index($b)) == null and
     .tweet.replyCount == 5' "$T/body"

# c0 (alice) <- c1 (bob) <- c2 (carol) <- c3 (carol) <- c4 (bob) <- c5
# (alice); and carol's f1 <- f2 under c0, nothing below them.
C0=$(post "$TWEETD" "$ALICE" "$TA" "c0")
C1=$(reply "$TB" "$BOB" "$C0" "c1")
C2=$(reply "$TC" "$CAROL" "$C1" "c2")
C3=$(reply "$TC" "$CAROL" "$C2" "c3")
C4=$(reply "$TB" "$BOB" "$C3" "c4")
C5=$(reply "$TA" "$ALICE" "$C4" "c5")
F1=$(reply "$TC" "$CAROL" "$C0" "f1")
F2=$(reply "$TC" "$CAROL" "$F1" "f2")
L=$(reply "$TB" "$BOB" "$C0" "a leaf")
http DELETE "$TWEETD/tweets/$L" "" "$(auth "$TB")"
expect_status "a leaf reply deleted" 200
expect_eq "a deleted reply with nothing below leaves no tombstone" \
    "$(tombstones "$C0")" 0

# Carol's account goes (chirp-userd's two-phase deletion): c2 and c3 in one
# batch of the deletion, c3 with bob's c4 below it.
http DELETE "$USERD/users/$CAROL" "" "$(auth "$TC")"
expect_status "carol's account deleted" 200
check "carol's tweets are gone" wait_until 10 sql_is "$TWEETDB" \
    "SELECT count(*) FROM tweets WHERE user_id = $CAROL" 0
http GET "$TWEETD/tweets/$C5/thread"
expect_eq "a deleted account's ancestors are null, the walk goes on" \
    "$(ids)" "[\"$C0\",\"$C1\",null,null,\"$C4\"]"
expect_eq "tombstones: c2 and c3 (f1 and f2 have nothing below)" \
    "$(tombstones "$C0")" 2

http DELETE "$TWEETD/tweets/$C1" "" "$(auth "$TB")"
expect_status "delete c1 (no live reply left, a deleted one below)" 200
http GET "$TWEETD/tweets/$C5/thread"
expect_eq "three deleted in a row, then the root" \
    "$(ids)" "[\"$C0\",null,null,null,\"$C4\"]"
http DELETE "$TWEETD/tweets/$C0" "" "$(auth "$TA")"
expect_status "delete the root" 200
http GET "$TWEETD/tweets/$C5/thread"
expect_eq "a deleted root: null first" "$(ids)" '[null,null,null,null,"'"$C4"'"]'
http GET "$TWEETD/tweets/$C4/thread"
expect_eq "and from c4: four nulls" "$(ids)" '[null,null,null,null]'

# The bound: a tombstone stays while a live tweet replies below it.
http DELETE "$TWEETD/tweets/$C5" "" "$(auth "$TA")"
expect_eq "c4 still stands on them" "$(tombstones "$C0")" 3
http DELETE "$TWEETD/tweets/$C4" "" "$(auth "$TB")"
expect_status "delete c4, the last live tweet below" 200
expect_eq "then none is left" "$(tombstones "$C0")" 0
X=$(reply "$TA" "$ALICE" "$ROOT" "x"); Y=$(reply "$TB" "$BOB" "$X" "y")
for i in 1 2 3; do
	http DELETE "$TWEETD/tweets/$X" "" "$(auth "$TA")"
	http DELETE "$TWEETD/tweets/$Y" "" "$(auth "$TB")"
	X=$(reply "$TA" "$ALICE" "$ROOT" "x"); Y=$(reply "$TB" "$BOB" "$X" "y")
done
http DELETE "$TWEETD/tweets/$X" "" "$(auth "$TA")"
expect_eq "reply, reply to it, delete both, three times: only r1's and x's" \
    "$(tombstones "$ROOT")" 2
http DELETE "$TWEETD/tweets/$Y" "" "$(auth "$TB")"
expect_eq "and r1's only, once y is gone" "$(tombstones "$ROOT")" 1

# --- more than 100 ancestors -----------------------------------------------

P=$ROOT DEEP=()
for i in $(seq 1 104); do P=$(reply "$TA" "$ALICE" "$P" "deep $i"); DEEP+=("$P"); done
http GET "$TWEETD/tweets/$P/thread"
check "104 ancestors deep: the 100 nearest the parent" jq -e \
    '(.ancestors | length) == 100 and .ancestors[0].content == "deep 4"
     and .ancestors[99].content == "deep 103" and .tweet.content ==
     "deep 104"' "$T/body"
http DELETE "$TWEETD/tweets/${DEEP[49]}" "" "$(auth "$TA")"
http DELETE "$TWEETD/tweets/${DEEP[1]}" "" "$(auth "$TA")"
http GET "$TWEETD/tweets/$P/thread"
check "deep 50 deleted: still the 100 nearest, null in its place" jq -e \
    '(.ancestors | length) == 100 and .ancestors[0].content == "deep 4"
     and .ancestors[46] == null and .ancestors[45].content == "deep 49"
     and .ancestors[99].content == "deep 103"' "$T/body"
http GET "$TWEETD/tweets/${DEEP[4]}/thread"
expect_eq "deep 5: the root, deep 1, null for deep 2, deep 3, deep 4" \
    "$(ids)" "[\"$ROOT\",\"${DEEP[0]}\",null,\"${DEEP[2]}\",\"${DEEP[3]}\"]"

# --- flags and reposts on every read path ----------------------------------
# Likes and reposts are written here by SQL (their routes are another
# change's): the read path must show them.

L=${MORE[0]}
sql "$TWEETDB" "INSERT INTO likes (tweet_id, user_id, username) VALUES ($L, $BOB, 'bob')" >/dev/null
sql "$TWEETDB" "UPDATE tweets SET like_count = 1, repost_count = 1 WHERE id = $L" >/dev/null
RP=$(sql "$TWEETDB" "INSERT INTO tweets (user_id, username, content, repost_of) VALUES ($BOB, 'bob', '', $L) RETURNING id")
http GET "$TWEETD/tweets/$RP"
check "a repost holds its original with its counts" jq -e --arg l "$L" \
    '.content == "" and .repostOf.tweetId == $l and .repostOf.likeCount == 1
     and .repostOf.repostCount == 1 and (has("liked") | not)' "$T/body"
http GET "$TWEETD/tweets/$RP" "" "$(auth "$TB")"
check "bob's flags on his repost: liked, reposted" jq -e \
    '.liked and .reposted and .repostOf.liked and .repostOf.reposted' \
    "$T/body"
http GET "$TWEETD/tweets/userTimeline/$BOB" "" "$(auth "$TA")"
check "alice's flags on bob's timeline: neither" jq -e --arg r "$RP" \
    '.tweets[0].tweetId == $r and .tweets[0].liked == false and
     .tweets[0].reposted == false' "$T/body"
http GET "$TWEETD/tweets/userTimeline/$BOB" "" "Authorization: Bearer not.a.token"
expect_status "a bad token on a route that needs none: 200" 200
check "and no flags" jq -e '[.tweets[] | has("liked")] | any | not' \
    "$T/body"
follow "$USERD" "$BOB" "$TB" "$ALICE"
wait_until 10 bash -c "curl -s -H '$(auth "$TB")' $TWEETD/tweets/homeTimeline/$BOB | jq -e '.tweets | length > 1'"
http GET "$TWEETD/tweets/homeTimeline/$BOB?limit=100" "" "$(auth "$TB")"
check "bob's home: his repost with the original, his flags on both" jq -e \
    --arg l "$L" --arg r "$RP" '(.tweets | map(select(.tweetId == $r))[0] |
     .repostOf.tweetId == $l and .liked and .reposted and
     .repostOf.liked and .repostOf.reposted) and
     all(.tweets[]; has("liked") and has("reposted"))' "$T/body"
http GET "$TWEETD/tweets/homeTimeline/$BOB?before=$((L + 1))" "" "$(auth "$TB")"
check "an older page of the home (the timelines' path) has them too" jq -e \
    --arg l "$L" '.tweets[0].tweetId == $l and .tweets[0].liked and
     .tweets[0].reposted' "$T/body"
http GET "$TWEETD/tweets/$ROOT/thread" "" "$(auth "$TB")"
check "the thread has bob's flags" jq -e --arg l "$L" \
    '(.replies | map(select(.tweetId == $l))[0].liked) and
     .tweet.liked == false' "$T/body"

finish
