#!/usr/bin/env bash
# Thousands of connects and disconnects (ready, replays, clients leaving
# early, refused ones) and HTTP requests cut short: the gateway keeps
# answering, ends with no live connection, and exits with no leak (ASan).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

# upgrades count against the per-address rate limit: 1,500 from one address
start_system --rate_limit 100000
G=$GATEWAY
ALICE=$(register "$G" alice); TA=$(login "$G" alice)
BOB=$(register "$G" bob); TB=$(login "$G" bob)
follow "$G" "$ALICE" "$TA" "$BOB"
for i in 1 2 3; do
	http POST "$G/tweets" "{\"userId\":\"$BOB\",\"content\":\"t$i\"}" "$(auth "$TB")"
done
FIRST=$(( $(jb .tweetId) - 2 ))

export W=$GATEWAY_WS TA FIRST CHIRP_TOOLS
one() {
	case $(( $1 % 4 )) in
	0) "$CHIRP_TOOLS/ws-client" "$W/ws?access_token=$TA" --count 1 --timeout 5 ;;
	1) "$CHIRP_TOOLS/ws-client" "$W/ws?access_token=$TA&since=$FIRST" --count 3 --timeout 5 ;;
	2) "$CHIRP_TOOLS/ws-client" "$W/ws?access_token=$TA" --timeout 0.01 ;;
	3) "$CHIRP_TOOLS/ws-client" "$W/ws?access_token=bad" --timeout 5 ;;
	esac
}
export -f one
seq 1 1200 | xargs -P 8 -I{} bash -c 'one {}' >"$T/churn.out" 2>&1
check "every client that stayed got ready" test "$(grep -c '{"type":"ready",' "$T/churn.out")" -ge 600
expect_eq "every bad token was refused" "$(grep -c "status 401" "$T/churn.out")" 300
expect_eq "replays sent the newer entries" "$(grep -c '"content":"t3"' "$T/churn.out")" 300

seq 1 300 | xargs -P 8 -I{} curl -s -o /dev/null --max-time 0.005 "$G/users/$ALICE/followers" 2>/dev/null
http GET "$G/users/$ALICE"
expect_status "the gateway still answers" 200
check "no live connection is left" wait_until 10 ws_conns "$G" 0

finish
