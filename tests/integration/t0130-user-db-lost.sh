#!/usr/bin/env bash
# t0130: chirp-userd without its database answers 503 unavailable and
# /status degraded, never crashes, and recovers by itself.
. "$(dirname "$0")/../lib.sh"

USERDB=$(test_db u)
PORT=$(free_port)
U=http://127.0.0.1:$PORT
start_userd userd "$PORT" "$USERDB"
DBNAME=$(sed -e 's|^postgresql:///||' -e 's|?.*||' <<<"$USERDB")

A=$(register "$U" amy); B=$(register "$U" ben)
TA=$(login "$U" amy)

# The database goes away: no new connections, every open one cut.
admin "ALTER DATABASE $DBNAME ALLOW_CONNECTIONS false" >/dev/null
admin "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '$DBNAME'" >/dev/null

http GET "$U/users/$A"
expect_status "a read without the database is 503" 503 unavailable
http POST "$U/users/register" '{"username":"cat","password":"password123"}'
expect_status "a register without the database is 503" 503 unavailable
http POST "$U/users/login" '{"username":"amy","password":"password123"}'
expect_status "a login without the database is 503" 503 unavailable
follow "$U" "$A" "$TA" "$B"
expect_status "a follow without the database is 503" 503 unavailable
http GET "$U/users/$A/followers"
expect_status "a follow list without the database is 503" 503 unavailable
http DELETE "$U/users/$A" "" "$(auth "$TA")"
expect_status "a deletion without the database is 503" 503 unavailable
http POST "$U/users/$A/follow" 'bad' 
expect_status "a missing token is still 401 first" 401 unauthorized
http GET "$U/status"
expect_status "status is 503 while the database is down" 503
expect_eq "status says degraded" "$(jq -c '[.status,.service]' "$T/body")" '["degraded","user"]'

admin "ALTER DATABASE $DBNAME ALLOW_CONNECTIONS true" >/dev/null
http GET "$U/users/$A"
expect_status "the database back, reads work again" 200
follow "$U" "$A" "$TA" "$B"
expect_status "and writes" 200
http GET "$U/users/$B"
expect_eq "the failed follow made nothing, the new one counts once" \
    "$(jb .followersCount)" 1
http GET "$U/status"
expect_status "status is ok again" 200
check "userd is still the same process" kill -0 "$(pid_of userd)"

finish
