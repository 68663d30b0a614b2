#!/usr/bin/env bash
# t0140: follows and unfollows at the same time, crossing ones included,
# keep one edge per pair and counts equal to the edges, with no 500.
. "$(dirname "$0")/../lib.sh"

USERDB=$(test_db u)
PORT=$(free_port)
U=http://127.0.0.1:$PORT
start_userd userd "$PORT" "$USERDB" --threads 8

N=8
for i in $(seq 1 $N); do
	ID[$i]=$(register "$U" "user$i")
	TOK[$i]=$(login "$U" "user$i")
done

# Everyone follows everyone else, twice, all at once: N*(N-1)*2 requests.
: >"$T/statuses"
# A bare wait would wait for userd too: wait for these jobs only.
JOBS=""
for round in 1 2; do
	for i in $(seq 1 $N); do
		(
		for j in $(seq 1 $N); do
			[ "$i" = "$j" ] && continue
			curl -s -o /dev/null -w '%{http_code}\n' -X POST \
			    -H "Authorization: Bearer ${TOK[$i]}" \
			    -H 'Content-Type: application/json' \
			    --data "{\"followUserId\":\"${ID[$j]}\"}" \
			    "$U/users/${ID[$i]}/follow" >>"$T/statuses"
		done
		) &
		JOBS="$JOBS $!"
	done
done
wait $JOBS
expect_eq "every concurrent follow answered 200" \
    "$(sort "$T/statuses" | uniq -c | sed 's/^ *//')" "$((N * (N - 1) * 2)) 200"
expect_eq "one edge per pair" \
    "$(sql "$USERDB" "SELECT count(*) FROM follows")" $((N * (N - 1)))
expect_eq "counts equal the edges" \
    "$(sql "$USERDB" "SELECT count(*) FROM users u WHERE followers_count <> (SELECT count(*) FROM follows WHERE followee_id = u.id) OR followings_count <> (SELECT count(*) FROM follows WHERE follower_id = u.id)")" 0

# Odd users unfollow everyone while even users follow again.
: >"$T/statuses"
JOBS=""
for i in $(seq 1 $N); do
	(
	for j in $(seq 1 $N); do
		[ "$i" = "$j" ] && continue
		if [ $((i % 2)) = 1 ]; then
			curl -s -o /dev/null -w '%{http_code}\n' -X DELETE \
			    -H "Authorization: Bearer ${TOK[$i]}" \
			    -H 'Content-Type: application/json' \
			    --data "{\"unfollowUserId\":\"${ID[$j]}\"}" \
			    "$U/users/${ID[$i]}/unfollow" >>"$T/statuses"
		else
			curl -s -o /dev/null -w '%{http_code}\n' -X POST \
			    -H "Authorization: Bearer ${TOK[$i]}" \
			    -H 'Content-Type: application/json' \
			    --data "{\"followUserId\":\"${ID[$j]}\"}" \
			    "$U/users/${ID[$i]}/follow" >>"$T/statuses"
		fi
	done
	) &
	JOBS="$JOBS $!"
done
wait $JOBS
expect_eq "every concurrent change answered 200" \
    "$(sort "$T/statuses" | uniq -c | sed 's/^ *//')" "$((N * (N - 1))) 200"
expect_eq "only the even users' edges are left" \
    "$(sql "$USERDB" "SELECT count(*) FROM follows")" $((N / 2 * (N - 1)))
expect_eq "counts still equal the edges" \
    "$(sql "$USERDB" "SELECT count(*) FROM users u WHERE followers_count <> (SELECT count(*) FROM follows WHERE followee_id = u.id) OR followings_count <> (SELECT count(*) FROM follows WHERE follower_id = u.id)")" 0
http GET "$U/users/${ID[2]}"
expect_eq "an even user follows all others" "$(jb .followingsCount)" $((N - 1))
expect_eq "an even user is followed by the other evens" "$(jb .followersCount)" $((N / 2 - 1))

finish
