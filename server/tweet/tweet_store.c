/*
 * tweet_store.c: the only file of chirp-tweetd that knows SQL. Every
 * statement is prepared on each connection (db.h); ids travel as decimal
 * text, timestamps as milliseconds since the epoch.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "bus.h"
#include "db.h"
#include "events.h"
#include "log.h"
#include "metrics.h"
#include "model.h"
#include "social_store.h"
#include "tweet_store.h"
#include "tweet_store_part.h"
#include "xmalloc.h"

/* Tweets deleted per statement of a deletion (the LIMIT of
 * deletion_tweets). */
#define DELETION_BATCH 1000

#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif

/*
 * The columns of the tweet of alias a, in the order row_tweet reads.
 * created_ms is created_at in whole milliseconds, kept by PostgreSQL
 * (sql/tweet/0006_created_ms.sql): no numeric arithmetic per row read.
 */
#define COLS(a) \
	a ".id, " a ".user_id, " a ".username, " a ".content, " \
	a ".created_ms, " \
	a ".reply_to, " a ".conversation_id, " a ".mentions, " \
	a ".reply_count, " a ".like_count, " a ".repost_count, " \
	a ".repost_of"
#define NCOLS 12
/*
 * A tweet (t) and, for a repost, its original (o), joined on the
 * original's primary key: every read gives the reposts of its page their
 * originals, with their own counts, in the same statement.
 */
#define TWEET_COLUMNS COLS("t") ", " COLS("o")
#define TWEET_FROM "tweets t LEFT JOIN tweets o ON o.id = t.repost_of"
/*
 * A page statement (its rows TWEET_COLUMNS, at most TIMELINE_MAX of
 * them) with the caller's flags of each row in the same statement, as
 * two more columns (liked, reposted; a repost's are its original's, on
 * which a like or a repost acts): after the page's LIMIT, one probe per
 * row of likes (user_id, tweet_id) and one of tweets (repost_of,
 * user_id), both unique; no second round trip after the page. Each
 * probe is an equality on both columns: its cost is the page's, not the
 * caller's count of likes (an = ANY filter over the caller's likes grew
 * with them). A probe runs only where its answer can be yes: a tweet
 * whose like_count (repost_count) is 0 is liked (reposted) by nobody,
 * the caller included. The counts change in the transaction of the like
 * or repost, so the statement's snapshot holds both consistent: the
 * answer is exact, and a page of tweets nobody liked costs no probe
 * (coalesce: the original's count, p.like_count, for a repost; the
 * row's own, p.t10, for the others). viewer is the parameter of the
 * caller's id. The rows come in no order: page_at sorts them, where a
 * second ORDER BY over the page's own would cost the database a sort
 * of its wide rows on every read.
 */
#define FLAGGED(page, viewer) \
	"SELECT p.*, CASE WHEN coalesce(p.like_count, p.t10) > 0 THEN " \
	"EXISTS (SELECT 1 FROM likes l WHERE l.user_id = " viewer " AND " \
	"l.tweet_id = coalesce(p.trp, p.tid)) ELSE false END, " \
	"CASE WHEN coalesce(p.repost_count, p.t11) > 0 THEN EXISTS (SELECT " \
	"1 FROM tweets r WHERE r.repost_of = coalesce(p.trp, p.tid) AND " \
	"r.user_id = " viewer ") ELSE false END FROM (" page \
	") p(tid, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, trp)"

#define USER_TIMELINE_BEFORE \
	"SELECT " TWEET_COLUMNS " FROM " TWEET_FROM " " \
	"WHERE t.user_id = $1 AND t.id < $2 ORDER BY t.id DESC LIMIT $3"

#define USER_TIMELINE_AFTER \
	"SELECT " TWEET_COLUMNS " FROM " TWEET_FROM " " \
	"WHERE t.user_id = $1 AND t.id > $2 ORDER BY t.id ASC LIMIT $3"

/* A page of the feed older than $2, at or above horizon, when gate. */
#define FEED_BEFORE_AT(horizon, gate) \
	"SELECT " TWEET_COLUMNS " FROM " TWEET_FROM " WHERE " gate \
	"t.id IN (" \
	"(SELECT tweet_id FROM feed WHERE reader_id = $1 AND " \
	"tweet_id < $2 AND tweet_id >= " horizon " ORDER BY tweet_id DESC " \
	"LIMIT $3) UNION " \
	"(SELECT x.id FROM feed_authors a JOIN follows f ON " \
	"f.follower_id = $1 AND f.followee_id = a.author_id CROSS JOIN " \
	"LATERAL (SELECT id FROM tweets WHERE user_id = a.author_id AND " \
	"(user_id, id) < (a.author_id, $2) AND id >= " horizon " " \
	"ORDER BY id DESC LIMIT $3) x WHERE a.popular)) " \
	"ORDER BY t.id DESC LIMIT $3"
#define FEED_BEFORE FEED_BEFORE_AT("$4", "")

/*
 * What "feed_state" says (s: the replica's position, whether the
 * reader's feed is kept, its horizon, whether it was seen more than an
 * hour ago) and whether the feed answers now (ok: built, the replica at
 * or past $4, the position the caller may have seen, and the page older
 * than $2 lies above the horizon).
 */
#define FEED_STATE_OK \
	"s(seq, kept, horizon, stale, ok) AS MATERIALIZED (SELECT " \
	"r.user_seq, fr.reader_id IS NOT NULL, fr.horizon, " \
	"fr.seen_at < now() - interval '1 hour', coalesce(fr.horizon IS " \
	"NOT NULL AND $4::bigint >= 0 AND r.user_seq >= $4::bigint AND " \
	"$2::bigint > fr.horizon, " \
	"false) FROM (SELECT (SELECT user_seq FROM replica_state)) " \
	"r(user_seq) LEFT JOIN feed_readers fr ON fr.reader_id = $1)"

#define FEED_AFTER \
	"SELECT " TWEET_COLUMNS " FROM " TWEET_FROM " WHERE t.id IN (" \
	"(SELECT tweet_id FROM feed WHERE reader_id = $1 AND " \
	"tweet_id > $2 ORDER BY tweet_id ASC LIMIT $3) UNION " \
	"(SELECT x.id FROM feed_authors a JOIN follows f ON " \
	"f.follower_id = $1 AND f.followee_id = a.author_id CROSS JOIN " \
	"LATERAL (SELECT id FROM tweets WHERE user_id = a.author_id AND " \
	"(user_id, id) > (a.author_id, $2) ORDER BY id ASC LIMIT $3) x " \
	"WHERE a.popular)) ORDER BY t.id ASC LIMIT $3"

#define HOME_BEFORE \
	"SELECT " TWEET_COLUMNS " FROM " TWEET_FROM " WHERE t.id IN " \
	"(SELECT x.id " \
	"FROM (SELECT followee_id FROM follows WHERE follower_id = $1 " \
	"UNION ALL SELECT $1) f(uid) CROSS JOIN LATERAL (SELECT id FROM " \
	"tweets WHERE user_id = f.uid AND (user_id, id) < (f.uid, $2) " \
	"ORDER BY id DESC LIMIT $3) x ORDER BY x.id DESC LIMIT $3) " \
	"ORDER BY t.id DESC"

#define HOME_AFTER \
	"SELECT " TWEET_COLUMNS " FROM " TWEET_FROM " WHERE t.id IN " \
	"(SELECT x.id " \
	"FROM (SELECT followee_id FROM follows WHERE follower_id = $1 " \
	"UNION ALL SELECT $1) f(uid) CROSS JOIN LATERAL (SELECT id FROM " \
	"tweets WHERE user_id = f.uid AND (user_id, id) > (f.uid, $2) " \
	"ORDER BY id ASC LIMIT $3) x ORDER BY x.id ASC LIMIT $3) " \
	"ORDER BY t.id ASC"

static const struct db_statement statements[] = {
	BUS_STATEMENTS,	/* bus_publish in this database's transactions */
	{"tombstone", "SELECT 1 FROM deleted_users WHERE user_id = $1"},
	/* Posts take the user's lock shared, a deletion exclusively: no post
	 * slips in between a deletion's DELETE and its commit. A post does
	 * not wait for a deletion (which may stay prepared a while). */
	{"lock_user_shared",
	    "SELECT pg_try_advisory_xact_lock_shared($1::bigint)"},
	{"lock_user", "SELECT pg_advisory_xact_lock($1::bigint)"},
	/* Claim a key, or take over one older than 24 hours; no row when a
	 * live key exists (after waiting for a concurrent claim to end). */
	{"claim_key",
	    "INSERT INTO idempotency_keys (user_id, key, response) "
	    "VALUES ($1, $2, '') ON CONFLICT (user_id, key) DO UPDATE "
	    "SET response = '', tweet_id = NULL, created_at = now() "
	    "WHERE idempotency_keys.created_at < now() - interval '24 hours' "
	    "RETURNING 1"},
	{"read_key",
	    "SELECT response FROM idempotency_keys "
	    "WHERE user_id = $1 AND key = $2 AND response <> '' "
	    "AND created_at >= now() - interval '24 hours'"},
	{"store_key",
	    "UPDATE idempotency_keys SET response = $3, tweet_id = $4 "
	    "WHERE user_id = $1 AND key = $2"},
	{"insert_tweet",
	    "WITH t AS (INSERT INTO tweets (user_id, username, content, "
	    "reply_to, conversation_id, mentions) "
	    "VALUES ($1, $2, $3, $4, $5, coalesce($6, '[]')) RETURNING *) "
	    "SELECT " TWEET_COLUMNS " FROM t "
	    "LEFT JOIN tweets o ON o.id = t.repost_of"},
	/* A reply counts at its parent, which it locks: a delete of the
	 * parent waits, or went first and the reply gets 404. A reply to a
	 * repost answers its original, as a like or a repost of one acts
	 * on the original: a repost has no words of its own to answer. The
	 * conversation, the author and the id of the parent come back. */
	{"reply_parent",
	    "UPDATE tweets SET reply_count = reply_count + 1 WHERE id = "
	    "(SELECT coalesce(repost_of, id) FROM tweets WHERE id = $1) "
	    "RETURNING coalesce(conversation_id, id), user_id, id"},
	{"get_tweet",
	    "SELECT " TWEET_COLUMNS " FROM " TWEET_FROM " WHERE t.id = $1"},
	/* GET /internal/tweets: those of $1 that exist (ordered in C). */
	{"get_tweets",
	    "SELECT " TWEET_COLUMNS " FROM " TWEET_FROM " "
	    "WHERE t.id = ANY ($1::bigint[])"},
	/*
	 * A thread's ancestors, nearest first ($2 at most): up reply_to
	 * from the tweet $1, by primary key, through the tombstones of
	 * deleted replies (sql/tweet/0005_thread_tombstones.sql). A deleted
	 * ancestor is a row of NULLs; one with no tombstone either is a
	 * deleted first tweet, where the walk ends as at a live one.
	 */
	{"thread_ancestors",
	    "WITH RECURSIVE a(id, depth) AS ("
	    "SELECT reply_to, 1 FROM tweets WHERE id = $1 AND "
	    "reply_to IS NOT NULL UNION ALL "
	    "SELECT u.up, a.depth + 1 FROM a CROSS JOIN LATERAL (SELECT "
	    "coalesce((SELECT reply_to FROM tweets WHERE id = a.id), "
	    "(SELECT reply_to FROM thread_tombstones WHERE id = a.id)) "
	    "AS up) u WHERE u.up IS NOT NULL AND a.depth < $2) "
	    "SELECT " TWEET_COLUMNS " FROM a LEFT JOIN tweets t ON "
	    "t.id = a.id LEFT JOIN tweets o ON o.id = t.repost_of "
	    "ORDER BY a.depth"},
	/* Its direct replies after $2, oldest first: tweets (reply_to, id). */
	{"thread_replies",
	    "SELECT " TWEET_COLUMNS " FROM " TWEET_FROM " "
	    "WHERE t.reply_to = $1 AND t.id > $2 ORDER BY t.id LIMIT $3"},
	/*
	 * A deleted reply no longer counts at its parent (when that still
	 * exists); the replies of a deleted tweet stay. A deleted reply
	 * with something still below it (a reply, or a tombstone) leaves
	 * its tombstone for the thread's walk; the statement's snapshot is
	 * taken after the tweet's lock (social_kind), so it sees every
	 * reply committed before. Its parent comes back, for
	 * "prune_tombstones" (run after, to see this delete).
	 */
	{"delete_tweet",
	    "WITH d AS (DELETE FROM tweets WHERE id = $1 AND user_id = $2 "
	    "RETURNING id, reply_to, conversation_id), "
	    "p AS (UPDATE tweets SET reply_count = reply_count - 1 "
	    "WHERE id = (SELECT reply_to FROM d) AND reply_count > 0), "
	    "k AS (INSERT INTO thread_tombstones (id, reply_to, "
	    "conversation_id) SELECT d.id, d.reply_to, "
	    "coalesce(d.conversation_id, d.reply_to) FROM d "
	    "WHERE d.reply_to IS NOT NULL AND (EXISTS (SELECT FROM tweets c "
	    "WHERE c.reply_to = d.id) OR EXISTS (SELECT FROM "
	    "thread_tombstones c WHERE c.reply_to = d.id)) "
	    "ON CONFLICT DO NOTHING) "
	    "SELECT id, reply_to FROM d"},
	/* The tombstones among $1 with nothing left below, and upward. */
	{"prune_tombstones",
	    "SELECT thread_tombstones_prune($1::bigint[])"},
	/*
	 * The caller's flags of a page ($2, the ids of its tweets and of
	 * their originals): one statement, two index lookups of the page's
	 * ids (likes (user_id, tweet_id), tweets (repost_of, user_id)).
	 */
	{"flags",
	    "SELECT 'l', tweet_id FROM likes WHERE user_id = $1 "
	    "AND tweet_id = ANY ($2::bigint[]) UNION ALL "
	    "SELECT 'r', repost_of FROM tweets WHERE repost_of IS NOT NULL "
	    "AND repost_of = ANY ($2::bigint[]) AND user_id = $1"},
	{"tweet_exists", "SELECT 1 FROM tweets WHERE id = $1"},
	/* One index range scan per author, merged (LATERAL). The row
	 * comparison is there for the planner: only tweets(user_id, id) can
	 * serve it, where the primary key would filter all tweets. */
	{"timeline_before",
	    "SELECT " TWEET_COLUMNS " FROM " TWEET_FROM " WHERE t.id IN "
	    "(SELECT x.id FROM unnest($1::bigint[]) AS f(uid) "
	    "CROSS JOIN LATERAL (SELECT id FROM tweets "
	    "WHERE user_id = f.uid AND (user_id, id) < (f.uid, $2) "
	    "ORDER BY id DESC LIMIT $3) x ORDER BY x.id DESC LIMIT $3) "
	    "ORDER BY t.id DESC"},
	{"timeline_after",
	    "SELECT " TWEET_COLUMNS " FROM " TWEET_FROM " WHERE t.id IN "
	    "(SELECT x.id FROM unnest($1::bigint[]) AS f(uid) "
	    "CROSS JOIN LATERAL (SELECT id FROM tweets "
	    "WHERE user_id = f.uid AND (user_id, id) > (f.uid, $2) "
	    "ORDER BY id ASC LIMIT $3) x ORDER BY x.id ASC LIMIT $3) "
	    "ORDER BY t.id ASC"},
	/* One author: a plain range scan of tweets(user_id, id), about half
	 * again as many per second as the LATERAL form with one element
	 * (pgbench -M prepared on the Reed98 data). */
	{"user_timeline_before", USER_TIMELINE_BEFORE},
	{"user_timeline_before_flags",
	    FLAGGED(USER_TIMELINE_BEFORE, "$4")},
	{"user_timeline_after", USER_TIMELINE_AFTER},
	{"user_timeline_after_flags",
	    FLAGGED(USER_TIMELINE_AFTER, "$4")},
	{"deletion_tombstone",
	    "INSERT INTO deleted_users (user_id) VALUES ($1) "
	    "ON CONFLICT DO NOTHING"},
	/* A batch of a deleted user's tweets (DELETION_BATCH), oldest first;
	 * their events go to the outbox as the payloads of outbox_put. */
	/* The parents of other authors lose the replies deleted (those of
	 * the user go too, in this batch or a later one). A reply with
	 * something below leaves its tombstone, as in "delete_tweet" (the
	 * user's tweets are locked first, social_deletion_lock); one whose
	 * replies were all in this batch is pruned after it
	 * (prune_tombstones on the batch's ids and parents). */
	{"deletion_tweets",
	    "WITH d AS (DELETE FROM tweets WHERE id IN (SELECT id FROM tweets "
	    "WHERE user_id = $1 ORDER BY id LIMIT 1000) "
	    "RETURNING id, reply_to, conversation_id), "
	    "c AS (SELECT reply_to, count(*) AS n FROM d "
	    "WHERE reply_to IS NOT NULL GROUP BY reply_to), "
	    "p AS (UPDATE tweets SET reply_count = "
	    "greatest(tweets.reply_count - c.n, 0) FROM c "
	    "WHERE tweets.id = c.reply_to AND tweets.user_id <> $1), "
	    "k AS (INSERT INTO thread_tombstones (id, reply_to, "
	    "conversation_id) SELECT d.id, d.reply_to, "
	    "coalesce(d.conversation_id, d.reply_to) FROM d "
	    "WHERE d.reply_to IS NOT NULL AND (EXISTS (SELECT FROM tweets x "
	    "WHERE x.reply_to = d.id) OR EXISTS (SELECT FROM "
	    "thread_tombstones x WHERE x.reply_to = d.id)) "
	    "ON CONFLICT DO NOTHING) "
	    "SELECT id, reply_to FROM d ORDER BY id"},
	{"outbox_put",
	    "INSERT INTO outbox (channel, author, payload) SELECT $1, $3, p "
	    "FROM json_array_elements_text($2::json) WITH ORDINALITY "
	    "AS a(p, n) ORDER BY n"},
	{"deletion_keys", "DELETE FROM idempotency_keys WHERE user_id = $1"},
	{"prepared",
	    "SELECT 1 FROM pg_prepared_xacts "
	    "WHERE gid = $1 AND database = current_database()"},
	{"stale_prepared",
	    "SELECT gid FROM pg_prepared_xacts "
	    "WHERE database = current_database() AND starts_with(gid, $1) "
	    "AND prepared < now() - make_interval(secs => $2::int) "
	    "ORDER BY prepared"},
	/* The publisher (publisher.h) moves the outbox: wake it. */
	{"outbox_wake", "SELECT pg_notify($1 || '_wake', '')"},
	{"purge_keys",
	    "DELETE FROM idempotency_keys "
	    "WHERE created_at < now() - interval '24 hours'"},
	/*
	 * The home timeline's feed (sql/tweet/0003_feed.sql). Advisory
	 * locks, two-key form so as not to meet the deletion's user locks:
	 * (1717, 0) posts take shared and a new reader's registration
	 * exclusive; (1718, author) posts and deletes take shared, the
	 * replica's follow and unfollow exclusive; (1719, reader) the
	 * registration, the build and the replica's changes of that reader.
	 * Each pair serializes a fan-out with the backfill that would
	 * otherwise miss it (neither sees the other's uncommitted row).
	 */
	{"feed_lock_post",
	    "SELECT pg_advisory_xact_lock_shared(1717, 0), "
	    "pg_advisory_xact_lock_shared(1718, hashint8($1::bigint))"},
	{"feed_lock_author", "SELECT pg_advisory_xact_lock(1718, "
	    "hashint8($1::bigint))"},
	{"feed_lock_reader", "SELECT pg_advisory_xact_lock(1719, "
	    "hashint8($1::bigint))"},
	{"feed_lock_register", "SELECT pg_advisory_xact_lock(1717, 0), "
	    "pg_advisory_xact_lock(1719, hashint8($1::bigint))"},
	/* Fan-out on write: the author and, unless popular ($3 followers
	 * make one, for good), every follower, when their feed is kept. */
	{"feed_fanout",
	    "WITH flip AS (UPDATE feed_authors SET popular = true "
	    "WHERE author_id = $1 AND NOT popular AND followers > $3 "
	    "RETURNING true), "
	    "pop AS (SELECT EXISTS (SELECT FROM flip) OR EXISTS (SELECT FROM "
	    "feed_authors WHERE author_id = $1 AND popular) AS p) "
	    "INSERT INTO feed (reader_id, tweet_id, author_id) "
	    "SELECT r.id, $2, $1 FROM (SELECT $1::bigint AS id UNION ALL "
	    "SELECT f.follower_id FROM follows f, pop "
	    "WHERE f.followee_id = $1 AND NOT pop.p) r "
	    "WHERE EXISTS (SELECT FROM feed_readers WHERE reader_id = r.id) "
	    "ON CONFLICT DO NOTHING"},
	/* The cap ($3): a reader's feed is trimmed by about one post in 32
	 * that reaches it (reader + tweet id), so it stays near the cap
	 * without a count per post; the horizon rises to what is kept.
	 * Rows locked in reader order: two posts never deadlock on them. */
	{"feed_trim",
	    "WITH r AS (SELECT fr.reader_id FROM feed_readers fr WHERE "
	    "fr.reader_id IN (SELECT $1::bigint UNION ALL SELECT follower_id "
	    "FROM follows WHERE followee_id = $1) AND fr.horizon IS NOT NULL "
	    "AND (fr.reader_id + $2) % 32 = 0 ORDER BY fr.reader_id "
	    "FOR UPDATE), "
	    "c AS (SELECT r.reader_id, (SELECT tweet_id FROM feed "
	    "WHERE reader_id = r.reader_id ORDER BY tweet_id DESC "
	    "OFFSET $3 - 1 LIMIT 1) AS cut FROM r), "
	    "u AS (UPDATE feed_readers fr SET horizon = "
	    "greatest(fr.horizon, c.cut) FROM c WHERE fr.reader_id = "
	    "c.reader_id AND c.cut IS NOT NULL RETURNING fr.reader_id, "
	    "fr.horizon) "
	    "DELETE FROM feed f USING u WHERE f.reader_id = u.reader_id "
	    "AND f.tweet_id < u.horizon"},
	/* A deleted tweet leaves every feed that holds it: its author's
	 * and the followers' (the author lock keeps backfills out). */
	{"feed_unpost",
	    "DELETE FROM feed WHERE tweet_id = $1 AND reader_id IN "
	    "(SELECT $2::bigint UNION ALL SELECT follower_id FROM follows "
	    "WHERE followee_id = $2)"},
	/*
	 * The replica's changes need no flush of their own at commit: the
	 * position commits with them, so a crash that loses the last few
	 * loses their position too, and they are applied again from
	 * chirp-userd's log (which is durable). Without the flush the
	 * replica keeps up with a burst of follows (37,624 through the API
	 * in 36 s) instead of falling behind and holding home reads back.
	 */
	{"replica_async_commit",
	    "SELECT set_config('synchronous_commit', 'off', true)"},
	/* The replica's position, locked: one applier at a time. */
	{"replica_position",
	    "SELECT user_seq FROM replica_state FOR UPDATE"},
	{"replica_set", "UPDATE replica_state SET user_seq = $1"},
	{"replica_follow",
	    "WITH e AS (INSERT INTO follows VALUES ($1, $2) "
	    "ON CONFLICT DO NOTHING RETURNING followee_id) "
	    "INSERT INTO feed_authors AS a (author_id, followers) "
	    "SELECT followee_id, 1 FROM e ON CONFLICT (author_id) "
	    "DO UPDATE SET followers = a.followers + 1"},
	/* On follow: the followee's newest tweets (up to the cap $3) into
	 * a kept feed, unless popular (merged at read); the horizon rises
	 * when the followee has more than that. */
	{"feed_backfill",
	    "WITH r AS (SELECT reader_id FROM feed_readers WHERE reader_id = "
	    "$1 AND NOT EXISTS (SELECT FROM feed_authors WHERE author_id = $2 "
	    "AND popular)), "
	    "ids AS (SELECT id FROM tweets WHERE user_id = $2 AND EXISTS "
	    "(SELECT FROM r) ORDER BY id DESC LIMIT $3), "
	    "ins AS (INSERT INTO feed (reader_id, tweet_id, author_id) "
	    "SELECT $1, id, $2 FROM ids ON CONFLICT DO NOTHING) "
	    "UPDATE feed_readers SET horizon = greatest(horizon, "
	    "(SELECT min(id) FROM ids)) WHERE reader_id = $1 AND horizon IS "
	    "NOT NULL AND (SELECT count(*) FROM ids) = $3"},
	{"replica_unfollow",
	    "WITH e AS (DELETE FROM follows WHERE follower_id = $1 AND "
	    "followee_id = $2 RETURNING followee_id) "
	    "UPDATE feed_authors a SET followers = a.followers - 1 FROM e "
	    "WHERE a.author_id = e.followee_id AND a.followers > 0"},
	{"feed_drop_author",
	    "DELETE FROM feed WHERE reader_id = $1 AND author_id = $2"},
	/* An account deleted: its edges both ways, its feed, its rows in
	 * its followers' feeds. */
	{"replica_gone_followings",
	    "WITH e AS (DELETE FROM follows WHERE follower_id = $1 "
	    "RETURNING followee_id) "
	    "UPDATE feed_authors a SET followers = a.followers - 1 FROM e "
	    "WHERE a.author_id = e.followee_id AND a.followers > 0"},
	{"replica_gone_followers",
	    "WITH e AS (DELETE FROM follows WHERE followee_id = $1 "
	    "RETURNING follower_id) "
	    "DELETE FROM feed f USING e WHERE f.reader_id = e.follower_id "
	    "AND f.author_id = $1"},
	{"replica_gone_feed",
	    "WITH d AS (DELETE FROM feed_readers WHERE reader_id = $1), "
	    "a AS (DELETE FROM feed_authors WHERE author_id = $1) "
	    "DELETE FROM feed WHERE reader_id = $1"},
	/* Bootstrap from chirp-userd: start over, a page of edges at a
	 * time, then count. */
	{"replica_reset",
	    "WITH a AS (DELETE FROM follows), b AS (DELETE FROM feed), "
	    "c AS (DELETE FROM feed_readers) DELETE FROM feed_authors"},
	{"replica_edges",
	    "INSERT INTO follows SELECT * FROM unnest($1::bigint[], "
	    "$2::bigint[]) ON CONFLICT DO NOTHING"},
	{"replica_count",
	    "INSERT INTO feed_authors (author_id, followers) "
	    "SELECT followee_id, count(*) FROM follows GROUP BY followee_id"},
	/* What a read needs first: the replica's position, and whether
	 * the reader's feed is kept (its horizon, NULL: being built). */
	{"feed_state",
	    "SELECT (SELECT user_seq FROM replica_state), fr.reader_id IS "
	    "NOT NULL, fr.horizon, fr.seen_at < now() - interval '1 hour' "
	    "FROM (SELECT 1) x LEFT JOIN feed_readers fr ON fr.reader_id = $1"},
	{"feed_seen",
	    "UPDATE feed_readers SET seen_at = now() WHERE reader_id = $1"},
	{"feed_register",
	    "INSERT INTO feed_readers (reader_id, horizon) VALUES ($1, NULL) "
	    "ON CONFLICT DO NOTHING RETURNING 1"},
	{"feed_clear", "DELETE FROM feed WHERE reader_id = $1"},
	/* Build a reader's feed: the newest $2 of the authors' timelines
	 * (ids only, over tweets(user_id, id)), the horizon their oldest
	 * when there were that many, else 0 (the feed holds everything). */
	{"feed_build",
	    "WITH ids AS (SELECT x.id, f.uid FROM (SELECT followee_id FROM "
	    "follows WHERE follower_id = $1 UNION ALL SELECT $1) f(uid) "
	    "CROSS JOIN LATERAL (SELECT id FROM tweets WHERE user_id = f.uid "
	    "ORDER BY id DESC LIMIT $2) x ORDER BY x.id DESC LIMIT $2), "
	    "ins AS (INSERT INTO feed (reader_id, tweet_id, author_id) "
	    "SELECT $1, id, uid FROM ids ON CONFLICT DO NOTHING) "
	    "UPDATE feed_readers SET horizon = CASE WHEN (SELECT count(*) "
	    "FROM ids) < $2 THEN 0 ELSE (SELECT min(id) FROM ids) END, "
	    "seen_at = now() WHERE reader_id = $1"},
	/*
	 * A page of a kept feed: one range scan of the reader's rows at or
	 * above the horizon ($4), merged with the newest of the popular
	 * authors the reader follows (one range scan each), then the rows.
	 */
	{"feed_before", FLAGGED(FEED_BEFORE, "$1")},
	/*
	 * A first read (no after): "feed_state" and, when the feed answers
	 * (s.ok), "feed_before" at its horizon, in one statement: one
	 * round trip for most reads. Its first row has the state, the page
	 * follows in the columns after it (none: tid NULL).
	 */
	{"feed_first",
	    "WITH " FEED_STATE_OK " SELECT s.seq, s.kept, s.horizon, "
	    "s.stale, s.ok, q.* FROM s LEFT JOIN (" FLAGGED(FEED_BEFORE_AT(
	    "(SELECT horizon FROM s)", "(SELECT ok FROM s) AND "), "$1")
	    ") q ON true"},
	{"feed_after", FLAGGED(FEED_AFTER, "$1")},
	/* Beyond the feed: the authors' timelines, ids first, then rows. */
	{"home_before", FLAGGED(HOME_BEFORE, "$1")},
	{"home_after", FLAGGED(HOME_AFTER, "$1")},
	/* Readers away longer than $1 days lose their feed, $2 at most per
	 * pass (rebuilt on their next read). */
	{"feed_prune",
	    "WITH r AS (DELETE FROM feed_readers WHERE reader_id IN (SELECT "
	    "reader_id FROM feed_readers WHERE seen_at < now() - "
	    "make_interval(days => $1::int) ORDER BY seen_at LIMIT $2) "
	    "RETURNING reader_id) "
	    "DELETE FROM feed f USING r WHERE f.reader_id = r.reader_id"},
	{NULL, NULL},
};

static char *id_array(const int64_t *, size_t);
static void page_of(PGresult *, bool, bool, struct tweet_store_page *);
static void page_at(PGresult *, int, bool, bool, struct tweet_store_page *);
static void state_of(struct tweet_store *, const PGresult *,
    const char *const *, struct tweet_store_feed_state *);
static enum tweet_store_result page_rows(struct tweet_store *, const char *,
    int, const char *const *, bool, struct tweet_store_page *);

struct tweet_store {
	struct db *db;
	struct db_statement *stmts;	/* statements and the parts' */
	char cap[16];		/* feed rows kept per reader */
	char popular[24];	/* followers that make an author popular */
};

struct tweet_store *
tweet_store_new(const char *url)
{
	struct tweet_store *s = xcalloc(1, sizeof *s);
	size_t n, m;

	/* One table for db.h: this file's, then social_store.c's. */
	for (n = 0; statements[n].name != NULL; n++)
		;
	for (m = 0; social_store_statements[m].name != NULL; m++)
		;
	s->stmts = xcalloc(n + m + 1, sizeof *s->stmts);
	memcpy(s->stmts, statements, n * sizeof *s->stmts);
	memcpy(s->stmts + n, social_store_statements, m * sizeof *s->stmts);
	s->db = db_new(url, s->stmts);
	tweet_store_feed_config(s, TWEET_STORE_FEED_CAP, 10000);
	return s;
}

void
tweet_store_free(struct tweet_store *s)
{
	if (s == NULL)
		return;
	db_free(s->db);
	free(s->stmts);
	free(s);
}

bool
tweet_store_healthy(struct tweet_store *s)
{
	return db_healthy(s->db);
}

void
tweet_store_page_release(struct tweet_store_page *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		model_tweet_release(&p->items[i]);
	free(p->items);
	p->items = NULL;
	p->n = 0;
}

/* What a failed statement means to a caller. */
static enum tweet_store_result
failure(PGconn *conn, const char *sqlstate)
{
	if (PQstatus(conn) != CONNECTION_OK ||
	    (sqlstate != NULL && strcmp(sqlstate, DB_CONNECTION_LOST) == 0))
		return TWEET_STORE_UNAVAILABLE;
	return TWEET_STORE_ERROR;
}

/*
 * Run stmt on conn, or on this thread's connection outside a transaction
 * when conn is NULL; on failure *res is set and NULL returned.
 */
static PGresult *
run(struct tweet_store *s, PGconn *conn, const char *stmt, int n,
    const char *const *params, enum tweet_store_result *res)
{
	const char *state = NULL;
	PGresult *r;

	if (conn == NULL && (conn = db_conn(s->db)) == NULL) {
		*res = TWEET_STORE_UNAVAILABLE;
		return NULL;
	}
	if ((r = db_exec(s->db, conn, stmt, n, params, &state)) == NULL)
		*res = failure(conn, state);
	return r;
}

/* As run, for the number of rows only; -1 on failure. */
static int
run_count(struct tweet_store *s, PGconn *conn, const char *stmt, int n,
    const char *const *params, enum tweet_store_result *res)
{
	PGresult *r = run(s, conn, stmt, n, params, res);
	int rows;

	if (r == NULL)
		return -1;
	rows = PQntuples(r);
	PQclear(r);
	return rows;
}

/* Publish an event of author in conn's transaction; -1 (*res set) on
 * failure. */
static int
publish(PGconn *conn, const char *channel, const char *payload,
    int64_t author, enum tweet_store_result *res)
{
	if (bus_publish_by(db_bus_tx(conn), channel, payload, author) == 0)
		return 0;
	*res = failure(conn, NULL);
	return -1;
}

/*
 * Run fn, a db_tx_fn whose argument starts with a struct tx, in a
 * transaction (db_tx). fn sets tx->r afresh on each run.
 */
static enum tweet_store_result
run_tx(struct tweet_store *s, db_tx_fn *fn, struct tx *tx)
{
	tx->s = s;
	switch (db_tx(s->db, fn, tx)) {
	case DB_TX_COMMITTED:
	case DB_TX_ROLLED_BACK:
		return tx->r;
	case DB_TX_UNAVAILABLE:
		return TWEET_STORE_UNAVAILABLE;
	default:
		return TWEET_STORE_ERROR;
	}
}

/* Column c of row as an id; 0 when NULL. */
static int64_t
col_id(const PGresult *r, int row, int c)
{
	return PQgetisnull(r, row, c) ? 0 :
	    strtoll(PQgetvalue(r, row, c), NULL, 10);
}

/* The COLS from column off of row into t (content byte for byte). */
static void
row_cols(const PGresult *r, int row, int off, struct tweet *t)
{
	memset(t, 0, sizeof *t);
	t->id = col_id(r, row, off);
	t->user_id = col_id(r, row, off + 1);
	memcpy(t->username, PQgetvalue(r, row, off + 2),
	    MIN((size_t)PQgetlength(r, row, off + 2),
	    sizeof t->username - 1));
	t->content = xstrndup(PQgetvalue(r, row, off + 3),
	    PQgetlength(r, row, off + 3));
	t->created_ms = col_id(r, row, off + 4);
	t->reply_to = col_id(r, row, off + 5);
	t->conversation_id = col_id(r, row, off + 6);
	/* Written by this service as model.h has it; "[]" is NULL there. */
	if (strcmp(PQgetvalue(r, row, off + 7), "[]") != 0)
		t->mentions = xstrndup(PQgetvalue(r, row, off + 7),
		    PQgetlength(r, row, off + 7));
	t->reply_count = col_id(r, row, off + 8);
	t->like_count = col_id(r, row, off + 9);
	t->repost_count = col_id(r, row, off + 10);
}

/* The TWEET_COLUMNS from column off of row into t: the tweet, and its
 * original when it is a repost whose original still exists. */
static void
row_tweet_at(const PGresult *r, int row, int off, struct tweet *t)
{
	row_cols(r, row, off, t);
	if (!PQgetisnull(r, row, off + NCOLS)) {
		t->repost_of = xcalloc(1, sizeof *t->repost_of);
		row_cols(r, row, off + NCOLS, t->repost_of);
	}
}

/* A row of TWEET_COLUMNS into t (row_tweet_at). */
static void
row_tweet(const PGresult *r, int row, struct tweet *t)
{
	row_tweet_at(r, row, 0, t);
}

/* JSON text of a tweet; caller frees. */
static char *
tweet_text(const struct tweet *t)
{
	struct jsonw w;

	jsonw_init(&w);
	model_tweet_write(&w, t);
	return jsonw_take(&w, NULL);
}

/* The stored first answer to an idempotent request, when live. */
static enum tweet_store_result
read_key(struct tweet_store *s, const char *const *params, char **response)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	PGresult *r;

	if ((r = run(s, NULL, "read_key", 2, params, &res)) == NULL)
		return res;
	if (PQntuples(r) != 1) {
		/* Claimed and then dropped in between: rare, not an error
		 * the client can fix. */
		log_warnx("idempotency key vanished during a repeat");
		PQclear(r);
		return TWEET_STORE_ERROR;
	}
	*response = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return TWEET_STORE_REPLAY;
}

/* A new tweet, the argument of post_tx. */
struct post {
	struct tx tx;
	char uid[24], tid[24], parent[24], conv[24];
	const char *kp[4];	/* user id, key, response, tweet id */
	const char *username, *content, *mentions;
	int64_t reply_to;	/* 0: none */
	int64_t parent_user;	/* the parent's author, for the event */
	struct tweet t;
	char *text;		/* the tweet's JSON */
};

/* The new tweet into the feeds it reaches, in the post's transaction. */
static int
fan_out(struct tweet_store *s, PGconn *conn, struct post *p)
{
	const char *fp[3] = {p->uid, p->tid, s->popular};
	PGresult *r;
	bool some;

	if ((r = run(s, conn, "feed_fanout", 3, fp, &p->tx.r)) == NULL)
		return -1;
	some = strcmp(PQcmdTuples(r), "0") != 0;
	PQclear(r);
	fp[2] = s->cap;
	if (some && run_count(s, conn, "feed_trim", 3, fp, &p->tx.r) < 0)
		return -1;
	return 0;
}

static int
post_tx(PGconn *conn, void *arg)
{
	struct post *p = arg;
	struct tweet_store *s = p->tx.s;
	const char *tp[6] = {p->uid, p->username, p->content, NULL, NULL,
	    p->mentions};
	char *event;
	PGresult *r;
	int ret, n;

	p->tx.r = TWEET_STORE_OK;
	model_tweet_release(&p->t);
	free(p->text);
	p->text = NULL;
	if ((r = run(s, conn, "lock_user_shared", 1, p->kp, &p->tx.r)) == NULL)
		return -1;
	if (strcmp(PQgetvalue(r, 0, 0), "t") != 0)
		p->tx.r = TWEET_STORE_BUSY;
	PQclear(r);
	if (p->tx.r != TWEET_STORE_OK)
		return -1;
	/* A statement of its own: its snapshot is taken under the lock. */
	if ((n = run_count(s, conn, "tombstone", 1, p->kp, &p->tx.r)) != 0) {
		if (n > 0)
			p->tx.r = TWEET_STORE_DELETED;
		return -1;
	}
	if (p->kp[1] != NULL) {
		if ((n = run_count(s, conn, "claim_key", 2, p->kp,
		    &p->tx.r)) < 0)
			return -1;
		/* A live key: answer what the first request got. */
		if (n == 0) {
			p->tx.r = TWEET_STORE_REPLAY;
			return -1;
		}
	}

	/* Before the fan-out's snapshot: a concurrent follow's backfill or
	 * a new reader's registration either sees this tweet or is seen. */
	if (run_count(s, conn, "feed_lock_post", 1, p->kp, &p->tx.r) < 0)
		return -1;
	if (p->reply_to != 0) {
		tp[3] = p->parent;
		if ((r = run(s, conn, "reply_parent", 1, &tp[3],
		    &p->tx.r)) == NULL)
			return -1;
		if (PQntuples(r) != 1) {
			PQclear(r);
			p->tx.r = TWEET_STORE_NOT_FOUND;
			return -1;
		}
		snprintf(p->conv, sizeof p->conv, "%s", PQgetvalue(r, 0, 0));
		p->parent_user = col_id(r, 0, 1);
		snprintf(p->parent, sizeof p->parent, "%s",
		    PQgetvalue(r, 0, 2));
		tp[4] = p->conv;
		PQclear(r);
	}
	/* content holds no NUL (validate_content): stored byte for byte. */
	if ((r = run(s, conn, "insert_tweet", 6, tp, &p->tx.r)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		p->tx.r = TWEET_STORE_ERROR;
		return -1;
	}
	row_tweet(r, 0, &p->t);
	PQclear(r);
	/* The author's flags of a new tweet are known: neither. */
	p->t.has_flags = true;
	p->text = tweet_text(&p->t);
	p->t.has_flags = false;
	snprintf(p->tid, sizeof p->tid, "%" PRId64, p->t.id);
	if (fan_out(s, conn, p) != 0)
		return -1;

	if (p->kp[1] != NULL) {
		p->kp[2] = p->text;
		p->kp[3] = p->tid;
		if (run_count(s, conn, "store_key", 4, p->kp, &p->tx.r) < 0)
			return -1;
	}
	event = events_encode(&(struct event){ .type = EVENT_TWEET,
	    .tweet = p->t, .parent_user_id = p->parent_user });
	ret = publish(conn, CHANNEL_TWEET, event, p->t.user_id, &p->tx.r);
	free(event);
	return ret;
}

enum tweet_store_result
tweet_store_post(struct tweet_store *s, int64_t user_id,
    const char *username, const char *content, int64_t reply_to,
    const char *mentions, const char *key, char **response)
{
	struct post p = {.username = username, .content = content,
	    .mentions = mentions, .reply_to = reply_to};
	enum tweet_store_result res;

	*response = NULL;
	snprintf(p.parent, sizeof p.parent, "%" PRId64, reply_to);
	snprintf(p.uid, sizeof p.uid, "%" PRId64, user_id);
	p.kp[0] = p.uid;
	p.kp[1] = key;
	if ((res = run_tx(s, post_tx, &p.tx)) == TWEET_STORE_OK) {
		*response = p.text;
		p.text = NULL;
	} else if (res == TWEET_STORE_REPLAY)
		res = read_key(s, p.kp, response);
	free(p.text);
	model_tweet_release(&p.t);
	return res;
}

enum tweet_store_result
tweet_store_get(struct tweet_store *s, int64_t id, struct tweet *out)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	char tid[24];
	const char *p[1] = {tid};
	PGresult *r;

	snprintf(tid, sizeof tid, "%" PRId64, id);
	if ((r = run(s, NULL, "get_tweet", 1, p, &res)) == NULL)
		return res;
	if (PQntuples(r) == 1)
		row_tweet(r, 0, out);
	else
		res = TWEET_STORE_NOT_FOUND;
	PQclear(r);
	return res;
}

enum tweet_store_result
tweet_store_get_many(struct tweet_store *s, const int64_t *ids, size_t n,
    struct tweet_store_page *out)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	const char *p[1];
	char *arr;
	PGresult *r;
	size_t i, j;
	int row, rows;

	out->items = xcalloc(n ? n : 1, sizeof *out->items);
	out->n = 0;
	p[0] = arr = id_array(ids, n);
	r = run(s, NULL, "get_tweets", 1, p, &res);
	free(arr);
	if (r == NULL)
		return res;
	rows = PQntuples(r);
	/* In the order asked, each once: n is small (a page). */
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && ids[j] != ids[i]; j++)
			;
		if (j < i)
			continue;
		for (row = 0; row < rows; row++)
			if (col_id(r, row, 0) == ids[i]) {
				row_tweet(r, row, &out->items[out->n++]);
				break;
			}
	}
	PQclear(r);
	return TWEET_STORE_OK;
}

void
tweet_store_thread_release(struct tweet_store_thread *th)
{
	size_t i;

	for (i = 0; i < th->nancestors; i++)
		if (th->ancestors[i] != NULL) {
			model_tweet_release(th->ancestors[i]);
			free(th->ancestors[i]);
		}
	free(th->ancestors);
	model_tweet_release(&th->tweet);
	tweet_store_page_release(&th->replies);
	memset(th, 0, sizeof *th);
}

enum tweet_store_result
tweet_store_thread(struct tweet_store *s, int64_t id, int64_t after,
    int limit, struct tweet_store_thread *out)
{
	enum tweet_store_result res;
	char tid[24], aid[24], lim[16], depth[16];
	const char *p[3] = {tid, aid, lim};
	PGresult *r;
	int i, rows;

	memset(out, 0, sizeof *out);
	if ((res = tweet_store_get(s, id, &out->tweet)) != TWEET_STORE_OK)
		return res;
	snprintf(tid, sizeof tid, "%" PRId64, id);
	snprintf(depth, sizeof depth, "%d", TWEET_STORE_ANCESTORS_MAX);
	p[1] = depth;
	if ((r = run(s, NULL, "thread_ancestors", 2, p, &res)) == NULL)
		goto fail;
	rows = PQntuples(r);
	out->ancestors = xcalloc(rows ? (size_t)rows : 1,
	    sizeof *out->ancestors);
	out->nancestors = (size_t)rows;
	/* Read nearest first, answered from the first tweet down. */
	for (i = 0; i < rows; i++) {
		if (PQgetisnull(r, i, 0))
			continue;
		out->ancestors[rows - 1 - i] = xcalloc(1, sizeof **out->ancestors);
		row_tweet(r, i, out->ancestors[rows - 1 - i]);
	}
	PQclear(r);
	/* One more than the page: is there a next one? */
	p[1] = aid;
	snprintf(aid, sizeof aid, "%" PRId64, after);
	snprintf(lim, sizeof lim, "%d", limit + 1);
	if ((r = run(s, NULL, "thread_replies", 3, p, &res)) == NULL)
		goto fail;
	page_of(r, false, false, &out->replies);
	PQclear(r);
	if (out->replies.n > (size_t)limit) {
		out->more = true;
		model_tweet_release(&out->replies.items[--out->replies.n]);
	}
	return TWEET_STORE_OK;
fail:
	tweet_store_thread_release(out);
	return res;
}

/* The flag of kind ('l' liked, 'r' reposted) for id among r's rows. */
static bool
flag_of(const PGresult *r, char kind, int64_t id)
{
	int i, rows = PQntuples(r);

	for (i = 0; i < rows; i++)
		if (PQgetvalue(r, i, 0)[0] == kind && col_id(r, i, 1) == id)
			return true;
	return false;
}

/* t's flags from r; a repost's are those of its original, on which a
 * like or a repost acts. */
static void
set_flags(const PGresult *r, struct tweet *t)
{
	int64_t id = t->repost_of != NULL ? t->repost_of->id : t->id;

	if (t->repost_of != NULL) {
		t->repost_of->has_flags = true;
		t->repost_of->liked = flag_of(r, 'l', id);
		t->repost_of->reposted = flag_of(r, 'r', id);
	}
	t->has_flags = true;
	t->liked = flag_of(r, 'l', id);
	t->reposted = flag_of(r, 'r', id);
}

enum tweet_store_result
tweet_store_flags(struct tweet_store *s, int64_t viewer,
    struct tweet **items, size_t n)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	int64_t *ids;
	char vid[24], *arr;
	const char *p[2] = {vid, NULL};
	PGresult *r;
	size_t i, k = 0;

	if (n == 0)
		return TWEET_STORE_OK;
	ids = xcalloc(2 * n, sizeof *ids);
	for (i = 0; i < n; i++) {
		if (items[i] == NULL)
			continue;
		ids[k++] = items[i]->id;
		if (items[i]->repost_of != NULL)
			ids[k++] = items[i]->repost_of->id;
	}
	snprintf(vid, sizeof vid, "%" PRId64, viewer);
	p[1] = arr = id_array(ids, k);
	free(ids);
	r = run(s, NULL, "flags", 2, p, &res);
	free(arr);
	if (r == NULL)
		return res;
	for (i = 0; i < n; i++)
		if (items[i] != NULL)
			set_flags(r, items[i]);
	PQclear(r);
	return TWEET_STORE_OK;
}

enum tweet_store_result
tweet_store_page_flags(struct tweet_store *s, int64_t viewer,
    struct tweet_store_page *page)
{
	struct tweet **items;
	enum tweet_store_result res;
	size_t i;

	if (page->n == 0)
		return TWEET_STORE_OK;
	items = xcalloc(page->n, sizeof *items);
	for (i = 0; i < page->n; i++)
		items[i] = &page->items[i];
	res = tweet_store_flags(s, viewer, items, page->n);
	free(items);
	return res;
}

/*
 * Drop the tombstones among ids (n of them) that nothing replies to any
 * more, and upward (sql/tweet/0005_thread_tombstones.sql); -1 (*res set)
 * on failure.
 */
static int
prune(struct tweet_store *s, PGconn *conn, const int64_t *ids, size_t n,
    enum tweet_store_result *res)
{
	const char *p[1];
	char *arr;
	int ret;

	p[0] = arr = id_array(ids, n);
	ret = run_count(s, conn, "prune_tombstones", 1, p, res) < 0 ? -1 : 0;
	free(arr);
	return ret;
}

/* A tweet to delete, the argument of delete_tx. */
struct removal {
	struct tx tx;
	int64_t id, user_id;
	char tid[24], uid[24];
};

static int
delete_tx(PGconn *conn, void *arg)
{
	struct removal *d = arg;
	const char *p[2] = {d->tid, d->uid};
	int64_t parent;
	PGresult *r;
	bool repost;
	char *event;
	int ret;

	d->tx.r = TWEET_STORE_OK;
	if (run_count(d->tx.s, conn, "feed_lock_post", 1, &p[1],
	    &d->tx.r) < 0)
		return -1;
	/* A repost's original counts one less; an original's reposts go. */
	if (social_store_unposting(d->tx.s, conn, d->tid, d->uid, &repost,
	    &d->tx.r) != 0)
		return -1;
	if ((r = run(d->tx.s, conn, "delete_tweet", 2, p, &d->tx.r)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		d->tx.r = TWEET_STORE_NOT_FOUND; /* of this user */
		return -1;
	}
	/* Its parent, when a tombstone, may have nothing left below. */
	parent = col_id(r, 0, 1);
	PQclear(r);
	if (parent != 0 && prune(d->tx.s, conn, &parent, 1, &d->tx.r) != 0)
		return -1;
	/* Deletes vanish at once: from every feed, in this transaction. */
	if (run_count(d->tx.s, conn, "feed_unpost", 2, p, &d->tx.r) < 0)
		return -1;
	event = events_encode(&(struct event){ .type = EVENT_DELETE,
	    .tweet_id = d->id, .user_id = d->user_id, .repost = repost });
	ret = publish(conn, CHANNEL_TWEET, event, d->user_id, &d->tx.r);
	free(event);
	return ret;
}

enum tweet_store_result
tweet_store_delete(struct tweet_store *s, int64_t id, int64_t user_id)
{
	struct removal d;
	enum tweet_store_result res;
	const char *p[1] = {d.tid};
	int n;

	d.id = id;
	d.user_id = user_id;
	snprintf(d.tid, sizeof d.tid, "%" PRId64, id);
	snprintf(d.uid, sizeof d.uid, "%" PRId64, user_id);
	if ((res = run_tx(s, delete_tx, &d.tx)) != TWEET_STORE_NOT_FOUND)
		return res;
	/* Tell someone else's tweet from no tweet. */
	if ((n = run_count(s, NULL, "tweet_exists", 1, p, &res)) < 0)
		return res;
	return n > 0 ? TWEET_STORE_FORBIDDEN : TWEET_STORE_NOT_FOUND;
}

/* "{1,2,3}": a bigint[] parameter. Caller frees. Digits by hand: a
 * sprintf per id was a tenth of a home timeline's instructions. */
static char *
id_array(const int64_t *ids, size_t n)
{
	char *buf = xmalloc(n * 21 + 3), *p = buf, tmp[20], *d;
	uint64_t v;
	size_t i;

	*p++ = '{';
	for (i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		if (ids[i] < 0)
			*p++ = '-';
		v = ids[i] < 0 ? (uint64_t)0 - (uint64_t)ids[i] :
		    (uint64_t)ids[i];
		d = tmp + sizeof(tmp);
		do {
			*--d = (char)('0' + v % 10);
			v /= 10;
		} while (v != 0);
		memcpy(p, d, (size_t)(tmp + sizeof(tmp) - d));
		p += tmp + sizeof(tmp) - d;
	}
	*p++ = '}';
	*p = '\0';
	return buf;
}

enum tweet_store_result
tweet_store_timeline(struct tweet_store *s, const int64_t *uids, size_t n,
    int64_t before, int64_t after, int limit, struct tweet_store_page *out)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	char cursor[24], lim[16], *arr;
	const char *p[3];
	PGresult *r;
	int i, rows;

	out->items = NULL;
	out->n = 0;
	arr = id_array(uids, n);
	if (after > 0)
		snprintf(cursor, sizeof cursor, "%" PRId64, after);
	else
		snprintf(cursor, sizeof cursor, "%" PRId64,
		    before > 0 ? before : INT64_MAX);
	snprintf(lim, sizeof lim, "%d", limit);
	p[0] = arr;
	p[1] = cursor;
	p[2] = lim;
	r = run(s, NULL, after > 0 ? "timeline_after" : "timeline_before", 3,
	    p, &res);
	free(arr);
	if (r == NULL)
		return res;
	rows = PQntuples(r);
	out->items = xcalloc(rows ? (size_t)rows : 1, sizeof *out->items);
	out->n = (size_t)rows;
	/* after: read oldest first, answer newest first. */
	for (i = 0; i < rows; i++)
		row_tweet(r, i, &out->items[after > 0 ? rows - 1 - i : i]);
	PQclear(r);
	return TWEET_STORE_OK;
}

/* qsort: newest (highest id) first. */
static int
newest_first(const void *a, const void *b)
{
	int64_t x = ((const struct tweet *)a)->id;
	int64_t y = ((const struct tweet *)b)->id;

	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * The rows of r as a page; after: read oldest first, answer newest first.
 * flags: the rows are FLAGGED's, in no order, the caller's flags in their
 * last two columns (a repost's original has the same); sorted here.
 */
static void
page_of(PGresult *r, bool after, bool flags, struct tweet_store_page *out)
{
	page_at(r, 0, after, flags, out);
}

/* page_of, the page's columns from column off; a row whose first of
 * them is NULL is none (the LEFT JOIN of "feed_first"). */
static void
page_at(PGresult *r, int off, bool after, bool flags,
    struct tweet_store_page *out)
{
	struct tweet *t;
	int i, rows = PQntuples(r);

	if (off > 0 && rows == 1 && PQgetisnull(r, 0, off))
		rows = 0;
	out->items = xcalloc(rows ? (size_t)rows : 1, sizeof *out->items);
	out->n = (size_t)rows;
	for (i = 0; i < rows; i++) {
		t = &out->items[after ? rows - 1 - i : i];
		row_tweet_at(r, i, off, t);
		if (!flags)
			continue;
		t->has_flags = true;
		t->liked = PQgetvalue(r, i, off + 2 * NCOLS)[0] == 't';
		t->reposted = PQgetvalue(r, i, off + 2 * NCOLS + 1)[0] ==
		    't';
		if (t->repost_of != NULL) {
			t->repost_of->has_flags = true;
			t->repost_of->liked = t->liked;
			t->repost_of->reposted = t->reposted;
		}
	}
	if (flags)
		qsort(out->items, out->n, sizeof *out->items, newest_first);
}

enum tweet_store_result
tweet_store_user_timeline(struct tweet_store *s, int64_t user_id,
    int64_t viewer, int64_t before, int64_t after, int limit,
    struct tweet_store_page *out)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	char uid[24], cursor[24], lim[16], vid[24];
	const char *p[4] = {uid, cursor, lim, vid};
	const char *stmt;
	PGresult *r;

	out->items = NULL;
	out->n = 0;
	snprintf(uid, sizeof uid, "%" PRId64, user_id);
	snprintf(cursor, sizeof cursor, "%" PRId64, after > 0 ? after :
	    before > 0 ? before : INT64_MAX);
	snprintf(lim, sizeof lim, "%d", limit);
	snprintf(vid, sizeof vid, "%" PRId64, viewer);
	if (viewer > 0)
		stmt = after > 0 ? "user_timeline_after_flags" :
		    "user_timeline_before_flags";
	else
		stmt = after > 0 ? "user_timeline_after" :
		    "user_timeline_before";
	if ((r = run(s, NULL, stmt, viewer > 0 ? 4 : 3, p, &res)) == NULL)
		return res;
	page_of(r, after > 0, viewer > 0, out);
	PQclear(r);
	return TWEET_STORE_OK;
}

enum tweet_store_result
tweet_store_user_deleted(struct tweet_store *s, int64_t user_id)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	char uid[24];
	const char *p[1] = {uid};
	int n;

	snprintf(uid, sizeof uid, "%" PRId64, user_id);
	if ((n = run_count(s, NULL, "tombstone", 1, p, &res)) < 0)
		return res;
	return n > 0 ? TWEET_STORE_DELETED : TWEET_STORE_OK;
}

/* Whether gid is a prepared transaction of this database. */
static enum tweet_store_result
is_prepared(struct tweet_store *s, const char *gid)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	int n;

	if ((n = run_count(s, NULL, "prepared", 1, &gid, &res)) < 0)
		return res;
	return n > 0 ? TWEET_STORE_OK : TWEET_STORE_NOT_FOUND;
}

/* Run "VERB 'gid'" (gid quoted as a literal). */
static int
gid_command(struct tweet_store *s, PGconn *conn, const char *verb,
    const char *gid)
{
	char *lit, *sql;
	int ret;

	if ((lit = PQescapeLiteral(conn, gid, strlen(gid))) == NULL)
		return -1;
	sql = xasprintf("%s %s", verb, lit);
	PQfreemem(lit);
	ret = db_command(s->db, conn, sql);
	free(sql);
	return ret;
}

/* Phase one of an account deletion, the argument of prepare_tx. */
struct prepare {
	struct tx tx;
	const char *gid;
	int64_t user_id;
	char uid[24];
	bool refused;		/* PREPARE TRANSACTION itself failed */
};

/*
 * Delete every tweet of user_id, a batch at a time, and put a delete
 * event for each in the outbox: a prepared transaction cannot NOTIFY.
 */
static enum tweet_store_result
deletion_tweets(struct tweet_store *s, PGconn *conn, const char *uid,
    int64_t user_id)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	const char *del[1] = {uid}, *put[3] = {CHANNEL_TWEET, NULL, uid};
	int64_t *ids, parent;
	PGresult *r;
	json_t *payloads;
	char *event, *list;
	size_t n;
	int i, rows, ret;

	do {
		if ((r = run(s, conn, "deletion_tweets", 1, del, &res)) == NULL)
			return res;
		if ((rows = PQntuples(r)) == 0) {
			PQclear(r);
			break;
		}
		payloads = model_must(json_array());
		/* The batch's tweets and their parents: the tombstones
		 * among them with nothing left below go. */
		ids = xcalloc(2 * (size_t)rows, sizeof *ids);
		for (i = 0, n = 0; i < rows; i++) {
			ids[n++] = col_id(r, i, 0);
			if ((parent = col_id(r, i, 1)) != 0)
				ids[n++] = parent;
			event = events_encode(&(struct event){
			    .type = EVENT_DELETE, .user_id = user_id,
			    .tweet_id = col_id(r, i, 0) });
			json_array_append_new(payloads,
			    model_must(json_string(event)));
			free(event);
		}
		PQclear(r);
		ret = prune(s, conn, ids, n, &res);
		free(ids);
		if (ret != 0) {
			json_decref(payloads);
			return res;
		}
		if ((list = json_dumps(payloads, JSON_COMPACT)) == NULL)
			fatalx("out of memory");
		json_decref(payloads);
		put[1] = list;
		r = run(s, conn, "outbox_put", 3, put, &res);
		free(list);
		if (r == NULL)
			return res;
		PQclear(r);
	} while (rows == DELETION_BATCH);
	return TWEET_STORE_OK;
}

/*
 * Ends with PREPARE TRANSACTION, not a commit: the work stays undecided,
 * its locks held, until COMMIT or ROLLBACK PREPARED (finish_prepared).
 */
static int
prepare_tx(PGconn *conn, void *arg)
{
	struct prepare *d = arg;
	struct tweet_store *s = d->tx.s;
	const char *p[2] = {d->uid, CHANNEL_TWEET};

	d->tx.r = TWEET_STORE_OK;
	if (run_count(s, conn, "lock_user", 1, p, &d->tx.r) < 0)
		return -1;
	/* Already deleted and committed: nothing left to prepare. */
	if (run_count(s, conn, "tombstone", 1, p, &d->tx.r) != 0)
		return -1;
	if (run_count(s, conn, "deletion_tombstone", 1, p, &d->tx.r) < 0 ||
	    social_store_deleting_account(s, conn, d->uid, d->user_id,
	    &d->tx.r) != 0 ||
	    (d->tx.r = deletion_tweets(s, conn, d->uid, d->user_id)) !=
	    TWEET_STORE_OK ||
	    run_count(s, conn, "deletion_keys", 1, p, &d->tx.r) < 0)
		return -1;
	if (gid_command(s, conn, "PREPARE TRANSACTION", d->gid) != 0) {
		/* The transaction is gone either way. */
		d->refused = true;
		d->tx.r = failure(conn, NULL);
		return -1;
	}
	return 0;
}

enum tweet_store_result
tweet_store_prepare_deletion(struct tweet_store *s, const char *gid,
    int64_t user_id)
{
	struct prepare d = {.gid = gid};
	enum tweet_store_result res;

	/* A repeat of a prepare that got through. */
	if ((res = is_prepared(s, gid)) != TWEET_STORE_NOT_FOUND)
		return res;
	d.user_id = user_id;
	snprintf(d.uid, sizeof d.uid, "%" PRId64, user_id);
	res = run_tx(s, prepare_tx, &d.tx);
	/* A concurrent twin got there. */
	if (res == TWEET_STORE_ERROR && d.refused &&
	    is_prepared(s, gid) == TWEET_STORE_OK)
		res = TWEET_STORE_OK;
	return res;
}

enum tweet_store_result
tweet_store_finish_prepared(struct tweet_store *s, const char *gid,
    bool commit)
{
	enum tweet_store_result res;
	PGconn *conn;

	if ((res = is_prepared(s, gid)) != TWEET_STORE_OK)
		return res;
	if ((conn = db_conn(s->db)) == NULL)
		return TWEET_STORE_UNAVAILABLE;
	if (gid_command(s, conn, commit ? "COMMIT PREPARED" :
	    "ROLLBACK PREPARED", gid) == 0)
		return TWEET_STORE_OK;
	if ((res = failure(conn, NULL)) != TWEET_STORE_ERROR)
		return res;
	/* Finished by someone else meanwhile (recovery and coordinator). */
	return is_prepared(s, gid) == TWEET_STORE_NOT_FOUND ?
	    TWEET_STORE_NOT_FOUND : TWEET_STORE_ERROR;
}

enum tweet_store_result
tweet_store_flush_outbox(struct tweet_store *s)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	const char *p[1] = {CHANNEL_TWEET};
	PGconn *conn;
	PGresult *r;

	if ((conn = db_conn(s->db)) == NULL)
		return TWEET_STORE_UNAVAILABLE;
	if ((r = run(s, conn, "outbox_wake", 1, p, &res)) == NULL)
		return res;
	PQclear(r);
	return TWEET_STORE_OK;
}

enum tweet_store_result
tweet_store_stale_prepared(struct tweet_store *s, const char *prefix,
    int age_s, char ***gids, size_t *n)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	char age[16];
	const char *p[2] = {prefix, age};
	PGresult *r;
	int i, rows;

	*gids = NULL;
	*n = 0;
	snprintf(age, sizeof age, "%d", age_s);
	if ((r = run(s, NULL, "stale_prepared", 2, p, &res)) == NULL)
		return res;
	rows = PQntuples(r);
	*gids = xcalloc(rows ? (size_t)rows : 1, sizeof **gids);
	for (i = 0; i < rows; i++)
		(*gids)[i] = xstrdup(PQgetvalue(r, i, 0));
	*n = (size_t)rows;
	PQclear(r);
	return TWEET_STORE_OK;
}

enum tweet_store_result
tweet_store_purge_keys(struct tweet_store *s)
{
	enum tweet_store_result res = TWEET_STORE_OK;

	return run_count(s, NULL, "purge_keys", 0, NULL, &res) < 0 ? res :
	    TWEET_STORE_OK;
}

enum eventlog_result
tweet_store_events(struct tweet_store *s, int64_t after, int limit,
    const int64_t *authors, size_t n, json_t **out)
{
	return eventlog_page(db_conn(s->db), after, limit, authors, n, out);
}

/* --- the home timeline's feed ------------------------------------------ */

void
tweet_store_feed_config(struct tweet_store *s, int cap, int64_t popular)
{
	snprintf(s->cap, sizeof s->cap, "%d", cap);
	snprintf(s->popular, sizeof s->popular, "%" PRId64, popular);
}

/* The replica's position on conn, locked; -1 when never filled. */
static int
replica_position(struct tweet_store *s, PGconn *conn, int64_t *pos,
    enum tweet_store_result *res)
{
	PGresult *r;

	if ((r = run(s, conn, "replica_position", 0, NULL, res)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		log_warnx("feed: replica_state has no row");
		*res = TWEET_STORE_ERROR;
		return -1;
	}
	*pos = PQgetisnull(r, 0, 0) ? -1 :
	    strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

/* An event of chirp-userd to apply, the argument of apply_tx. */
struct apply {
	struct tx tx;
	const struct event *ev;
	int64_t pos;
};

/* Run each of stmts (NULL-ended) with params; -1 (*res set) on failure. */
static int
run_all(struct tweet_store *s, PGconn *conn, const char *const *stmts,
    int n, const char *const *params, enum tweet_store_result *res)
{
	for (; *stmts != NULL; stmts++)
		if (run_count(s, conn, *stmts, n, params, res) < 0)
			return -1;
	return 0;
}

static int
apply_tx(PGconn *conn, void *arg)
{
	static const char *const follow[] = {"feed_lock_reader",
	    NULL}, *const follow2[] = {"feed_lock_author", NULL};
	struct apply *a = arg;
	struct tweet_store *s = a->tx.s;
	const struct event *ev = a->ev;
	char seq[24], u[24], t[24];
	const char *p[3] = {u, t, s->cap}, *q[1] = {seq};

	a->tx.r = TWEET_STORE_OK;
	if (run_count(s, conn, "replica_async_commit", 0, NULL, &a->tx.r) < 0 ||
	    replica_position(s, conn, &a->pos, &a->tx.r) != 0)
		return -1;
	/* Applied already (by us, or another instance), or a gap. */
	if (a->pos >= ev->seq)
		return 0;
	if (a->pos < 0 || a->pos != ev->seq - 1) {
		a->tx.r = TWEET_STORE_NOT_FOUND;
		return -1;
	}
	snprintf(seq, sizeof seq, "%" PRId64, ev->seq);
	snprintf(u, sizeof u, "%" PRId64, ev->user_id);
	snprintf(t, sizeof t, "%" PRId64, ev->target_id);
	switch (ev->type) {
	case EVENT_FOLLOW:
		/* Reader, then author: the order of every taker. */
		if (run_all(s, conn, follow, 1, &p[0], &a->tx.r) != 0 ||
		    run_all(s, conn, follow2, 1, &p[1], &a->tx.r) != 0 ||
		    run_count(s, conn, "replica_follow", 2, p, &a->tx.r) < 0 ||
		    run_count(s, conn, "feed_backfill", 3, p, &a->tx.r) < 0)
			return -1;
		break;
	case EVENT_UNFOLLOW:
		if (run_all(s, conn, follow, 1, &p[0], &a->tx.r) != 0 ||
		    run_all(s, conn, follow2, 1, &p[1], &a->tx.r) != 0 ||
		    run_count(s, conn, "replica_unfollow", 2, p, &a->tx.r) < 0 ||
		    run_count(s, conn, "feed_drop_author", 2, p, &a->tx.r) < 0)
			return -1;
		break;
	case EVENT_USER_DELETED:
		if (run_all(s, conn, follow, 1, &p[0], &a->tx.r) != 0 ||
		    run_all(s, conn, follow2, 1, &p[0], &a->tx.r) != 0 ||
		    run_count(s, conn, "replica_gone_followings", 1, p,
		    &a->tx.r) < 0 ||
		    run_count(s, conn, "replica_gone_followers", 1, p,
		    &a->tx.r) < 0 ||
		    run_count(s, conn, "replica_gone_feed", 1, p, &a->tx.r) < 0)
			return -1;
		break;
	default:
		break;	/* revoke: nothing of the graph */
	}
	if (run_count(s, conn, "replica_set", 1, q, &a->tx.r) < 0)
		return -1;
	a->pos = ev->seq;
	return 0;
}

enum tweet_store_result
tweet_store_replica_apply(struct tweet_store *s, const struct event *ev,
    int64_t *pos)
{
	struct apply a = {.ev = ev};
	enum tweet_store_result res;

	res = run_tx(s, apply_tx, &a.tx);
	*pos = a.pos;
	return res;
}

/* A bootstrap, the argument of bootstrap_tx. */
struct bootstrap {
	struct tx tx;
	int64_t expect, seq;
	tweet_store_edges_fn *fetch;
	void *arg;
};

/* "{1,2}" of the followers (half 0) or followees (1) of pairs. */
static char *
pair_array(const int64_t *pairs, size_t n, int half)
{
	int64_t *ids = xcalloc(n ? n : 1, sizeof *ids);
	char *text;
	size_t i;

	for (i = 0; i < n; i++)
		ids[i] = pairs[2 * i + (size_t)half];
	text = id_array(ids, n);
	free(ids);
	return text;
}

static int
bootstrap_tx(PGconn *conn, void *arg)
{
	struct bootstrap *b = arg;
	struct tweet_store *s = b->tx.s;
	int64_t pos, after[2] = {0, 0}, *pairs;
	const char *p[2];
	char *fr, *fe, seq[24];
	size_t n;
	int rc;

	b->tx.r = TWEET_STORE_OK;
	if (replica_position(s, conn, &pos, &b->tx.r) != 0)
		return -1;
	if (pos != b->expect)
		return 0;	/* someone else got there */
	if (run_count(s, conn, "replica_reset", 0, NULL, &b->tx.r) < 0)
		return -1;
	do {
		if (b->fetch(b->arg, after[0], after[1], &pairs, &n) != 0) {
			b->tx.r = TWEET_STORE_UNAVAILABLE;
			return -1;
		}
		if (n > 0) {
			after[0] = pairs[2 * (n - 1)];
			after[1] = pairs[2 * (n - 1) + 1];
		}
		p[0] = fr = pair_array(pairs, n, 0);
		p[1] = fe = pair_array(pairs, n, 1);
		rc = run_count(s, conn, "replica_edges", 2, p, &b->tx.r);
		free(fr);
		free(fe);
		free(pairs);
		if (rc < 0)
			return -1;
	} while (n > 0);
	snprintf(seq, sizeof seq, "%" PRId64, b->seq);
	p[0] = seq;
	if (run_count(s, conn, "replica_count", 0, NULL, &b->tx.r) < 0 ||
	    run_count(s, conn, "replica_set", 1, p, &b->tx.r) < 0)
		return -1;
	return 0;
}

enum tweet_store_result
tweet_store_replica_bootstrap(struct tweet_store *s, int64_t expect,
    int64_t seq, tweet_store_edges_fn *fetch, void *arg)
{
	struct bootstrap b = {.expect = expect, .seq = seq, .fetch = fetch,
	    .arg = arg};

	return run_tx(s, bootstrap_tx, &b.tx);
}

enum tweet_store_result
tweet_store_feed_state(struct tweet_store *s, int64_t reader,
    struct tweet_store_feed_state *st)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	char rid[24];
	const char *p[1] = {rid};
	PGresult *r;

	memset(st, 0, sizeof *st);
	snprintf(rid, sizeof rid, "%" PRId64, reader);
	if ((r = run(s, NULL, "feed_state", 1, p, &res)) == NULL)
		return res;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return TWEET_STORE_ERROR;
	}
	state_of(s, r, p, st);
	PQclear(r);
	return TWEET_STORE_OK;
}

/*
 * The state in the first four columns of r's first row ("feed_state",
 * "feed_first") into st; a reader seen more than an hour ago is seen
 * now (p: the reader's id).
 */
static void
state_of(struct tweet_store *s, const PGresult *r, const char *const *p,
    struct tweet_store_feed_state *st)
{
	enum tweet_store_result res;

	st->user_seq = PQgetisnull(r, 0, 0) ? -1 :
	    strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	st->kept = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
	st->built = st->kept && !PQgetisnull(r, 0, 2);
	st->horizon = st->built ? strtoll(PQgetvalue(r, 0, 2), NULL, 10) : 0;
	st->stale = strcmp(PQgetvalue(r, 0, 3), "t") == 0;
	if (st->stale)
		(void)run_count(s, NULL, "feed_seen", 1, p, &res);
}

enum tweet_store_result
tweet_store_feed_first(struct tweet_store *s, int64_t reader,
    int64_t known, int64_t before, int limit,
    struct tweet_store_feed_state *st, struct tweet_store_page *out,
    bool *answered)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	char rid[24], cursor[24], lim[16], kn[24], hor[24];
	const char *p[4] = {rid, cursor, lim, kn};
	PGresult *r;

	memset(st, 0, sizeof *st);
	out->items = NULL;
	out->n = 0;
	*answered = false;
	snprintf(rid, sizeof rid, "%" PRId64, reader);
	snprintf(cursor, sizeof cursor, "%" PRId64, before > 0 ? before :
	    INT64_MAX);
	snprintf(lim, sizeof lim, "%d", limit);
	snprintf(kn, sizeof kn, "%" PRId64, known);
	if ((r = run(s, NULL, "feed_first", 4, p, &res)) == NULL)
		return res;
	if (PQntuples(r) < 1) {
		PQclear(r);
		return TWEET_STORE_ERROR;
	}
	state_of(s, r, p, st);
	if (strcmp(PQgetvalue(r, 0, 4), "t") != 0) {
		PQclear(r);
		return TWEET_STORE_OK;	/* the caller goes on from st */
	}
	/* The feed answered: as tweet_store_feed_page's "feed_before". */
	page_at(r, 5, false, true, out);
	PQclear(r);
	*answered = true;
	if (out->n == (size_t)limit || st->horizon == 0)
		return TWEET_STORE_OK;
	tweet_store_page_release(out);
	metrics_counter_add("chirp_feed_reads_total", "path=\"timelines\"", 1);
	snprintf(hor, sizeof hor, "%" PRId64, st->horizon);
	p[3] = hor;
	return page_rows(s, "home_before", 3, p, false, out);
}

/* A reader's feed to build, the argument of register_tx and build_tx. */
struct build {
	struct tx tx;
	char rid[24];
};

/*
 * Register the reader: from its commit on, every post fans out to it.
 * The exclusive lock waits for the posts under way, so the build's
 * snapshot, taken after this commit, sees every post that did not.
 */
static int
register_tx(PGconn *conn, void *arg)
{
	static const char *const stmts[] = {"feed_lock_register",
	    "feed_clear", NULL};
	struct build *b = arg;
	const char *p[1] = {b->rid};
	int n;

	b->tx.r = TWEET_STORE_OK;
	if (run_count(b->tx.s, conn, "feed_lock_register", 1, p,
	    &b->tx.r) < 0)
		return -1;
	if ((n = run_count(b->tx.s, conn, "feed_register", 1, p,
	    &b->tx.r)) < 0)
		return -1;
	/* Rows a pruned feed may have got since: start clean. */
	if (n > 0 && run_all(b->tx.s, conn, stmts + 1, 1, p, &b->tx.r) != 0)
		return -1;
	return 0;
}

static int
build_tx(PGconn *conn, void *arg)
{
	struct build *b = arg;
	const char *p[2] = {b->rid, b->tx.s->cap};

	b->tx.r = TWEET_STORE_OK;
	if (run_count(b->tx.s, conn, "feed_lock_reader", 1, p, &b->tx.r) < 0 ||
	    run_count(b->tx.s, conn, "feed_build", 2, p, &b->tx.r) < 0)
		return -1;
	return 0;
}

enum tweet_store_result
tweet_store_feed_build(struct tweet_store *s, int64_t reader, bool kept)
{
	struct build b;
	enum tweet_store_result res;

	snprintf(b.rid, sizeof b.rid, "%" PRId64, reader);
	if (!kept && (res = run_tx(s, register_tx, &b.tx)) != TWEET_STORE_OK)
		return res;
	return run_tx(s, build_tx, &b.tx);
}

/* Run a page statement of the feed into out (after: read oldest first);
 * its rows have the reader's flags (FLAGGED). */
static enum tweet_store_result
page_rows(struct tweet_store *s, const char *stmt, int n,
    const char *const *p, bool after, struct tweet_store_page *out)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	PGresult *r;

	if ((r = run(s, NULL, stmt, n, p, &res)) == NULL)
		return res;
	page_of(r, after, true, out);
	PQclear(r);
	return TWEET_STORE_OK;
}

enum tweet_store_result
tweet_store_feed_page(struct tweet_store *s, int64_t reader,
    int64_t horizon, int64_t before, int64_t after, int limit,
    struct tweet_store_page *out)
{
	enum tweet_store_result res;
	char rid[24], cursor[24], lim[16], hor[24];
	const char *p[4] = {rid, cursor, lim, hor};

	out->items = NULL;
	out->n = 0;
	snprintf(rid, sizeof rid, "%" PRId64, reader);
	snprintf(cursor, sizeof cursor, "%" PRId64, after > 0 ? after :
	    before > 0 ? before : INT64_MAX);
	snprintf(lim, sizeof lim, "%d", limit);
	snprintf(hor, sizeof hor, "%" PRId64, horizon);
	/*
	 * The feed answers when the page lies at or above its horizon: a
	 * page newer than after >= horizon - 1, or a full page older than
	 * before. Else (pages beyond the cap) the authors' timelines do,
	 * which give the same rows, so paging stays stable and complete.
	 */
	if (after > 0 && after >= horizon - 1)
		return page_rows(s, "feed_after", 3, p, true, out);
	if (after == 0 && (before == 0 || before > horizon)) {
		res = page_rows(s, "feed_before", 4, p, false, out);
		if (res != TWEET_STORE_OK || out->n == (size_t)limit ||
		    horizon == 0)
			return res;
		tweet_store_page_release(out);
	}
	metrics_counter_add("chirp_feed_reads_total", "path=\"timelines\"", 1);
	return page_rows(s, after > 0 ? "home_after" : "home_before", 3, p,
	    after > 0, out);
}

enum tweet_store_result
tweet_store_feed_prune(struct tweet_store *s, int days, int batch,
    int *pruned)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	char d[16], b[16];
	const char *p[2] = {d, b};
	PGresult *r;

	snprintf(d, sizeof d, "%d", days);
	snprintf(b, sizeof b, "%d", batch);
	*pruned = 0;
	if ((r = run(s, NULL, "feed_prune", 2, p, &res)) == NULL)
		return res;
	*pruned = atoi(PQcmdTuples(r));
	PQclear(r);
	return TWEET_STORE_OK;
}

/* --- for the parts of the store (tweet_store_part.h) ------------------- */

enum tweet_store_result
tweet_store_part_tx(struct tweet_store *s, db_tx_fn *fn, struct tx *tx)
{
	return run_tx(s, fn, tx);
}

PGresult *
tweet_store_part_run(struct tweet_store *s, PGconn *conn, const char *stmt,
    int n, const char *const *params, enum tweet_store_result *res)
{
	return run(s, conn, stmt, n, params, res);
}

int
tweet_store_part_count(struct tweet_store *s, PGconn *conn,
    const char *stmt, int n, const char *const *params,
    enum tweet_store_result *res)
{
	return run_count(s, conn, stmt, n, params, res);
}

int
tweet_store_part_publish(PGconn *conn, const char *channel,
    const char *payload, int64_t author, enum tweet_store_result *res)
{
	return publish(conn, channel, payload, author, res);
}

int
tweet_store_part_fan_out(struct tweet_store *s, PGconn *conn,
    const char *uid, const char *tid, enum tweet_store_result *res)
{
	struct post p = {.tx = {.s = s, .r = TWEET_STORE_OK}};
	int ret;

	snprintf(p.uid, sizeof p.uid, "%s", uid);
	snprintf(p.tid, sizeof p.tid, "%s", tid);
	ret = fan_out(s, conn, &p);
	*res = p.tx.r;
	return ret;
}

void
tweet_store_part_row(const PGresult *r, int row, struct tweet *t)
{
	row_tweet(r, row, t);
}
