#!/bin/sh
# pg.sh: a private PostgreSQL cluster in a folder, reached by its Unix
# socket in DIR/run (no TCP port is opened).
#
#   pg.sh start DIR PORT   initdb on first use, then start (kept across runs)
#   pg.sh stop DIR
#   pg.sh url DIR PORT DB  the connection URL of database DB
#   pg.sh setup DIR PORT   create roles and the three databases when missing
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the
# 'postgres' user and every server command runs through runuser.
set -eu

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$BIN" ] || { echo "pg: no PostgreSQL server installed" >&2; exit 1; }

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

cmd=$1
dir=$2

# As root the cluster belongs to 'postgres', which must be able to enter
# every folder above DIR: a clone under one it cannot (/root is mode 700)
# gets its cluster in /var/lib/chirp instead, DIR a symbolic link to it,
# so that "make run" works wherever the repository is.
if [ "$cmd" = start ] && [ "$(id -u)" -eq 0 ] && [ ! -L "$dir" ] &&
    [ ! -f "$dir/data/PG_VERSION" ]; then
	mkdir -p "$(dirname "$dir")"
	if ! runuser -u postgres -- test -x "$(dirname "$dir")"; then
		abs=$(cd "$(dirname "$dir")" && pwd)/$(basename "$dir")
		real=/var/lib/chirp/pg-$(printf %s "$abs" | cksum | cut -d' ' -f1)
		install -d -m 755 /var/lib/chirp
		install -d -o postgres -g postgres -m 700 "$real"
		rmdir "$dir" 2>/dev/null || true	# empty, from an earlier try
		if [ -e "$dir" ]; then
			echo "pg: the postgres user cannot enter $(dirname "$dir")" \
			    "and $dir is not empty: remove it and start again" >&2
			exit 1
		fi
		ln -s "$real" "$dir"
		echo "pg: the postgres user cannot enter $(dirname "$dir"):" \
		    "the cluster is in $real ($dir links to it)"
	fi
fi
# Every command works on the real folder: postgres may not pass the link.
if [ -L "$dir" ]; then
	dir=$(readlink -f "$dir")
fi

case $cmd in
start)
	port=$3
	if [ "$(id -u)" -eq 0 ]; then
		install -d -o postgres -g postgres -m 700 "$dir"
	else
		mkdir -p "$dir" && chmod 700 "$dir"
	fi
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_owner "$BIN/initdb" -D "$dir/data" -U postgres -A trust \
		    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
			cat "$dir/initdb.log" >&2; exit 1; }
		cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir/run'
max_connections = 300
max_prepared_transactions = 64
shared_buffers = 128MB
fsync = ${CHIRP_PG_FSYNC:-on}
synchronous_commit = ${CHIRP_PG_SYNC_COMMIT:-on}
CONF
	fi
	as_owner mkdir -p "$dir/run"
	if as_owner "$BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		exit 0
	fi
	as_owner "$BIN/pg_ctl" -D "$dir/data" -o "-p $port" \
	    -l "$dir/postgres.log" -w -t 60 start >/dev/null || {
		tail -n 20 "$dir/postgres.log" >&2; exit 1; }
	;;
stop)
	if [ -f "$dir/data/PG_VERSION" ]; then
		as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop \
		    >/dev/null 2>&1 || true
	fi
	;;
url)
	echo "postgresql:///$4?host=$dir/run&port=$3&user=${5:-postgres}"
	;;
setup)
	port=$3
	psql() { command psql -X -q -v ON_ERROR_STOP=1 -h "$dir/run" \
	    -p "$port" -U postgres "$@"; }
	psql -d postgres <<SQL
SELECT 'CREATE ROLE chirp_user_svc LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chirp_user_svc')
\gexec
SELECT 'CREATE ROLE chirp_tweet_svc LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chirp_tweet_svc')
\gexec
SELECT 'CREATE ROLE chirp_notify_svc LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chirp_notify_svc')
\gexec
SELECT 'CREATE ROLE chirp_bus LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chirp_bus')
\gexec
SELECT 'CREATE DATABASE chirp_user OWNER chirp_user_svc'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'chirp_user')
\gexec
SELECT 'CREATE DATABASE chirp_tweet OWNER chirp_tweet_svc'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'chirp_tweet')
\gexec
SELECT 'CREATE DATABASE chirp_notify OWNER chirp_notify_svc'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'chirp_notify')
\gexec
SQL
	# Each service's role owns its own database and may not even
	# connect to the other's (PUBLIC's default CONNECT and TEMPORARY are
	# revoked); the bus role may connect and LISTEN, and nothing else:
	# no table, no temporary table. (Any role that connects can NOTIFY:
	# events are sealed with the service secret for that.) The event log
	# migrations (sql/*/..._event_log.sql) then let it use the schema for
	# two functions only, bus_position and bus_barrier (its read-your-
	# writes barrier); the service roles own everything else they need
	# (outbox, event_log, published) as the owners of their databases.
	psql -d postgres -c "ALTER ROLE chirp_bus NOSUPERUSER NOCREATEDB
	    NOCREATEROLE NOREPLICATION NOBYPASSRLS"
	for db in chirp_user chirp_tweet chirp_notify; do
		psql -d "$db" -c "REVOKE ALL ON DATABASE $db FROM PUBLIC;
		    REVOKE ALL ON SCHEMA public FROM PUBLIC;
		    GRANT CONNECT ON DATABASE $db TO chirp_bus;"
	done
	;;
*)
	echo "usage: pg.sh start|stop|url|setup DIR [PORT [DB]]" >&2
	exit 2
	;;
esac
