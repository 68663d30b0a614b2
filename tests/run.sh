#!/usr/bin/env bash
# tests/run.sh: every test. Builds with ASan and UBSan and warnings as
# errors, runs the cmocka unit tests, starts a throwaway PostgreSQL, runs
# every integration script against it, removes it, and prints one summary
# line: "N passed, N failed".
#
#   tests/run.sh                     everything
#   tests/run.sh tests/integration/t0100-user.sh ...   only these scripts
#   CHIRP_TEST_BUS=nats tests/run.sh SCRIPT...   those over NATS JetStream
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
export CHIRP_ROOT=$ROOT
BUILD=build/test
export CHIRP_BIN=$ROOT/$BUILD/bin
export CHIRP_TOOLS=$ROOT/$BUILD/tools

jobs=$(nproc 2>/dev/null || echo 2)
started=$SECONDS
echo "== build (ASan, UBSan, -Werror)"
make -s -j"$jobs" BUILD=$BUILD SANITIZE=address,undefined WERROR=1 \
    all unit-tests || { echo "build: 0 passed, 1 failed"; exit 1; }

passed=0
failed=0
failures=""

# The live feed and resume scripts run a second time with the events
# going through NATS JetStream instead of PostgreSQL NOTIFY
# (CHIRP_TEST_BUS=nats, tests/lib.sh): these, and every cursor-resume
# script t075x-t078x. Each run counts as a test of its own.
NATS_SCRIPTS="t0320 t0350 t0410 t0700 t0701 t0702 t9301"
NATS_GLOB="tests/integration/t07[5-8]*.sh"

scripts=("$@")
nats_scripts=()
run_unit=1
if [ ${#scripts[@]} -eq 0 ]; then
	mapfile -t scripts < <(ls tests/integration/t*.sh tests/security/t*.sh \
	    2>/dev/null | sort)
	mapfile -t nats_scripts < <({
		for n in $NATS_SCRIPTS; do
			ls tests/integration/"$n"-*.sh tests/security/"$n"-*.sh
		done
		# shellcheck disable=SC2086
		ls $NATS_GLOB
	} 2>/dev/null | sort -u)
else
	run_unit=0
fi

# A throwaway cluster, removed at the end whatever happens.
# shellcheck source=lib-pg.sh
. "$ROOT/tests/lib-pg.sh"
echo "== postgresql (throwaway)"
pg_throwaway chirp-pg off ||
	{ echo "postgresql: 0 passed, 1 failed"; exit 1; }

if [ $run_unit -eq 1 ]; then
	echo "== unit tests"
	# one binary per source: a stale binary of a removed test never runs
	for src in tests/unit/test_*.c; do
		t=$BUILD/tests/$(basename "$src" .c)
		if [ -x "$t" ] &&
		    ASAN_OPTIONS=detect_leaks=1 timeout 300 "$t"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1)); failures="$failures $(basename "$t")"
		fi
	done
fi

# run_script SCRIPT [LABEL]: one script, counted.
run_script() {
	local s=$1 name; name=$(basename "$1")${2:+ $2}
	echo "== $s${2:+ $2}"
	start=$SECONDS
	if timeout 600 bash "$s"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); failures="$failures ${name// /:}"
	fi
	echo "== $name: $((SECONDS - start)) s"
}

for s in "${scripts[@]}"; do
	run_script "$s"
done
for s in "${nats_scripts[@]}"; do
	if ! command -v nats-server >/dev/null; then
		echo "== $s [nats]: nats-server is missing (deploy/deps.sh test)"
		failed=$((failed + 1)); failures="$failures $(basename "$s"):[nats]"
		continue
	fi
	CHIRP_TEST_BUS=nats run_script "$s" "[nats]"
done

echo
[ -n "$failures" ] && echo "failed:$failures"
echo "== all tests took $((SECONDS - started)) s"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
