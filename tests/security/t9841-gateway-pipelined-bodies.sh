#!/usr/bin/env bash
# t9841: a request with a body pipelined behind another on one HTTP/1.1
# connection. lws 4.1 read such a body from the request's own header
# bytes and then looped on it: one write of a GET and a POST with a short
# body froze the whole gateway at 100% CPU. Whatever the body's length,
# split in one write or two, the client gets at least its first answer and
# then either every answer or a close, never a hang; every other client is
# still answered; and no request reaches the tweet service that the client
# did not frame (every tweet made is one the client sent, one per 201).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system
G=$GATEWAY
U=$(register "$G" alice)
TA=$(login "$G" alice)

H="Host: x\\r\\nAuthorization: Bearer $TA\\r\\n"
STATUS="GET /status HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"
# a tweet body of exactly 100 bytes: the only body here that is a tweet
C="framed"
B100="{\"userId\":\"$U\",\"content\":\"$C\"}"
while [ ${#B100} -lt 100 ]; do B100="$B100 "; done
# body N: N bytes, the tweet when N is 100, else not JSON one can post
body() {
	case $1 in
	100) printf '%s' "$B100";;
	*) printf '%*s' "$1" "" | tr ' ' x;;
	esac
}
preq() {
	printf 'POST /tweets HTTP/1.1\\r\\n%sContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n%s' \
	    "$H" "$1" "$(body "$1")"
}
# pipe SPLIT REQUEST...: the answers of tests/security/pipeline.py
pipe() {
	/usr/bin/python3 "$CHIRP_ROOT/tests/security/pipeline.py" \
	    "$GATEWAY_PORT" "$@" 2>&1
}
made() { sql "$TWEETDB" "SELECT count(*) FROM tweets WHERE user_id = $U"; }
strays() {
	sql "$TWEETDB" "SELECT count(*) FROM tweets WHERE user_id = $U AND content <> '$C'"
}
# check NAME ANSWERS: the pipelining client's answers; then the gateway
# answers someone else at once; then the tweets made are the 201s
check_pipe() {
	local name=$1 r=$2 n201
	case $r in
	200,*closed|200,*open|201,*closed|201,*open)
		ok "$name: first answer, then answers or a close ($r)";;
	*) not_ok "$name: first answer, then answers or a close" "got $r";;
	esac
	expect_eq "  and the gateway answers another client in 2 s" \
	    "$(curl -s -o /dev/null -w '%{http_code}' -m 2 "$G/status")" 200
	n201=$(printf '%s' "$r" | tr , '\n' | grep -c '^201$')
	expect_eq "  and it made only the tweets it framed" \
	    "$(made),$(strays)" "$((MADE0 + n201)),0"
	MADE0=$(made)
}

MADE0=$(made)
for n in 0 1 2 5 6 100; do
	check_pipe "GET, then a POST of $n bytes, one write" \
	    "$(pipe 0 "$STATUS" "$(preq "$n")")"
	check_pipe "GET, then a POST of $n bytes, two writes" \
	    "$(pipe 33 "$STATUS" "$(preq "$n")")"
done
check_pipe "GET, then a POST of 2 bytes, the POST's headers split" \
    "$(pipe 48 "$STATUS" "$(preq 2)")"
check_pipe "GET, then a POST of 100 bytes, split in its body" \
    "$(pipe 200 "$STATUS" "$(preq 100)")"
check_pipe "GET, then GET, one write" "$(pipe 0 "$STATUS" "$STATUS")"
expect_eq "  both answered on the connection" \
    "$(pipe 0 "$STATUS" "$STATUS")" "200,200,open"
check_pipe "POST of 100 bytes, then another, one write" \
    "$(pipe 0 "$(preq 100)" "$(preq 100)")"
check_pipe "POST of 100 bytes, then one of 2, one write" \
    "$(pipe 0 "$(preq 100)" "$(preq 2)")"
check_pipe "GET, GET, then POST of 2 bytes, one write" \
    "$(pipe 0 "$STATUS" "$STATUS" "$(preq 2)")"

# one request, its answer, then the next: still on one connection
expect_eq "keep-alive: GET, then POST, then POST, one at a time" \
    "$(/usr/bin/python3 "$CHIRP_ROOT/tests/security/keepalive.py" \
    "$GATEWAY_PORT" seq "$STATUS" "$(preq 100)" "$(preq 100)" |
    grep -v '^  ' | paste -sd, -)" "200 keep,201 keep,201 keep,open"
expect_eq "  and made both tweets" "$(made),$(strays)" "$((MADE0 + 2)),0"
finish
