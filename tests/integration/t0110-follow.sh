#!/usr/bin/env bash
# t0110: follow and unfollow, counts, follow lists paged by cursor, the
# internal followings list and the follow events.
. "$(dirname "$0")/../lib.sh"

USERDB=$(test_db u)
PORT=$(free_port)
U=http://127.0.0.1:$PORT
start_userd userd "$PORT" "$USERDB"

bus_listen "$USERDB" chirp_user_events

A=$(register "$U" amy); B=$(register "$U" ben); C=$(register "$U" cat)
TA=$(login "$U" amy); TB=$(login "$U" ben)

counts() { http GET "$U/users/$1"; jq -c '[.followersCount,.followingsCount]' "$T/body"; }

follow "$U" "$A" "$TA" "$B"
expect_status "follow answers 200" 200
check "follow answers a message" jq -e '.message | type == "string"' "$T/body"
follow "$U" "$A" "$TA" "$B"
expect_status "following twice is 200" 200
expect_eq "follows are announced once, with their ids and the follower's name" \
    "$(bus_mark 1)" \
    "{\"type\":\"follow\",\"userId\":\"$A\",\"targetId\":\"$B\",\"username\":\"amy\"}"
expect_eq "following twice makes one edge (followee counts)" "$(counts "$B")" '[1,0]'
expect_eq "following twice makes one edge (follower counts)" "$(counts "$A")" '[0,1]'
http GET "$U/users/$B/followers"
expect_status "followers answers 200" 200
expect_eq "followers lists the follower once" "$(jq -c .followers "$T/body")" "[\"$A\"]"
expect_eq "followers gives names in the same order" \
    "$(jq -c .users "$T/body")" "[{\"userId\":\"$A\",\"username\":\"amy\"}]"
expect_eq "one page: nextCursor is null" "$(jq -c .nextCursor "$T/body")" null

follow "$U" "$A" "$TA" "$C"
http GET "$U/users/$A/followings"
expect_status "followings answers 200" 200
expect_eq "followings are newest first" "$(jq -c .followings "$T/body")" "[\"$C\",\"$B\"]"
expect_eq "followings names in the same order" "$(jq -c '[.users[].username]' "$T/body")" '["cat","ben"]'
follow "$U" "$B" "$TB" "$A"
expect_eq "crossing follows count on both sides" "$(counts "$A")" '[1,2]'

follow "$U" "$A" "$TA" "$A"
expect_status "following yourself is 400" 400 bad_request
follow "$U" "$A" "$TA" 987654321
expect_status "following an unknown user is 404" 404 not_found

unfollow "$U" "$A" "$TA" "$B"
expect_status "unfollow answers 200" 200
unfollow "$U" "$A" "$TA" "$B"
expect_status "unfollowing someone not followed is 200" 200
expect_eq "unfollow is announced once, follows before it" "$(bus_mark 2)" \
    "$(printf '%s\n' "{\"type\":\"follow\",\"userId\":\"$A\",\"targetId\":\"$C\",\"username\":\"amy\"}" \
      "{\"type\":\"follow\",\"userId\":\"$B\",\"targetId\":\"$A\",\"username\":\"ben\"}" \
      "{\"type\":\"unfollow\",\"userId\":\"$A\",\"targetId\":\"$B\"}")"
expect_eq "unfollow lowers the counts" "$(counts "$B")" '[0,1]'
http GET "$U/users/$A/followings"
expect_eq "unfollowed user leaves the list" "$(jq -c .followings "$T/body")" "[\"$C\"]"
unfollow "$U" "$A" "$TA" 987654321
expect_status "unfollowing an unknown user is 404" 404 not_found
follow "$U" "$A" "$TA" "$B"
http GET "$U/users/$A/followings"
expect_eq "a follow again puts the user first" "$(jq -c .followings "$T/body")" "[\"$B\",\"$C\"]"

# internal list of every followee
http GET "$U/internal/followings/$A" "" "$(svc_hdr tweetd userd)"
expect_status "internal followings answers 200" 200
expect_eq "internal followings has every id" \
    "$(jq -c '[.userId, (.followings | sort)]' "$T/body")" \
    "$(jq -nc --arg a "$A" --arg b "$B" --arg c "$C" '[$a, ([$b,$c] | sort)]')"
http GET "$U/internal/followings/$C" "" "$(svc_hdr tweetd userd)"
expect_eq "internal followings of a user following nobody is empty" \
    "$(jq -c .followings "$T/body")" '[]'
http GET "$U/internal/followings/987654321" "" "$(svc_hdr tweetd userd)"
expect_status "internal followings of an unknown user is 404" 404 not_found

# paging: 25 followers of a star
S=$(register "$U" star)
FANS=""; sizes=""; LAST_CURSOR=""
for i in $(seq -w 1 25); do
	id=$(register "$U" "fan$i"); tok=$(login "$U" "fan$i")
	follow "$U" "$id" "$tok" "$S"
	[ "$HTTP_STATUS" = 200 ] || echo "follow of fan$i: $HTTP_STATUS"
	FANS="$id $FANS"	# newest first
done
expect_eq "the star counts 25 followers" "$(counts "$S")" '[25,0]'
got=""; pages=0; cursor=""; nulls=0
while :; do
	q="limit=10"; [ -n "$cursor" ] && q="$q&cursor=$cursor"
	http GET "$U/users/$S/followers?$q"
	[ "$HTTP_STATUS" = 200 ] || break
	pages=$((pages + 1))
	sizes="$sizes $(jq '.followers | length' "$T/body")"
	got="$got $(jq -r '.followers | join(" ")' "$T/body")"
	cursor=$(jq -r '.nextCursor // empty' "$T/body")
	[ -n "$cursor" ] && LAST_CURSOR=$cursor
	[ -z "$cursor" ] && break
	[ $pages -gt 5 ] && break
done
expect_eq "25 followers by 10 make 3 pages" "$pages" 3
expect_eq "pages hold 10, 10, 5" "$sizes" " 10 10 5"
expect_eq "pages hold every follower once, newest first" \
    "$(echo $got)" "$(echo $FANS)"
expect_eq "the last page's nextCursor is null" "$(jq -c .nextCursor "$T/body")" null
http GET "$U/users/$S/followers"
expect_eq "the default limit (100) takes all 25" "$(jq '.followers | length' "$T/body")" 25
http GET "$U/users/$S/followers?limit=25"
expect_eq "a page of exactly all has a null cursor" "$(jq -c .nextCursor "$T/body")" null
http GET "$U/users/$S/followers?limit=1000"
expect_status "limit 1000 is allowed" 200
for bad in 0 1001 -1 abc 1.5 ''; do
	http GET "$U/users/$S/followers?limit=$bad"
	expect_status "limit '$bad' is 400" 400 bad_request
done
for bad in garbage AAAA '' "${LAST_CURSOR}x" "x${LAST_CURSOR}"; do
	http GET "$U/users/$S/followings?cursor=$bad"
	expect_status "cursor '$bad' is 400" 400 bad_request
done
http GET "$U/users/987654321/followers"
expect_status "followers of an unknown user is 404" 404 not_found
http GET "$U/users/987654321/followings"
expect_status "followings of an unknown user is 404" 404 not_found
http GET "$U/users/x1/followings"
expect_status "followings of a bad id is 400" 400 bad_request
http GET "$U/users/$S/followings"
expect_eq "a user who follows nobody has an empty list" \
    "$(jq -c '[.followings, .users, .nextCursor]' "$T/body")" '[[],[],null]'

echo '\q' >&"${LSN[1]}"
finish
