#!/usr/bin/env bash
# t1180: --migrate, the one-shot migrate step of a deployment (compose's
# migrate services, a Kubernetes Job): chirp-userd, chirp-tweetd and
# chirp-notifyd apply their migrations and exit 0 without serving and
# without any secret; a second run changes nothing; a database that cannot
# be migrated exits non-zero with a line saying why; a service started on
# the migrated database works.
. "$(dirname "$0")/../lib.sh"

# migrate NAME BINARY DBURL SQLDIR [FLAGS...]: run --migrate in the
# foreground with no secret at hand; its exit status, its output in
# $T/NAME.out.
migrate() {
	local name=$1 bin=$2 db=$3 dir=$4; shift 4
	env -u CHIRP_SERVICE_SECRET_FILE timeout 60 "$CHIRP_BIN/$bin" \
	    --migrate --database_url "$db" --sql_dir "$dir" \
	    --token_secret_file "$T/none/secret" "$@" >"$T/$name.out" 2>&1
}
# versions DBURL: the migrations the database lists, with when, in order.
versions() {
	sql "$1" "SELECT version || ' ' || applied_at FROM schema_migrations ORDER BY version"
}
# files DIR: the migrations a folder holds, in order.
files() { ls "$1" | sed -n 's/\.sql$//p' | sort; }

for svc in user:userd tweet:tweetd notify:notifyd; do
	what=${svc%%:*}; bin=chirp-${svc#*:}
	dir=$CHIRP_ROOT/sql/$what
	"$CHIRP_BIN/$bin" --help >"$T/help" 2>&1
	check "$bin --help names --migrate" grep -q '^  migrate ' "$T/help"

	db=$(test_db "m$what")
	migrate "$what" "$bin" "$db" "$dir"
	expect_eq "$bin --migrate on an empty database exits 0" "$?" 0
	expect_eq "$bin --migrate applied every migration of sql/$what" \
	    "$(sql "$db" "SELECT version FROM schema_migrations ORDER BY version")" \
	    "$(files "$dir")"
	check "$bin --migrate says the database is current" \
	    grep -q 'migrate: the .* database is current' "$T/$what.out"
	check "$bin --migrate neither read nor made a token secret" \
	    test ! -e "$T/none"
	check "$bin --migrate served nothing" \
	    test "$(grep -c 'listening' "$T/$what.out")" = 0

	before=$(versions "$db")
	migrate "$what-again" "$bin" "$db" "$dir"
	expect_eq "$bin --migrate a second time exits 0" "$?" 0
	expect_eq "$bin --migrate a second time changes nothing" \
	    "$(versions "$db")" "$before"
	check "$bin --migrate a second time applies nothing" \
	    test "$(grep -c 'migrate: applied' "$T/$what-again.out")" = 0
	eval "DB_$what=\$db"
done

# Failures: one line naming the cause, a non-zero status, at once when
# waiting cannot help.
bin=chirp-userd dir=$CHIRP_ROOT/sql/user
migrate bad-url "$bin" "postgresql://%zz" "$dir"
st=$?
check "a URL libpq cannot parse exits non-zero" test "$st" -ne 0
check "... saying so" grep -q 'database_url is not a connection string' \
    "$T/bad-url.out"

nodb="postgresql:///no_such_db_$$?host=$CHIRP_PGDIR/run&port=$CHIRP_PGPORT&user=postgres"
migrate no-db "$bin" "$nodb" "$dir"
st=$?
check "a database that does not exist exits non-zero" test "$st" -ne 0
check "... with libpq's reason" grep -q 'does not exist' "$T/no-db.out"
check "... and says it was not migrated" \
    grep -q 'the user database was not migrated' "$T/no-db.out"

port=$(free_port)
start=$SECONDS
migrate no-server "$bin" "postgresql://127.0.0.1:$port/x?connect_timeout=1" \
    "$dir" --migrate_wait 2
st=$?
check "a server that never answers exits non-zero" test "$st" -ne 0
check "... after migrate_wait" test $((SECONDS - start)) -le 10
check "... saying so" grep -q 'did not answer in 2 s' "$T/no-server.out"

migrate no-sql "$bin" "$DB_user" "$T/empty"
check "a missing sql_dir exits non-zero" test "$?" -ne 0

"$CHIRP_BIN/chirp-gateway" --migrate >"$T/gw.out" 2>&1
expect_eq "the gateway has no --migrate (no database)" "$?" 2

# The services start on the migrated databases and work: register, log
# in, post, read the timeline, see the notification of a follow.
USERDB=$DB_user TWEETDB=$DB_tweet
USERD_PORT=$(free_port) TWEETD_PORT=$(free_port) NOTIFYD_PORT=$(free_port)
USERD=http://127.0.0.1:$USERD_PORT TWEETD=http://127.0.0.1:$TWEETD_PORT
NOTIFYD=http://127.0.0.1:$NOTIFYD_PORT
start_userd userd "$USERD_PORT" "$USERDB" --tweet_url "$TWEETD"
start_tweetd tweetd "$TWEETD_PORT" "$TWEETDB" "$USERD" "$USERDB"
start_notifyd notifyd "$NOTIFYD_PORT" "$DB_notify"
check "userd applied nothing at start" \
    test "$(grep -c 'migrate: applied' "$T/userd.log")" = 0
accounts "$USERD" alice bob
check "register and login on the migrated user database" test -n "$TA"
post "$TWEETD" "$ALICE" "$TA" "after the migrate step" >"$T/tid"
tid=$(cat "$T/tid")
expect_status "post on the migrated tweet database" 201
http GET "$TWEETD/tweets/userTimeline/$ALICE"
expect_eq "the tweet is on alice's timeline" "$(jb '.tweets[0].tweetId')" "$tid"
follow "$USERD" "$BOB" "$TB" "$ALICE"
check "the notification service records the follow" wait_until 15 \
    sh -c "psql -X -q -A -t -d '$DB_notify' -c 'SELECT count(*) FROM notifications' | grep -qx '[1-9][0-9]*'"

finish
