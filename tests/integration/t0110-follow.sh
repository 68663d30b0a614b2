#!/usr/bin/env bash
# t0110: follow and unfollow, counts, follow lists paged by cursor, the
# internal followings list and the follow events.
. "$(dirname "$0")/../lib.sh"

USERDB=$(test_db u)
PORT=$(free_port)
U=http://127.0.0.1:$PORT
start_userd userd "$PORT" "$USERDB"

# A listener on the user channel: psql as a coprocess. bus_mark NAME
# prints every event payload committed since the previous mark.
coproc LSN { psql -X -q -A -t -d "$USERDB" 2>&1; }
echo "LISTEN chirp_user_events;" >&"${LSN[1]}"
bus_mark() {
	local line
	# psql prints a notification after the result of the query that
	# read it: the second query flushes what came before the first.
	echo "SELECT 'mark-$1'; SELECT 'end-$1';" >&"${LSN[1]}"
	while IFS= read -r -t 20 line <&"${LSN[0]}"; do
		[ "$line" = "end-$1" ] && return 0
		case $line in
		*'Asynchronous notification'*)
			sed -e 's/^[^{]*//' -e 's/}[^}]*$/}/' <<<"$line" ;;
		esac
	done
}
bus_mark start >/dev/null

A=$(register "$U" amy); B=$(register "$U" ben); C=$(register "$U" cat)
TA=$(login "$U" amy); TB=$(login "$U" ben)

follow() { http POST "$U/users/$1/follow" "{\"followUserId\":\"$3\"}" "$(auth "$2")"; }
unfollow() { http DELETE "$U/users/$1/unfollow" "{\"unfollowUserId\":\"$3\"}" "$(auth "$2")"; }
counts() { http GET "$U/users/$1"; jq -c '[.followersCount,.followingsCount]' "$T/body"; }

follow "$A" "$TA" "$B"
expect_status "follow answers 200" 200
check "follow answers a message" jq -e '.message | type == "string"' "$T/body"
follow "$A" "$TA" "$B"
expect_status "following twice is 200" 200
expect_eq "follows are announced once, with their ids" "$(bus_mark 1)" \
    "{\"type\":\"follow\",\"userId\":\"$A\",\"targetId\":\"$B\"}"
expect_eq "following twice makes one edge (followee counts)" "$(counts "$B")" '[1,0]'
expect_eq "following twice makes one edge (follower counts)" "$(counts "$A")" '[0,1]'
http GET "$U/users/$B/followers"
expect_status "followers answers 200" 200
expect_eq "followers lists the follower once" "$(jq -c .followers "$T/body")" "[\"$A\"]"
expect_eq "followers gives names in the same order" \
    "$(jq -c .users "$T/body")" "[{\"userId\":\"$A\",\"username\":\"amy\"}]"
expect_eq "one page: nextCursor is null" "$(jq -c .nextCursor "$T/body")" null

follow "$A" "$TA" "$C"
http GET "$U/users/$A/followings"
expect_status "followings answers 200" 200
expect_eq "followings are newest first" "$(jq -c .followings "$T/body")" "[\"$C\",\"$B\"]"
expect_eq "followings names in the same order" "$(jq -c '[.users[].username]' "$T/body")" '["cat","ben"]'
follow "$B" "$TB" "$A"
expect_eq "crossing follows count on both sides" "$(counts "$A")" '[1,2]'

follow "$A" "$TA" "$A"
expect_status "following yourself is 400" 400 bad_request
follow "$A" "$TA" 987654321
expect_status "following an unknown user is 404" 404 not_found

unfollow "$A" "$TA" "$B"
expect_status "unfollow answers 200" 200
unfollow "$A" "$TA" "$B"
expect_status "unfollowing someone not followed is 200" 200
expect_eq "unfollow is announced once, follows before it" "$(bus_mark 2)" \
    "$(printf '%s\n' "{\"type\":\"follow\",\"userId\":\"$A\",\"targetId\":\"$C\"}" \
      "{\"type\":\"follow\",\"userId\":\"$B\",\"targetId\":\"$A\"}" \
      "{\"type\":\"unfollow\",\"userId\":\"$A\",\"targetId\":\"$B\"}")"
expect_eq "unfollow lowers the counts" "$(counts "$B")" '[0,1]'
http GET "$U/users/$A/followings"
expect_eq "unfollowed user leaves the list" "$(jq -c .followings "$T/body")" "[\"$C\"]"
unfollow "$A" "$TA" 987654321
expect_status "unfollowing an unknown user is 404" 404 not_found
follow "$A" "$TA" "$B"
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
	follow "$id" "$tok" "$S"
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
