#!/usr/bin/env bash
# The follow-list cache is keyed on the normalised request (user, list,
# limit, cursor), not the raw query string: reordered or extra arguments
# hit the same entry instead of making new ones, so a client cannot fill
# the cache with copies of one page; and it is bounded by bytes
# (cache_max_bytes) as well as by entries.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system --cache_max_bytes 4000
G=$GATEWAY
accounts "$G" alice bob
follow "$G" "$ALICE" "$TA" "$BOB"
expect_status "alice follows bob" 200

http GET "$G/users/$ALICE/followings?limit=10&x=1"
expect_eq "a first read is a miss" "$(hdr X-Cache)" MISS
expect_eq "the answer" "$(jb '.followings | join(",")')" "$BOB"
# A miss is kept only when no user event (the follow's own, which may
# still be on its way) arrived while it was read: read until it is kept.
for i in $(seq 1 50); do
	http GET "$G/users/$ALICE/followings?limit=10&x=1"
	[ "$(hdr X-Cache)" = HIT ] && break
	sleep 0.1
done
expect_eq "the page is kept" "$(hdr X-Cache)" HIT
http GET "$G/users/$ALICE/followings?x=1&limit=10"
expect_eq "the arguments reordered: the same entry" "$(hdr X-Cache)" HIT
http GET "$G/users/$ALICE/followings?limit=10&y=$RANDOM&z=2"
expect_eq "other extra arguments: the same entry" "$(hdr X-Cache)" HIT
http GET "$G/users/$ALICE/followings"
expect_eq "the default limit is its own page" "$(hdr X-Cache)" MISS
http GET "$G/users/$ALICE/followings?limit=100&junk"
expect_eq "and limit=100 is that page" "$(hdr X-Cache)" HIT

# many distinct junk arguments make no entries
for i in $(seq 1 50); do
	curl -s -o /dev/null "$G/users/$ALICE/followings?limit=10&j$i=$i"
done
http GET "$G/metrics"
http GET "$G/users/$ALICE/followings?limit=10"
expect_eq "after 50 junk variants the page is still one entry, a hit" \
    "$(hdr X-Cache)" HIT

# bad arguments still reach the service (400) and are not cached
http GET "$G/users/$ALICE/followings?limit=0"
expect_status "limit 0: 400 from the service" 400 bad_request
http GET "$G/users/$ALICE/followings?limit=5&limit=6"
expect_eq "a repeated limit is not cached" "$(hdr X-Cache)" MISS
http GET "$G/users/$ALICE/followings?cursor=nonsense"
expect_status "a bad cursor: 400" 400 bad_request

# bounded by bytes: with 4,000 bytes, pages of other users push the first out
for u in $(seq 1 20); do
	curl -s -o /dev/null "$G/users/$BOB/followers?limit=$u"
done
http GET "$G/users/$ALICE/followings?limit=10"
expect_eq "the byte bound evicted the oldest page" "$(hdr X-Cache)" MISS

finish
