/*
 * social_store.c: likes and reposts (social_store.h), their statements
 * and transactions. A part of the store: its statements are prepared
 * with tweet_store.c's and run through tweet_store_part.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "events.h"
#include "log.h"
#include "model.h"
#include "social_store.h"
#include "tweet_store_part.h"
#include "xmalloc.h"

#define run tweet_store_part_run
#define run_count tweet_store_part_count

/* Microseconds since the epoch ($n) as a timestamptz, exactly. */
#define TS_PARAM(n) "('epoch'::timestamptz + $" #n \
	"::bigint * interval '1 microsecond')"
#define LIKERS_COLS \
	"SELECT user_id, username, " \
	"(extract(epoch FROM created_at) * 1000000)::bigint FROM likes " \
	"WHERE tweet_id = (SELECT coalesce(repost_of, id) FROM tweets " \
	"WHERE id = $1) "

const struct db_statement social_store_statements[] = {
	/*
	 * The tweet a like or repost of $1 acts on (a repost's original),
	 * held: its delete waits for this transaction, or went first and
	 * there is no row.
	 */
	{"social_target",
	    "SELECT o.id FROM tweets t JOIN tweets o "
	    "ON o.id = coalesce(t.repost_of, t.id) WHERE t.id = $1 "
	    "FOR KEY SHARE OF o"},
	/* The count moves only with a row inserted or deleted. */
	{"social_like",
	    "WITH i AS (INSERT INTO likes (tweet_id, user_id, username) "
	    "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING tweet_id) "
	    "UPDATE tweets t SET like_count = t.like_count + 1 FROM i "
	    "WHERE t.id = i.tweet_id RETURNING 1"},
	{"social_unlike",
	    "WITH d AS (DELETE FROM likes WHERE tweet_id = $1 AND "
	    "user_id = $2 RETURNING tweet_id) "
	    "UPDATE tweets t SET like_count = t.like_count - 1 FROM d "
	    "WHERE t.id = d.tweet_id RETURNING 1"},
	/* Newest first over likes (tweet_id, created_at DESC, user_id
	 * DESC); $2 is the page's size plus one (is there more?). */
	{"social_likers",
	    LIKERS_COLS "ORDER BY created_at DESC, user_id DESC LIMIT $2"},
	{"social_likers_after",
	    LIKERS_COLS "AND (created_at, user_id) < (" TS_PARAM(3) ", $4) "
	    "ORDER BY created_at DESC, user_id DESC LIMIT $2"},
	/* A repost: a row of its own, one per user and original. */
	{"social_repost",
	    "WITH i AS (INSERT INTO tweets (user_id, username, content, "
	    "repost_of) VALUES ($1, $2, '', $3) ON CONFLICT (repost_of, "
	    "user_id) WHERE repost_of IS NOT NULL DO NOTHING RETURNING id), "
	    "u AS (UPDATE tweets SET repost_count = repost_count + 1 "
	    "WHERE id = $3 AND EXISTS (SELECT FROM i)) SELECT id FROM i"},
	{"social_repost_of",
	    "SELECT id FROM tweets WHERE repost_of = $1 AND user_id = $2"},
	/* $2's repost of $1 or of $1's original. */
	{"social_my_repost",
	    "SELECT r.id FROM tweets t JOIN tweets r "
	    "ON r.repost_of = coalesce(t.repost_of, t.id) AND r.user_id = $2 "
	    "WHERE t.id = $1"},
	/* Before a delete: what the tweet is, locked (no new repost of an
	 * original being deleted gets in). */
	{"social_kind",
	    "SELECT repost_of FROM tweets WHERE id = $1 AND user_id = $2 "
	    "FOR UPDATE"},
	{"social_uncount",
	    "UPDATE tweets SET repost_count = greatest(repost_count - 1, 0) "
	    "WHERE id = $1"},
	{"social_unrepost_all",
	    "DELETE FROM tweets WHERE repost_of = $1 RETURNING id, user_id"},
	/* An account deletion: its likes, its reposts, then (its tweets
	 * locked first, in a statement of their own, so that the next one's
	 * snapshot sees every repost committed before) others' reposts of
	 * its tweets. */
	{"social_deletion_likes",
	    "WITH d AS (DELETE FROM likes WHERE user_id = $1 "
	    "RETURNING tweet_id) "
	    "UPDATE tweets t SET like_count = greatest(t.like_count - 1, 0) "
	    "FROM d WHERE t.id = d.tweet_id"},
	{"social_deletion_reposts",
	    "WITH d AS (DELETE FROM tweets WHERE user_id = $1 AND "
	    "repost_of IS NOT NULL RETURNING id, repost_of), "
	    "u AS (UPDATE tweets t SET repost_count = "
	    "greatest(t.repost_count - 1, 0) FROM d WHERE t.id = d.repost_of) "
	    "SELECT id FROM d ORDER BY id"},
	{"social_deletion_lock",
	    "SELECT count(*) FROM (SELECT 1 FROM tweets WHERE user_id = $1 "
	    "FOR UPDATE) x"},
	{"social_deletion_reposted",
	    "DELETE FROM tweets r USING tweets o WHERE o.user_id = $1 AND "
	    "r.repost_of = o.id AND r.user_id <> $1 "
	    "RETURNING r.id, r.user_id"},
	{NULL, NULL},
};

/* Column c of row as an id; 0 when NULL. */
static int64_t
col_id(const PGresult *r, int row, int c)
{
	return PQgetisnull(r, row, c) ? 0 :
	    strtoll(PQgetvalue(r, row, c), NULL, 10);
}

/*
 * The checks of a change made by user uid, as a post makes them: its
 * account's lock, shared (BUSY while it is being deleted), and no
 * tombstone (DELETED). 0, or -1 with *res set.
 */
static int
actor_alive(struct tweet_store *s, PGconn *conn, const char *const *uid,
    enum tweet_store_result *res)
{
	PGresult *r;
	int n;

	if ((r = run(s, conn, "lock_user_shared", 1, uid, res)) == NULL)
		return -1;
	if (strcmp(PQgetvalue(r, 0, 0), "t") != 0)
		*res = TWEET_STORE_BUSY;
	PQclear(r);
	if (*res != TWEET_STORE_OK)
		return -1;
	if ((n = run_count(s, conn, "tombstone", 1, uid, res)) != 0) {
		if (n > 0)
			*res = TWEET_STORE_DELETED;
		return -1;
	}
	return 0;
}

/* The tweet a like or repost of tid acts on, held, into out (decimal
 * text); -1 with *res NOT_FOUND when there is none. */
static int
target(struct tweet_store *s, PGconn *conn, const char *tid, char out[24],
    enum tweet_store_result *res)
{
	PGresult *r;

	if ((r = run(s, conn, "social_target", 1, &tid, res)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		*res = TWEET_STORE_NOT_FOUND;
		return -1;
	}
	snprintf(out, 24, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

/* The tweet tid into *t (released first); -1 with *res set. */
static int
get(struct tweet_store *s, PGconn *conn, const char *tid, struct tweet *t,
    enum tweet_store_result *res)
{
	PGresult *r;

	model_tweet_release(t);
	if ((r = run(s, conn, TWEET_STORE_PART_GET, 1, &tid, res)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		*res = TWEET_STORE_NOT_FOUND;
		return -1;
	}
	tweet_store_part_row(r, 0, t);
	PQclear(r);
	return 0;
}

/* Publish ev (author its user) in conn's transaction. */
static int
publish_event(PGconn *conn, const struct event *ev,
    enum tweet_store_result *res)
{
	char *payload = events_encode(ev);
	int ret;

	ret = tweet_store_part_publish(conn, CHANNEL_TWEET, payload,
	    ev->user_id, res);
	free(payload);
	return ret;
}

/* A like or unlike, the argument of like_tx. */
struct like {
	struct tx tx;
	char tid[24], uid[24], orig[24];
	const char *username;
	int64_t user_id;
	bool like;
	struct tweet t;
};

static int
like_tx(PGconn *conn, void *arg)
{
	struct like *l = arg;
	struct tweet_store *s = l->tx.s;
	const char *p[3] = {l->orig, l->uid, l->username}, *u = l->uid;
	struct event ev;
	int n;

	l->tx.r = TWEET_STORE_OK;
	/* A like written after the account's deletion took its likes would
	 * outlive it; an unlike has nothing to leave behind. */
	if (l->like && actor_alive(s, conn, &u, &l->tx.r) != 0)
		return -1;
	if (target(s, conn, l->tid, l->orig, &l->tx.r) != 0)
		return -1;
	if ((n = run_count(s, conn, l->like ? "social_like" : "social_unlike",
	    l->like ? 3 : 2, p, &l->tx.r)) < 0)
		return -1;
	if (get(s, conn, l->orig, &l->t, &l->tx.r) != 0)
		return -1;
	memset(&ev, 0, sizeof ev);
	if (n == 0)
		return 0;	/* liked or unliked already: no event */
	ev.type = l->like ? EVENT_LIKE : EVENT_UNLIKE;
	ev.user_id = l->user_id;
	ev.tweet_id = l->t.id;
	if (l->like) {
		/* The liker's name, from the token: the like names the
		 * liker without a lookup. */
		snprintf(ev.username, sizeof ev.username, "%s", l->username);
		ev.tweet = l->t;
	}
	return publish_event(conn, &ev, &l->tx.r);
}

enum tweet_store_result
social_store_like(struct tweet_store *s, int64_t id, int64_t user_id,
    const char *username, bool like, struct tweet *out)
{
	struct like l = {.username = username, .user_id = user_id,
	    .like = like};
	enum tweet_store_result res;

	memset(out, 0, sizeof *out);
	snprintf(l.tid, sizeof l.tid, "%" PRId64, id);
	snprintf(l.uid, sizeof l.uid, "%" PRId64, user_id);
	if ((res = tweet_store_part_tx(s, like_tx, &l.tx)) ==
	    TWEET_STORE_OK) {
		*out = l.t;
		return res;
	}
	model_tweet_release(&l.t);
	return res;
}

enum tweet_store_result
social_store_likers(struct tweet_store *s, int64_t id, int limit,
    bool has_cursor, int64_t after_us, int64_t after_id,
    struct social_likers *out)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	char tid[24], lim[16], us[24], aid[24];
	const char *p[4] = {tid, lim, us, aid};
	PGresult *r;
	int i, rows;

	memset(out, 0, sizeof *out);
	snprintf(tid, sizeof tid, "%" PRId64, id);
	snprintf(lim, sizeof lim, "%d", limit + 1);
	snprintf(us, sizeof us, "%" PRId64, after_us);
	snprintf(aid, sizeof aid, "%" PRId64, after_id);
	if ((r = run(s, NULL, has_cursor ? "social_likers_after" :
	    "social_likers", has_cursor ? 4 : 2, p, &res)) == NULL)
		return res;
	rows = PQntuples(r);
	out->more = rows > limit;
	out->n = (size_t)(rows > limit ? limit : rows);
	out->items = xcalloc(out->n ? out->n : 1, sizeof *out->items);
	for (i = 0; i < (int)out->n; i++) {
		out->items[i].id = col_id(r, i, 0);
		snprintf(out->items[i].username,
		    sizeof out->items[i].username, "%s", PQgetvalue(r, i, 1));
		out->items[i].time_us = col_id(r, i, 2);
	}
	PQclear(r);
	if (out->n > 0)
		return TWEET_STORE_OK;
	/* Nobody (here): is there such a tweet at all? */
	if ((rows = run_count(s, NULL, "tweet_exists", 1, p, &res)) <= 0) {
		social_store_likers_release(out);
		return rows < 0 ? res : TWEET_STORE_NOT_FOUND;
	}
	return TWEET_STORE_OK;
}

void
social_store_likers_release(struct social_likers *l)
{
	free(l->items);
	memset(l, 0, sizeof *l);
}

/* A repost, the argument of repost_tx. */
struct repost {
	struct tx tx;
	char tid[24], uid[24], orig[24], rid[24];
	const char *username;
	struct tweet t;
};

static int
repost_tx(PGconn *conn, void *arg)
{
	struct repost *rp = arg;
	struct tweet_store *s = rp->tx.s;
	const char *p[3] = {rp->uid, rp->username, rp->orig}, *u = rp->uid;
	const char *q[2] = {rp->orig, rp->uid};
	bool made;
	PGresult *r;

	rp->tx.r = TWEET_STORE_OK;
	if (actor_alive(s, conn, &u, &rp->tx.r) != 0 ||
	    target(s, conn, rp->tid, rp->orig, &rp->tx.r) != 0)
		return -1;
	/* As a post: before the fan-out's snapshot (tweet_store.c). */
	if (run_count(s, conn, "feed_lock_post", 1, &u, &rp->tx.r) < 0)
		return -1;
	if ((r = run(s, conn, "social_repost", 3, p, &rp->tx.r)) == NULL)
		return -1;
	if (!(made = PQntuples(r) == 1)) {
		/* Reposted before: that repost. */
		PQclear(r);
		if ((r = run(s, conn, "social_repost_of", 2, q,
		    &rp->tx.r)) == NULL)
			return -1;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		log_warnx("repost: neither made nor found");
		rp->tx.r = TWEET_STORE_ERROR;
		return -1;
	}
	snprintf(rp->rid, sizeof rp->rid, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	if (get(s, conn, rp->rid, &rp->t, &rp->tx.r) != 0)
		return -1;
	if (!made) {
		rp->tx.r = TWEET_STORE_REPLAY;
		return 0;
	}
	/* Into timelines and the live feed exactly like a post. */
	if (tweet_store_part_fan_out(s, conn, rp->uid, rp->rid,
	    &rp->tx.r) != 0)
		return -1;
	return publish_event(conn, &(struct event){ .type = EVENT_TWEET,
	    .user_id = rp->t.user_id, .tweet_id = rp->t.id, .tweet = rp->t },
	    &rp->tx.r);
}

enum tweet_store_result
social_store_repost(struct tweet_store *s, int64_t id, int64_t user_id,
    const char *username, struct tweet *out)
{
	struct repost rp = {.username = username};
	enum tweet_store_result res;

	memset(out, 0, sizeof *out);
	snprintf(rp.tid, sizeof rp.tid, "%" PRId64, id);
	snprintf(rp.uid, sizeof rp.uid, "%" PRId64, user_id);
	res = tweet_store_part_tx(s, repost_tx, &rp.tx);
	if (res == TWEET_STORE_OK || res == TWEET_STORE_REPLAY)
		*out = rp.t;
	else
		model_tweet_release(&rp.t);
	return res;
}

enum tweet_store_result
social_store_unrepost(struct tweet_store *s, int64_t id, int64_t user_id)
{
	enum tweet_store_result res = TWEET_STORE_OK;
	char tid[24], uid[24];
	const char *p[2] = {tid, uid};
	int64_t rid = 0;
	PGresult *r;
	int n;

	snprintf(tid, sizeof tid, "%" PRId64, id);
	snprintf(uid, sizeof uid, "%" PRId64, user_id);
	if ((r = run(s, NULL, "social_my_repost", 2, p, &res)) == NULL)
		return res;
	if (PQntuples(r) == 1)
		rid = col_id(r, 0, 0);
	PQclear(r);
	if (rid != 0) {
		/* The delete of a repost by its owner (social_store_unposting
		 * in it); gone meanwhile is as good. */
		res = tweet_store_delete(s, rid, user_id);
		return res == TWEET_STORE_NOT_FOUND ? TWEET_STORE_OK : res;
	}
	/* Not reposted: 200, when there is such a tweet. */
	if ((n = run_count(s, NULL, "tweet_exists", 1, p, &res)) < 0)
		return res;
	return n > 0 ? TWEET_STORE_OK : TWEET_STORE_NOT_FOUND;
}

/*
 * The reposts of r (rows of id, reposter) out of their reposters'
 * followers' feeds, a delete event each: published in conn's transaction
 * (outbox false) or put in the outbox (a prepared transaction).
 */
static int
reposts_gone(struct tweet_store *s, PGconn *conn, const PGresult *r,
    bool outbox, enum tweet_store_result *res)
{
	const char *p[2], *put[3];
	char *event, *list;
	json_t *one;
	int i, ret;

	for (i = 0; i < PQntuples(r); i++) {
		p[0] = PQgetvalue(r, i, 0);
		p[1] = PQgetvalue(r, i, 1);
		/* The lock keeps backfills out (tweet_store.c); a prepared
		 * transaction would hold it for as long as it waits. */
		if ((!outbox && run_count(s, conn, "feed_lock_post", 1, &p[1],
		    res) < 0) || run_count(s, conn, "feed_unpost", 2, p,
		    res) < 0)
			return -1;
		event = events_encode(&(struct event){ .type = EVENT_DELETE,
		    .tweet_id = col_id(r, i, 0), .user_id = col_id(r, i, 1),
		    .repost = true });
		if (!outbox) {
			ret = tweet_store_part_publish(conn, CHANNEL_TWEET,
			    event, col_id(r, i, 1), res);
			free(event);
			if (ret != 0)
				return -1;
			continue;
		}
		one = model_must(json_pack("[s]", event));
		free(event);
		if ((list = json_dumps(one, JSON_COMPACT)) == NULL)
			fatalx("out of memory");
		json_decref(one);
		put[0] = CHANNEL_TWEET;
		put[1] = list;
		put[2] = p[1];
		ret = run_count(s, conn, "outbox_put", 3, put, res);
		free(list);
		if (ret < 0)
			return -1;
	}
	return 0;
}

int
social_store_unposting(struct tweet_store *s, PGconn *conn,
    const char *tid, const char *uid, bool *repost,
    enum tweet_store_result *res)
{
	const char *p[2] = {tid, uid};
	char orig[24];
	PGresult *r;
	int ret;

	*repost = false;
	if ((r = run(s, conn, "social_kind", 2, p, res)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 0;	/* not this user's: the delete says so */
	}
	if ((*repost = !PQgetisnull(r, 0, 0))) {
		snprintf(orig, sizeof orig, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
		p[0] = orig;
		return run_count(s, conn, "social_uncount", 1, p, res) < 0 ?
		    -1 : 0;
	}
	PQclear(r);
	/* An original, now locked: its reposts go everywhere. */
	if ((r = run(s, conn, "social_unrepost_all", 1, p, res)) == NULL)
		return -1;
	ret = reposts_gone(s, conn, r, false, res);
	PQclear(r);
	return ret;
}

int
social_store_deleting_account(struct tweet_store *s, PGconn *conn,
    const char *uid, int64_t user_id, enum tweet_store_result *res)
{
	const char *p[1] = {uid}, *put[3] = {CHANNEL_TWEET, NULL, uid};
	json_t *payloads;
	char *event, *list;
	PGresult *r;
	int i, ret;

	if (run_count(s, conn, "social_deletion_likes", 1, p, res) < 0)
		return -1;
	/* The user's reposts: their feed rows go with the account's
	 * (user_deleted), their events in the outbox. */
	if ((r = run(s, conn, "social_deletion_reposts", 1, p, res)) == NULL)
		return -1;
	payloads = model_must(json_array());
	for (i = 0; i < PQntuples(r); i++) {
		event = events_encode(&(struct event){ .type = EVENT_DELETE,
		    .tweet_id = col_id(r, i, 0), .user_id = user_id,
		    .repost = true });
		json_array_append_new(payloads, model_must(json_string(event)));
		free(event);
	}
	PQclear(r);
	if ((list = json_dumps(payloads, JSON_COMPACT)) == NULL)
		fatalx("out of memory");
	json_decref(payloads);
	put[1] = list;
	ret = run_count(s, conn, "outbox_put", 3, put, res);
	free(list);
	if (ret < 0 ||
	    run_count(s, conn, "social_deletion_lock", 1, p, res) < 0)
		return -1;
	if ((r = run(s, conn, "social_deletion_reposted", 1, p, res)) == NULL)
		return -1;
	ret = reposts_gone(s, conn, r, true, res);
	PQclear(r);
	return ret;
}
