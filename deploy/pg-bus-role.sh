#!/bin/sh
# pg-bus-role.sh: the setup step of a service's database, run on every
# start of the compose file (the <db>-setup services) before its migrate
# step, as the database's owner over the network (PGHOST, PGUSER,
# PGDATABASE; the owner's password in /run/secrets/db_password).
#
# Creates the role chirp_bus when missing and sets its password from
# /run/secrets/bus_password each time, so a new password or a volume made
# before the role existed is mended. The service's own role owns the
# database; chirp_bus may connect and LISTEN and, once the event log
# migration has made them, call bus_position and bus_barrier, nothing
# else; nobody else may connect at all. Every statement is idempotent.
set -eu
PGPASSWORD=$(cat /run/secrets/db_password)
export PGPASSWORD

# The database may still be starting: wait for it (60 s).
i=0
until pg_isready -q; do
	i=$((i + 1))
	if [ "$i" -ge 60 ]; then
		echo "pg-bus-role: $PGHOST did not answer in 60 s" >&2
		exit 1
	fi
	sleep 1
done

# The password goes through a psql variable read from the file (\set with
# backquotes), never on a command line; :'pw' quotes it as a literal.
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
\set pw `cat /run/secrets/bus_password`
SELECT 'CREATE ROLE chirp_bus'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chirp_bus')
\gexec
ALTER ROLE chirp_bus LOGIN PASSWORD :'pw' NOSUPERUSER NOCREATEDB
    NOCREATEROLE NOREPLICATION NOBYPASSRLS;
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database())
\gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO chirp_bus',
    current_database())
\gexec
REVOKE ALL ON SCHEMA public FROM PUBLIC;
-- A database migrated before the role existed: the grants its event log
-- migration would have made.
SELECT 'GRANT USAGE ON SCHEMA public TO chirp_bus'
 WHERE to_regprocedure('bus_barrier(text)') IS NOT NULL
\gexec
SELECT 'GRANT EXECUTE ON FUNCTION bus_position(text), bus_barrier(text) TO chirp_bus'
 WHERE to_regprocedure('bus_barrier(text)') IS NOT NULL
\gexec
SQL
echo "pg-bus-role: chirp_bus ready on $PGHOST/$PGDATABASE"
