#!/usr/bin/env bash
# The follow-list cache: X-Cache MISS then HIT, and a follow, unfollow or
# account deletion made through another gateway shows in the very next
# read (the hit waits for a bus round trip first).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
G2_PORT=$(free_port); G2=http://127.0.0.1:$G2_PORT
start_gateway gw2 "$G2_PORT"

ALICE=$(register "$G" alice); TA=$(login "$G" alice)
BOB=$(register "$G" bob); TB=$(login "$G" bob)
CAROL=$(register "$G" carol); TC=$(login "$G" carol)

http GET "$G/users/$ALICE/followings"
expect_status "followings" 200
expect_eq "first read is a miss" "$(hdr X-Cache)" MISS
http GET "$G/users/$ALICE/followings"
expect_eq "second read is a hit" "$(hdr X-Cache)" HIT
expect_eq "the cached answer" "$(jb '.followings | length')" 0
http GET "$G/users/$ALICE/followings?limit=5"
expect_eq "another page is its own entry" "$(hdr X-Cache)" MISS

follow "$G2" "$ALICE" "$TA" "$BOB"
expect_status "alice follows bob through the other gateway" 200
http GET "$G/users/$ALICE/followings"
expect_eq "the very next read shows the follow" "$(jb '.followings | join(",")')" "$BOB"
expect_eq "it was not served from the stale entry" "$(hdr X-Cache)" MISS
http GET "$G/users/$BOB/followers"
expect_eq "the other side's list too" "$(jb '.followers | join(",")')" "$ALICE"
http GET "$G/users/$BOB/followers"
expect_eq "then cached again" "$(hdr X-Cache)" HIT

stale=0
for i in $(seq 1 15); do
	curl -s -o /dev/null -X DELETE -H "$(auth "$TC")" -H 'Content-Type: application/json' \
	    --data "{\"unfollowUserId\":\"$BOB\"}" "$G2/users/$CAROL/unfollow"
	n=$(curl -s "$G/users/$BOB/followers" | jq '.followers | length')
	[ "$n" = 1 ] || stale=$((stale + 1))
	curl -s -o /dev/null -X POST -H "$(auth "$TC")" -H 'Content-Type: application/json' \
	    --data "{\"followUserId\":\"$BOB\"}" "$G2/users/$CAROL/follow"
	n=$(curl -s "$G/users/$BOB/followers" | jq '.followers | length')
	[ "$n" = 2 ] || stale=$((stale + 1))
done
expect_eq "30 writes through one gateway, never a stale read through the other" "$stale" 0

http DELETE "$G2/users/$CAROL" "" "$(auth "$TC")"
expect_status "carol deletes her account through the other gateway" 200
http GET "$G/users/$BOB/followers"
expect_eq "the deletion shows in the next read" "$(jb '.followers | join(",")')" "$ALICE"

finish
