#!/usr/bin/env bash
# make run's cluster (deploy/pg.sh) in a repository under a folder the
# postgres user cannot enter, as a clone in /root (mode 700) is when make
# run runs as root: the cluster goes to /var/lib/chirp, the state folder
# links to it, and it starts, answers, stops and starts again. As root
# only (otherwise the cluster is the caller's own and nothing changes).
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	check "not root: the cluster is the caller's own (nothing to test)" true
	finish
fi
HOME_DIR=$(mktemp -d /tmp/chirp-home.XXXXXX)
chmod 700 "$HOME_DIR"
STATE=$HOME_DIR/chirp/.chirp
PORT=$(free_port)
REAL=
cleanup_pg() {
	"$CHIRP_ROOT/deploy/pg.sh" stop "$STATE/pg" >/dev/null 2>&1
	[ -n "$REAL" ] && case $REAL in /var/lib/chirp/pg-*) rm -rf "$REAL" ;; esac
	rm -rf "$HOME_DIR"
}
trap 'cleanup_pg; cleanup' EXIT

check "postgres cannot enter the folder above the repository" \
    sh -c "! runuser -u postgres -- test -x '$HOME_DIR'"
"$CHIRP_ROOT/deploy/pg.sh" start "$STATE/pg" "$PORT" >"$T/start.out" 2>&1
expect_eq "pg.sh start succeeds" "$?" 0
REAL=$(readlink -f "$STATE/pg")
check "the state folder links into /var/lib/chirp" \
    sh -c "test -L '$STATE/pg' && case '$REAL' in /var/lib/chirp/pg-*) true ;; *) false ;; esac"
check "... and says so" grep -q "the cluster is in $REAL" "$T/start.out"
check "the cluster belongs to postgres" \
    test "$(stat -c %U "$REAL/data")" = postgres
"$CHIRP_ROOT/deploy/pg.sh" setup "$STATE/pg" "$PORT" >/dev/null 2>&1
expect_eq "pg.sh setup creates the databases" "$?" 0
URL=$("$CHIRP_ROOT/deploy/pg.sh" url "$STATE/pg" "$PORT" chirp_user chirp_user_svc)
expect_eq "the URL through the link connects" \
    "$(psql -X -A -t "$URL" -c 'SELECT current_database()' 2>&1)" chirp_user
"$CHIRP_ROOT/deploy/pg.sh" stop "$STATE/pg"
"$CHIRP_ROOT/deploy/pg.sh" start "$STATE/pg" "$PORT" >"$T/again.out" 2>&1
expect_eq "it starts again on the kept cluster" "$?" 0
expect_eq "... the same folder" "$(readlink -f "$STATE/pg")" "$REAL"
expect_eq "... with its databases" \
    "$(psql -X -A -t "$URL" -c 'SELECT 1' 2>&1)" 1
finish
