#!/usr/bin/env bash
# t0170: an account deleted while others follow and unfollow it: no error
# but 404 (or 200 before the deletion), no edge left to the account, and
# every count equal to the edges.
. "$(dirname "$0")/../lib.sh"

start_core

X=$(register "$USERD" target)
TX=$(login "$USERD" target)
N=6
for i in $(seq 1 $N); do
	ID[$i]=$(register "$USERD" "fan$i")
	TOK[$i]=$(login "$USERD" "fan$i")
	# the target follows the even fans: edges both ways to remove
	[ $((i % 2)) = 0 ] && http POST "$USERD/users/$X/follow" \
	    "{\"followUserId\":\"${ID[$i]}\"}" "$(auth "$TX")"
done

# Each fan follows and unfollows the target in a loop while it is deleted.
: >"$T/statuses"
JOBS=""
for i in $(seq 1 $N); do
	(
	for k in $(seq 1 15); do
		for m in POST:follow:followUserId DELETE:unfollow:unfollowUserId; do
			IFS=: read -r meth path key <<<"$m"
			curl -s -o /dev/null -w '%{http_code}\n' -X "$meth" \
			    -H "Authorization: Bearer ${TOK[$i]}" \
			    -H 'Content-Type: application/json' \
			    --data "{\"$key\":\"$X\"}" \
			    "$USERD/users/${ID[$i]}/$path" >>"$T/statuses"
		done
	done
	) &
	JOBS="$JOBS $!"
done
sleep 0.3
http DELETE "$USERD/users/$X" "" "$(auth "$TX")"
expect_status "the deletion succeeds amid follows" 200
wait $JOBS

expect_eq "every follow or unfollow answered 200 or 404" \
    "$(sort -u "$T/statuses" | grep -v -x -e 200 -e 404 | tr '\n' ' ')" ""
expect_eq "no edge to or from the deleted account" \
    "$(sql "$USERDB" "SELECT count(*) FROM follows WHERE follower_id = $X OR followee_id = $X")" 0
expect_eq "counts equal the edges" \
    "$(sql "$USERDB" "SELECT count(*) FROM users u WHERE followers_count <> (SELECT count(*) FROM follows WHERE followee_id = u.id) OR followings_count <> (SELECT count(*) FROM follows WHERE follower_id = u.id)")" 0
http GET "$USERD/users/${ID[2]}"
expect_eq "an even fan lost its follower" "$(jb .followersCount)" 0
expect_eq "no prepared transaction is left" "$(prepared)" 0

finish
