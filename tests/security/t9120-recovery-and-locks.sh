#!/usr/bin/env bash
# t9120: defects where one party trusted what it should not.
# - The migrations' advisory lock shared its key space with the per-user
#   locks: a user whose id is the migrations' key held up a starting
#   service.
# - Deletion recovery took any 404 as an answer: tweetd aborted, and userd
#   marked a commit done, on a 404 of a wrong instance or a proxy. Only an
#   explicit answer of the right service may count.
# - crash_point (fault injection) was a setting of the release build.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

# --- a user id's lock does not hold up the migrations ----------------------

DB=$(test_db lock)
# the lock tweetd takes for user 7226354 (pg_advisory_xact_lock(user id)),
# held across the start of a fresh tweetd
{ echo "SELECT pg_advisory_lock(7226354);"; sleep 20; } |
    psql -X -q -d "$DB" >/dev/null 2>&1 &
HOLDER=$!
sleep 0.5
P=$(free_port)
start_proc lockd "$CHIRP_BIN/chirp-tweetd" --port "$P" --database_url "$DB" \
    --user_url http://127.0.0.1:1 --user_bus_url "$DB" \
    --token_secret_file "$T/secret" --sql_dir "$CHIRP_ROOT/sql/tweet"
check "tweetd migrates and starts while a user id's lock is held" \
    wait_until 10 curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$P/status"
stop_proc lockd
kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null

# --- a 404 of something else is not a deletion answer ----------------------

# A server that answers 404 not_found to everything, as a wrong service, an
# old instance or a proxy would.
start_404() {
	start_proc "$1" /usr/bin/python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(n)
        b = b"{\"error\":\"not_found\",\"message\":\"no such thing\"}"
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    do_GET = do_POST = do_DELETE = answer
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
' "$2"
	wait_until 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$2"
}
FAKE_PORT=$(free_port)
start_404 fake "$FAKE_PORT"
FAKE=http://127.0.0.1:$FAKE_PORT


start_core
A=$(register "$USERD" ada); TA=$(login "$USERD" ada)
A1=$(post "$TWEETD" "$A" "$TA" ada)

# tweetd side: a prepared deletion in doubt, and userd "answers" 404
GID="chirp_del_${A}_00000000000000aa"
http POST "$TWEETD/internal/deletions" "{\"gid\":\"$GID\",\"userId\":\"$A\"}" "$(svc_hdr userd tweetd)"
expect_status "a deletion is prepared" 200
stop_proc tweetd
start_tweetd tweetd "$TWEETD_PORT" "$TWEETDB" "$FAKE" "$USERDB" \
    --recovery_age 1 --recovery_period 1
check "tweetd asked and got no decision" wait_until 15 \
    grep -q "deletion $GID: no decision from userd" "$T/tweetd.log"
sleep 1
expect_eq "a 404 from a wrong instance does not abort the deletion" "$(prepared)" 1
stop_proc tweetd
start_tweetd tweetd "$TWEETD_PORT" "$TWEETDB" "$USERD" "$USERDB" \
    --recovery_age 1 --recovery_period 1
check "the real coordinator's answer (abort) ends it" \
    wait_until 15 none_prepared
http GET "$TWEETD/tweets/$A1"
expect_status "aborted: ada's tweet is still there" 200

# userd side: a commit decided, and tweetd "answers" 404
stop_proc userd
start_userd userd "$USERD_PORT" "$USERDB" --tweet_url "$TWEETD" \
    --crash_point after_decision
http DELETE "$USERD/users/$A" "" "$(auth "$TA")"
check "userd died after its decision" wait_until 10 down "$USERD"
stop_proc userd
expect_eq "the commit is decided, not done" "$(commit_flag "$A")" f
start_userd userd "$USERD_PORT" "$USERDB" --tweet_url "$FAKE"
check "userd tried to finish the commit" wait_until 15 \
    grep -q "deletion chirp_del_${A}_.*: commit not confirmed" "$T/userd.log"
expect_eq "a 404 from a wrong instance does not mark the commit done" "$(commit_flag "$A")" f
expect_eq "tweetd still holds the prepared commit" "$(prepared)" 1
stop_proc userd
start_userd userd "$USERD_PORT" "$USERDB" --tweet_url "$TWEETD"
check "the real tweetd's answer marks it done" \
    wait_until 15 commit_done "$A"
expect_eq "and nothing is left prepared" "$(prepared)" 0
http GET "$TWEETD/tweets/$A1"
expect_status "committed: ada's tweet is gone" 404 not_found

# --- crash_point is for the test build only --------------------------------

check "the test build has crash_point" sh -c "'$CHIRP_BIN/chirp-userd' --help | grep -q crash_point"
# The release flags (no SANITIZE, no TESTING; no -g, whose debug names
# would mention the field), one object each: cheap.
( cd "$CHIRP_ROOT" && make -s BUILD="$T/rel" CFLAGS=-O0 "$T/rel/server/user/main.o" \
    "$T/rel/server/user/deletion.o" ) >"$T/rel.log" 2>&1
check "the release objects build" test -s "$T/rel/server/user/main.o"
check "the release build has no crash_point setting" \
    sh -c "! grep -a -q crash_point '$T/rel/server/user/main.o' '$T/rel/server/user/deletion.o'"

finish
