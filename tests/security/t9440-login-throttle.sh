#!/usr/bin/env bash
# Failed logins are throttled per account: after 5 failures for one
# username, attempts are refused with 429 and Retry-After, before any
# password hashing, the same way for a username that exists and one that
# does not; the period doubles with further failures; a success (once
# the period is over) clears it; other usernames are not affected.
. "$(dirname "$0")/../lib.sh"

start_core
register "$USERD" alice >/dev/null
register "$USERD" bob >/dev/null

# try NAME PASSWORD: one login at userd.
try() { http POST "$USERD/users/login" "{\"username\":\"$1\",\"password\":\"$2\"}"; }

for name in alice nobody_here; do
	for i in 1 2 3 4 5; do
		try "$name" wrongpassword
		[ "$HTTP_STATUS" = 401 ] || not_ok "failure $i of $name is 401"
	done
	try "$name" wrongpassword
	expect_status "$name: the 6th attempt is throttled" 429 rate_limited
	expect_eq "$name: Retry-After is 1 s" "$(hdr Retry-After)" 1
	eval "msg_$name=\$(jb .message)"
done
expect_eq "the same answer for a user that exists and one that does not" \
    "$msg_alice" "$msg_nobody_here"
try ALICE password123
expect_status "the right password is refused too while throttled (any case)" 429 rate_limited
try bob password123
expect_status "another user is not affected" 200

# Throttled attempts are answered before any lookup or hashing.
start=$(date +%s%N)
for i in $(seq 1 30); do try nobody_here wrongpassword; done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_status "throttled attempts stay refused" 429 rate_limited
echo "# 30 throttled attempts: ${ms} ms"

# The period doubles: wait it out, fail again, 2 s.
sleep 1.1
try alice wrongpassword
expect_status "after the period a new attempt is judged (wrong: 401)" 401 unauthorized
try alice wrongpassword
expect_status "and locks again" 429 rate_limited
expect_eq "for twice as long" "$(hdr Retry-After)" 2
sleep 2.1
try alice password123
expect_status "the right password after the period logs in" 200
try alice wrongpassword
expect_status "a success clears the count (a failure is a plain 401)" 401 unauthorized
try alice password123
expect_status "and the next login works" 200

finish
