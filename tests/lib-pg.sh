# tests/lib-pg.sh: a throwaway PostgreSQL cluster for a script that runs a
# whole system (tests/run.sh, the benchmarks under tests/bench/). Sourced,
# with ROOT set to the repository.
#
#   pg_throwaway NAME on|off  start one in a new /tmp/NAME.XXXXXX, with
#                             fsync and synchronous_commit on or off;
#                             exports CHIRP_PGDIR and CHIRP_PGPORT and sets
#                             stop_pg as the EXIT trap (a caller that sets
#                             its own calls stop_pg in it). Non-zero when
#                             it did not start (deploy/pg.sh says why).
#   stop_pg                   stop it and remove its folder.

stop_pg() {
	[ -n "${PGROOT:-}" ] || return 0
	"$ROOT/deploy/pg.sh" stop "$CHIRP_PGDIR" >/dev/null 2>&1
	rm -rf "$PGROOT"
}

pg_throwaway() {
	PGROOT=$(mktemp -d "/tmp/$1.XXXXXX") || return 1
	chmod 755 "$PGROOT"
	export CHIRP_PGDIR=$PGROOT/pg
	export CHIRP_PGPORT=$(( (RANDOM % 10000) + 40000 ))
	export CHIRP_PG_FSYNC=$2 CHIRP_PG_SYNC_COMMIT=$2
	trap stop_pg EXIT
	"$ROOT/deploy/pg.sh" start "$CHIRP_PGDIR" "$CHIRP_PGPORT"
}
