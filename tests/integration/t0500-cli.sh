#!/usr/bin/env bash
# t0500: the chirp CLI as a user runs it, against a whole system: every
# command, plain and --json output, exit statuses 0-4, the stored login
# (XDG_CONFIG_HOME, mode 0600), CHIRP_TOKEN and CHIRP_SERVER, UTF-8 from
# stdin, and a server that cannot be reached.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system || { not_ok "the system starts"; finish; exit 1; }
unset CHIRP_TOKEN CHIRP_SERVER NO_COLOR
export HOME=$T/home
mkdir -p "$HOME"
WHO=alice

# cli ARGS...: chirp as $WHO (own config folder) against the gateway;
# stdout in $T/out, stderr in $T/err, exit status in RC.
cli() {
	XDG_CONFIG_HOME=$T/cfg-$WHO "$CHIRP_BIN/chirp" --server "$GATEWAY" \
	    "$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$?
}
# cli_in INPUT ARGS...: the same with INPUT on stdin.
cli_in() {
	local input=$1; shift
	printf '%s' "$input" | XDG_CONFIG_HOME=$T/cfg-$WHO \
	    "$CHIRP_BIN/chirp" --server "$GATEWAY" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}
# expect_rc DESC STATUS: the last cli's exit status.
expect_rc() {
	if [ "$RC" = "$2" ]; then ok "$1"; else
		not_ok "$1" "expected exit $2, got $RC" \
		    "stdout: $(head -c 300 "$T/out")" \
		    "stderr: $(head -c 300 "$T/err")"; fi
}
out() { cat "$T/out"; }
jout() { jq -r "$1" <"$T/out"; }

# --- help and usage ------------------------------------------------------

cli help
expect_rc "help exits 0" 0
missing=""
for c in register login logout whoami post delete follow unfollow \
    followers following timeline user watch delete-account; do
	grep -q "^  $c" "$T/out" || missing="$missing $c"
done
expect_eq "help lists every command" "$missing" ""
cli post --help
expect_rc "COMMAND --help exits 0" 0
check "COMMAND --help prints its usage" grep -q '^usage: chirp post' "$T/out"
"$CHIRP_BIN/chirp" >"$T/out" 2>"$T/err"; RC=$?
expect_rc "no command is a usage error" 2
cli frobnicate
expect_rc "an unknown command is a usage error" 2
check "an unknown command is named" grep -q "'frobnicate' is not a command" "$T/err"
cli timeline --limit many
expect_rc "a limit that is not a number is a usage error" 2
cli --bogus whoami
expect_rc "an unknown global option is a usage error" 2
cli delete not-an-id
expect_rc "a tweet id that is not a number is a usage error" 2

# --- not logged in -------------------------------------------------------

cli whoami
expect_rc "whoami without a login exits 3" 3
check "whoami without a login says so" grep -q "not logged in" "$T/err"
cli post hello
expect_rc "post without a login exits 3" 3
cli timeline
expect_rc "home timeline without a login exits 3" 3

# --- register, login, the stored login -----------------------------------

cli_in $'password123\n' register --password-stdin alice
expect_rc "register exits 0" 0
check "register says it registered and logged in" \
    grep -q "registered 'alice'" "$T/out"
TOK=$T/cfg-alice/chirp/token
check "register stores the login under XDG_CONFIG_HOME" test -f "$TOK"
expect_eq "the token file is mode 0600" "$(stat -c %a "$TOK")" 600
expect_eq "its folder is mode 0700" "$(stat -c %a "$T/cfg-alice/chirp")" 700
expect_eq "nothing is stored under HOME when XDG_CONFIG_HOME is set" \
    "$(find "$HOME" -type f | wc -l)" 0
expect_eq "the stored login names the server" "$(jq -r .server "$TOK")" \
    "$GATEWAY"
expect_eq "the stored login names the user" "$(jq -r .username "$TOK")" alice
ALICE_ID=$(jq -r .userId "$TOK")
check "the stored login holds a token and its expiry" \
    jq -e '(.accessToken | length > 20) and (.expiresAt | length > 0)' "$TOK"

cli whoami
expect_rc "whoami exits 0" 0
check "whoami names the user and the server" \
    grep -q "alice (id $ALICE_ID) on '$GATEWAY'" "$T/out"
cli --json whoami
expect_eq "--json whoami is the user object" "$(jout .username)" alice

WHO=bob
cli_in $'password456\n' --json register --password-stdin bob
expect_rc "register --json exits 0" 0
expect_eq "register --json prints the API's answer" "$(jout .username)" bob
BOB_ID=$(jout .userId)
cli_in $'password456\n' register --password-stdin bob
expect_rc "registering a taken name fails with 1" 1
check "the failure names the server" grep -q "'$GATEWAY'" "$T/err"

cp "$T/cfg-bob/chirp/token" "$T/bob-token.before"
cli_in $'wrong-password\n' login --password-stdin bob
expect_rc "a wrong password exits 3" 3
check "a refused login keeps the stored one" \
    cmp -s "$T/cfg-bob/chirp/token" "$T/bob-token.before"
cli_in $'password456\n' --json login --password-stdin BOB
expect_rc "login ignores case" 0
expect_eq "login --json prints the API's answer" "$(jout .userId)" "$BOB_ID"
expect_eq "login stores the new token" \
    "$(jq -r .accessToken "$T/cfg-bob/chirp/token")" "$(jout .accessToken)"
expect_eq "the token file stays mode 0600 after a login" \
    "$(stat -c %a "$T/cfg-bob/chirp/token")" 600

# --- post ----------------------------------------------------------------

WHO=alice
cli post hello world
expect_rc "post exits 0" 0
T1=$(out)
check "post prints the new id" grep -Eq '^[0-9]+$' "$T/out"
cli --json post second tweet
expect_rc "post --json exits 0" 0
expect_eq "post --json prints the tweet" "$(jout .content)" "second tweet"
T2=$(jout .tweetId)
UTF='héllo wörld 日本 🎉'
cli_in "$UTF"$'\n' post -
expect_rc "post - exits 0" 0
T3=$(out)
http GET "$GATEWAY/tweets/$T3"
expect_eq "post - stores the text byte for byte, newline stripped" \
    "$(jb .content)" "$UTF"
cli_in "$(printf 'x%.0s' $(seq 1 281))" post -
expect_rc "a text over 280 characters fails with 1" 1

# --- follow, followers, following ----------------------------------------

WHO=bob
cli follow alice
expect_rc "follow exits 0" 0
check "follow says so" grep -q "following 'alice'" "$T/out"
cli follow nobody_here
expect_rc "following an unknown user exits 4" 4
check "the unknown user is named" grep -q "nobody_here" "$T/err"
cli following
expect_eq "following lists the user followed" "$(out)" alice
WHO=alice
cli followers
expect_eq "followers lists the follower" "$(out)" bob
cli --json followers
expect_eq "followers --json has the API's shape" \
    "$(jout '[(.followers | length), (.users[0].username), .nextCursor] | @tsv')" \
    "$(printf '1\tbob\t')"
cli followers bob
expect_eq "followers USER lists another user's" "$(out)" ""
cli following --limit 1 bob
expect_eq "following USER --limit lists theirs" "$(out)" alice

# --- timelines -----------------------------------------------------------

WHO=bob
cli --json timeline
expect_rc "home timeline exits 0" 0
expect_eq "home timeline holds the followed user's tweets, newest first" \
    "$(jout '[.tweets[].tweetId] | join(" ")')" "$T3 $T2 $T1"
cli timeline
check "plain timeline shows the author and the text" \
    grep -q "^alice  .*id $T1" "$T/out"
check "plain timeline shows UTF-8 text as it is" grep -qF "$UTF" "$T/out"
check "plain timeline fits 80 columns" \
    awk '{ if (length($0) > 80) exit 1 }' "$T/out"
cli --json timeline alice --limit 1
expect_eq "timeline USER --limit N gives N" "$(jout '.tweets | length')" 1
cli --json timeline --before "$T2" alice
expect_eq "timeline --before gives the older ones" \
    "$(jout '[.tweets[].tweetId] | join(" ")')" "$T1"
cli timeline no_such_user
expect_rc "timeline of an unknown user exits 4" 4

# --- user ----------------------------------------------------------------

cli user alice
expect_rc "user exits 0" 0
check "user shows the followers count" grep -q "^1 follower, 0 following" "$T/out"
cli --json user ALICE
expect_eq "user --json is the user object" \
    "$(jout '[.userId, .followersCount] | @tsv')" "$(printf '%s\t1' "$ALICE_ID")"
cli user nobody_here
expect_rc "user of an unknown name exits 4" 4

# --- delete --------------------------------------------------------------

cli delete "$T1"
expect_rc "deleting another's tweet fails with 1" 1
WHO=alice
cli delete 999999999999
expect_rc "deleting an unknown tweet exits 4" 4
cli delete "$T1"
expect_rc "delete exits 0" 0
cli --json timeline
expect_eq "the deleted tweet left the timeline" \
    "$(jout '[.tweets[].tweetId] | join(" ")')" "$T3 $T2"

WHO=bob
cli unfollow alice
expect_rc "unfollow exits 0" 0
cli following
expect_eq "unfollow empties the list" "$(out)" ""

# --- environment: CHIRP_TOKEN, CHIRP_SERVER, the stored server -------------

ALICE_TOKEN=$(jq -r .accessToken "$T/cfg-alice/chirp/token")
CHIRP_TOKEN=$ALICE_TOKEN XDG_CONFIG_HOME=$T/empty "$CHIRP_BIN/chirp" \
    --server "$GATEWAY" --json post from the environment >"$T/out" 2>"$T/err"
RC=$?
expect_rc "CHIRP_TOKEN logs in without a stored login" 0
expect_eq "CHIRP_TOKEN posts as its user" "$(jout .username)" alice
CHIRP_TOKEN=${ALICE_TOKEN%?????}xxxxx XDG_CONFIG_HOME=$T/empty \
    "$CHIRP_BIN/chirp" --server "$GATEWAY" post forged >"$T/out" 2>"$T/err"
RC=$?
expect_rc "a token the server refuses exits 3" 3
CHIRP_SERVER=$GATEWAY XDG_CONFIG_HOME=$T/cfg-alice "$CHIRP_BIN/chirp" \
    whoami >"$T/out" 2>"$T/err"
RC=$?
expect_rc "CHIRP_SERVER sets the server" 0
XDG_CONFIG_HOME=$T/cfg-alice "$CHIRP_BIN/chirp" whoami >"$T/out" 2>"$T/err"
RC=$?
expect_rc "without a server given, the stored login's is used" 0
check "... and named" grep -q "'$GATEWAY'" "$T/out"

# without XDG_CONFIG_HOME the login lives in ~/.config/chirp
printf 'password123\n' | env -u XDG_CONFIG_HOME "$CHIRP_BIN/chirp" \
    --server "$GATEWAY" login --password-stdin alice >"$T/out" 2>"$T/err"
RC=$?
expect_rc "login without XDG_CONFIG_HOME exits 0" 0
expect_eq "the login is stored in ~/.config/chirp/token, mode 0600" \
    "$(stat -c %a "$HOME/.config/chirp/token" 2>&1)" 600

# --- a server that cannot be reached -------------------------------------

DEAD=http://127.0.0.1:$(free_port)
XDG_CONFIG_HOME=$T/cfg-alice "$CHIRP_BIN/chirp" --server "$DEAD" \
    timeline alice >"$T/out" 2>"$T/err"
RC=$?
expect_rc "an unreachable server exits 1" 1
check "the message names the server" grep -q "^chirp: cannot reach '$DEAD'" "$T/err"

# --- logout, delete-account ----------------------------------------------

WHO=bob
cli logout
expect_rc "logout exits 0" 0
check "logout removes the token file" test ! -e "$T/cfg-bob/chirp/token"
cli whoami
expect_rc "after logout whoami exits 3" 3

WHO=alice
# no terminal to confirm on: refused, and nothing deleted
XDG_CONFIG_HOME=$T/cfg-alice setsid -w "$CHIRP_BIN/chirp" --server "$GATEWAY" \
    delete-account </dev/null >"$T/out" 2>"$T/err"
RC=$?
expect_rc "delete-account without a terminal or --yes is refused" 2
cli user alice
expect_rc "... and the account is still there" 0
cli --json delete-account --yes
expect_rc "delete-account --yes exits 0" 0
check "delete-account forgets the login" test ! -e "$T/cfg-alice/chirp/token"
cli user alice
expect_rc "the deleted account is gone" 4

finish
