# tests/lib-tap.sh: a test script's results in TAP, and waiting for a
# condition. Sourced by tests/lib.sh (every integration and security
# script) and tests/compose/run.sh, which set before sourcing it:
#   TAP_TMP        a scratch folder of the script's (check's output)
#   TAP_WAIT_STEP, TAP_WAIT_PER_S  wait_until's pace (0.1 s, 10 tries a
#                  second; compose sets 1 and 1: its commands start
#                  containers' health probes)
# and may define tap_context, which prints more "#   " lines after a
# failure (lib.sh: the last HTTP body).

PASSED=0
FAILED=0

ok() { PASSED=$((PASSED + 1)); printf 'ok %d - %s\n' $((PASSED + FAILED)) "$1"; }
# not_ok DESC [LINE...]: a failure, each LINE under it as "#   LINE".
not_ok() {
	FAILED=$((FAILED + 1))
	printf 'not ok %d - %s\n' $((PASSED + FAILED)) "$1"
	shift
	[ $# -gt 0 ] && printf '#   %s\n' "$@"
	if declare -F tap_context >/dev/null; then tap_context; fi
	return 0
}
# check DESC CMD...: passes when CMD exits 0.
check() {
	local d=$1; shift
	if "$@" >"$TAP_TMP/check.out" 2>&1; then ok "$d"; else
		not_ok "$d" "command failed: $*" \
		    "$(head -c 600 "$TAP_TMP/check.out")"; fi
}
# wait_until SECONDS CMD...: true as soon as CMD succeeds; tried
# SECONDS x TAP_WAIT_PER_S times, TAP_WAIT_STEP seconds apart (10 and
# 0.1), so a slow CMD lengthens the wait and never shortens it.
wait_until() {
	local limit=$1 _; shift
	for _ in $(seq 1 $((limit * ${TAP_WAIT_PER_S:-10}))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep "${TAP_WAIT_STEP:-0.1}"
	done
	return 1
}
