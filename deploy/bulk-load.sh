#!/bin/sh
# bulk-load.sh: the admin path that loads a whole graph by SQL COPY, for a
# benchmark or a migration from another system, instead of one API call per
# user, follow and tweet (hours for 100k users and 1M tweets).
#
#   deploy/bulk-load.sh DIR USER_DATABASE_URL TWEET_DATABASE_URL
#
# DIR holds the CSV files tests/bench/gen_graph writes (users.csv,
# follows.csv, tweets.csv; docs/operations.md names their columns). The
# databases must be migrated (start the services once: they migrate on
# start) and empty of users and tweets, and the services stopped: the load
# writes no events, so nothing running would learn of it. In one
# transaction per database it copies chirp-userd's users and follows,
# chirp-tweetd's tweets and, when chirp-tweetd's database has it, its
# replica of the follow graph (follows (follower_id, followee_id)); then
# moves the id sequences past the loaded ids and ANALYZEs the tables.
# Nothing is loaded unless every check passes.
set -eu

usage() {
	echo "usage: deploy/bulk-load.sh DIR USER_DATABASE_URL TWEET_DATABASE_URL" >&2
	exit 2
}
[ $# -eq 3 ] || usage
DIR=$1 USERDB=$2 TWEETDB=$3
case $DIR in *"'"*|*'\'*) echo "bulk-load: DIR may not hold ' or \\" >&2; exit 2 ;; esac
DIR=$(cd "$DIR" && pwd) || exit 2
for f in users.csv follows.csv tweets.csv; do
	[ -r "$DIR/$f" ] || { echo "bulk-load: no $DIR/$f" >&2; exit 2; }
done
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

# The schemas are there and nothing is loaded yet.
[ "$(q "$USERDB" "SELECT to_regclass('users') IS NOT NULL AND
    to_regclass('follows') IS NOT NULL")" = t ] ||
	{ echo "bulk-load: the user database is not migrated (start chirp-userd once)" >&2; exit 1; }
[ "$(q "$TWEETDB" "SELECT to_regclass('tweets') IS NOT NULL")" = t ] ||
	{ echo "bulk-load: the tweet database is not migrated (start chirp-tweetd once)" >&2; exit 1; }
[ "$(q "$USERDB" "SELECT NOT EXISTS (SELECT 1 FROM users)")" = t ] ||
	{ echo "bulk-load: the user database already has users" >&2; exit 1; }
[ "$(q "$TWEETDB" "SELECT NOT EXISTS (SELECT 1 FROM tweets)")" = t ] ||
	{ echo "bulk-load: the tweet database already has tweets" >&2; exit 1; }
REPLICA=$(q "$TWEETDB" "SELECT to_regclass('follows') IS NOT NULL")

start=$(date +%s)
echo "bulk-load: users and follows into chirp-userd's database"
psql -X -q -v ON_ERROR_STOP=1 -d "$USERDB" <<EOF
BEGIN;
\\copy users (id, username, password_hash, created_at, followers_count, followings_count) FROM '$DIR/users.csv' WITH (FORMAT csv)
\\copy follows (follower_id, followee_id, created_at) FROM '$DIR/follows.csv' WITH (FORMAT csv)
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users)) \\g /dev/null
COMMIT;
VACUUM (ANALYZE) users;
VACUUM (ANALYZE) follows;
EOF

echo "bulk-load: tweets into chirp-tweetd's database"
if [ "$REPLICA" = t ]; then
	echo "bulk-load: and its follows (follower_id, followee_id)"
	FOLLOWS="\\copy follows (follower_id, followee_id) FROM PROGRAM 'cut -d, -f1,2 \"$DIR/follows.csv\"' WITH (FORMAT csv)"
else
	echo "bulk-load: notice: chirp-tweetd's database has no follows table yet; skipped"
	FOLLOWS=""
fi
psql -X -q -v ON_ERROR_STOP=1 -d "$TWEETDB" <<EOF
BEGIN;
\\copy tweets (id, user_id, username, content, created_at) FROM '$DIR/tweets.csv' WITH (FORMAT csv)
$FOLLOWS
SELECT setval(pg_get_serial_sequence('tweets', 'id'), (SELECT max(id) FROM tweets)) \\g /dev/null
COMMIT;
VACUUM (ANALYZE) tweets;
EOF
if [ "$REPLICA" = t ]; then
	q "$TWEETDB" "VACUUM (ANALYZE) follows" >/dev/null
	# The replica now holds every edge: recount the followers, drop
	# every feed (each is rebuilt on its reader's first read) and apply
	# only the user events logged from now on (docs/HACKING.md).
	seq=$(q "$USERDB" "SELECT coalesce(max(seq), 0) FROM event_log")
	echo "bulk-load: the replica's position is chirp-userd's seq $seq"
	q "$TWEETDB" "SELECT feed_bulk_loaded($seq)" >/dev/null
	# Fresh statistics, or the planner takes a popular author for one
	# in two and a home page of a reader following 5,000 walks all
	# 5,000 (4.2 ms instead of 0.45 ms); and a visibility map, for the
	# index-only scans.
	q "$TWEETDB" "VACUUM (ANALYZE) feed_authors" >/dev/null
	q "$TWEETDB" "VACUUM (ANALYZE) feed_readers" >/dev/null
	q "$TWEETDB" "VACUUM (ANALYZE) feed" >/dev/null
fi
# The users' tweet counts, which chirp-userd otherwise keeps from
# chirp-tweetd's event log (that the load bypasses): counted here, and the
# position set to the log's end, so that only later tweets count.
if [ "$(q "$USERDB" "SELECT to_regclass('tweet_replica') IS NOT NULL")" = t ]; then
	counts=$(mktemp)
	psql -X -q -v ON_ERROR_STOP=1 -d "$TWEETDB" -c \
	    "\copy (SELECT user_id, count(*) FROM tweets GROUP BY 1) TO '$counts' WITH (FORMAT csv)"
	tseq=$(q "$TWEETDB" "SELECT coalesce(max(seq), 0) FROM event_log")
	psql -X -q -v ON_ERROR_STOP=1 -d "$USERDB" <<EOF
BEGIN;
CREATE TEMP TABLE counts (user_id bigint, n bigint) ON COMMIT DROP;
\\copy counts FROM '$counts' WITH (FORMAT csv)
UPDATE users u SET tweets_count = c.n FROM counts c WHERE u.id = c.user_id;
UPDATE tweet_replica SET tweet_seq = $tseq;
COMMIT;
EOF
	rm -f "$counts"
	echo "bulk-load: tweet counts set; chirp-userd counts from chirp-tweetd's seq $tseq on"
fi
echo "bulk-load: $(q "$USERDB" "SELECT count(*) FROM users") users," \
    "$(q "$USERDB" "SELECT count(*) FROM follows") follows," \
    "$(q "$TWEETDB" "SELECT count(*) FROM tweets") tweets in" \
    "$(($(date +%s) - start)) s"
