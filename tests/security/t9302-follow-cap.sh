#!/usr/bin/env bash
# A user follows at most 5,000 others (docs/API.md): the user service answers
# 409 conflict past that, counting under the follower's row lock so that
# concurrent follows cannot pass the cap; following again someone already
# followed is still 200. The gateway refuses a followings answer over the
# cap (a live connection is closed, not fed from an untrusted list).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
accounts "$G" alice bob carol dave

# 4,999 others followed, written straight into the database (fast)
sql "$USERDB" "INSERT INTO users (username, password_hash)
    SELECT 'many' || g, 'x' FROM generate_series(1, 4999) g" >/dev/null
sql "$USERDB" "INSERT INTO follows (follower_id, followee_id)
    SELECT $ALICE, id FROM users WHERE username LIKE 'many%'" >/dev/null
sql "$USERDB" "UPDATE users SET followings_count = 4999 WHERE id = $ALICE" >/dev/null

follow "$G" "$ALICE" "$TA" "$BOB"
expect_status "the 5,000th follow is accepted" 200
follow "$G" "$ALICE" "$TA" "$CAROL"
expect_status "the 5,001st is 409 conflict" 409 conflict
follow "$G" "$ALICE" "$TA" "$BOB"
expect_status "following again someone already followed is still 200" 200
http GET "$G/users/$ALICE"
expect_eq "the count stays 5,000" "$(jb .followingsCount)" 5000
expect_eq "no edge was added" \
    "$(sql "$USERDB" "SELECT count(*) FROM follows WHERE follower_id = $ALICE")" 5000

# two concurrent follows at 4,999: exactly one wins
unfollow "$G" "$ALICE" "$TA" "$BOB"
expect_status "an unfollow makes room for one" 200
racers=""
for who in "$CAROL" "$DAVE" "$BOB"; do
	curl -s -o /dev/null -w '%{http_code}\n' -H "$(auth "$TA")" \
	    -H 'Content-Type: application/json' \
	    --data "{\"followUserId\":\"$who\"}" \
	    "$G/users/$ALICE/follow" >>"$T/race" &
	racers="$racers $!"
done
wait $racers
expect_eq "of three concurrent follows one is 200, two 409" \
    "$(sort "$T/race" | paste -sd, -)" "200,409,409"
expect_eq "and the cap holds" \
    "$(sql "$USERDB" "SELECT count(*) FROM follows WHERE follower_id = $ALICE")" 5000

# a live connection with 5,000 followings works
watch full "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 30
check "a connection with 5,000 followings gets ready" \
    wait_until 15 ready full
stop_ws full

# a list over the cap (only a broken or hostile user service sends one)
sql "$USERDB" "INSERT INTO users (username, password_hash) VALUES ('extra', 'x')" >/dev/null
sql "$USERDB" "INSERT INTO follows (follower_id, followee_id)
    SELECT $ALICE, id FROM users WHERE username = 'extra'" >/dev/null
watch over "$GATEWAY_WS/ws" --header "$(auth "$TA")" --timeout 30
check "the gateway refuses a followings answer over 5,000: closed" \
    wait_until 15 grep -q '^close 1011' "$T/over.ws"
check "and never ready" lacks over '"type":"ready"'
check "the gateway says why" grep -q "more than 5000" "$T/gateway.log"
stop_ws over

finish
