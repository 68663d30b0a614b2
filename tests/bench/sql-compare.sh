#!/usr/bin/env bash
# tests/bench/sql-compare.sh: pgbench scripts of tests/bench/sql/ run
# against each other on one database, in turn (A B C A B C ...), and
# their medians; for comparing two forms of a statement when whole-mix
# runs are too noisy (docs/benchmarks.md).
#
#   tests/bench/sql-compare.sh SCRIPT... 
#
# The database: a throwaway cluster (durable commits) with chirp-tweetd's
# migrations (sql/tweet/), socfb-Reed98 by COPY (gen_graph --edges, 10
# posts a user), about one tweet in ten turned into a repost of an older
# tweet of someone its author follows, each reader liking about one in
# five of its followees' tweets, and every reader's feed built as
# chirp-tweetd builds it (feed_build, feed_cap 400).
#
# Environment (all optional):
#   CHIRP_BENCH_SECONDS   each run (10)
#   CHIRP_BENCH_ROUNDS    alternations (3)
#   CHIRP_BENCH_CLIENTS   pgbench clients (8), on 2 threads
#   CHIRP_BENCH_DATASET   the graph (../shared/datasets/socfb-Reed98)
#   CHIRP_BENCH_KEEP      1: print the database's URL and leave the cluster
#                         running (stop it with deploy/pg.sh stop DIR)
#   CHIRP_BENCH_DB        the URL a run with CHIRP_BENCH_KEEP=1 printed:
#                         run on it, without making a new one
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
SECS=${CHIRP_BENCH_SECONDS:-10}
ROUNDS=${CHIRP_BENCH_ROUNDS:-3}
CLIENTS=${CHIRP_BENCH_CLIENTS:-8}
DATASET=${CHIRP_BENCH_DATASET:-$ROOT/../shared/datasets/socfb-Reed98}
[ $# -ge 1 ] || { echo "usage: $0 SCRIPT..." >&2; exit 2; }
for s in "$@"; do
	[ -f "tests/bench/sql/$s" ] || { echo "no tests/bench/sql/$s" >&2; exit 2; }
done
for n in "$SECS" "$ROUNDS" "$CLIENTS"; do
	case $n in ''|*[!0-9]*|0) echo "not a positive integer: '$n'" >&2; exit 2 ;; esac
done
make -s -j2 BUILD=build benches || exit 1

# setup: the database (above), its URL in DB.
setup() {
	# shellcheck source=../lib-pg.sh
	. "$ROOT/tests/lib-pg.sh"
	pg_throwaway chirp-sqlcmp on || return 1
	trap 'rm -rf "$W"; stop_pg' EXIT
	DB="postgresql:///chirp?host=$CHIRP_PGDIR/run&port=$CHIRP_PGPORT&user=postgres"
	psql -X -q -h "$CHIRP_PGDIR/run" -p "$CHIRP_PGPORT" -U postgres -d postgres \
	    -c "CREATE DATABASE chirp" || return 1
	for f in sql/tweet/*.sql; do q -f "$f" >/dev/null || return 1; done
	build/bench/gen_graph "$W" --edges "$DATASET" \
	    --posts-per-user 10 >/dev/null || return 1
	q <<-EOF || return 1
	\\copy tweets (id, user_id, username, content, created_at) FROM '$W/tweets.csv' WITH (FORMAT csv)
	\\copy follows (follower_id, followee_id) FROM PROGRAM 'cut -d, -f1,2 "$W/follows.csv"' WITH (FORMAT csv)
	SELECT setval(pg_get_serial_sequence('tweets', 'id'), (SELECT max(id) FROM tweets)) \\g /dev/null
	SELECT feed_bulk_loaded(0) \\g /dev/null
	-- About one tweet in ten becomes a repost of an older tweet of a followee.
	WITH c AS (SELECT t.id, t.user_id, (SELECT o.id FROM follows f JOIN tweets o
		ON o.user_id = f.followee_id AND o.id < t.id WHERE f.follower_id =
		t.user_id ORDER BY hashint8(o.id # t.id) LIMIT 1) AS orig
		FROM tweets t WHERE hashint8(t.id) % 10 = 0),
	    u AS (SELECT DISTINCT ON (user_id, orig) id, orig FROM c
		WHERE orig IS NOT NULL)
	UPDATE tweets t SET repost_of = u.orig, content = '' FROM u WHERE t.id = u.id;
	UPDATE tweets o SET repost_count = n FROM (SELECT repost_of, count(*) n
		FROM tweets WHERE repost_of IS NOT NULL GROUP BY 1) r
		WHERE o.id = r.repost_of;
	-- Each reader likes about one in five of its followees' tweets.
	INSERT INTO likes (tweet_id, user_id, username)
		SELECT t.id, f.follower_id, 'u' || f.follower_id FROM follows f
		JOIN tweets t ON t.user_id = f.followee_id
		WHERE hashint8(t.id # f.follower_id) % 5 = 0;
	UPDATE tweets t SET like_count = n FROM (SELECT tweet_id, count(*) n
		FROM likes GROUP BY 1) l WHERE t.id = l.tweet_id;
	INSERT INTO feed_readers (reader_id, horizon)
		SELECT DISTINCT follower_id, NULL::bigint FROM follows;
	EOF
	# Every reader's feed, as tweetd's feed_build makes it.
	q -c "SELECT reader_id FROM feed_readers" | while read -r r; do
		printf "WITH ids AS (SELECT x.id, f.uid FROM (SELECT followee_id FROM
		    follows WHERE follower_id = %s UNION ALL SELECT %s) f(uid)
		    CROSS JOIN LATERAL (SELECT id FROM tweets WHERE user_id = f.uid
		    ORDER BY id DESC LIMIT 400) x ORDER BY x.id DESC LIMIT 400),
		    ins AS (INSERT INTO feed (reader_id, tweet_id, author_id)
		    SELECT %s, id, uid FROM ids ON CONFLICT DO NOTHING)
		    UPDATE feed_readers SET horizon = CASE WHEN (SELECT count(*)
		    FROM ids) < 400 THEN 0 ELSE (SELECT min(id) FROM ids) END
		    WHERE reader_id = %s;\n" "$r" "$r" "$r" "$r"
	done | q >/dev/null || return 1
	q <<-EOF || return 1
	CREATE TABLE bench_readers (n int PRIMARY KEY, user_id bigint NOT NULL,
		authors text NOT NULL, page text);
	INSERT INTO bench_readers SELECT row_number() OVER (ORDER BY r.reader_id),
		r.reader_id, '{' || concat_ws(',', (SELECT string_agg(
		f.followee_id::text, ',') FROM follows f WHERE f.follower_id =
		r.reader_id), r.reader_id) || '}' FROM feed_readers r;
	-- The ids whose flags chirp-tweetd asks for after the reader's first
	-- page (its tweets, and a repost's original): home-two.sql's flags.
	UPDATE bench_readers b SET page = coalesce((SELECT '{' || string_agg(
		concat_ws(',', t.id, t.repost_of), ',') || '}' FROM (SELECT tweet_id
		FROM feed WHERE reader_id = b.user_id ORDER BY tweet_id DESC LIMIT 20)
		f JOIN tweets t ON t.id = f.tweet_id), '{}');
	VACUUM ANALYZE;
	EOF
}

q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
DB=${CHIRP_BENCH_DB:-}
W=$(mktemp -d /tmp/chirp-sqlcmp-work.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT
[ -z "$DB" ] && { setup || exit 1; }

READERS=$(q -c "SELECT count(*) FROM bench_readers")
echo "database: $(q -c "SELECT count(*) FROM tweets") tweets" \
    "($(q -c "SELECT count(*) FROM tweets WHERE repost_of IS NOT NULL")" \
    "reposts), $(q -c "SELECT count(*) FROM likes") likes, $READERS readers" \
    "with a feed; pgbench -M prepared, $CLIENTS clients, ${SECS} s a run;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"

# A run: its TPS and each statement's mean latency (ms, -r).
: >"$W/results"
for i in $(seq "$ROUNDS"); do
	for s in "$@"; do
		pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$SECS" -r \
		    -D readers="$READERS" -f "tests/bench/sql/$s" "$DB" \
		    >"$W/out" 2>&1 || { cat "$W/out"; exit 1; }
		tps=$(sed -n 's/^tps = \([0-9.]*\) (without.*/\1/p' "$W/out")
		# the statements' latencies: lines "  0.123  0  SELECT ..."
		lat=$(awk '/^ +[0-9.]+ +[0-9]+ +[A-Z]/ &&
		    $3 != "\\set" && $0 !~ /bench_readers/ { printf "%s ", $1 }' \
		    "$W/out")
		echo "$s $tps $lat" >>"$W/results"
		echo "round $i: $s: $tps TPS; statements (ms): $lat"
	done
done
echo "medians of $ROUNDS runs:"
for s in "$@"; do
	grep "^$s " "$W/results" | awk '{ for (i = 2; i <= NF; i++)
	    print i, $i }' | sort -k1,1n -k2,2g | awk -v r="$ROUNDS" -v s="$s" '
	    { v[$1, ++c[$1]] = $2; if ($1 > m) m = $1 }
	    END { printf "%-24s %9.0f TPS; statements (ms):", s,
		v[2, int((r + 1) / 2)]
		for (i = 3; i <= m; i++) printf " %.3f", v[i, int((r + 1) / 2)]
		printf "\n" }'
done
[ -n "${PGROOT:-}" ] && [ "${CHIRP_BENCH_KEEP:-0}" = 1 ] &&
	trap 'rm -rf "$W"' EXIT && echo "kept: $DB (deploy/pg.sh stop $CHIRP_PGDIR)"
exit 0
