#!/usr/bin/env bash
# The gateway keeps its connections to the services alive and reuses them:
# 200 reads one after another leave a handful of TCP connections to the
# tweet service (not one each), 50 reads at once all succeed, and a
# service that died and came back (its kept connections closed) costs no
# request.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
BOB=$(register "$G" bob); TB=$(login "$G" bob)
http POST "$G/tweets" "{\"userId\":\"$BOB\",\"content\":\"hi\"}" "$(auth "$TB")"
expect_status "a tweet" 201

# tcp_conns STATE: connections in that state to or from the tweet service.
tcp_conns() {
	ss -Htan state "$1" "( sport = :$TWEETD_PORT or dport = :$TWEETD_PORT )" |
	    wc -l
}
tw0=$(tcp_conns time-wait)
expect_eq "200 reads in a row all succeed" "$(traffic "$G" "$BOB" "$TB" 200)" 0
tw=$(( $(tcp_conns time-wait) - tw0 ))
est=$(tcp_conns established)
echo "after 200 reads: $tw new in TIME-WAIT, $est established (both ends)"
check "200 reads left at most 10 closed connections (not one each)" test "$tw" -le 10
check "and hold at most 10 open ones (20 socket ends)" test "$est" -le 20
check "the service saw the reads" grep -q "GET /tweets/userTimeline/$BOB " "$T/tweetd.log"

seq 1 50 | xargs -P 50 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
    "$G/tweets/userTimeline/$BOB?limit={}" >"$T/parallel.out"
expect_eq "50 reads at once: 50 answers" "$(wc -l <"$T/parallel.out")" 50
expect_eq "all of them 200" "$(grep -c '^200$' "$T/parallel.out")" 50
est=$(tcp_conns established)
check "at most 32 connections to one instance (64 socket ends)" test "$est" -le 64

http GET "$G/tweets/userTimeline/$BOB"
check "a read after the burst still works" jb -e '.tweets | length == 1'

# the service dies and comes back on its port: the kept connections die
# with it (killed, it stays listed, so the gateway goes on routing to it)
kill_proc tweetd
start_tweetd tweetd "$TWEETD_PORT" "$TWEETDB" "$USERD" "$USERDB" \
    --discovery_url "$DISCOVERY"
wait_until 10 listed "$DISCOVERY" tweet "$TWEETD_PORT"
check "the gateway has a tweet service" wait_until 10 sh -c \
    "curl -s -o /dev/null -w '%{http_code}' '$G/status' | grep -q 200"
expect_eq "after the restart reads and posts succeed" \
    "$(traffic "$G" "$BOB" "$TB" 5 after)" 0
http GET "$G/tweets/userTimeline/$BOB?limit=100"
check "the posts arrived once each" jb -e '[.tweets[] | select(.content | startswith("after "))] | length == 5'
# a small cap: requests past max_upstream_conns wait their turn, none fail
G3_PORT=$(free_port)
start_gateway gw3 "$G3_PORT" --max_upstream_conns 2
G3=http://127.0.0.1:$G3_PORT
seq 1 30 | xargs -P 30 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
    "$G3/tweets/userTimeline/$BOB?limit={}" >"$T/capped.out"
expect_eq "30 reads at once through 2 connections: 30 answers" \
    "$(grep -c '^200$' "$T/capped.out")" 30
g3=$(pid_of gw3)
n3=$(ss -Htanp state established "( dport = :$TWEETD_PORT )" |
    grep -c "pid=$g3,")
check "gateway 3 keeps 1 or 2 connections to the instance (has $n3)" \
    test "$n3" -ge 1 -a "$n3" -le 2
finish
