/*
 * user_store.c: all the SQL of chirp-userd. Statements are prepared on
 * every connection (common/db.c); ids travel as decimal text.
 *
 * Follower and following counts are kept in the users row, in the same
 * transaction as the edge. Rows are locked in id order so that two
 * crossing follows cannot deadlock; a deadlock or serialization failure
 * anyway (a deletion racing a follow) is retried (db_tx).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "bus.h"
#include "db.h"
#include "events.h"
#include "log.h"
#include "user_store.h"
#include "xmalloc.h"

#define PENDING_MAX "100"

struct user_store {
	struct db *db;
};

#define USER_COLS "id, username, " \
	"(extract(epoch FROM created_at) * 1000)::bigint, " \
	"followers_count, followings_count, tweets_count, display_name, bio"
#define TS_PARAM(n) "('epoch'::timestamptz + $" #n \
	"::bigint * interval '1 microsecond')"

static const struct db_statement user_store_statements[] = {
	BUS_STATEMENTS,	/* bus_publish in this database's transactions */
	{ "user_create",
	  "INSERT INTO users (username, password_hash) VALUES ($1, $2) "
	  "RETURNING " USER_COLS },
	{ "user_get", "SELECT " USER_COLS " FROM users WHERE id = $1" },
	{ "user_by_name", "SELECT " USER_COLS " FROM users "
	  "WHERE lower(username) = lower($1)" },
	{ "user_credentials", "SELECT " USER_COLS ", password_hash, "
	  "token_gen FROM users WHERE lower(username) = lower($1)" },
	/* PATCH: a NULL parameter leaves its field as it is. */
	{ "user_profile", "UPDATE users SET "
	  "display_name = coalesce($2, display_name), "
	  "bio = coalesce($3, bio) WHERE id = $1 RETURNING " USER_COLS },
	/* tweetsCount from chirp-tweetd's log (tweet_count.c): the
	 * position locked, so that each event is applied once whichever
	 * instance applies it. A count never goes below 0 (a delete of a
	 * tweet posted before the count began). */
	{ "tweet_position", "SELECT tweet_seq FROM tweet_replica FOR UPDATE" },
	{ "tweet_position_read", "SELECT tweet_seq FROM tweet_replica" },
	{ "tweet_position_set", "UPDATE tweet_replica SET tweet_seq = $1" },
	{ "tweet_count", "UPDATE users SET tweets_count = "
	  "greatest(tweets_count + $2::bigint, 0) WHERE id = $1" },
	{ "user_exists", "SELECT 1 FROM users WHERE id = $1" },
	{ "user_token_gen", "SELECT token_gen FROM users WHERE id = $1" },
	{ "user_logout", "UPDATE users SET token_gen = token_gen + 1, "
	  "token_gen_at = now() WHERE id = $1 RETURNING token_gen" },
	/* Newest first; $2 rows at most. A deleted account reads as gen -1. */
	{ "revocations",
	  "SELECT id, gen, (extract(epoch FROM at))::bigint FROM ("
	  "SELECT id, token_gen AS gen, token_gen_at AS at FROM users "
	  "WHERE token_gen_at > now() - $1::bigint * interval '1 second' "
	  "UNION ALL SELECT user_id, -1, created_at FROM deletion_log "
	  "WHERE decision = 'commit' "
	  "AND created_at > now() - $1::bigint * interval '1 second'"
	  ") r ORDER BY at DESC LIMIT $2" },
	{ "user_lock_pair", "SELECT id, followings_count, username FROM users "
	  "WHERE id = $1 OR id = $2 ORDER BY id FOR NO KEY UPDATE" },
	{ "follow_insert", "INSERT INTO follows (follower_id, followee_id) "
	  "VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1" },
	{ "follow_delete", "DELETE FROM follows "
	  "WHERE follower_id = $1 AND followee_id = $2 RETURNING 1" },
	{ "follow_count", "UPDATE users SET "
	  "followings_count = followings_count + "
	  "CASE WHEN id = $1 THEN $3::bigint ELSE 0 END, "
	  "followers_count = followers_count + "
	  "CASE WHEN id = $2 THEN $3::bigint ELSE 0 END "
	  "WHERE id = $1 OR id = $2" },
	/* Pages: the index (x_id, created_at DESC, y_id) read in order. */
	{ "page_followings",
	  "SELECT f.followee_id, u.username, "
	  "(extract(epoch FROM f.created_at) * 1000000)::bigint "
	  "FROM follows f JOIN users u ON u.id = f.followee_id "
	  "WHERE f.follower_id = $1 "
	  "ORDER BY f.created_at DESC, f.followee_id LIMIT $2" },
	{ "page_followings_after",
	  "SELECT f.followee_id, u.username, "
	  "(extract(epoch FROM f.created_at) * 1000000)::bigint "
	  "FROM follows f JOIN users u ON u.id = f.followee_id "
	  "WHERE f.follower_id = $1 AND f.created_at <= " TS_PARAM(3)
	  " AND (f.created_at < " TS_PARAM(3) " OR f.followee_id > $4) "
	  "ORDER BY f.created_at DESC, f.followee_id LIMIT $2" },
	{ "page_followers",
	  "SELECT f.follower_id, u.username, "
	  "(extract(epoch FROM f.created_at) * 1000000)::bigint "
	  "FROM follows f JOIN users u ON u.id = f.follower_id "
	  "WHERE f.followee_id = $1 "
	  "ORDER BY f.created_at DESC, f.follower_id LIMIT $2" },
	{ "page_followers_after",
	  "SELECT f.follower_id, u.username, "
	  "(extract(epoch FROM f.created_at) * 1000000)::bigint "
	  "FROM follows f JOIN users u ON u.id = f.follower_id "
	  "WHERE f.followee_id = $1 AND f.created_at <= " TS_PARAM(3)
	  " AND (f.created_at < " TS_PARAM(3) " OR f.follower_id > $4) "
	  "ORDER BY f.created_at DESC, f.follower_id LIMIT $2" },
	{ "all_followings",
	  "SELECT followee_id FROM follows WHERE follower_id = $1" },
	/* Every edge, a page at a time in key order (GET /internal/follows):
	 * chirp-tweetd's replica of the graph starts from it. */
	/* Mentions (GET /internal/users?names=): $1 the names in lower
	 * case, over users (lower(username)). */
	{ "users_by_names",
	  "SELECT id, username FROM users "
	  "WHERE lower(username) = ANY ($1::text[])" },
	{ "edges_after",
	  "SELECT follower_id, followee_id FROM follows "
	  "WHERE (follower_id, followee_id) > ($1, $2) "
	  "ORDER BY follower_id, followee_id LIMIT $3" },
	/* Account deletion: lock the row first, so that no new edge to it
	 * can commit while its edges are removed. */
	{ "delete_lock", "SELECT id FROM users WHERE id = $1 FOR UPDATE" },
	{ "delete_out", "WITH d AS (DELETE FROM follows WHERE follower_id = $1 "
	  "RETURNING followee_id) UPDATE users u "
	  "SET followers_count = u.followers_count - 1 "
	  "FROM d WHERE u.id = d.followee_id" },
	{ "delete_in", "WITH d AS (DELETE FROM follows WHERE followee_id = $1 "
	  "RETURNING follower_id) UPDATE users u "
	  "SET followings_count = u.followings_count - 1 "
	  "FROM d WHERE u.id = d.follower_id" },
	{ "delete_user", "DELETE FROM users WHERE id = $1" },
	{ "decision_commit", "INSERT INTO deletion_log (gid, user_id, decision) "
	  "VALUES ($1, $2, 'commit')" },
	{ "decision_abort", "INSERT INTO deletion_log (gid, user_id, decision) "
	  "VALUES ($1, $2, 'abort') ON CONFLICT (gid) DO NOTHING" },
	{ "decision_get", "SELECT decision FROM deletion_log WHERE gid = $1" },
	{ "decision_pending", "SELECT gid FROM deletion_log "
	  "WHERE decision = 'commit' AND NOT done "
	  "ORDER BY created_at LIMIT " PENDING_MAX },
	{ "decision_done", "UPDATE deletion_log SET done = true "
	  "WHERE gid = $1" },
	/* A gid with no row reads as abort, so finished rows may go. */
	{ "decision_prune", "DELETE FROM deletion_log "
	  "WHERE created_at < now() - interval '30 days' "
	  "AND (done OR decision = 'abort')" },
	{ NULL, NULL },
};

struct tx;
typedef enum user_store_result tx_fn(struct tx *, void *arg);

/* An open transaction (db_tx) on this thread's connection. */
struct tx {
	struct user_store *s;
	PGconn *conn;
	const char *sqlstate;	/* of the last failed statement */
	tx_fn *fn;
	void *arg;
	enum user_store_result r;	/* what fn returned */
};

struct user_store *
user_store_new(const char *database_url)
{
	struct user_store *s = xcalloc(1, sizeof(*s));

	s->db = db_new(database_url, user_store_statements);
	return s;
}

void
user_store_free(struct user_store *s)
{
	if (s == NULL)
		return;
	db_free(s->db);
	free(s);
}

bool
user_store_healthy(struct user_store *s)
{
	return db_healthy(s->db);
}

static void
id_text(int64_t id, char buf[24])
{
	snprintf(buf, 24, "%" PRId64, id);
}

static int64_t
value_i64(const PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/*
 * The result of a failed statement: a lost connection, a unique key taken
 * (a name; a deletion's gid already decided) or anything else.
 */
static enum user_store_result
failure(const char *sqlstate)
{
	if (sqlstate != NULL && strcmp(sqlstate, DB_CONNECTION_LOST) == 0)
		return USER_STORE_UNAVAILABLE;
	if (sqlstate != NULL && strcmp(sqlstate, DB_UNIQUE_VIOLATION) == 0)
		return USER_STORE_CONFLICT;
	return USER_STORE_ERROR;
}

static void
user_from_row(const PGresult *res, int row, struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = value_i64(res, row, 0);
	snprintf(u->username, sizeof(u->username), "%s",
	    PQgetvalue(res, row, 1));
	u->created_ms = value_i64(res, row, 2);
	u->followers = value_i64(res, row, 3);
	u->followings = value_i64(res, row, 4);
	u->tweets = value_i64(res, row, 5);
	snprintf(u->display_name, sizeof(u->display_name), "%s",
	    PQgetvalue(res, row, 6));
	snprintf(u->bio, sizeof(u->bio), "%s", PQgetvalue(res, row, 7));
}

/*
 * One statement outside a transaction; *res (on OK) is the caller's.
 */
static enum user_store_result
run(struct user_store *s, const char *stmt, int n, const char *const *params,
    PGresult **res)
{
	const char *sqlstate = NULL;
	PGconn *conn;

	*res = NULL;
	if ((conn = db_conn(s->db)) == NULL)
		return USER_STORE_UNAVAILABLE;
	if ((*res = db_exec(s->db, conn, stmt, n, params, &sqlstate)) == NULL)
		return failure(sqlstate);
	return USER_STORE_OK;
}

/* A statement inside tx; NULL on failure (tx->sqlstate says why). */
static PGresult *
tx_exec(struct tx *tx, const char *stmt, int n, const char *const *params)
{
	return db_exec(tx->s->db, tx->conn, stmt, n, params, &tx->sqlstate);
}

/* One run of tx->fn for db_tx: commit when it returns OK. */
static int
tx_run(PGconn *conn, void *arg)
{
	struct tx *tx = arg;

	tx->conn = conn;
	tx->sqlstate = NULL;
	tx->r = tx->fn(tx, tx->arg);
	return tx->r == USER_STORE_OK ? 0 : -1;
}

/* Run fn in a transaction (db_tx): commit when it returns OK. */
static enum user_store_result
run_tx(struct user_store *s, tx_fn *fn, void *arg)
{
	struct tx tx = { .s = s, .fn = fn, .arg = arg };

	switch (db_tx(s->db, tx_run, &tx)) {
	case DB_TX_COMMITTED:
	case DB_TX_ROLLED_BACK:
		return tx.r;
	case DB_TX_UNAVAILABLE:
		return USER_STORE_UNAVAILABLE;
	default:
		return USER_STORE_ERROR;
	}
}

enum user_store_result
user_store_create(struct user_store *s, const char *username,
    const char *hash, struct user *out)
{
	const char *params[] = { username, hash };
	enum user_store_result r;
	PGresult *res;

	if ((r = run(s, "user_create", 2, params, &res)) != USER_STORE_OK)
		return r;
	user_from_row(res, 0, out);
	PQclear(res);
	return USER_STORE_OK;
}

/* One user by a statement of one parameter. */
static enum user_store_result
get_one(struct user_store *s, const char *stmt, const char *param,
    struct user *out, char *hash, int64_t *gen)
{
	enum user_store_result r;
	PGresult *res;

	if ((r = run(s, stmt, 1, &param, &res)) != USER_STORE_OK)
		return r;
	if (PQntuples(res) == 0) {
		r = USER_STORE_NOT_FOUND;
		goto out;
	}
	user_from_row(res, 0, out);
	if (hash != NULL)
		snprintf(hash, PASSWORD_HASH_MAX, "%s", PQgetvalue(res, 0, 8));
	if (gen != NULL)
		*gen = value_i64(res, 0, 9);
out:
	PQclear(res);
	return r;
}

enum user_store_result
user_store_get(struct user_store *s, int64_t id, struct user *out)
{
	char idt[24];

	id_text(id, idt);
	return get_one(s, "user_get", idt, out, NULL, NULL);
}

enum user_store_result
user_store_set_profile(struct user_store *s, int64_t id,
    const char *display_name, const char *bio, struct user *out)
{
	const char *params[3] = { NULL, display_name, bio };
	enum user_store_result r;
	PGresult *res;
	char idt[24];

	id_text(id, idt);
	params[0] = idt;
	if ((r = run(s, "user_profile", 3, params, &res)) != USER_STORE_OK)
		return r;
	if (PQntuples(res) == 0)
		r = USER_STORE_NOT_FOUND;
	else
		user_from_row(res, 0, out);
	PQclear(res);
	return r;
}

enum user_store_result
user_store_tweet_position(struct user_store *s, int64_t *pos)
{
	enum user_store_result r;
	PGresult *res;

	if ((r = run(s, "tweet_position_read", 0, NULL, &res)) !=
	    USER_STORE_OK)
		return r;
	if (PQntuples(res) != 1) {
		log_warnx("tweet_replica has no row");
		r = USER_STORE_ERROR;
	} else
		*pos = PQgetisnull(res, 0, 0) ? -1 : value_i64(res, 0, 0);
	PQclear(res);
	return r;
}

struct tweet_apply {
	const struct user_store_tweet_change *c;
	size_t n;
	int64_t pos;
	size_t applied;
};

static enum user_store_result
tweet_apply_tx(struct tx *tx, void *arg)
{
	struct tweet_apply *a = arg;
	char idt[24], dt[24], seqt[24];
	const char *p[] = { idt, dt };
	const char *one[] = { seqt };
	int64_t last;
	PGresult *res;
	size_t i;

	a->applied = 0;
	if ((res = tx_exec(tx, "tweet_position", 0, NULL)) == NULL)
		return failure(tx->sqlstate);
	if (PQntuples(res) != 1) {
		PQclear(res);
		log_warnx("tweet_replica has no row");
		return USER_STORE_ERROR;
	}
	a->pos = PQgetisnull(res, 0, 0) ? 0 : value_i64(res, 0, 0);
	PQclear(res);
	last = a->pos;
	for (i = 0; i < a->n; i++) {
		/* Another instance may have applied a part already. */
		if (a->c[i].seq <= last)
			continue;
		if (a->c[i].delta != 0) {
			id_text(a->c[i].user_id, idt);
			id_text(a->c[i].delta, dt);
			if ((res = tx_exec(tx, "tweet_count", 2, p)) == NULL)
				return failure(tx->sqlstate);
			PQclear(res);
		}
		last = a->c[i].seq;
		a->applied++;
	}
	if (last == a->pos)
		return USER_STORE_OK;
	id_text(last, seqt);
	if ((res = tx_exec(tx, "tweet_position_set", 1, one)) == NULL)
		return failure(tx->sqlstate);
	PQclear(res);
	a->pos = last;
	return USER_STORE_OK;
}

enum user_store_result
user_store_tweet_apply(struct user_store *s,
    const struct user_store_tweet_change *c, size_t n, int64_t *pos,
    size_t *applied)
{
	struct tweet_apply a = { c, n, 0, 0 };
	enum user_store_result r;

	if ((r = run_tx(s, tweet_apply_tx, &a)) == USER_STORE_OK) {
		*pos = a.pos;
		*applied = a.applied;
	}
	return r;
}

enum user_store_result
user_store_get_by_name(struct user_store *s, const char *username,
    struct user *out)
{
	return get_one(s, "user_by_name", username, out, NULL, NULL);
}

enum user_store_result
user_store_credentials(struct user_store *s, const char *username,
    struct user *out, char hash[PASSWORD_HASH_MAX], int64_t *gen)
{
	return get_one(s, "user_credentials", username, out, hash, gen);
}

/*
 * Run stmt with the one parameter id: NOT_FOUND when it returns no row,
 * else OK with the first row's first column in *value (when not NULL).
 */
static enum user_store_result
run_id(struct user_store *s, const char *stmt, int64_t id, int64_t *value)
{
	enum user_store_result r;
	const char *param;
	PGresult *res;
	char idt[24];

	id_text(id, idt);
	param = idt;
	if ((r = run(s, stmt, 1, &param, &res)) != USER_STORE_OK)
		return r;
	if (PQntuples(res) == 0)
		r = USER_STORE_NOT_FOUND;
	else if (value != NULL)
		*value = value_i64(res, 0, 0);
	PQclear(res);
	return r;
}

enum user_store_result
user_store_token_gen(struct user_store *s, int64_t id, int64_t *gen)
{
	return run_id(s, "user_token_gen", id, gen);
}

/* The argument of logout_tx. */
struct logout {
	int64_t id;
	int64_t gen;		/* the new generation */
};

static enum user_store_result
logout_tx(struct tx *tx, void *arg)
{
	struct logout *l = arg;
	enum user_store_result r = USER_STORE_OK;
	char idt[24];
	const char *one[] = { idt };
	PGresult *res;
	char *payload;

	id_text(l->id, idt);
	if ((res = tx_exec(tx, "user_logout", 1, one)) == NULL)
		return failure(tx->sqlstate);
	if (PQntuples(res) == 0)
		r = USER_STORE_NOT_FOUND;
	else
		l->gen = value_i64(res, 0, 0);
	PQclear(res);
	if (r != USER_STORE_OK)
		return r;
	payload = events_encode(&(struct event){ .type = EVENT_REVOKE,
	    .user_id = l->id, .gen = l->gen });
	if (bus_publish(db_bus_tx(tx->conn), CHANNEL_USER, payload) == -1)
		r = USER_STORE_ERROR;
	free(payload);
	return r;
}

enum user_store_result
user_store_logout(struct user_store *s, int64_t id, int64_t *gen)
{
	struct logout l = { id, 0 };
	enum user_store_result r;

	if ((r = run_tx(s, logout_tx, &l)) == USER_STORE_OK)
		*gen = l.gen;
	return r;
}

enum user_store_result
user_store_revocations(struct user_store *s, int64_t window, size_t max,
    struct user_store_revocation **out, size_t *n)
{
	char win[24], lim[24];
	const char *params[] = { win, lim };
	enum user_store_result r;
	PGresult *res;
	int i, rows;

	*out = NULL;
	*n = 0;
	id_text(window, win);
	snprintf(lim, sizeof(lim), "%zu", max);
	if ((r = run(s, "revocations", 2, params, &res)) != USER_STORE_OK)
		return r;
	rows = PQntuples(res);
	if (rows > 0)
		*out = xcalloc((size_t)rows, sizeof(**out));
	for (i = 0; i < rows; i++) {
		(*out)[i].user_id = value_i64(res, i, 0);
		(*out)[i].gen = value_i64(res, i, 1);
		(*out)[i].at = value_i64(res, i, 2);
	}
	*n = (size_t)rows;
	PQclear(res);
	return USER_STORE_OK;
}

enum user_store_result
user_store_exists(struct user_store *s, int64_t id)
{
	return run_id(s, "user_exists", id, NULL);
}

/* A follow or unfollow, the argument of edge_tx. */
struct edge {
	int64_t follower, followee;
	bool add;
	bool changed;
};

static enum user_store_result
edge_tx(struct tx *tx, void *arg)
{
	struct edge *e = arg;
	struct event ev;
	char a[24], b[24];
	const char *pair[] = { a, b };
	const char *count[] = { a, b, NULL };
	enum user_store_result r = USER_STORE_OK;
	PGresult *res = NULL;
	bool have_a = false, have_b = false;
	int64_t followings = 0;
	char *payload = NULL;
	int i;

	memset(&ev, 0, sizeof(ev));
	e->changed = false;
	id_text(e->follower, a);
	id_text(e->followee, b);
	if ((res = tx_exec(tx, "user_lock_pair", 2, pair)) == NULL)
		return failure(tx->sqlstate);
	for (i = 0; i < PQntuples(res); i++) {
		int64_t id = value_i64(res, i, 0);

		if (id == e->follower) {
			have_a = true;
			/* read under the row lock: concurrent follows of this
			 * follower wait here, so the count is current */
			followings = value_i64(res, i, 1);
			/* the follower's name goes with a follow event,
			 * so that chirp-notifyd need not ask for it */
			snprintf(ev.username, sizeof(ev.username), "%s",
			    PQgetvalue(res, i, 2));
		}
		have_b = have_b || id == e->followee;
	}
	PQclear(res);
	if (!have_a)
		return USER_STORE_NO_ACTOR;
	if (!have_b)
		return USER_STORE_NOT_FOUND;

	res = tx_exec(tx, e->add ? "follow_insert" : "follow_delete", 2, pair);
	if (res == NULL)
		return failure(tx->sqlstate);
	e->changed = PQntuples(res) > 0;
	PQclear(res);
	if (!e->changed)
		return USER_STORE_OK;
	if (e->add && followings >= USER_STORE_FOLLOWINGS_MAX) {
		e->changed = false;
		return USER_STORE_LIMIT;	/* rolled back */
	}

	count[2] = e->add ? "1" : "-1";
	if ((res = tx_exec(tx, "follow_count", 3, count)) == NULL)
		return failure(tx->sqlstate);
	PQclear(res);

	ev.type = e->add ? EVENT_FOLLOW : EVENT_UNFOLLOW;
	ev.user_id = e->follower;
	ev.target_id = e->followee;
	payload = events_encode(&ev);
	if (bus_publish(db_bus_tx(tx->conn), CHANNEL_USER, payload) == -1)
		r = USER_STORE_ERROR;
	free(payload);
	return r;
}

static enum user_store_result
edge_change(struct user_store *s, int64_t follower, int64_t followee,
    bool add, bool *changed)
{
	struct edge e = { follower, followee, add, false };
	enum user_store_result r;

	r = run_tx(s, edge_tx, &e);
	*changed = r == USER_STORE_OK && e.changed;
	return r;
}

enum user_store_result
user_store_follow(struct user_store *s, int64_t follower, int64_t followee,
    bool *changed)
{
	return edge_change(s, follower, followee, true, changed);
}

enum user_store_result
user_store_unfollow(struct user_store *s, int64_t follower,
    int64_t followee, bool *changed)
{
	return edge_change(s, follower, followee, false, changed);
}

enum user_store_result
user_store_follow_page(struct user_store *s, enum user_store_list list,
    int64_t id, int limit, bool has_cursor, int64_t after_us,
    int64_t after_id, struct user_store_page *out)
{
	char idt[24], lim[16], us[24], aid[24];
	const char *params[] = { idt, lim, us, aid };
	const char *stmt;
	enum user_store_result r;
	PGresult *res;
	int i, n;

	memset(out, 0, sizeof(*out));
	id_text(id, idt);
	/* One more than asked: whether a next page exists. */
	snprintf(lim, sizeof(lim), "%d", limit + 1);
	id_text(after_us, us);
	id_text(after_id, aid);
	if (list == USER_STORE_FOLLOWINGS)
		stmt = has_cursor ? "page_followings_after" : "page_followings";
	else
		stmt = has_cursor ? "page_followers_after" : "page_followers";
	r = run(s, stmt, has_cursor ? 4 : 2, params, &res);
	if (r != USER_STORE_OK)
		return r;
	n = PQntuples(res);
	if (n == 0) {
		/* An empty page of an unknown user is a 404. */
		PQclear(res);
		return user_store_exists(s, id);
	}
	out->more = n > limit;
	if (n > limit)
		n = limit;
	out->items = xcalloc((size_t)n, sizeof(*out->items));
	out->n = (size_t)n;
	for (i = 0; i < n; i++) {
		out->items[i].id = value_i64(res, i, 0);
		snprintf(out->items[i].username,
		    sizeof(out->items[i].username), "%s",
		    PQgetvalue(res, i, 1));
		out->items[i].time_us = value_i64(res, i, 2);
	}
	PQclear(res);
	return USER_STORE_OK;
}

void
user_store_page_release(struct user_store_page *p)
{
	free(p->items);
	memset(p, 0, sizeof(*p));
}

enum user_store_result
user_store_all_followings(struct user_store *s, int64_t id, int64_t **ids,
    size_t *n)
{
	enum user_store_result r;
	const char *param;
	PGresult *res;
	char idt[24];
	int i, rows;

	*ids = NULL;
	*n = 0;
	id_text(id, idt);
	param = idt;
	if ((r = run(s, "all_followings", 1, &param, &res)) != USER_STORE_OK)
		return r;
	rows = PQntuples(res);
	if (rows == 0) {
		PQclear(res);
		return user_store_exists(s, id);
	}
	*ids = xcalloc((size_t)rows, sizeof(**ids));
	for (i = 0; i < rows; i++)
		(*ids)[i] = value_i64(res, i, 0);
	*n = (size_t)rows;
	PQclear(res);
	return USER_STORE_OK;
}

enum user_store_result
user_store_edges(struct user_store *s, int64_t after_follower,
    int64_t after_followee, int limit, int64_t **pairs, size_t *n)
{
	enum user_store_result r;
	char a[24], b[24], l[16];
	const char *params[3] = { a, b, l };
	PGresult *res;
	int i, rows;

	*pairs = NULL;
	*n = 0;
	id_text(after_follower, a);
	id_text(after_followee, b);
	snprintf(l, sizeof(l), "%d", limit);
	if ((r = run(s, "edges_after", 3, params, &res)) != USER_STORE_OK)
		return r;
	rows = PQntuples(res);
	*pairs = xcalloc(rows ? 2 * (size_t)rows : 1, sizeof(**pairs));
	for (i = 0; i < rows; i++) {
		(*pairs)[2 * i] = value_i64(res, i, 0);
		(*pairs)[2 * i + 1] = value_i64(res, i, 1);
	}
	*n = (size_t)rows;
	PQclear(res);
	return USER_STORE_OK;
}

enum user_store_result
user_store_by_names(struct user_store *s, const char *const *names,
    size_t n, struct user_store_page *out)
{
	enum user_store_result r;
	const char *params[1];
	PGresult *res;
	char *arr, *p;
	size_t i, len = 3;
	int row, rows;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++)
		len += strlen(names[i]) + 1;
	/* "{ann,bob}": usernames need no quoting (A-Z a-z 0-9 _ .). */
	p = arr = xmalloc(len);
	*p++ = '{';
	for (i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		for (const char *c = names[i]; *c != '\0'; c++)
			*p++ = (*c >= 'A' && *c <= 'Z') ? (char)(*c + 32) : *c;
	}
	*p++ = '}';
	*p = '\0';
	params[0] = arr;
	r = run(s, "users_by_names", 1, params, &res);
	free(arr);
	if (r != USER_STORE_OK)
		return r;
	rows = PQntuples(res);
	out->items = xcalloc(rows ? (size_t)rows : 1, sizeof(*out->items));
	for (row = 0; row < rows; row++) {
		out->items[row].id = value_i64(res, row, 0);
		snprintf(out->items[row].username,
		    sizeof(out->items[row].username), "%s",
		    PQgetvalue(res, row, 1));
	}
	out->n = (size_t)rows;
	PQclear(res);
	return USER_STORE_OK;
}

/* The argument of delete_tx. */
struct deletion_step {
	int64_t id;
	const char *gid;
};

static enum user_store_result
delete_tx(struct tx *tx, void *arg)
{
	struct deletion_step *d = arg;
	static const char *const steps[] = {
		"delete_out", "delete_in", "delete_user",
	};
	enum user_store_result r = USER_STORE_OK;
	char idt[24];
	const char *one[] = { idt };
	const char *log[] = { d->gid, idt };
	PGresult *res;
	char *payload;
	size_t i;

	id_text(d->id, idt);
	if ((res = tx_exec(tx, "delete_lock", 1, one)) == NULL)
		return failure(tx->sqlstate);
	if (PQntuples(res) == 0)
		r = USER_STORE_NOT_FOUND;
	PQclear(res);
	if (r != USER_STORE_OK)
		return r;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if ((res = tx_exec(tx, steps[i], 1, one)) == NULL)
			return failure(tx->sqlstate);
		PQclear(res);
	}
	/* The decision: a gid already decided (an abort) fails here. */
	if ((res = tx_exec(tx, "decision_commit", 2, log)) == NULL)
		return failure(tx->sqlstate);
	PQclear(res);

	payload = events_encode(&(struct event){ .type = EVENT_USER_DELETED,
	    .user_id = d->id });
	if (bus_publish(db_bus_tx(tx->conn), CHANNEL_USER, payload) == -1)
		r = USER_STORE_ERROR;
	free(payload);
	return r;
}

enum user_store_result
user_store_delete_user(struct user_store *s, int64_t id, const char *gid)
{
	struct deletion_step d = { id, gid };

	return run_tx(s, delete_tx, &d);
}

enum user_store_result
user_store_decision(struct user_store *s, const char *gid, int64_t user_id,
    char decision[8])
{
	enum user_store_result r;
	char idt[24];
	const char *params[] = { gid, idt };
	PGresult *res;

	id_text(user_id, idt);
	/* Waits for a deletion holding gid, so the answer is final. */
	if ((r = run(s, "decision_abort", 2, params, &res)) != USER_STORE_OK)
		return r;
	PQclear(res);
	if ((r = run(s, "decision_get", 1, params, &res)) != USER_STORE_OK)
		return r;
	if (PQntuples(res) == 0) {
		log_warnx("deletion %s: no decision after recording one", gid);
		r = USER_STORE_ERROR;
	} else
		snprintf(decision, 8, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return r;
}

enum user_store_result
user_store_pending(struct user_store *s, char ***gids, size_t *n)
{
	enum user_store_result r;
	PGresult *res;
	int i, rows;

	*gids = NULL;
	*n = 0;
	if ((r = run(s, "decision_pending", 0, NULL, &res)) != USER_STORE_OK)
		return r;
	rows = PQntuples(res);
	if (rows > 0) {
		*gids = xcalloc((size_t)rows, sizeof(**gids));
		for (i = 0; i < rows; i++)
			(*gids)[i] = xstrdup(PQgetvalue(res, i, 0));
		*n = (size_t)rows;
	}
	PQclear(res);
	return USER_STORE_OK;
}

enum user_store_result
user_store_mark_done(struct user_store *s, const char *gid)
{
	enum user_store_result r;
	PGresult *res;

	if ((r = run(s, "decision_done", 1, &gid, &res)) != USER_STORE_OK)
		return r;
	PQclear(res);
	return USER_STORE_OK;
}

enum user_store_result
user_store_prune(struct user_store *s)
{
	enum user_store_result r;
	PGresult *res;

	if ((r = run(s, "decision_prune", 0, NULL, &res)) != USER_STORE_OK)
		return r;
	PQclear(res);
	return USER_STORE_OK;
}

enum eventlog_result
user_store_events(struct user_store *s, int64_t after, int limit,
    json_t **out)
{
	return eventlog_page(db_conn(s->db), after, limit, NULL, 0, out);
}
