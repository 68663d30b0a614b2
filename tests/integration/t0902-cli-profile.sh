#!/usr/bin/env bash
# t0902: chirp profile as a user runs it: shows your own profile, sets the
# display name and bio (plain and --json), refuses bad text before any
# request (exit 2), needs a login (exit 3); chirp user shows the new
# fields; help lists the command.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system || { not_ok "the system starts"; finish; exit 1; }
unset CHIRP_TOKEN CHIRP_SERVER NO_COLOR
export HOME=$T/home
mkdir -p "$HOME"
WHO=alice
cli() {
	XDG_CONFIG_HOME=$T/cfg-$WHO "$CHIRP_BIN/chirp" --server "$GATEWAY" \
	    "$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$?
}
cli_in() {
	local input=$1; shift
	printf '%s' "$input" | XDG_CONFIG_HOME=$T/cfg-$WHO \
	    "$CHIRP_BIN/chirp" --server "$GATEWAY" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}
expect_rc() {
	if [ "$RC" = "$2" ]; then ok "$1"; else
		not_ok "$1" "expected exit $2, got $RC" \
		    "stdout: $(head -c 300 "$T/out")" \
		    "stderr: $(head -c 300 "$T/err")"; fi
}
out() { cat "$T/out"; }
jout() { jq -r "$1" <"$T/out"; }

cli help
check "help lists profile" grep -q "^  profile" "$T/out"
cli profile --help
expect_rc "profile --help exits 0" 0
check "profile --help prints its usage" \
    grep -q '^usage: chirp profile \[--name TEXT\] \[--bio TEXT\]' "$T/out"
cli profile
expect_rc "profile without a login exits 3" 3
cli profile --name x
expect_rc "setting without a login exits 3" 3

cli_in $'password123\n' register --password-stdin alice
expect_rc "register" 0
ALICE_ID=$(jq -r .userId "$T/cfg-alice/chirp/token")
cli post "hello"
counted() { cli --json profile; [ "$(jout .tweetsCount)" = 1 ]; }
check "the post is counted" wait_until 10 counted
cli profile
expect_rc "profile exits 0" 0
check "profile shows the username and id" grep -q "^alice  id $ALICE_ID" "$T/out"
check "profile shows the counts" grep -q "^0 followers, 0 following, 1 tweet$" "$T/out"
check "profile shows when you joined" grep -q "^joined " "$T/out"

cli profile --name "Alice Ä." --bio $'first line\nsecond line'
expect_rc "setting both exits 0" 0
check "the result shows the display name and username" \
    grep -q "^Alice Ä\.  @alice  id $ALICE_ID" "$T/out"
check "the bio keeps its line feed" sh -c "grep -q '^first line\$' '$T/out' && grep -q '^second line\$' '$T/out'"
cli --json profile --bio "only bio"
expect_rc "--json setting exits 0" 0
expect_eq "--json prints the user the API returned" \
    "$(jout '[.displayName,.bio,.tweetsCount]|@json')" '["Alice Ä.","only bio",1]'
cli --json profile
expect_eq "profile --json shows it" "$(jout '[.username,.displayName,.bio]|@json')" \
    '["alice","Alice Ä.","only bio"]'
cli profile --name ""
expect_rc "an empty name clears it" 0
check "no display name: the username leads" grep -q "^alice  id $ALICE_ID" "$T/out"

cli profile --name "$(printf 'é%.0s' $(seq 51))"
expect_rc "a name of 51 characters is a usage error" 2
check "it says why" grep -q "longer than 50" "$T/err"
cli profile --name "$(printf 'é%.0s' $(seq 50))"
expect_rc "a name of 50 two-byte characters is fine" 0
cli profile --bio "$(printf 'b%.0s' $(seq 161))"
expect_rc "a bio of 161 characters is a usage error" 2
cli profile --name $'a\nb'
expect_rc "a line feed in the name is a usage error" 2
cli profile --bio $'a\tb'
expect_rc "a tab in the bio is a usage error" 2
cli profile --name "$(printf 'a\xffb')"
expect_rc "invalid UTF-8 is a usage error" 2
cli profile bob
expect_rc "an argument is a usage error" 2
cli profile --colour red
expect_rc "an unknown option is a usage error" 2
cli --json profile
expect_eq "nothing refused changed anything" "$(jout .bio)" "only bio"

WHO=bob
cli_in $'password123\n' register --password-stdin bob
cli profile --bio $'\e[31mred'
expect_rc "an escape in the bio is refused" 2
cli user alice
expect_rc "user exits 0" 0
check "user shows the display name" grep -q "^$(printf 'é%.0s' $(seq 50))  @alice" "$T/out"
check "user shows the bio" grep -q "^only bio$" "$T/out"
check "user shows the tweets" grep -q ", 1 tweet$" "$T/out"
cli --json user alice
expect_eq "user --json has the new fields" "$(jout '[.bio,.tweetsCount]|@json')" '["only bio",1]'

finish
