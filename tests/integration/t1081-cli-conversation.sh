#!/usr/bin/env bash
# t1081: a conversation done with chirp against a whole system: reply
# (words and stdin) prints the new id, thread shows ancestors, the tweet
# and its replies indented ("[deleted]" for a deleted ancestor), like,
# unlike, repost, unrepost, and the timeline shows "reposted by", "replying
# to" and the counts; --json prints the API's shapes; unknown tweets are 4,
# a refused token 3.
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
fits80() { python3_len_ok "$T/out"; }
# every line of FILE is at most 80 characters (code points)
python3_len_ok() {
	/usr/bin/python3 -c 'import sys
sys.exit(any(len(l.rstrip("\n")) > 80 for l in open(sys.argv[1], encoding="utf-8")))' "$1"
}

for u in alice bob carol; do
	WHO=$u
	cli_in $'password123\n' register --password-stdin "$u"
	expect_rc "register $u" 0
done
WHO=bob; cli follow alice
WHO=carol; cli follow bob

# --- reply ----------------------------------------------------------------

WHO=alice
cli post "the root of it all"
ROOT=$(out)
WHO=bob
cli reply "$ROOT" I agree with @alice
expect_rc "reply exits 0" 0
check "reply prints the new id" grep -Eq '^[0-9]+$' "$T/out"
R1=$(out)
http GET "$GATEWAY/tweets/$R1"
expect_eq "the reply answers the root" "$(jb .replyTo)" "$ROOT"
expect_eq "... in the root's conversation" "$(jb .conversationId)" "$ROOT"
expect_eq "... and its text is the words joined" "$(jb .content)" \
    "I agree with @alice"
WHO=carol
cli_in $'and so do I, \xc3\xa9t\xc3\xa9 \xf0\x9f\x8e\x89\n' --json reply "$R1" -
expect_rc "reply - (stdin) --json exits 0" 0
expect_eq "reply --json prints the tweet, replyTo set" \
    "$(jout '[.replyTo, .conversationId, .content] | @tsv')" \
    "$(printf '%s\t%s\t%s' "$R1" "$ROOT" 'and so do I, été 🎉')"
R2=$(jout .tweetId)
WHO=alice
cli reply "$R1" a second reply to bob
R3=$(out)
cli reply 999999999999 into the void
expect_rc "a reply to an unknown tweet exits 4" 4
check "... and says which" grep -q "999999999999" "$T/err"

# --- thread ---------------------------------------------------------------

cli --json thread "$R1"
expect_rc "thread --json exits 0" 0
expect_eq "thread --json has the API's shape" \
    "$(jout '[(.ancestors | map(.tweetId) | join(",")), .tweet.tweetId, (.replies | map(.tweetId) | join(",")), .nextCursor] | @tsv')" \
    "$(printf '%s\t%s\t%s,%s\t' "$ROOT" "$R1" "$R2" "$R3")"
cli --json thread --limit 1 "$R1"
expect_eq "thread --limit 1 gives one reply and the cursor to go on" \
    "$(jout '[(.replies | length), (.nextCursor | type)] | @tsv')" \
    "$(printf '1\tstring')"
cli thread "$R1"
expect_rc "thread exits 0" 0
check "the root is not indented" grep -q "^alice  .*id $ROOT\$" "$T/out"
check "the tweet is indented once" grep -q "^  bob  .*id $R1\$" "$T/out"
check "its replies twice" grep -q "^    carol  .*id $R2\$" "$T/out"
check "... oldest first" sh -c "grep -n 'id $R2\$' '$T/out' | cut -d: -f1 |
    { read a; b=\$(grep -n 'id $R3\$' '$T/out' | cut -d: -f1); [ \"\$a\" -lt \"\$b\" ]; }"
check "the text of a reply is indented under it" \
    grep -qF '      and so do I, été 🎉' "$T/out"
check "the tweet shows its replies' count" grep -q "^    2 replies" "$T/out"
check "thread fits 80 columns" fits80
cli thread 999999999999
expect_rc "thread of an unknown tweet exits 4" 4
WHO=alice
cli delete "$ROOT"
cli thread "$R2"
expect_rc "thread under a deleted root exits 0" 0
expect_eq "a deleted ancestor shows as [deleted]" "$(head -n 1 "$T/out")" \
    "[deleted]"
check "... and the rest stays indented by depth" \
    grep -q "^    carol  .*id $R2\$" "$T/out"

# --- like, unlike ---------------------------------------------------------

WHO=alice
cli post "like me"
L=$(out)
for u in bob carol; do
	WHO=$u
	cli like "$L"
	expect_rc "$u likes: exit 0" 0
done
check "like says so with the count" grep -q "^liked $L (2 likes)\$" "$T/out"
cli --json like "$L"
expect_eq "liking twice is one like; --json is the tweet with its flags" \
    "$(jout '[.tweetId, .likeCount, .liked] | @tsv')" \
    "$(printf '%s\t2\ttrue' "$L")"
cli --json unlike "$L"
expect_rc "unlike exits 0" 0
expect_eq "unlike --json is the tweet after" \
    "$(jout '[.likeCount, .liked] | @tsv')" "$(printf '1\tfalse')"
cli unlike "$L"
expect_rc "unliking what is not liked exits 0" 0
cli like 999999999999
expect_rc "liking an unknown tweet exits 4" 4

# --- repost, unrepost, and the timeline ---------------------------------------

WHO=bob
cli repost "$L"
expect_rc "repost exits 0" 0
check "repost prints the repost's id" grep -Eq '^[0-9]+$' "$T/out"
RP=$(out)
cli --json repost "$L"
expect_eq "reposting twice gives the same repost, the original inside" \
    "$(jout '[.tweetId, .content, .repostOf.tweetId] | @tsv')" \
    "$(printf '%s\t\t%s' "$RP" "$L")"
WHO=carol
cli timeline
expect_rc "carol's timeline exits 0" 0
check "a repost shows who reposted it" grep -q "^↻ reposted by @bob" "$T/out"
check "... then the original" sh -c \
    "grep -A1 '^↻ reposted by @bob' '$T/out' | grep -q '^alice  .*id $L\$'"
check "a reply names its parent's author when the parent is on the page" \
    sh -c "grep -A1 '^carol  .*id $R2\$' '$T/out' | grep -q '^  ↳ replying to @bob\$'"
check "... with its counts" grep -q "^  1 like · 1 repost\$" "$T/out"
cli --json timeline
expect_eq "timeline --json holds the repost as the API gives it" \
    "$(jout "[.tweets[] | select(.tweetId == \"$RP\") | .repostOf.tweetId] | join(\",\")")" \
    "$L"
WHO=bob
cli timeline bob
check "a reply names its parent's id when the parent is not on the page" \
    grep -q "^  ↳ replying to tweet $ROOT\$" "$T/out"
check "the timeline fits 80 columns" fits80
cli unrepost "$RP"
expect_rc "unrepost by the repost's id exits 0" 0
cli --json timeline bob
expect_eq "the repost left bob's timeline" \
    "$(jout "[.tweets[] | select(.tweetId == \"$RP\")] | length")" 0
cli repost "$L"; RP2=$(out)
cli unrepost "$L"
expect_rc "unrepost by the original's id exits 0" 0
cli --json timeline bob
expect_eq "... removes the repost too" \
    "$(jout "[.tweets[] | select(.tweetId == \"$RP2\")] | length")" 0
cli unrepost "$L"
expect_rc "unreposting what is not reposted exits 0" 0
cli repost 999999999999
expect_rc "reposting an unknown tweet exits 4" 4

# --- a refused token ----------------------------------------------------------

TOK=$(jq -r .accessToken "$T/cfg-bob/chirp/token")
for args in "like $L" "unlike $L" "repost $L" "unrepost $L" "reply $L hi"; do
	# shellcheck disable=SC2086
	CHIRP_TOKEN=${TOK%?????}xxxxx XDG_CONFIG_HOME=$T/empty "$CHIRP_BIN/chirp" \
	    --server "$GATEWAY" $args >"$T/out" 2>"$T/err"
	RC=$?
	expect_rc "$args with a refused token exits 3" 3
done

finish
