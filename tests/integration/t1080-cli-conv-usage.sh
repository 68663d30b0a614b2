#!/usr/bin/env bash
# t1080: the conversation commands of chirp (reply, thread, like, unlike,
# repost, unrepost, notifications) as far as no server is needed: help
# lists them, each has --help, a bad argument is a usage error (2) before
# anything is sent, no login is 3, and the man page and the bash
# completion know them.
. "$(dirname "$0")/../lib.sh"

unset CHIRP_TOKEN CHIRP_SERVER NO_COLOR
export HOME=$T/home
mkdir -p "$HOME"
# a server nobody answers on: a usage error must come before any request
DEAD=http://127.0.0.1:$(free_port)
NEW="reply thread like unlike repost unrepost notifications"

cli() {
	XDG_CONFIG_HOME=$T/cfg "$CHIRP_BIN/chirp" --server "$DEAD" "$@" \
	    >"$T/out" 2>"$T/err" </dev/null
	RC=$?
}
expect_rc() {
	if [ "$RC" = "$2" ]; then ok "$1"; else
		not_ok "$1" "expected exit $2, got $RC" \
		    "stdout: $(head -c 300 "$T/out")" \
		    "stderr: $(head -c 300 "$T/err")"; fi
}

cli help
missing=""
for c in $NEW profile; do
	grep -q "^  $c" "$T/out" || missing="$missing $c"
done
expect_eq "help lists every conversation command" "$missing" ""

for c in $NEW; do
	cli "$c" --help
	expect_rc "$c --help exits 0" 0
	check "$c --help prints its usage" grep -q "^usage: chirp $c" "$T/out"
	cli help "$c"
	expect_rc "help $c exits 0" 0
done
cli reply --help
check "reply's usage names the id and the text" \
    grep -qF 'usage: chirp reply TWEET_ID TEXT... | TWEET_ID -' "$T/out"
cli notifications --help
check "notifications' usage names its options" \
    grep -qF 'usage: chirp notifications [--unread] [--limit N] [--keep-unread]' "$T/out"

# usage errors: exit 2, the usage on stderr, nothing sent (the server is
# dead, so a request would have been 1)
usage() {
	local desc=$1; shift
	cli "$@"
	expect_rc "$desc: exit 2" 2
	check "$desc: the usage is shown" grep -q '^usage: chirp' "$T/err"
}
usage "reply without arguments" reply
usage "reply without a text" reply 12
usage "reply to a tweet id that is not a number" reply abc hello
usage "reply to id 0" reply 0 hello
usage "reply with an unknown option" reply --bogus 12 hello
usage "thread without an id" thread
usage "thread of an id that is not a number" thread 12x
usage "thread with two ids" thread 1 2
usage "thread --limit that is not a number" thread --limit many 12
usage "thread --limit without a value" thread 12 --limit
for c in like unlike repost unrepost; do
	usage "$c without an id" "$c"
	usage "$c of an id that is not a number" "$c" -5
	usage "$c with two ids" "$c" 1 2
	usage "$c of an id over 64 bits" "$c" 99999999999999999999
done
usage "notifications with an argument" notifications bob
usage "notifications --limit 0" notifications --limit 0
usage "notifications --limit 101" notifications --limit 101
usage "notifications with an unknown option" notifications --all

# not logged in: 3, before any request
for args in "reply 12 hi" "like 12" "unlike 12" "repost 12" "unrepost 12" \
    "notifications"; do
	# shellcheck disable=SC2086
	cli $args
	expect_rc "$args without a login exits 3" 3
	check "$args without a login says so" grep -q "not logged in" "$T/err"
done
# thread needs no login: against a dead server it fails with 1
cli thread 12
expect_rc "thread without a login asks the server (dead here: 1)" 1
check "... and names it" grep -q "cannot reach '$DEAD'" "$T/err"

# the man page and the completion
MAN=$CHIRP_ROOT/docs/chirp.1
missing=""
for c in $NEW; do
	# a line in bold that names it: ".BI like ..." or "\fBthread\fR ..."
	grep -E '^(\.B|\\fB)' "$MAN" | grep -Eq -- "(^|[^a-z])$c([^a-z]|$)" ||
	    missing="$missing $c"
done
expect_eq "the man page has every conversation command" "$missing" ""
check "the man page has --keep-unread" grep -qF 'keep\-unread' "$MAN"
check "the man page renders without warnings" \
    sh -c "! man --warnings -l '$MAN' 2>&1 >/dev/null | grep -q ."

complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
	    COMP_LINE="$*"; _chirp; printf "%s\n" "${COMPREPLY[@]}"' \
	    _ "$CHIRP_ROOT/client-cli/chirp.bash" "$@" | sort | paste -sd' ' -
}
expect_eq "completion offers the commands starting with 're'" \
    "$(complete_words chirp re)" "register reply repost"
expect_eq "completion offers unlike and unrepost" \
    "$(complete_words chirp un)" "unfollow unlike unrepost"
expect_eq "completion offers notifications' options" \
    "$(complete_words chirp notifications --)" \
    "--help --json --keep-unread --limit --unread"
expect_eq "completion offers thread's options" \
    "$(complete_words chirp thread --)" "--help --json --limit"

finish
