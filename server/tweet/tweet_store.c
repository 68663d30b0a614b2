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
#include "model.h"
#include "tweet_store.h"
#include "xmalloc.h"

/* Tweets deleted per statement of a deletion (the LIMIT of
 * deletion_tweets). */
#define DELETION_BATCH 1000

#define TWEET_COLUMNS \
	"id, user_id, username, content, " \
	"floor(extract(epoch FROM created_at) * 1000)::bigint"

static const struct db_statement statements[] = {
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
	    "INSERT INTO tweets (user_id, username, content) "
	    "VALUES ($1, $2, $3) RETURNING " TWEET_COLUMNS},
	{"get_tweet", "SELECT " TWEET_COLUMNS " FROM tweets WHERE id = $1"},
	{"delete_tweet",
	    "DELETE FROM tweets WHERE id = $1 AND user_id = $2 RETURNING id"},
	{"tweet_exists", "SELECT 1 FROM tweets WHERE id = $1"},
	/* One index range scan per author, merged (LATERAL). The row
	 * comparison is there for the planner: only tweets(user_id, id) can
	 * serve it, where the primary key would filter all tweets. */
	{"timeline_before",
	    "SELECT t.* FROM unnest($1::bigint[]) AS f(uid) "
	    "CROSS JOIN LATERAL (SELECT " TWEET_COLUMNS " AS ms FROM tweets "
	    "WHERE user_id = f.uid AND (user_id, id) < (f.uid, $2) "
	    "ORDER BY id DESC LIMIT $3) t "
	    "ORDER BY t.id DESC LIMIT $3"},
	{"timeline_after",
	    "SELECT t.* FROM unnest($1::bigint[]) AS f(uid) "
	    "CROSS JOIN LATERAL (SELECT " TWEET_COLUMNS " AS ms FROM tweets "
	    "WHERE user_id = f.uid AND (user_id, id) > (f.uid, $2) "
	    "ORDER BY id ASC LIMIT $3) t "
	    "ORDER BY t.id ASC LIMIT $3"},
	{"deletion_tombstone",
	    "INSERT INTO deleted_users (user_id) VALUES ($1) "
	    "ON CONFLICT DO NOTHING"},
	/* A batch of a deleted user's tweets (DELETION_BATCH), oldest first;
	 * their events go to the outbox as the payloads of outbox_put. */
	{"deletion_tweets",
	    "WITH d AS (DELETE FROM tweets WHERE id IN (SELECT id FROM tweets "
	    "WHERE user_id = $1 ORDER BY id LIMIT 1000) RETURNING id) "
	    "SELECT id FROM d ORDER BY id"},
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
	{NULL, NULL},
};

struct tweet_store {
	struct db *db;
};

struct tweet_store *
tweet_store_new(const char *url)
{
	struct tweet_store *s = xcalloc(1, sizeof *s);

	s->db = db_new(url, statements);
	return s;
}

void
tweet_store_free(struct tweet_store *s)
{
	if (s == NULL)
		return;
	db_free(s->db);
	free(s);
}

bool
tweet_store_healthy(struct tweet_store *s)
{
	return db_healthy(s->db);
}

void
tweet_page_release(struct tweet_page *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		model_tweet_release(&p->items[i]);
	free(p->items);
	p->items = NULL;
	p->n = 0;
}

/* What a failed statement means to a caller. */
static enum store_result
failure(PGconn *conn, const char *sqlstate)
{
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK ||
	    (sqlstate != NULL && strcmp(sqlstate, DB_CONNECTION_LOST) == 0))
		return STORE_UNAVAILABLE;
	return STORE_ERROR;
}

static void
rollback(struct tweet_store *s, PGconn *conn)
{
	if (PQstatus(conn) == CONNECTION_OK)
		(void)db_command(s->db, conn, "ROLLBACK");
}

/* Run stmt; on failure *res is set and NULL returned. */
static PGresult *
run(struct tweet_store *s, PGconn *conn, const char *stmt, int n,
    const char *const *params, enum store_result *res)
{
	const char *state = NULL;
	PGresult *r;

	r = db_exec(s->db, conn, stmt, n, params, &state);
	if (r == NULL)
		*res = failure(conn, state);
	return r;
}

/* A row of TWEET_COLUMNS into t (content copied byte for byte). */
static void
row_tweet(const PGresult *r, int row, struct tweet *t)
{
	memset(t, 0, sizeof *t);
	t->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
	t->user_id = strtoll(PQgetvalue(r, row, 1), NULL, 10);
	snprintf(t->username, sizeof t->username, "%s", PQgetvalue(r, row, 2));
	t->content = xstrndup(PQgetvalue(r, row, 3), PQgetlength(r, row, 3));
	t->created_ms = strtoll(PQgetvalue(r, row, 4), NULL, 10);
}

/* JSON text of a tweet; caller frees. */
static char *
tweet_text(const struct tweet *t)
{
	json_t *j = model_tweet_json(t);
	char *text = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	if (text == NULL)
		fatalx("out of memory");
	return text;
}

/* The stored first answer to an idempotent request, when live. */
static enum store_result
read_key(struct tweet_store *s, PGconn *conn, const char *const *params,
    char **response)
{
	enum store_result res = STORE_OK;
	PGresult *r;

	if ((r = run(s, conn, "read_key", 2, params, &res)) == NULL)
		return res;
	if (PQntuples(r) != 1) {
		/* Claimed and then dropped in between: rare, not an error
		 * the client can fix. */
		log_warnx("idempotency key vanished during a repeat");
		PQclear(r);
		return STORE_ERROR;
	}
	*response = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return STORE_REPLAY;
}

enum store_result
tweet_store_post(struct tweet_store *s, int64_t user_id,
    const char *username, const char *content,
    const char *key, char **response)
{
	enum store_result res = STORE_OK;
	char uid[24], tid[24], *text = NULL, *event = NULL;
	const char *kp[4], *tp[3];
	struct tweet t = {0};
	PGconn *conn;
	PGresult *r = NULL;
	int replay = 0;

	*response = NULL;
	if ((conn = db_conn(s->db)) == NULL)
		return STORE_UNAVAILABLE;
	snprintf(uid, sizeof uid, "%" PRId64, user_id);
	kp[0] = uid;
	kp[1] = key;
	if (db_command(s->db, conn, "BEGIN") != 0)
		return failure(conn, NULL);

	if ((r = run(s, conn, "lock_user_shared", 1, kp, &res)) == NULL)
		goto fail;
	if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
		res = STORE_BUSY;
		goto fail;
	}
	PQclear(r);
	/* A statement of its own: its snapshot is taken under the lock. */
	if ((r = run(s, conn, "tombstone", 1, kp, &res)) == NULL)
		goto fail;
	if (PQntuples(r) > 0) {
		res = STORE_DELETED;
		goto fail;
	}
	PQclear(r);
	r = NULL;

	if (key != NULL) {
		if ((r = run(s, conn, "claim_key", 2, kp, &res)) == NULL)
			goto fail;
		if (PQntuples(r) == 0) {
			/* A live key: answer what the first request got. */
			replay = 1;
			goto fail;
		}
		PQclear(r);
		r = NULL;
	}

	tp[0] = uid;
	tp[1] = username;
	tp[2] = content;
	/* content holds no NUL (validate_content): stored byte for byte. */
	if ((r = run(s, conn, "insert_tweet", 3, tp, &res)) == NULL)
		goto fail;
	if (PQntuples(r) != 1) {
		res = STORE_ERROR;
		goto fail;
	}
	row_tweet(r, 0, &t);
	PQclear(r);
	r = NULL;
	text = tweet_text(&t);

	if (key != NULL) {
		snprintf(tid, sizeof tid, "%" PRId64, t.id);
		kp[2] = text;
		kp[3] = tid;
		if ((r = run(s, conn, "store_key", 4, kp, &res)) == NULL)
			goto fail;
		PQclear(r);
		r = NULL;
	}
	event = events_encode(&(struct event){ .type = EVENT_TWEET,
	    .tweet = t });
	if (bus_publish(db_bus_tx(conn), CHANNEL_TWEET, event) != 0) {
		res = failure(conn, NULL);
		goto fail;
	}
	if (db_command(s->db, conn, "COMMIT") != 0) {
		res = failure(conn, NULL);
		goto out;
	}
	*response = text;
	text = NULL;
	res = STORE_OK;
	goto out;
fail:
	PQclear(r);
	r = NULL;
	rollback(s, conn);
	if (replay)
		res = read_key(s, conn, kp, response);
out:
	PQclear(r);
	free(text);
	free(event);
	model_tweet_release(&t);
	return res;
}

enum store_result
tweet_store_get(struct tweet_store *s, int64_t id, struct tweet *out)
{
	enum store_result res = STORE_OK;
	char tid[24];
	const char *p[1] = {tid};
	PGconn *conn;
	PGresult *r;

	if ((conn = db_conn(s->db)) == NULL)
		return STORE_UNAVAILABLE;
	snprintf(tid, sizeof tid, "%" PRId64, id);
	if ((r = run(s, conn, "get_tweet", 1, p, &res)) == NULL)
		return res;
	if (PQntuples(r) == 1)
		row_tweet(r, 0, out);
	else
		res = STORE_NOT_FOUND;
	PQclear(r);
	return res;
}

enum store_result
tweet_store_delete(struct tweet_store *s, int64_t id, int64_t user_id)
{
	enum store_result res = STORE_OK;
	char tid[24], uid[24], *event = NULL;
	const char *p[2] = {tid, uid};
	PGconn *conn;
	PGresult *r = NULL;

	if ((conn = db_conn(s->db)) == NULL)
		return STORE_UNAVAILABLE;
	snprintf(tid, sizeof tid, "%" PRId64, id);
	snprintf(uid, sizeof uid, "%" PRId64, user_id);
	if (db_command(s->db, conn, "BEGIN") != 0)
		return failure(conn, NULL);
	if ((r = run(s, conn, "delete_tweet", 2, p, &res)) == NULL)
		goto fail;
	if (PQntuples(r) == 0) {
		PQclear(r);
		r = NULL;
		rollback(s, conn);
		/* Tell someone else's tweet from no tweet. */
		if ((r = run(s, conn, "tweet_exists", 1, p, &res)) == NULL)
			return res;
		res = PQntuples(r) > 0 ? STORE_FORBIDDEN : STORE_NOT_FOUND;
		PQclear(r);
		return res;
	}
	PQclear(r);
	r = NULL;
	event = events_encode(&(struct event){ .type = EVENT_DELETE,
	    .tweet_id = id, .user_id = user_id });
	if (bus_publish(db_bus_tx(conn), CHANNEL_TWEET, event) != 0) {
		res = failure(conn, NULL);
		goto fail;
	}
	if (db_command(s->db, conn, "COMMIT") != 0)
		res = failure(conn, NULL);
	free(event);
	return res;
fail:
	PQclear(r);
	free(event);
	rollback(s, conn);
	return res;
}

/* "{1,2,3}": a bigint[] parameter. Caller frees. */
static char *
id_array(const int64_t *ids, size_t n)
{
	char *buf = xmalloc(n * 21 + 3), *p = buf;
	size_t i;

	*p++ = '{';
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s%" PRId64, i ? "," : "", ids[i]);
	*p++ = '}';
	*p = '\0';
	return buf;
}

enum store_result
tweet_store_timeline(struct tweet_store *s, const int64_t *uids, size_t n,
    int64_t before, int64_t after, int limit, struct tweet_page *out)
{
	enum store_result res = STORE_OK;
	char cursor[24], lim[16], *arr;
	const char *p[3];
	PGconn *conn;
	PGresult *r;
	int i, rows;

	out->items = NULL;
	out->n = 0;
	if ((conn = db_conn(s->db)) == NULL)
		return STORE_UNAVAILABLE;
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
	r = run(s, conn, after > 0 ? "timeline_after" : "timeline_before", 3,
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
	return STORE_OK;
}

enum store_result
tweet_store_user_deleted(struct tweet_store *s, int64_t user_id)
{
	enum store_result res = STORE_OK;
	char uid[24];
	const char *p[1] = {uid};
	PGconn *conn;
	PGresult *r;

	if ((conn = db_conn(s->db)) == NULL)
		return STORE_UNAVAILABLE;
	snprintf(uid, sizeof uid, "%" PRId64, user_id);
	if ((r = run(s, conn, "tombstone", 1, p, &res)) == NULL)
		return res;
	res = PQntuples(r) > 0 ? STORE_DELETED : STORE_OK;
	PQclear(r);
	return res;
}

/* Whether gid is a prepared transaction of this database. */
static enum store_result
is_prepared(struct tweet_store *s, PGconn *conn, const char *gid)
{
	enum store_result res = STORE_OK;
	const char *p[1] = {gid};
	PGresult *r;

	if ((r = run(s, conn, "prepared", 1, p, &res)) == NULL)
		return res;
	res = PQntuples(r) > 0 ? STORE_OK : STORE_NOT_FOUND;
	PQclear(r);
	return res;
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

/*
 * Delete every tweet of user_id, a batch at a time, and put a delete
 * event for each in the outbox: a prepared transaction cannot NOTIFY.
 */
static enum store_result
deletion_tweets(struct tweet_store *s, PGconn *conn, const char *uid,
    int64_t user_id)
{
	enum store_result res = STORE_OK;
	const char *del[1] = {uid}, *put[3] = {CHANNEL_TWEET, NULL, uid};
	PGresult *r;
	json_t *payloads;
	char *event, *list;
	int i, rows;

	do {
		if ((r = run(s, conn, "deletion_tweets", 1, del, &res)) == NULL)
			return res;
		if ((rows = PQntuples(r)) == 0) {
			PQclear(r);
			break;
		}
		payloads = model_must(json_array());
		for (i = 0; i < rows; i++) {
			event = events_encode(&(struct event){
			    .type = EVENT_DELETE, .user_id = user_id,
			    .tweet_id = strtoll(PQgetvalue(r, i, 0), NULL,
			    10) });
			json_array_append_new(payloads,
			    model_must(json_string(event)));
			free(event);
		}
		PQclear(r);
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
	return STORE_OK;
}

enum store_result
tweet_store_prepare_deletion(struct tweet_store *s, const char *gid,
    int64_t user_id)
{
	enum store_result res;
	char uid[24];
	const char *p[1] = {uid};
	PGconn *conn;
	PGresult *r = NULL;

	if ((conn = db_conn(s->db)) == NULL)
		return STORE_UNAVAILABLE;
	/* A repeat of a prepare that got through. */
	if ((res = is_prepared(s, conn, gid)) != STORE_NOT_FOUND)
		return res;
	snprintf(uid, sizeof uid, "%" PRId64, user_id);
	if (db_command(s->db, conn, "BEGIN") != 0)
		return failure(conn, NULL);
	res = STORE_OK;
	if ((r = run(s, conn, "lock_user", 1, p, &res)) == NULL)
		goto fail;
	PQclear(r);
	/* Already deleted and committed: nothing left to prepare. */
	if ((r = run(s, conn, "tombstone", 1, p, &res)) == NULL)
		goto fail;
	if (PQntuples(r) > 0)
		goto fail;
	PQclear(r);
	if ((r = run(s, conn, "deletion_tombstone", 1, p, &res)) == NULL)
		goto fail;
	PQclear(r);
	r = NULL;
	if ((res = deletion_tweets(s, conn, uid, user_id)) != STORE_OK)
		goto fail;
	if ((r = run(s, conn, "deletion_keys", 1, p, &res)) == NULL)
		goto fail;
	PQclear(r);
	r = NULL;
	if (gid_command(s, conn, "PREPARE TRANSACTION", gid) != 0) {
		/* The transaction is gone either way. */
		res = failure(conn, NULL);
		if (res == STORE_ERROR && is_prepared(s, conn, gid) == STORE_OK)
			res = STORE_OK;	/* a concurrent twin got there */
		return res;
	}
	return STORE_OK;
fail:
	PQclear(r);
	rollback(s, conn);
	return res;
}

enum store_result
tweet_store_finish_prepared(struct tweet_store *s, const char *gid,
    bool commit)
{
	enum store_result res;
	PGconn *conn;

	if ((conn = db_conn(s->db)) == NULL)
		return STORE_UNAVAILABLE;
	if ((res = is_prepared(s, conn, gid)) != STORE_OK)
		return res;
	if (gid_command(s, conn, commit ? "COMMIT PREPARED" :
	    "ROLLBACK PREPARED", gid) == 0)
		return STORE_OK;
	if ((res = failure(conn, NULL)) != STORE_ERROR)
		return res;
	/* Finished by someone else meanwhile (recovery and coordinator). */
	return is_prepared(s, conn, gid) == STORE_NOT_FOUND ? STORE_NOT_FOUND :
	    STORE_ERROR;
}

enum store_result
tweet_store_flush_outbox(struct tweet_store *s)
{
	enum store_result res = STORE_OK;
	const char *p[1] = {CHANNEL_TWEET};
	PGconn *conn;
	PGresult *r;

	if ((conn = db_conn(s->db)) == NULL)
		return STORE_UNAVAILABLE;
	if ((r = run(s, conn, "outbox_wake", 1, p, &res)) == NULL)
		return res;
	PQclear(r);
	return STORE_OK;
}

enum store_result
tweet_store_stale_prepared(struct tweet_store *s, const char *prefix,
    int age_s, char ***gids, size_t *n)
{
	enum store_result res = STORE_OK;
	char age[16];
	const char *p[2] = {prefix, age};
	PGconn *conn;
	PGresult *r;
	int i, rows;

	*gids = NULL;
	*n = 0;
	if ((conn = db_conn(s->db)) == NULL)
		return STORE_UNAVAILABLE;
	snprintf(age, sizeof age, "%d", age_s);
	if ((r = run(s, conn, "stale_prepared", 2, p, &res)) == NULL)
		return res;
	rows = PQntuples(r);
	*gids = xcalloc(rows ? (size_t)rows : 1, sizeof **gids);
	for (i = 0; i < rows; i++)
		(*gids)[i] = xstrdup(PQgetvalue(r, i, 0));
	*n = (size_t)rows;
	PQclear(r);
	return STORE_OK;
}

enum store_result
tweet_store_purge_keys(struct tweet_store *s)
{
	enum store_result res = STORE_OK;
	PGconn *conn;
	PGresult *r;

	if ((conn = db_conn(s->db)) == NULL)
		return STORE_UNAVAILABLE;
	if ((r = run(s, conn, "purge_keys", 0, NULL, &res)) == NULL)
		return res;
	PQclear(r);
	return STORE_OK;
}

enum eventlog_result
tweet_store_events(struct tweet_store *s, int64_t after, int limit,
    const int64_t *authors, size_t n, json_t **out)
{
	return eventlog_page(db_conn(s->db), after, limit, authors, n, out);
}
