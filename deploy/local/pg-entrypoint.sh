#!/bin/sh
# pg-entrypoint.sh: the part of the postgres image's entrypoint that
# docker-compose.yml relies on, for deploy/local/Dockerfile. On an empty
# PGDATA: initdb as the current user, the owner role POSTGRES_USER with
# the password of POSTGRES_PASSWORD_FILE, the database POSTGRES_DB, and
# password logins (scram) over TCP. Then "postgres ARGS..." runs the
# server in the foreground, listening on every address of the container.
set -eu
: "${PGDATA:?}" "${POSTGRES_USER:?}" "${POSTGRES_PASSWORD_FILE:?}"
db=${POSTGRES_DB:-$POSTGRES_USER}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	mkdir -p "$PGDATA"
	chmod 700 "$PGDATA"
	initdb -D "$PGDATA" -U "$POSTGRES_USER" -E UTF8 --locale=C.UTF-8 \
	    --auth-local=trust --auth-host=scram-sha-256 \
	    --pwfile="$POSTGRES_PASSWORD_FILE" >/dev/null
	echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
	# the database, on a server no one else can reach yet
	pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
	echo 'CREATE DATABASE :"db"' | psql -X -q -v ON_ERROR_STOP=1 \
	    -U "$POSTGRES_USER" -d postgres -v db="$db"
	pg_ctl -D "$PGDATA" -w -m fast stop >/dev/null
	echo "pg-entrypoint: made $db in $PGDATA"
fi
if [ "${1:-}" = postgres ]; then
	shift
	exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
fi
exec "$@"
