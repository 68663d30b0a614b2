#!/usr/bin/env bash
# Password hashing runs in a bounded pool: with one worker and one place
# in the queue, a burst of 16 logins at a high argon2id cost gets quick
# 429s with Retry-After for what does not fit, instead of queueing them
# all behind each other; none times out, and a login afterwards works.
. "$(dirname "$0")/../lib.sh"

USERDB=$(test_db u)
PORT=$(free_port)
USERD=http://127.0.0.1:$PORT
CHIRP_PASSWORD_OPS=3 CHIRP_PASSWORD_MEM_KIB=65536 \
    start_userd userd "$PORT" "$USERDB" --tweet_url http://127.0.0.1:9 \
    --password_workers 1 --password_queue 1

http POST "$USERD/users/register" '{"username":"alice","password":"password123"}'
expect_status "register" 201
start=$(date +%s.%N)
http POST "$USERD/users/login" '{"username":"alice","password":"password123"}'
one=$(echo "$(date +%s.%N) - $start" | bc)
expect_status "one login alone" 200
echo "# one login takes ${one}s"

pids=
for i in $(seq 1 16); do
	curl -sS -o /dev/null -D "$T/h$i" --max-time 60 \
	    -w '%{http_code} %{time_total}\n' \
	    -H 'Content-Type: application/json' \
	    --data-binary '{"username":"alice","password":"password123"}' \
	    "$USERD/users/login" >"$T/r$i" 2>&1 &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids
cut -d' ' -f1 "$T"/r* | sort | uniq -c | sed 's/^/# /'
n429=$(cat "$T"/r* | grep -c '^429 ')
n200=$(cat "$T"/r* | grep -c '^200 ')
bad=$(cat "$T"/r* | grep -vc '^200 \|^429 ')
check "some of the burst is refused with 429" test "$n429" -ge 1
check "some of the burst is served" test "$n200" -ge 1
expect_eq "every request got 200 or 429 (none timed out)" "$bad" 0
slow=$(cat "$T"/r* | awk -v lim="$(echo "$one * 3 + 0.5" | bc)" \
    '$1 == 429 && $2 > lim' | wc -l)
expect_eq "every 429 came at once, not after queueing" "$slow" 0
ra=$(for i in $(seq 1 16); do grep -q '^HTTP/1.1 429' "$T/h$i" &&
    grep -i '^retry-after:' "$T/h$i" | tr -d '\r' | cut -d' ' -f2; done | sort -u)
expect_eq "each 429 says Retry-After: 1" "$ra" 1

http POST "$USERD/users/login" '{"username":"alice","password":"password123"}'
expect_status "a login after the burst works" 200
http GET "$USERD/users?username=alice"
expect_status "other routes were never held up" 200

finish
