/*
 * notify_store.c: the notification database (notify_store.h). Only this
 * file knows SQL.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "bus.h"
#include "db.h"
#include "log.h"
#include "model.h"
#include "notify_store.h"
#include "xmalloc.h"

#define NOTIFICATION_COLUMNS \
	"id, type, (extract(epoch FROM created_at) * 1000)::bigint, read, " \
	"actor_id, actor_username, tweet_id, tweet"

static const struct db_statement notify_statements[] = {
	BUS_STATEMENTS,	/* bus_publish in this database's transactions */
	{"position", "SELECT seq FROM source_state WHERE owner = $1"},
	/* One applier of an owner's log at a time, whichever instance. */
	{"position_lock",
	    "SELECT seq FROM source_state WHERE owner = $1 FOR UPDATE"},
	{"position_set", "UPDATE source_state SET seq = $2 WHERE owner = $1"},
	/* Nothing to or by an account already deleted (0001's
	 * deleted_users); nothing twice (notifications_once). */
	{"insert",
	    "INSERT INTO notifications (recipient_id, type, actor_id, "
	    "actor_username, tweet_id, cause_id, tweet) "
	    "SELECT $1, $2, $3, $4, $5, $6, $7 WHERE NOT EXISTS (SELECT FROM "
	    "deleted_users WHERE user_id IN ($1::bigint, $3::bigint)) "
	    "ON CONFLICT DO NOTHING "
	    "RETURNING id, (extract(epoch FROM created_at) * 1000)::bigint"},
	/* The cap: the newest $2 of a recipient's are kept. */
	{"cap",
	    "DELETE FROM notifications WHERE recipient_id = $1 AND id <= "
	    "(SELECT id FROM notifications WHERE recipient_id = $1 "
	    "ORDER BY id DESC OFFSET $2 LIMIT 1) RETURNING id, recipient_id"},
	{"unfollow",
	    "DELETE FROM notifications WHERE recipient_id = $1 AND "
	    "type = 'follow' AND actor_id = $2 RETURNING id, recipient_id"},
	{"unlike",
	    "DELETE FROM notifications WHERE tweet_id = $1 AND "
	    "type = 'like' AND actor_id = $2 RETURNING id, recipient_id"},
	/* A deleted tweet: every notification about it or caused by it. */
	{"tweet_gone",
	    "DELETE FROM notifications WHERE tweet_id = $1 OR cause_id = $1 "
	    "RETURNING id, recipient_id"},
	{"user_gone",
	    "WITH d AS (INSERT INTO deleted_users (user_id) VALUES ($1) "
	    "ON CONFLICT DO NOTHING) DELETE FROM notifications "
	    "WHERE recipient_id = $1 OR actor_id = $1 "
	    "RETURNING id, recipient_id"},
	{"deleted_prune",
	    "DELETE FROM deleted_users "
	    "WHERE deleted_at < now() - interval '30 days'"},
	{"page_before",
	    "SELECT " NOTIFICATION_COLUMNS " FROM notifications "
	    "WHERE recipient_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"},
	{"page_after",
	    "SELECT * FROM (SELECT " NOTIFICATION_COLUMNS " FROM "
	    "notifications WHERE recipient_id = $1 AND id > $2 "
	    "ORDER BY id ASC LIMIT $3) p ORDER BY id DESC"},
	{"unread",
	    "SELECT count(*) FROM notifications "
	    "WHERE recipient_id = $1 AND NOT read"},
	/* The count is of the snapshot before the update: minus those it
	 * marked. */
	{"mark_read",
	    "WITH u AS (UPDATE notifications SET read = true "
	    "WHERE recipient_id = $1 AND id <= $2 AND NOT read RETURNING 1) "
	    "SELECT count(*) - (SELECT count(*) FROM u) FROM notifications "
	    "WHERE recipient_id = $1 AND NOT read"},
	{NULL, NULL},
};

struct notify_store {
	struct db *db;
	char keep[16];
};

struct notify_store *
notify_store_new(const char *url, int keep)
{
	struct notify_store *s = xcalloc(1, sizeof *s);

	s->db = db_new(url, notify_statements);
	snprintf(s->keep, sizeof s->keep, "%d", keep);
	return s;
}

void
notify_store_free(struct notify_store *s)
{
	if (s == NULL)
		return;
	db_free(s->db);
	free(s);
}

bool
notify_store_healthy(struct notify_store *s)
{
	return db_conn(s->db) != NULL && db_healthy(s->db);
}

/* The result of a failed statement on conn. */
static enum notify_store_result
failure(PGconn *conn)
{
	return conn == NULL || PQstatus(conn) != CONNECTION_OK ?
	    NOTIFY_STORE_UNAVAILABLE : NOTIFY_STORE_ERROR;
}

/* Run stmt; the result, or NULL with *r set. */
static PGresult *
run(struct notify_store *s, PGconn *conn, const char *stmt, int n,
    const char *const *params, enum notify_store_result *r)
{
	PGresult *res = db_exec(s->db, conn, stmt, n, params, NULL);

	if (res == NULL)
		*r = failure(conn);
	return res;
}

/* An int64 column of res. */
static int64_t
col_id(PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

enum notify_store_result
notify_store_position(struct notify_store *s, const char *owner,
    int64_t *seq)
{
	const char *p[1] = { owner };
	enum notify_store_result r = NOTIFY_STORE_OK;
	PGconn *conn = db_conn(s->db);
	PGresult *res;

	*seq = 0;
	if (conn == NULL)
		return NOTIFY_STORE_UNAVAILABLE;
	if ((res = run(s, conn, "position", 1, p, &r)) == NULL)
		return r;
	if (PQntuples(res) == 1)
		*seq = col_id(res, 0, 0);
	else
		r = NOTIFY_STORE_ERROR;
	PQclear(res);
	return r;
}

/* --- applying events ----------------------------------------------------- */

/* One transaction of notify_store_apply. */
struct apply {
	struct notify_store *s;
	const char *owner;
	const struct event *evs;
	size_t n;
	bool strict;
	int64_t floor;		/* notify_store_apply's */
	int64_t pos;
	enum notify_store_result r;
};

/* Publish ev (a notification event) in conn's transaction; 0 or -1. */
static int
publish(struct apply *a, PGconn *conn, const struct event *ev)
{
	char *payload = events_encode(ev);
	int rc = bus_publish_by(db_bus_tx(conn), CHANNEL_NOTIFY, payload,
	    ev->user_id);

	free(payload);
	if (rc != 0)
		a->r = failure(conn);
	return rc;
}

/* Run a DELETE ... RETURNING id, recipient_id and publish a
 * notification_delete for each row; 0 or -1. */
static int
remove_rows(struct apply *a, PGconn *conn, const char *stmt, int n,
    const char *const *params)
{
	struct event ev;
	PGresult *res;
	int i, rc = 0;

	if ((res = run(a->s, conn, stmt, n, params, &a->r)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(res) && rc == 0; i++) {
		memset(&ev, 0, sizeof ev);
		ev.type = EVENT_NOTIFICATION_DELETE;
		ev.notification_id = col_id(res, i, 0);
		ev.user_id = col_id(res, i, 1);
		rc = publish(a, conn, &ev);
	}
	PQclear(res);
	return rc;
}

/* Whether recipient is notified of what actor did: not of one's own. */
static bool
notifies(int64_t recipient, int64_t actor)
{
	return recipient > 0 && recipient != actor;
}

/*
 * Make one notification (tweet: the JSON text of the tweet concerned, or
 * NULL) and publish it; then cut the recipient's to the cap. Nobody is
 * notified of their own actions. 0 or -1.
 */
static int
insert(struct apply *a, PGconn *conn, int64_t recipient, const char *type,
    int64_t actor, const char *username, int64_t tweet_id, int64_t cause,
    const char *tweet)
{
	char r_s[24], a_s[24], t_s[24], c_s[24];
	const char *p[7] = { r_s, type, a_s, username, t_s, c_s, tweet };
	const char *cp[2] = { r_s, a->s->keep };
	struct notification n;
	struct event ev;
	PGresult *res;
	json_t *obj;
	int rc;

	if (!notifies(recipient, actor))
		return 0;
	snprintf(r_s, sizeof r_s, "%" PRId64, recipient);
	snprintf(a_s, sizeof a_s, "%" PRId64, actor);
	snprintf(t_s, sizeof t_s, "%" PRId64, tweet_id);
	snprintf(c_s, sizeof c_s, "%" PRId64, cause);
	if ((res = run(a->s, conn, "insert", 7, p, &a->r)) == NULL)
		return -1;
	if (PQntuples(res) == 0) {	/* made before, or an account gone */
		PQclear(res);
		return 0;
	}
	memset(&n, 0, sizeof n);
	n.id = col_id(res, 0, 0);
	n.created_ms = col_id(res, 0, 1);
	PQclear(res);
	snprintf(n.type, sizeof n.type, "%s", type);
	n.actor_id = actor;
	snprintf(n.actor_username, sizeof n.actor_username, "%s", username);
	n.tweet_id = tweet_id;
	n.tweet = (char *)tweet;	/* borrowed: not released */
	obj = notification_json(&n, NULL);
	memset(&ev, 0, sizeof ev);
	ev.type = EVENT_NOTIFICATION;
	ev.user_id = recipient;
	ev.notification_id = n.id;
	if ((ev.notification = json_dumps(obj, JSON_COMPACT)) == NULL)
		fatalx("out of memory");
	json_decref(obj);
	rc = publish(a, conn, &ev);
	free(ev.notification);
	if (rc != 0)
		return -1;
	return remove_rows(a, conn, "cap", 2, cp);
}

/* The compact JSON text of t; the caller frees. */
static char *
tweet_text(const struct tweet *t)
{
	json_t *j = model_tweet_json(t);
	char *s = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	if (s == NULL)
		fatalx("out of memory");
	return s;
}

/*
 * Whom a tweet event notifies, each once, into ids and kinds (room for
 * MODEL_MENTIONS_MAX + 1); how many. A repost notifies the original's
 * author; a reply its parent's author; a mention each user mentioned,
 * but the parent's author of a reply gets the reply only. insert() then
 * passes over the author (nobody is notified of their own acts), so
 * apply_tweet and notify_store_makes_nothing read the same list.
 */
static int
tweet_recipients(const struct event *ev, int64_t *ids, const char **kinds)
{
	const struct tweet *t = &ev->tweet;
	int64_t m[MODEL_MENTIONS_MAX], parent = ev->parent_user_id;
	int i, j, n, k = 0;

	if (t->repost_of != NULL) {
		ids[0] = t->repost_of->user_id;
		kinds[0] = "repost";
		return 1;
	}
	if (parent > 0) {
		ids[k] = parent;
		kinds[k++] = "reply";
	}
	n = model_tweet_mention_ids(t, m, MODEL_MENTIONS_MAX);
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && m[j] != m[i]; j++)
			;
		if (j < i || m[i] == parent)
			continue;	/* twice, or replied to */
		ids[k] = m[i];
		kinds[k++] = "mention";
	}
	return k;
}

/*
 * The notifications of a tweet event (tweet_recipients); the tweet they
 * name is the original for a repost, else the tweet itself.
 */
static int
apply_tweet(struct apply *a, PGconn *conn, const struct event *ev)
{
	const struct tweet *t = &ev->tweet;
	const struct tweet *subject = t->repost_of != NULL ? t->repost_of : t;
	int64_t ids[MODEL_MENTIONS_MAX + 1];
	const char *kinds[MODEL_MENTIONS_MAX + 1];
	char *text = tweet_text(subject);
	int i, n, rc = 0;

	n = tweet_recipients(ev, ids, kinds);
	for (i = 0; i < n && rc == 0; i++)
		rc = insert(a, conn, ids[i], kinds[i], t->user_id,
		    t->username, subject->id, t->id, text);
	free(text);
	return rc;
}

/* The change of one event; 0 or -1. */
static int
apply_one(struct apply *a, PGconn *conn, const struct event *ev)
{
	char x[24], y[24], *text;
	const char *p[2] = { x, y };
	int rc;

	switch (ev->type) {
	case EVENT_FOLLOW:
		if (ev->username[0] == '\0')
			return 0;
		return insert(a, conn, ev->target_id, "follow", ev->user_id,
		    ev->username, 0, 0, NULL);
	case EVENT_UNFOLLOW:
		snprintf(x, sizeof x, "%" PRId64, ev->target_id);
		snprintf(y, sizeof y, "%" PRId64, ev->user_id);
		return remove_rows(a, conn, "unfollow", 2, p);
	case EVENT_USER_DELETED:
		snprintf(x, sizeof x, "%" PRId64, ev->user_id);
		return remove_rows(a, conn, "user_gone", 1, p);
	case EVENT_TWEET:
		return apply_tweet(a, conn, ev);
	case EVENT_DELETE:
		snprintf(x, sizeof x, "%" PRId64, ev->tweet_id);
		return remove_rows(a, conn, "tweet_gone", 1, p);
	case EVENT_LIKE:
		text = tweet_text(&ev->tweet);
		rc = insert(a, conn, ev->tweet.user_id, "like", ev->user_id,
		    ev->username, ev->tweet.id, 0, text);
		free(text);
		return rc;
	case EVENT_UNLIKE:
		snprintf(x, sizeof x, "%" PRId64, ev->tweet_id);
		snprintf(y, sizeof y, "%" PRId64, ev->user_id);
		return remove_rows(a, conn, "unlike", 2, p);
	default:
		return 0;	/* revoke, and what is not ours */
	}
}

bool
notify_store_makes_nothing(const struct event *ev)
{
	int64_t ids[MODEL_MENTIONS_MAX + 1];
	const char *kinds[MODEL_MENTIONS_MAX + 1];
	int i, n;

	switch (ev->type) {
	case EVENT_TWEET:
		n = tweet_recipients(ev, ids, kinds);
		for (i = 0; i < n; i++)
			if (notifies(ids[i], ev->tweet.user_id))
				return false;
		return true;
	case EVENT_FOLLOW:
	case EVENT_UNFOLLOW:
	case EVENT_USER_DELETED:
	case EVENT_DELETE:
	case EVENT_LIKE:
	case EVENT_UNLIKE:
		return false;
	default:
		return true;	/* apply_one's default */
	}
}

static int
apply_tx(PGconn *conn, void *arg)
{
	struct apply *a = arg;
	const char *p[2] = { a->owner, NULL };
	char seq[24];
	PGresult *res;
	int64_t pos, start;
	size_t i;

	a->r = NOTIFY_STORE_OK;
	if ((res = run(a->s, conn, "position_lock", 1, p, &a->r)) == NULL)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		log_warnx("notify store: source_state has no row for %s",
		    a->owner);
		a->r = NOTIFY_STORE_ERROR;
		return -1;
	}
	a->pos = col_id(res, 0, 0);
	PQclear(res);
	/* Past the stored position: the events the caller passed over
	 * (makers of nothing, notify_store_apply). */
	pos = start = a->pos > a->floor ? a->pos : a->floor;
	for (i = 0; i < a->n; i++) {
		if (a->evs[i].seq <= pos)
			continue;	/* applied before */
		if (a->strict && pos == start && a->evs[i].seq != pos + 1) {
			a->r = NOTIFY_STORE_GAP;
			return -1;
		}
		if (apply_one(a, conn, &a->evs[i]) != 0)
			return -1;
		pos = a->evs[i].seq;
	}
	if (pos == a->pos)
		return 0;
	snprintf(seq, sizeof seq, "%" PRId64, pos);
	p[1] = seq;
	if ((res = run(a->s, conn, "position_set", 2, p, &a->r)) == NULL)
		return -1;
	PQclear(res);
	a->pos = pos;
	return 0;
}

enum notify_store_result
notify_store_apply(struct notify_store *s, const char *owner,
    const struct event *evs, size_t n, bool strict, int64_t floor,
    int64_t *pos)
{
	struct apply a = { .s = s, .owner = owner, .evs = evs, .n = n,
	    .strict = strict, .floor = floor, .r = NOTIFY_STORE_OK };

	switch (db_tx(s->db, apply_tx, &a)) {
	case DB_TX_COMMITTED:
		*pos = a.pos;
		return NOTIFY_STORE_OK;
	case DB_TX_ROLLED_BACK:
		*pos = a.pos;
		return a.r != NOTIFY_STORE_OK ? a.r : NOTIFY_STORE_ERROR;
	case DB_TX_UNAVAILABLE:
		return NOTIFY_STORE_UNAVAILABLE;
	default:
		return NOTIFY_STORE_ERROR;
	}
}

void
notify_store_prune(struct notify_store *s)
{
	PGconn *conn = db_conn(s->db);
	PGresult *res;

	if (conn != NULL &&
	    (res = db_exec(s->db, conn, "deleted_prune", 0, NULL, NULL)) !=
	    NULL)
		PQclear(res);
}

/* --- reading ------------------------------------------------------------- */

/* The unread count of recipient (p[0]). */
static enum notify_store_result
unread(struct notify_store *s, PGconn *conn, const char *const *p,
    int64_t *out)
{
	enum notify_store_result r = NOTIFY_STORE_OK;
	PGresult *res;

	if ((res = run(s, conn, "unread", 1, p, &r)) == NULL)
		return r;
	*out = col_id(res, 0, 0);
	PQclear(res);
	return r;
}

enum notify_store_result
notify_store_page(struct notify_store *s, int64_t recipient, int64_t before,
    int64_t after, int limit, struct notify_store_page *out)
{
	char r_s[24], k_s[24], l_s[16];
	const char *p[3] = { r_s, k_s, l_s };
	enum notify_store_result r = NOTIFY_STORE_OK;
	PGconn *conn = db_conn(s->db);
	struct notification *n;
	PGresult *res;
	int i;

	memset(out, 0, sizeof *out);
	if (conn == NULL)
		return NOTIFY_STORE_UNAVAILABLE;
	snprintf(r_s, sizeof r_s, "%" PRId64, recipient);
	snprintf(k_s, sizeof k_s, "%" PRId64, after > 0 ? after :
	    before > 0 ? before : INT64_MAX);
	snprintf(l_s, sizeof l_s, "%d", limit);
	if ((res = run(s, conn, after > 0 ? "page_after" : "page_before", 3,
	    p, &r)) == NULL)
		return r;
	out->items = xcalloc((size_t)PQntuples(res) + 1, sizeof *out->items);
	for (i = 0; i < PQntuples(res); i++) {
		n = &out->items[out->n++];
		n->id = col_id(res, i, 0);
		snprintf(n->type, sizeof n->type, "%s", PQgetvalue(res, i, 1));
		n->created_ms = col_id(res, i, 2);
		n->read = PQgetvalue(res, i, 3)[0] == 't';
		n->actor_id = col_id(res, i, 4);
		snprintf(n->actor_username, sizeof n->actor_username, "%s",
		    PQgetvalue(res, i, 5));
		n->tweet_id = col_id(res, i, 6);
		if (!PQgetisnull(res, i, 7))
			n->tweet = xstrdup(PQgetvalue(res, i, 7));
	}
	PQclear(res);
	if ((r = unread(s, conn, p, &out->unread)) != NOTIFY_STORE_OK)
		notify_store_page_release(out);
	return r;
}

void
notify_store_page_release(struct notify_store_page *page)
{
	size_t i;

	for (i = 0; i < page->n; i++)
		notification_release(&page->items[i]);
	free(page->items);
	memset(page, 0, sizeof *page);
}

enum notify_store_result
notify_store_read(struct notify_store *s, int64_t recipient, int64_t up_to,
    int64_t *out)
{
	char r_s[24], u_s[24];
	const char *p[2] = { r_s, u_s };
	enum notify_store_result r = NOTIFY_STORE_OK;
	PGconn *conn = db_conn(s->db);
	PGresult *res;

	*out = 0;
	if (conn == NULL)
		return NOTIFY_STORE_UNAVAILABLE;
	snprintf(r_s, sizeof r_s, "%" PRId64, recipient);
	snprintf(u_s, sizeof u_s, "%" PRId64, up_to);
	if ((res = run(s, conn, "mark_read", 2, p, &r)) == NULL)
		return r;
	*out = col_id(res, 0, 0);
	PQclear(res);
	return r;
}

enum eventlog_result
notify_store_events(struct notify_store *s, int64_t after, int limit,
    const int64_t *authors, size_t n, json_t **out)
{
	return eventlog_page(db_conn(s->db), after, limit, authors, n, out);
}
