#!/bin/sh
# pg-bus-role.sh: run once by the postgres image when it creates a
# service's database (docker-entrypoint-initdb.d). The service's own role
# (POSTGRES_USER) owns the database; the role chirp_bus may connect and
# LISTEN and nothing else, and nobody else may connect at all.
set -eu
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" <<SQL
CREATE ROLE chirp_bus LOGIN PASSWORD '${CHIRP_BUS_PASSWORD:?}'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
REVOKE ALL ON DATABASE "$POSTGRES_DB" FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE "$POSTGRES_DB" TO chirp_bus;
SQL
