# tests/lib.sh: sourced by every tests/integration/tNNNN-*.sh (after git's
# t/test-lib.sh). tests/run.sh provides:
#   CHIRP_ROOT       the repository
#   CHIRP_BIN        the sanitizer build's binaries
#   CHIRP_PGDIR      the throwaway cluster (socket in $CHIRP_PGDIR/run)
#   CHIRP_PGPORT     its port
# A script runs alone too: tests/run.sh tests/integration/t0100-user.sh
#
# Each script gets its own databases and ports, so scripts are independent.

set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/chirp-test.XXXXXX")
TEST_NAME=$(basename "$0" .sh)
PIDS=""
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:log_path=$T/asan}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:log_path=$T/ubsan}"
# Cheap password hashing in tests: the cost is configuration, not logic.
export CHIRP_PASSWORD_OPS=1 CHIRP_PASSWORD_MEM_KIB=1024
export CHIRP_LOG_LEVEL=${CHIRP_LOG_LEVEL:-info}
# One service secret for every process a script starts (svcauth.h), made
# once, private to us like the token secret. Through the environment, so
# that every starter passes it.
(umask 077; od -An -tx1 -N48 /dev/urandom | tr -d ' \n' >"$T/service_secret")
export CHIRP_SERVICE_SECRET_FILE=$T/service_secret
# svc_token ISS AUD [AGE]: a service credential (tests/tools/svc-token).
svc_token() { "$CHIRP_TOOLS/svc-token" "$@"; }
# svc_hdr ISS AUD [AGE]: the header line that carries it.
svc_hdr() { printf 'X-Chirp-Service: %s' "$(svc_token "$@")"; }

# --- results -------------------------------------------------------------

# ok, not_ok, check and wait_until (tests/lib-tap.sh); a failure shows
# the last HTTP body too.
TAP_TMP=$T
tap_context() {
	[ -f "$T/body" ] && printf '#   last body: %s\n' "$(head -c 400 "$T/body")"
	return 0
}
# shellcheck source=lib-tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib-tap.sh"
# expect_eq DESC ACTUAL EXPECTED
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1" "expected: '$3'" "actual:   '$2'"; fi
}
# expect_status DESC STATUS [ERROR_CODE]: the last http call's answer.
expect_status() {
	local code
	if [ "$HTTP_STATUS" != "$2" ]; then
		not_ok "$1" "expected status $2, got $HTTP_STATUS"; return
	fi
	if [ $# -ge 3 ]; then
		code=$(jq -r '.error // empty' <"$T/body" 2>/dev/null)
		msg=$(jq -r '.message // empty' <"$T/body" 2>/dev/null)
		if [ "$code" != "$3" ] || [ -z "$msg" ]; then
			not_ok "$1" "expected error '$3' with a message"; return
		fi
	fi
	ok "$1"
}
# refuses DESC STATUS CODE METHOD URL [BODY [HEADER...]]: the call is
# answered STATUS with error CODE ("": any body). One row of a table of
# refusals.
refuses() {
	local d=$1 s=$2 c=$3; shift 3
	http "$@"
	if [ -n "$c" ]; then expect_status "$d" "$s" "$c"
	else expect_status "$d" "$s"; fi
}

# --- http ----------------------------------------------------------------

# http METHOD URL [BODY [HEADER...]]: HTTP_STATUS, $T/body, $T/headers.
http() {
	local m=$1 u=$2 b=${3-} args=()
	shift 2; [ $# -gt 0 ] && shift
	for h in "$@"; do args+=(-H "$h"); done
	if [ -n "$b" ]; then
		args+=(-H 'Content-Type: application/json' --data-binary "$b")
	fi
	HTTP_STATUS=$(curl -sS -o "$T/body" -D "$T/headers" -w '%{http_code}' \
	    --max-time 20 -X "$m" "${args[@]}" "$u" 2>"$T/curl.err") ||
		HTTP_STATUS=000
}
# jb FILTER: jq -r on the last body.
jb() { jq -r "$1" <"$T/body"; }
# hdr NAME: a header of the last answer.
hdr() { grep -i "^$1:" "$T/headers" | head -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ //'; }
auth() { printf 'Authorization: Bearer %s' "$1"; }

# --- processes -----------------------------------------------------------

# free_port: a TCP port nobody listens on, below the ephemeral range
# (32768-60999), so that no client's outgoing connection holds it, and
# never one this script was given before (in $T/ports): two calls in a
# row, before either port is taken, could otherwise both get the same,
# and one service would answer for two.
free_port() {
	local p
	while :; do
		p=$(( (RANDOM % 12000) + 20000 ))
		grep -qx "$p" "$T/ports" 2>/dev/null && continue
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
		echo "$p" >>"$T/ports"
		echo "$p"
		return
	done
}

# --- the bus transport ---------------------------------------------------

# CHIRP_TEST_BUS=nats: the events go through NATS JetStream instead of
# PostgreSQL NOTIFY: a private nats-server, which every service publishes
# to (CHIRP_BUS_URL, their bus_url) and every subscriber takes them from
# (bus_url below). Its log is $T/nats.log.
NATS_PID=""
if [ "${CHIRP_TEST_BUS:-}" = nats ]; then
	NATS_PORT=$(free_port)
	nats-server -js -sd "$T/nats" -p "$NATS_PORT" -a 127.0.0.1 \
	    >>"$T/nats.log" 2>&1 &
	NATS_PID=$!
	for _ in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$NATS_PORT") 2>/dev/null && break
		sleep 0.05
	done
	export CHIRP_BUS_URL=nats://127.0.0.1:$NATS_PORT
fi
# stop_nats: end the private nats-server, if any.
stop_nats() {
	[ -n "$NATS_PID" ] || return 0
	kill -TERM "$NATS_PID" 2>/dev/null; wait "$NATS_PID" 2>/dev/null
	NATS_PID=""
}
# bus_url DBURL: the bus setting of a subscriber to the events of the
# database DBURL (user_bus_url, tweet_bus_url), for the transport in use.
bus_url() {
	if [ -n "${CHIRP_BUS_URL:-}" ]; then echo "$CHIRP_BUS_URL $1"
	else echo "$1"; fi
}
# tap DBURL CHANNEL FILE: every event sent on CHANNEL from now on, as sent
# (sealed), one a line in FILE, whatever the transport; untap ends it.
tap() {
	if [ -n "${CHIRP_BUS_URL:-}" ]; then
		"$CHIRP_TOOLS/nats-tap" "$CHIRP_BUS_URL" "$2" >"$3" \
		    2>"$T/tap.err" &
		TAP_PID=$!
		wait_until 10 grep -q subscribed "$T/tap.err"
		return
	fi
	rm -f "$T/tap.stop"
	{
		echo "LISTEN $2;"
		while [ ! -f "$T/tap.stop" ]; do echo "SELECT 1;"; sleep 0.1; done
	} | psql -X -q -A -t -d "$1" >"$3" 2>&1 &
	TAP_PID=$!
}
untap() {
	if [ -n "${CHIRP_BUS_URL:-}" ]; then
		sleep 0.3
		kill "$TAP_PID" 2>/dev/null
	else
		touch "$T/tap.stop"
	fi
	wait "$TAP_PID" 2>/dev/null
}

# test_db NAME: a new empty database NAME_<script>; prints its URL.
test_db() {
	local db="${1}_$(echo "$TEST_NAME" | tr -c 'a-z0-9\n' _)_$$"
	psql -X -q -h "$CHIRP_PGDIR/run" -p "$CHIRP_PGPORT" -U postgres \
	    -d postgres -c "SET client_min_messages = warning" \
	    -c "DROP DATABASE IF EXISTS $db" \
	    -c "CREATE DATABASE $db" >/dev/null
	echo "postgresql:///$db?host=$CHIRP_PGDIR/run&port=$CHIRP_PGPORT&user=postgres"
}
# sql URL QUERY: run SQL on a test database, unaligned output.
sql() { psql -X -q -A -t -d "$1" -c "$2"; }
# sql_is URL QUERY EXPECTED: QUERY answers EXPECTED (for wait_until).
sql_is() { [ "$(sql "$1" "$2")" = "$3" ]; }
# admin QUERY: run SQL as postgres on the cluster's maintenance database.
admin() { psql -X -q -A -t -h "$CHIRP_PGDIR/run" -p "$CHIRP_PGPORT" -U postgres -d postgres -c "$1"; }
# tweets_of USERID: how many tweets of the user $TWEETDB holds.
tweets_of() { sql "$TWEETDB" "SELECT count(*) FROM tweets WHERE user_id = $1"; }
# prepared: how many PREPAREd transactions $TWEETDB holds.
prepared() { sql "$TWEETDB" "SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()"; }
none_prepared() { test "$(prepared)" = 0; }
# commit_flag USERID: "t" or "f", whether the user's deletion decided
# commit in $USERDB is done ("" when there is no such decision).
commit_flag() { sql "$USERDB" "SELECT done FROM deletion_log WHERE user_id = $1 AND decision = 'commit'"; }
commit_done() { test "$(commit_flag "$1")" = t; }

# start_proc NAME CMD...: run in the background, log to $T/NAME.log.
start_proc() {
	local name=$1; shift
	"$@" >>"$T/$name.log" 2>&1 &
	eval "PID_$name=$!"
	PIDS="$PIDS $name"
}
pid_of() { eval "echo \${PID_$1:-}"; }
# stop_proc NAME: SIGTERM and wait (clean exit, so leaks are reported).
stop_proc() {
	local pid; pid=$(pid_of "$1")
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	eval "PID_$1="
}
# kill_proc NAME: SIGKILL, as a crash would.
kill_proc() {
	local pid; pid=$(pid_of "$1")
	[ -n "$pid" ] || return 0
	kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	eval "PID_$1="
}
# wait_http URL: until it answers at all (30 s: a loaded machine is slow).
wait_http() {
	for _ in $(seq 1 600); do
		curl -s -o /dev/null --max-time 1 "$1" && return 0
		sleep 0.05
	done
	echo "no answer from $1" >&2; return 1
}

# down URL: nothing answers URL/status (a crashed process, or a zombie
# that bash has not reaped yet: either way not serving).
down() { ! curl -s -o /dev/null --max-time 1 "$1/status"; }

# start_userd NAME PORT DBURL [FLAGS...]: a user service.
start_userd() {
	local name=$1 port=$2 db=$3; shift 3
	start_proc "$name" "$CHIRP_BIN/chirp-userd" --port "$port" \
	    --database_url "$db" --token_secret_file "$T/secret" \
	    --sql_dir "$CHIRP_ROOT/sql/user" "$@"
	wait_http "http://127.0.0.1:$port/status"
}
# start_tweetd NAME PORT DBURL USERD_URL USER_DBURL [FLAGS...]
start_tweetd() {
	local name=$1 port=$2 db=$3 users=$4 userdb=$5; shift 5
	start_proc "$name" "$CHIRP_BIN/chirp-tweetd" --port "$port" \
	    --database_url "$db" --user_url "$users" \
	    --user_bus_url "$(bus_url "$userdb")" \
	    --token_secret_file "$T/secret" \
	    --sql_dir "$CHIRP_ROOT/sql/tweet" "$@"
	wait_http "http://127.0.0.1:$port/status"
}
# start_notifyd NAME PORT DBURL [FLAGS...]: a notification service
# reading the events of $USERD and $TWEETD (their logs, and their buses on
# $USERDB and $TWEETDB).
start_notifyd() {
	local name=$1 port=$2 db=$3; shift 3
	start_proc "$name" "$CHIRP_BIN/chirp-notifyd" --port "$port" \
	    --database_url "$db" --user_url "$USERD" --tweet_url "$TWEETD" \
	    --user_bus_url "$(bus_url "$USERDB")" \
	    --tweet_bus_url "$(bus_url "$TWEETDB")" \
	    --token_secret_file "$T/secret" \
	    --sql_dir "$CHIRP_ROOT/sql/notify" "$@"
	wait_http "http://127.0.0.1:$port/status"
}
# start_core [USERD FLAGS...]: both services on fresh databases. Sets
# USERD, TWEETD, USERDB, TWEETDB, USERD_PORT, TWEETD_PORT. TWEETD_FLAGS
# (words) go to chirp-tweetd.
start_core() {
	USERDB=$(test_db u); TWEETDB=$(test_db t)
	USERD_PORT=$(free_port); TWEETD_PORT=$(free_port)
	USERD=http://127.0.0.1:$USERD_PORT; TWEETD=http://127.0.0.1:$TWEETD_PORT
	start_userd userd "$USERD_PORT" "$USERDB" --tweet_url "$TWEETD" "$@"
	# shellcheck disable=SC2086
	start_tweetd tweetd "$TWEETD_PORT" "$TWEETDB" "$USERD" "$USERDB" \
	    ${TWEETD_FLAGS:-}
}

# register URL NAME [PASSWORD]: prints the new user id.
register() {
	http POST "$1/users/register" "{\"username\":\"$2\",\"password\":\"${3:-password123}\"}"
	jb .userId
}
# login URL NAME [PASSWORD]: prints the access token.
login() {
	http POST "$1/users/login" "{\"username\":\"$2\",\"password\":\"${3:-password123}\"}"
	jb .accessToken
}
# accounts URL NAME...: register and log in each NAME; sets the upper-cased
# NAME to its id and T plus that name's first letter to its token
# (alice: ALICE and TA), so the names must start with different letters.
accounts() {
	local url=$1 n u; shift
	for n in "$@"; do
		u=$(tr a-z A-Z <<<"$n")
		printf -v "$u" %s "$(register "$url" "$n")"
		printf -v "T${u:0:1}" %s "$(login "$url" "$n")"
	done
}
# old_token USERID NAME TTL: an access token signed with $T/secret as
# chirp-userd signs, but without "gen" (as made before generations
# existed), valid for TTL seconds.
old_token() {
	/usr/bin/python3 - "$T/secret" "$@" <<'PY'
import base64, hashlib, hmac, json, sys, time
secret = open(sys.argv[1], "rb").read().strip()
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time())
h = b64(b'{"alg":"HS256","typ":"JWT"}')
p = b64(json.dumps({"sub": sys.argv[2], "name": sys.argv[3], "iat": now,
    "exp": now + int(sys.argv[4])}, separators=(",", ":")).encode())
sig = hmac.new(secret, (h + "." + p).encode(), hashlib.sha256).digest()
print(h + "." + p + "." + b64(sig))
PY
}
# follow URL USERID TOKEN TARGET: USERID follows TARGET.
follow() { http POST "$1/users/$2/follow" "{\"followUserId\":\"$4\"}" "$(auth "$3")"; }
# unfollow URL USERID TOKEN TARGET: USERID unfollows TARGET.
unfollow() { http DELETE "$1/users/$2/unfollow" "{\"unfollowUserId\":\"$4\"}" "$(auth "$3")"; }
# post URL USERID TOKEN TEXT: a tweet; prints its id.
post() {
	http POST "$1/tweets" \
	    "$(jq -cn --arg u "$2" --arg c "$4" '{userId:$u,content:$c}')" \
	    "$(auth "$3")"
	jb .tweetId
}
# post_refused URL USERID TOKEN: a post with TOKEN is answered 401.
post_refused() { post "$1" "$2" "$3" x >/dev/null; [ "$HTTP_STATUS" = 401 ]; }

# bus_listen DBURL CHANNEL: listen on a bus channel (psql as a coprocess);
# bus_mark NAME then prints every event payload committed since the last mark
# (and published: see the barrier in bus_mark).
bus_listen() {
	coproc LSN { psql -X -q -A -t -d "$1" 2>&1; }
	BUS_CHANNEL=$2
	echo "LISTEN $2;" >&"${LSN[1]}"
	bus_mark start >/dev/null
}
bus_mark() {
	local line
	# The barrier waits until the publisher has sent every event
	# committed so far. psql prints a notification after the result of
	# the query that read it: the last query flushes what came before.
	echo "SELECT bus_barrier('$BUS_CHANNEL'); SELECT 'mark-$1';" \
	    "SELECT 'end-$1';" >&"${LSN[1]}"
	while IFS= read -r -t 20 line <&"${LSN[0]}"; do
		[ "$line" = "end-$1" ] && return 0
		case $line in
		*'Asynchronous notification'*)
			# without the publisher's "seq" unless BUS_SEQ=1
			sed -e 's/^[^{]*//' -e 's/}[^}]*$/}/' \
			    -e "${BUS_SEQ:+#}"'s/,"seq":[0-9]*}$/}/' <<<"$line" ;;
		esac
	done
}

# --- the end -------------------------------------------------------------

cleanup() {
	for n in $PIDS; do stop_proc "$n"; done
	stop_nats
}
trap cleanup EXIT

# finish: stop everything, report sanitizer findings, print the summary.
finish() {
	local f
	for n in $PIDS; do stop_proc "$n"; done
	stop_nats
	for f in "$T"/asan* "$T"/ubsan*; do
		[ -s "$f" ] || continue
		not_ok "no sanitizer report ($(basename "$f"))" "$(head -n 30 "$f")"
	done
	if [ "$FAILED" -gt 0 ]; then
		for f in "$T"/*.log; do
			[ -f "$f" ] || continue
			echo "# --- tail of $(basename "$f")"
			tail -n 15 "$f" | sed 's/^/#   /'
		done
	fi
	echo "$TEST_NAME: $PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ] && rm -rf "$T"
	[ "$FAILED" -eq 0 ]
}
