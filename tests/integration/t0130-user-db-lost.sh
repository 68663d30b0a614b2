#!/usr/bin/env bash
# t0130: chirp-userd without its database answers 503 unavailable and
# /status degraded, never crashes, and recovers by itself; started before
# its database is up, it waits for it (as chirp-tweetd does, t0204).
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

USERDB2=$(test_db u2); DB2=$(basename "${USERDB2%%\?*}")
admin "ALTER DATABASE $DB2 ALLOW_CONNECTIONS false" >/dev/null
P2=$(free_port)
start_proc userd2 "$CHIRP_BIN/chirp-userd" --port "$P2" \
    --database_url "$USERDB2" --token_secret_file "$T/secret" \
    --sql_dir "$CHIRP_ROOT/sql/user"
check "userd without its database waits and retries" wait_until 15 sh -c \
    "test \$(grep -c 'cannot migrate the user database; retrying' $T/userd2.log) -ge 2"
admin "ALTER DATABASE $DB2 ALLOW_CONNECTIONS true" >/dev/null
check "the database up, userd serves" wait_http "http://127.0.0.1:$P2/status"
http POST "http://127.0.0.1:$P2/users/register" '{"username":"dan","password":"password123"}'
expect_status "and registers" 201

finish
