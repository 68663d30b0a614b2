/*
 * db.c: PostgreSQL helpers. Each thread has its own connection to each
 * database (libpq connections are not for two threads at once); a lost
 * connection is reset in place, so callers' pointers stay valid, and its
 * statements are prepared again.
 */
#include <sys/queue.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "xmalloc.h"

/*
 * The migrations' advisory lock: the two-int4 form, whose key space
 * PostgreSQL keeps apart from the one-bigint form that the stores use for
 * per-user locks (pg_advisory_xact_lock(user_id)), so that no user id can
 * ever hold up or share the migrations' lock. (class "chirp", object 1)
 */
#define DB_MIGRATE_LOCK "7226354, 1"

struct db_link {
	PGconn *conn;
	struct db *db;
	LIST_ENTRY(db_link) entry;	/* db->links */
	const char *conflict;	/* 40001 or 40P01 since db_tx's BEGIN */
};

struct db {
	char *url;
	const struct db_statement *stmts;
	pthread_key_t key;
	pthread_mutex_t lock;
	LIST_HEAD(, db_link) links;	/* every thread's connection */
	atomic_bool healthy;
};

/* Notices ("relation already exists, skipping") are not worth a line. */
static void
db_notice(void *arg, const char *message)
{
	(void)arg;
	log_debug("postgresql: %s", message);
}

/* Open a connection with a bounded connect time; never NULL. */
static PGconn *
db_open(const char *url)
{
	const char *keys[] = { "dbname", "connect_timeout",
		"application_name", NULL };
	const char *vals[] = { url, "3", "chirp", NULL };

	PGconn *conn = PQconnectdbParams(keys, vals, 1);

	PQsetNoticeProcessor(conn, db_notice, NULL);
	return conn;
}

static void
db_mark(struct db *db, bool ok, PGconn *conn)
{
	bool was = atomic_exchange(&db->healthy, ok);

	if (was && !ok)
		log_warnx("database unavailable: %s", conn ?
		    PQerrorMessage(conn) : "no connection");
	else if (!was && ok)
		log_info("database connection restored");
}

int
db_prepare(PGconn *conn, const struct db_statement *stmts)
{
	const struct db_statement *s;
	PGresult *res;

	for (s = stmts; s != NULL && s->name != NULL; s++) {
		res = PQprepare(conn, s->name, s->sql, 0, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			log_warnx("cannot prepare '%s': %s", s->name,
			    PQresultErrorMessage(res));
			PQclear(res);
			return -1;
		}
		PQclear(res);
	}
	return 0;
}

static void
db_thread_exit(void *arg)
{
	struct db_link *link = arg;
	struct db *db = link->db;

	pthread_mutex_lock(&db->lock);
	LIST_REMOVE(link, entry);
	pthread_mutex_unlock(&db->lock);
	PQfinish(link->conn);
	free(link);
}

struct db *
db_new(const char *url, const struct db_statement *stmts)
{
	struct db *db = xcalloc(1, sizeof(*db));

	db->url = xstrdup(url);
	db->stmts = stmts;
	if (pthread_key_create(&db->key, db_thread_exit) != 0)
		fatalx("pthread_key_create");
	pthread_mutex_init(&db->lock, NULL);
	LIST_INIT(&db->links);
	atomic_init(&db->healthy, true);
	return db;
}

void
db_free(struct db *db)
{
	struct db_link *link;

	if (db == NULL)
		return;
	pthread_setspecific(db->key, NULL);
	pthread_key_delete(db->key);
	while ((link = LIST_FIRST(&db->links)) != NULL) {
		LIST_REMOVE(link, entry);
		PQfinish(link->conn);
		free(link);
	}
	pthread_mutex_destroy(&db->lock);
	free(db->url);
	free(db);
}

bool
db_healthy(struct db *db)
{
	return atomic_load(&db->healthy);
}

/*
 * Remake a lost connection in place with its statements; marks the
 * database up or down. True when the connection is back.
 */
static bool
db_reset(struct db *db, PGconn *conn)
{
	bool ok;

	PQreset(conn);
	ok = PQstatus(conn) == CONNECTION_OK && db_prepare(conn, db->stmts) == 0;
	db_mark(db, ok, conn);
	return ok;
}

PGconn *
db_conn(struct db *db)
{
	struct db_link *link = pthread_getspecific(db->key);
	bool ok;

	if (link != NULL) {
		if (PQstatus(link->conn) == CONNECTION_OK)
			return link->conn;
		return db_reset(db, link->conn) ? link->conn : NULL;
	}
	link = xcalloc(1, sizeof(*link));
	link->db = db;
	link->conn = db_open(db->url);
	pthread_mutex_lock(&db->lock);
	LIST_INSERT_HEAD(&db->links, link, entry);
	pthread_mutex_unlock(&db->lock);
	pthread_setspecific(db->key, link);
	ok = PQstatus(link->conn) == CONNECTION_OK &&
	    db_prepare(link->conn, db->stmts) == 0;
	db_mark(db, ok, link->conn);
	return ok ? link->conn : NULL;
}

/* A SQLSTATE that outlives its result: the named ones, else "XX000". */
static const char *
db_static_state(const char *state)
{
	static const char *const known[] = { DB_UNIQUE_VIOLATION,
		DB_FOREIGN_KEY_VIOLATION, "23514", "40001", "40P01", "42704",
		NULL };
	size_t i;

	for (i = 0; state != NULL && known[i] != NULL; i++)
		if (strcmp(state, known[i]) == 0)
			return known[i];
	return "XX000";
}

/* Note for db_tx a conflict (40001, 40P01) in conn's transaction. */
static void
db_conflict(struct db *db, PGconn *conn, const char *state)
{
	struct db_link *link = pthread_getspecific(db->key);

	if ((strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) &&
	    link != NULL && link->conn == conn && link->conflict == NULL)
		link->conflict = state;
}

/*
 * One round trip, a prepared statement (stmt) or plain SQL text (sql): the
 * result when it succeeded, else NULL with *sqlstate set as db_exec says.
 * A connection found lost, as one idle through a database outage is at
 * its next use, is reset in place; the request is sent once more only
 * when no transaction was open (a BEGIN, or a statement on its own).
 */
static PGresult *
db_request(struct db *db, PGconn *conn, const char *stmt, const char *sql,
    int nparams, const char *const *params, const char **sqlstate)
{
	PGTransactionStatusType before = PQtransactionStatus(conn);
	const char *what = stmt != NULL ? stmt : sql, *state, *msg;
	PGresult *res;
	ExecStatusType st;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (stmt != NULL)
			res = PQexecPrepared(conn, stmt, nparams, params, NULL,
			    NULL, 0);
		else
			res = PQexec(conn, sql);
		st = PQresultStatus(res);
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			*sqlstate = NULL;
			return res;
		}
		if (PQstatus(conn) != CONNECTION_BAD) {
			state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
			msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
			*sqlstate = db_static_state(state);
			db_conflict(db, conn, *sqlstate);
			/* Constraint violations are answers (409). */
			if (state != NULL && strncmp(state, "23", 2) == 0)
				log_debug("'%s': %s", what, msg);
			else
				log_warnx("'%s' failed: %s", what, msg);
			PQclear(res);
			return NULL;
		}
		PQclear(res);
		/* Lost: reset in place; again only outside a transaction. */
		if (!db_reset(db, conn) || before != PQTRANS_IDLE)
			break;
	}
	*sqlstate = DB_CONNECTION_LOST;
	return NULL;
}

PGresult *
db_exec(struct db *db, PGconn *conn, const char *stmt, int nparams,
    const char *const *params, const char **sqlstate)
{
	const char *state;

	return db_request(db, conn, stmt, NULL, nparams, params,
	    sqlstate != NULL ? sqlstate : &state);
}

int
db_command(struct db *db, PGconn *conn, const char *sql)
{
	const char *state;
	PGresult *res = db_request(db, conn, NULL, sql, 0, NULL, &state);

	PQclear(res);
	return res != NULL ? 0 : -1;
}

enum db_tx_result
db_tx(struct db *db, db_tx_fn *fn, void *arg)
{
	enum db_tx_result r = DB_TX_UNAVAILABLE;
	PGTransactionStatusType ts;
	struct db_link *link;
	const char *state;
	PGresult *res;
	PGconn *conn;
	int attempt;

	for (attempt = 0; attempt < DB_TX_ATTEMPTS; attempt++) {
		if ((conn = db_conn(db)) == NULL)
			return DB_TX_UNAVAILABLE;
		link = pthread_getspecific(db->key);
		link->conflict = NULL;
		if (db_command(db, conn, "BEGIN") == -1) {
			/* A connection found dead is remade by db_conn. */
			r = DB_TX_UNAVAILABLE;
			continue;
		}
		if (fn(conn, arg) == 0) {
			/* Idle: fn ended it itself (PREPARE TRANSACTION). */
			if (PQtransactionStatus(conn) == PQTRANS_IDLE)
				return DB_TX_COMMITTED;
			res = db_request(db, conn, NULL, "COMMIT", 0, NULL,
			    &state);
			PQclear(res);
			if (res != NULL)
				return DB_TX_COMMITTED;
			return strcmp(state, DB_CONNECTION_LOST) == 0 ?
			    DB_TX_UNAVAILABLE : DB_TX_ERROR;
		}
		r = DB_TX_ROLLED_BACK;
		/* Nothing to roll back on a lost or already ended one. */
		ts = PQtransactionStatus(conn);
		if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
			(void)db_command(db, conn, "ROLLBACK");
		if (link->conflict == NULL || attempt + 1 == DB_TX_ATTEMPTS)
			break;
		log_info("transaction retried after sqlstate %s",
		    link->conflict);
	}
	return r;
}

/* Run SQL text on conn; -1 (logged) on failure. */
static int
db_run(PGconn *conn, const char *sql, const char *what)
{
	PGresult *res = PQexec(conn, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		log_warnx("migration %s: %s", what, PQresultErrorMessage(res));
	PQclear(res);
	return ok ? 0 : -1;
}

static int
db_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The NNNN_*.sql names of dir, sorted; caller frees each and the array. */
static char **
db_list_migrations(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t len;

	*n = 0;
	if (d == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len < 10 || strcmp(e->d_name + len - 4, ".sql") != 0 ||
		    strspn(e->d_name, "0123456789") != 4 || e->d_name[4] != '_')
			continue;
		names = xrealloc(names, (*n + 1) * sizeof(char *));
		names[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n > 0)
		qsort(names, *n, sizeof(char *), db_name_cmp);
	return names;
}

static char *
db_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	buf = xmalloc((size_t)len + 1);
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
}

int
db_migrate(const char *url, const char *dir)
{
	PGconn *conn = db_open(url);
	PGresult *res;
	char **names = NULL, *path, *sql;
	size_t n = 0, i;
	int ret = -1, applied = 0;

	if (PQstatus(conn) != CONNECTION_OK) {
		log_warnx("migrate: cannot connect: %s", PQerrorMessage(conn));
		goto out;
	}
	if ((names = db_list_migrations(dir, &n)) == NULL && n == 0) {
		log_warnx("migrate: no migrations in '%s'", dir);
		goto out;
	}
	if (db_run(conn, "SELECT pg_advisory_lock(" DB_MIGRATE_LOCK ")",
	    "lock") != 0 ||
	    db_run(conn, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version text PRIMARY KEY, applied_at timestamptz NOT NULL "
	    "DEFAULT now())", "table") != 0)
		goto out;
	for (i = 0; i < n; i++) {
		const char *v[1];

		names[i][strlen(names[i]) - 4] = '\0';
		v[0] = names[i];
		res = PQexecParams(conn, "SELECT 1 FROM schema_migrations "
		    "WHERE version = $1", 1, NULL, v, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			log_warnx("migrate: %s", PQresultErrorMessage(res));
			PQclear(res);
			goto out;
		}
		if (PQntuples(res) == 1) {
			PQclear(res);
			continue;
		}
		PQclear(res);
		path = xasprintf("%s/%s.sql", dir, names[i]);
		sql = db_read_file(path);
		free(path);
		if (sql == NULL) {
			log_warn("migrate: cannot read %s/%s.sql", dir,
			    names[i]);
			goto out;
		}
		if (db_run(conn, "BEGIN", names[i]) != 0 ||
		    db_run(conn, sql, names[i]) != 0) {
			free(sql);
			(void)db_run(conn, "ROLLBACK", names[i]);
			goto out;
		}
		free(sql);
		res = PQexecParams(conn, "INSERT INTO schema_migrations "
		    "(version) VALUES ($1)", 1, NULL, v, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			PQclear(res);
			(void)db_run(conn, "ROLLBACK", names[i]);
			goto out;
		}
		PQclear(res);
		if (db_run(conn, "COMMIT", names[i]) != 0)
			goto out;
		log_info("migrate: applied %s", names[i]);
		applied++;
	}
	ret = 0;
out:
	if (PQstatus(conn) == CONNECTION_OK)
		(void)db_run(conn, "SELECT pg_advisory_unlock("
		    DB_MIGRATE_LOCK ")", "unlock");
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	PQfinish(conn);
	return ret;
}

/*
 * The PostgreSQL bus (bus.c) publishes with NOTIFY on this connection;
 * the handle is the connection itself, which bus.c casts back.
 */
struct bus_tx *
db_bus_tx(PGconn *conn)
{
	return (struct bus_tx *)conn;
}
