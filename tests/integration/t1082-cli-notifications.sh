#!/usr/bin/env bash
# t1082: chirp notifications and watch's notifications against a whole
# system: one line each, newest first, "* " on the unread ones, marked
# read afterwards unless --keep-unread; --unread, --limit, --json; watch
# prints "[notification]" lines live, a repost as the original "reposted
# by", and --json one event a line as received (notification_delete too).
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
expect_rc() {
	if [ "$RC" = "$2" ]; then ok "$1"; else
		not_ok "$1" "expected exit $2, got $RC" \
		    "stdout: $(head -c 300 "$T/out")" \
		    "stderr: $(head -c 300 "$T/err")"; fi
}
out() { cat "$T/out"; }
jout() { jq -r "$1" <"$T/out"; }
# unread: alice's unread count, as the API says it
unread() {
	XDG_CONFIG_HOME=$T/cfg-alice "$CHIRP_BIN/chirp" --server "$GATEWAY" \
	    --json notifications --keep-unread | jq -r .unread
}
unread_is() { [ "$(unread)" = "$1" ]; }

for u in alice bob; do
	printf 'password123\n' | XDG_CONFIG_HOME=$T/cfg-$u "$CHIRP_BIN/chirp" \
	    --server "$GATEWAY" register --password-stdin "$u" >/dev/null ||
	    not_ok "register $u"
done

# alice follows bob, so that his reply and repost reach her feed too
XDG_CONFIG_HOME=$T/cfg-alice "$CHIRP_BIN/chirp" --server "$GATEWAY" \
    follow bob >/dev/null || not_ok "alice follows bob"

# alice watches (plain and --json) before anything happens
XDG_CONFIG_HOME=$T/cfg-alice "$CHIRP_BIN/chirp" --server "$GATEWAY" \
    watch >"$T/watch.txt" 2>"$T/watch.err" &
WP=$!
XDG_CONFIG_HOME=$T/cfg-alice "$CHIRP_BIN/chirp" --server "$GATEWAY" \
    --json watch >"$T/watch.json" 2>"$T/watch-json.err" &
WJ=$!
check "plain watch is live" wait_until 20 grep -q "watching '$GATEWAY'" "$T/watch.err"
check "watch --json is live" wait_until 20 grep -q '"type":"ready"' "$T/watch.json"

WHO=alice
cli post "a tweet to be liked, with a text long enough that a line of eighty columns cannot hold it whole"
A=$(out)
WHO=bob
cli follow alice
cli like "$A"
cli reply "$A" "a reply from bob"
R=$(out)

check "three notifications arrive (follow, like, reply)" wait_until 20 unread_is 3

WHO=alice
cli notifications --keep-unread
expect_rc "notifications exits 0" 0
expect_eq "one line a notification" "$(wc -l <"$T/out")" 3
check "the newest first: the reply, its text and id" \
    sh -c "head -n 1 '$T/out' | grep -q '^\\* .*@bob replied: a reply from bob  (id $R)\$'"
check "the like names the tweet, cut to 80 columns" \
    grep -q "^\\* .*@bob liked your tweet: a tweet to be liked.*…  (id $A)\$" "$T/out"
check "the follow" grep -q "^\\* .*@bob followed you\$" "$T/out"
check "every line fits 80 columns" /usr/bin/python3 -c 'import sys
sys.exit(any(len(l.rstrip("\n")) > 80 for l in open(sys.argv[1], encoding="utf-8")))' "$T/out"
expect_eq "--keep-unread leaves them unread" "$(unread)" 3

# ages of different widths ("2h", "now") still line the names up
sql "$NOTIFYDB" "UPDATE notifications SET created_at = now() - interval '150 minutes'
    WHERE type = 'follow'" >/dev/null
cli notifications --keep-unread
check "an older one says its age" grep -q "^\\* 2h  *@bob followed you\$" "$T/out"
check "the names start in one column whatever the age's width" \
    /usr/bin/python3 -c 'import sys
cols = {l.index(" @bob ") for l in open(sys.argv[1], encoding="utf-8")}
sys.exit(len(cols) != 1)' "$T/out"

cli --json notifications --limit 2 --keep-unread
expect_eq "--json --limit 2 is the API's answer with two" \
    "$(jout '[(.notifications | length), .unread, (.notifications[0].type), (.notifications[0].actor.username), (.notifications[0].tweet.tweetId)] | @tsv')" \
    "$(printf '2\t3\treply\tbob\t%s' "$R")"

cli notifications --limit 1
expect_rc "notifications --limit 1 exits 0" 0
expect_eq "... shows one" "$(wc -l <"$T/out")" 1
expect_eq "showing marks read up to the newest shown (all older too)" \
    "$(unread)" 0
cli notifications
check "read ones have no star" sh -c "! grep -q '^\\*' '$T/out'"
cli notifications --unread
expect_eq "--unread shows none when all are read" "$(out)" ""

WHO=bob
cli repost "$A"
RP=$(out)
check "a repost notification arrives" wait_until 20 unread_is 1
WHO=alice
# --keep-unread: --json marks read too (API.md), and the plain --unread
# below must still find the repost unread
cli --json notifications --unread --keep-unread
expect_eq "--unread --json keeps only the unread one" \
    "$(jout '[(.notifications | length), .notifications[0].type, .notifications[0].read] | @tsv')" \
    "$(printf '1\trepost\tfalse')"
cli notifications --unread
check "--unread plain shows the repost" grep -q "^\\* .*@bob reposted your tweet: " "$T/out"
expect_eq "and marks it read" "$(unread)" 0

# watch: the notifications came live, one line each
check "watch shows the like live" \
    wait_until 20 grep -q "\\[notification\\] @bob liked your tweet: a tweet to be liked" "$T/watch.txt"
check "watch shows the reply" grep -q "\\[notification\\] @bob replied: a reply from bob  (id $R)" "$T/watch.txt"
check "watch shows the follow" grep -q "\\[notification\\] @bob followed you" "$T/watch.txt"
check "watch --json prints the notification events as received" \
    wait_until 20 sh -c "jq -r 'select(.type == \"notification\") | .notification.type' '$T/watch.json' | sort | paste -sd, - | grep -qx 'follow,like,reply,repost'"
check "watch shows alice's own tweet" grep -q "alice: a tweet to be liked.*(id $A)" "$T/watch.txt"
check "watch names the parent's author of a reply it saw the parent of" \
    grep -q "bob: a reply from bob  (id $R, replying to @alice)" "$T/watch.txt"
check "watch shows a repost as the original, reposted by" \
    wait_until 20 grep -q "alice: a tweet to be liked.*(id $A, reposted by @bob)" "$T/watch.txt"

# an undone action: notification_delete, quiet in plain, a line in --json
WHO=bob
cli unlike "$A"
check "watch --json prints notification_delete" \
    wait_until 20 grep -q '"type":"notification_delete"' "$T/watch.json"
check "plain watch prints nothing for it" \
    sh -c "! grep -qi 'notification_delete' '$T/watch.txt'"
check "every --json line is one event object with a cursor" \
    jq -e -s 'all(.[]; type == "object" and has("type")) and
        all(.[] | select(.type == "notification"); (.cursor | type) == "string")' "$T/watch.json"

# --json marks read as well, unless --keep-unread
WHO=bob
cli like "$A"
check "the new like arrives" wait_until 20 unread_is 1
WHO=alice
cli --json notifications --unread
expect_eq "--json --unread shows the like" \
    "$(jout '[(.notifications | length), .notifications[0].type] | @tsv')" \
    "$(printf '1\tlike')"
expect_eq "and --json marks it read too" "$(unread)" 0

kill -INT "$WP" "$WJ"
wait "$WP"; RC=$?
expect_rc "Ctrl-C ends watch with 0" 0
wait "$WJ"

TOK=$(jq -r .accessToken "$T/cfg-alice/chirp/token")
CHIRP_TOKEN=${TOK%?????}xxxxx XDG_CONFIG_HOME=$T/empty "$CHIRP_BIN/chirp" \
    --server "$GATEWAY" notifications >"$T/out" 2>"$T/err"
RC=$?
expect_rc "notifications with a refused token exits 3" 3

finish
