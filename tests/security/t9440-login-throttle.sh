#!/usr/bin/env bash
# Failed logins are throttled per account: after 5 failures for one
# username, attempts are refused with 429 and Retry-After, before any
# password hashing, the same way for a username that exists and one that
# does not; the period doubles with further failures; a success (once
# the period is over) clears it; other usernames are not affected.
. "$(dirname "$0")/../lib.sh"

# A first lock of 3 s (login_lock): long enough that a busy machine
# finishes each step inside it.
export CHIRP_USERD_LOGIN_LOCK=3
start_core
register "$USERD" alice >/dev/null
register "$USERD" bob >/dev/null

# try NAME PASSWORD: one login at userd.
try() { http POST "$USERD/users/login" "{\"username\":\"$1\",\"password\":\"$2\"}"; }

# lock NAME: five failures, then the sixth attempt is refused.
lock() {
	for i in 1 2 3 4 5; do
		try "$1" wrongpassword
		[ "$HTTP_STATUS" = 401 ] || not_ok "failure $i of $1 is 401"
	done
	try "$1" wrongpassword
	expect_status "$1: the 6th attempt is throttled" 429 rate_limited
	expect_eq "$1: Retry-After is 3 s" "$(hdr Retry-After)" 3
}
lock alice
msg_alice=$(jb .message)
try ALICE password123
expect_status "the right password is refused too while throttled (any case)" 429 rate_limited
try bob password123
expect_status "another user is not affected" 200
lock nobody_here
expect_eq "the same answer for a user that exists and one that does not" \
    "$msg_alice" "$(jb .message)"

# Throttled attempts are answered before any lookup or hashing.
start=$(date +%s%N)
for i in $(seq 1 10); do try nobody_here wrongpassword; done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_status "throttled attempts stay refused" 429 rate_limited
echo "# 10 throttled attempts: ${ms} ms"

# The period doubles: wait it out, fail again, 6 s.
sleep 3.1
try alice wrongpassword
expect_status "after the period a new attempt is judged (wrong: 401)" 401 unauthorized
try alice wrongpassword
expect_status "and locks again" 429 rate_limited
expect_eq "for twice as long" "$(hdr Retry-After)" 6
sleep 6.1
try alice password123
expect_status "the right password after the period logs in" 200
try alice wrongpassword
expect_status "a success clears the count (a failure is a plain 401)" 401 unauthorized
try alice password123
expect_status "and the next login works" 200

finish
