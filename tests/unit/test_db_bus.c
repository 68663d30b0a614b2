/*
 * test_db_bus.c: common/db and common/bus against the real PostgreSQL
 * that tests/run.sh starts (CHIRP_PGDIR, CHIRP_PGPORT); skipped without.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bus.h"
#include "db.h"
#include "metrics.h"
#include "publisher.h"
#include "svcauth.h"
#include "xmalloc.h"

static char *url;
static struct svcauth *test_svcauth;
static struct publisher *test_pub;

/* The outbox and the event log (sql/tweet), and their publisher. */
static void
publisher_up(void)
{
	const char *const chans[] = { "chirp_test", NULL };
	const char *root = getenv("CHIRP_ROOT");
	char *dir = xasprintf("%s/sql/tweet", root != NULL ? root : ".");

	if (test_pub == NULL) {
		assert_int_equal(db_migrate(url, dir), 0);
		test_pub = publisher_start(url, chans, 86400, NULL);
		assert_non_null(test_pub);
	}
	free(dir);
}

static const struct db_statement stmts[] = {
	{ "put", "INSERT INTO things (name) VALUES ($1) RETURNING id" },
	{ "count", "SELECT count(*) FROM things" },
	{ NULL, NULL },
};

static PGconn *
admin(void)
{
	char *u = xasprintf("postgresql:///postgres?host=%s/run&port=%s&"
	    "user=postgres", getenv("CHIRP_PGDIR"), getenv("CHIRP_PGPORT"));
	PGconn *c = PQconnectdb(u);

	free(u);
	return c;
}

static void
admin_exec(const char *sql)
{
	PGconn *c = admin();
	PGresult *r = PQexec(c, sql);

	PQclear(r);
	PQfinish(c);
}

static int
setup(void **state)
{
	char *sql;

	(void)state;
	test_svcauth = svcauth_new("tweetd", (const unsigned char *)
	    "the service secret of the tests, 32+ bytes", 42);
	if (getenv("CHIRP_PGDIR") == NULL || getenv("CHIRP_PGPORT") == NULL)
		return 0;
	sql = xasprintf("DROP DATABASE IF EXISTS test_db_bus_%d", getpid());
	admin_exec(sql);
	free(sql);
	sql = xasprintf("CREATE DATABASE test_db_bus_%d", getpid());
	admin_exec(sql);
	free(sql);
	url = xasprintf("postgresql:///test_db_bus_%d?host=%s/run&port=%s&"
	    "user=postgres", getpid(), getenv("CHIRP_PGDIR"),
	    getenv("CHIRP_PGPORT"));
	return 0;
}

static int
teardown(void **state)
{
	char *sql;

	(void)state;
	publisher_stop(test_pub);
	bus_auth_set(NULL);
	svcauth_free(test_svcauth);
	if (url == NULL)
		return 0;
	sql = xasprintf("DROP DATABASE IF EXISTS test_db_bus_%d WITH (FORCE)",
	    getpid());
	admin_exec(sql);
	free(sql);
	free(url);
	return 0;
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static void
migrations_apply_in_order_once(void **state)
{
	char dir[] = "/tmp/chirp-mig-XXXXXX", *rm;
	PGconn *c;
	PGresult *r;

	(void)state;
	if (url == NULL)
		skip();
	assert_non_null(mkdtemp(dir));
	write_file(dir, "0002_more.sql", "ALTER TABLE things ADD COLUMN n "
	    "int NOT NULL DEFAULT 0;");
	write_file(dir, "0001_things.sql", "CREATE TABLE things (id bigserial "
	    "PRIMARY KEY, name text UNIQUE NOT NULL);");
	write_file(dir, "README", "not a migration");
	assert_int_equal(db_migrate(url, dir), 0);
	/* Applying again changes nothing (no error from re-creating). */
	assert_int_equal(db_migrate(url, dir), 0);
	c = PQconnectdb(url);
	r = PQexec(c, "SELECT string_agg(version, ',' ORDER BY version) FROM "
	    "schema_migrations");
	assert_string_equal(PQgetvalue(r, 0, 0), "0001_things,0002_more");
	PQclear(r);
	PQfinish(c);

	/* A broken migration fails and leaves nothing half applied. */
	write_file(dir, "0003_broken.sql", "CREATE TABLE half (x int); "
	    "SELECT nonsense FROM nowhere;");
	assert_int_equal(db_migrate(url, dir), -1);
	c = PQconnectdb(url);
	r = PQexec(c, "SELECT to_regclass('half') IS NULL, (SELECT count(*) "
	    "FROM schema_migrations)");
	assert_string_equal(PQgetvalue(r, 0, 0), "t");
	assert_string_equal(PQgetvalue(r, 0, 1), "2");
	PQclear(r);
	PQfinish(c);
	rm = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(rm), 0);
	free(rm);
}

static void
exec_and_begin_survive_a_lost_connection(void **state)
{
	struct db *db;
	PGconn *c;
	PGresult *r;
	const char *v[1] = { "alpha" }, *st;
	char *sql;

	(void)state;
	if (url == NULL)
		skip();
	db = db_new(url, stmts);
	c = db_conn(db);
	assert_non_null(c);
	r = db_exec(db, c, "put", 1, v, &st);
	assert_non_null(r);
	PQclear(r);
	r = db_exec(db, c, "put", 1, v, &st);
	assert_null(r);
	assert_string_equal(st, DB_UNIQUE_VIOLATION);
	assert_true(db_healthy(db));

	/* Kill the backend: the next statement reconnects by itself. */
	sql = xasprintf("SELECT pg_terminate_backend(pid) FROM "
	    "pg_stat_activity WHERE datname = 'test_db_bus_%d' AND "
	    "application_name = 'chirp'", getpid());
	admin_exec(sql);
	free(sql);
	usleep(100 * 1000);
	r = db_exec(db, c, "count", 0, NULL, &st);
	assert_non_null(r);
	assert_string_equal(PQgetvalue(r, 0, 0), "1");
	PQclear(r);
	assert_true(db_healthy(db));

	/* Again, and now a transaction starts first: BEGIN reconnects. */
	sql = xasprintf("SELECT pg_terminate_backend(pid) FROM "
	    "pg_stat_activity WHERE datname = 'test_db_bus_%d' AND "
	    "application_name = 'chirp'", getpid());
	admin_exec(sql);
	free(sql);
	usleep(100 * 1000);
	assert_int_equal(db_command(db, c, "BEGIN"), 0);
	r = db_exec(db, c, "count", 0, NULL, &st);
	assert_non_null(r);
	PQclear(r);
	assert_int_equal(db_command(db, c, "COMMIT"), 0);
	assert_true(db_healthy(db));
	db_free(db);
}

static void
a_transaction_lost_to_a_reset_leaves_the_database_up(void **state)
{
	struct db *db;
	PGconn *c;
	PGresult *r;
	const char *st;
	char *sql;

	(void)state;
	if (url == NULL)
		skip();
	db = db_new(url, stmts);
	c = db_conn(db);
	assert_non_null(c);
	assert_int_equal(db_command(db, c, "BEGIN"), 0);
	sql = xasprintf("SELECT pg_terminate_backend(pid) FROM "
	    "pg_stat_activity WHERE datname = 'test_db_bus_%d' AND "
	    "application_name = 'chirp'", getpid());
	admin_exec(sql);
	free(sql);
	usleep(100 * 1000);
	/* The transaction is gone, the connection is back at once. */
	assert_null(db_exec(db, c, "count", 0, NULL, &st));
	assert_string_equal(st, DB_CONNECTION_LOST);
	assert_true(db_healthy(db));
	r = db_exec(db, c, "count", 0, NULL, &st);
	assert_non_null(r);
	PQclear(r);
	assert_true(db_healthy(db));
	db_free(db);
}

/* What a transaction of tx_fn does, attempt by attempt. */
struct tx_plan {
	struct db *db;
	const char *fail[4];	/* SQLSTATE raised at attempt i, or NULL */
	const char *name;	/* inserted, then committed */
	const char *gid;	/* prepared instead of committed, when set */
	int attempts;
};

static int
tx_fn(PGconn *conn, void *arg)
{
	struct tx_plan *p = arg;
	const char *v[1], *st;
	PGresult *r;
	char *sql;
	int ret;

	v[0] = p->name;
	if ((r = db_exec(p->db, conn, "put", 1, v, &st)) == NULL)
		return -1;
	PQclear(r);
	if ((v[0] = p->fail[p->attempts++]) != NULL) {
		assert_null(db_exec(p->db, conn, "raise", 1, v, &st));
		return -1;
	}
	if (p->gid == NULL)
		return 0;
	sql = xasprintf("PREPARE TRANSACTION '%s'", p->gid);
	ret = db_command(p->db, conn, sql);
	free(sql);
	return ret;
}

static const char *
count_things(struct db *db)
{
	static char n[16];
	const char *st;
	PGresult *r = db_exec(db, db_conn(db), "count", 0, NULL, &st);

	assert_non_null(r);
	snprintf(n, sizeof(n), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return n;
}

static void
tx_commits_rolls_back_and_retries_conflicts_only(void **state)
{
	static const struct db_statement tx_stmts[] = {
		{ "put", "INSERT INTO things (name) VALUES ($1) RETURNING id" },
		{ "count", "SELECT count(*) FROM things" },
		{ "raise", "SELECT raise_state($1)" },
		{ NULL, NULL },
	};
	struct tx_plan p;
	struct db *db;
	PGconn *c;

	(void)state;
	if (url == NULL)
		skip();
	c = PQconnectdb(url);
	PQclear(PQexec(c, "CREATE FUNCTION raise_state(s text) RETURNS void "
	    "LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'raised %', s "
	    "USING ERRCODE = s; END$$"));
	PQclear(PQexec(c, "DELETE FROM things"));
	db = db_new(url, tx_stmts);

	/* A serialization failure, then a deadlock: the third run commits. */
	p = (struct tx_plan){ .db = db, .fail = { "40001", "40P01" },
	    .name = "one" };
	assert_int_equal(db_tx(db, tx_fn, &p), DB_TX_COMMITTED);
	assert_int_equal(p.attempts, 3);
	assert_string_equal(count_things(db), "1");

	/* Conflicts every time: given up after DB_TX_ATTEMPTS, nothing kept. */
	p = (struct tx_plan){ .db = db, .fail = { "40001", "40001", "40P01",
	    "40P01" }, .name = "two" };
	assert_int_equal(db_tx(db, tx_fn, &p), DB_TX_ROLLED_BACK);
	assert_int_equal(p.attempts, DB_TX_ATTEMPTS);
	assert_string_equal(count_things(db), "1");

	/* Any other failure is not run again. */
	p = (struct tx_plan){ .db = db, .fail = { "23514" }, .name = "two" };
	assert_int_equal(db_tx(db, tx_fn, &p), DB_TX_ROLLED_BACK);
	assert_int_equal(p.attempts, 1);
	assert_string_equal(count_things(db), "1");

	/* fn may end it with PREPARE TRANSACTION: then it is left prepared. */
	p = (struct tx_plan){ .db = db, .name = "three", .gid = "t-db-tx" };
	assert_int_equal(db_tx(db, tx_fn, &p), DB_TX_COMMITTED);
	assert_string_equal(count_things(db), "1");
	assert_int_equal(db_command(db, db_conn(db),
	    "COMMIT PREPARED 't-db-tx'"), 0);
	assert_string_equal(count_things(db), "2");
	db_free(db);
	PQfinish(c);
}

struct seen {
	int n;
	char last[256];
};

static void
on_event(const char *channel, const char *payload, void *arg)
{
	struct seen *s = arg;

	assert_string_equal(channel, "chirp_test");
	s->n++;
	snprintf(s->last, sizeof(s->last), "%s", payload);
}

static void
channel_labels_never_need_escaping(void **state)
{
	char *l;

	(void)state;
	l = bus_channel_label("chirp_tweet_events");
	assert_string_equal(l, "channel=\"chirp_tweet_events\"");
	free(l);
	assert_null(bus_channel_label("a\"b"));
	assert_null(bus_channel_label("a\\b"));
	assert_null(bus_channel_label("a\nb"));
}

/* The value of the gauge name{...,channel="ch"}, or -1 when absent. */
static double
gauge_of(const char *name, const char *ch)
{
	char *text = metrics_render(), *pat, *at;
	double v = -1;

	pat = xasprintf("channel=\"%s\"} ", ch);
	for (at = text; (at = strstr(at, name)) != NULL; at++)
		if (strncmp(at + strlen(name), "{", 1) == 0 &&
		    strstr(at, pat) != NULL && strstr(at, pat) <
		    strchr(at, '\n')) {
			v = strtod(strstr(at, pat) + strlen(pat), NULL);
			break;
		}
	free(pat);
	free(text);
	return v;
}

static void
bus_delivers_committed_events_only_and_sync_is_a_barrier(void **state)
{
	const char *const chans[] = { "chirp_test", NULL };
	struct bus *bus;
	struct seen seen = { 0, "" };
	PGconn *pub;
	PGresult *r;

	(void)state;
	if (url == NULL)
		skip();
	bus_auth_set(test_svcauth);
	publisher_up();
	bus = bus_new(url, chans);
	assert_int_equal(bus_connect(bus), 0);
	assert_true(bus_fd(bus) >= 0);
	pub = PQconnectdb(url);
	assert_int_equal(bus_prepare(pub), 0);

	PQclear(PQexec(pub, "BEGIN"));
	assert_int_equal(bus_publish(db_bus_tx(pub), "chirp_test",
	    "{\"n\":1}"), 0);
	PQclear(PQexec(pub, "ROLLBACK"));
	PQclear(PQexec(pub, "BEGIN"));
	assert_int_equal(bus_publish(db_bus_tx(pub), "chirp_test",
	    "{\"n\":2}"), 0);
	r = PQexec(pub, "COMMIT");
	PQclear(r);

	/* No sleeping: the sync barrier alone must bring the event. */
	assert_int_equal(bus_sync(bus, on_event, &seen), 0);
	assert_int_equal(seen.n, 1);
	assert_non_null(strstr(seen.last, "{\"n\":2,\"seq\":"));

	assert_int_equal(bus_dispatch(bus, on_event, &seen), 0);
	assert_int_equal(seen.n, 1);
	PQfinish(pub);
	/* The lag gauges: the subscriber applied what the log holds. */
	assert_true(gauge_of(BUS_APPLIED_METRIC, "chirp_test") > 0);
	assert_true(gauge_of(BUS_APPLIED_METRIC, "chirp_test") ==
	    gauge_of(BUS_LOG_METRIC, "chirp_test"));
	bus_free(bus);
	/* a subscriber that is gone says nothing any more */
	assert_true(gauge_of(BUS_APPLIED_METRIC, "chirp_test") < 0);
}

/* NOTIFY payload on channel by hand, as anyone who may connect can. */
static void
notify_raw(PGconn *pub, const char *channel, const char *payload)
{
	const char *v[2] = { channel, payload };

	PQclear(PQexecParams(pub, "SELECT pg_notify($1, $2)", 2, NULL, v,
	    NULL, NULL, 0));
}

static void
bus_drops_and_counts_unsealed_and_forged_events(void **state)
{
	const char *const chans[] = { "chirp_test", NULL };
	struct svcauth *forger;
	struct bus *bus;
	struct seen seen = { 0, "" };
	char *forged, *elsewhere, *text, *line, *double_;
	PGconn *pub;

	(void)state;
	if (url == NULL)
		skip();
	metrics_init("test");
	bus_auth_set(test_svcauth);
	publisher_up();
	forger = svcauth_new("tweetd", (const unsigned char *)
	    "a guess at the secret, 32 bytes long", 36);
	forged = svcauth_seal(forger, "chirp_test", "{\"n\":3}",
	    (int64_t)time(NULL));
	/* sealed right, but for another channel */
	elsewhere = svcauth_seal(test_svcauth, "chirp_other", "{\"n\":4}",
	    (int64_t)time(NULL));
	bus = bus_new(url, chans);
	assert_int_equal(bus_connect(bus), 0);
	pub = PQconnectdb(url);
	assert_int_equal(bus_prepare(pub), 0);
	notify_raw(pub, "chirp_test", "{\"n\":1}");
	notify_raw(pub, "chirp_test", forged);
	notify_raw(pub, "chirp_test", elsewhere);
	notify_raw(pub, "chirp_test", "v1.1.x.{}");
	assert_int_equal(bus_publish(db_bus_tx(pub), "chirp_test",
	    "{\"n\":5}"), 0);
	assert_int_equal(bus_sync(bus, on_event, &seen), 0);
	assert_int_equal(seen.n, 1);
	assert_non_null(strstr(seen.last, "{\"n\":5,\"seq\":"));
	/* The same seq again, rightly sealed (a doubled send): dropped. */
	double_ = svcauth_seal(test_svcauth, "chirp_test", seen.last,
	    (int64_t)time(NULL));
	notify_raw(pub, "chirp_test", double_);
	assert_int_equal(bus_publish(db_bus_tx(pub), "chirp_test",
	    "{\"n\":6}"), 0);
	assert_int_equal(bus_sync(bus, on_event, &seen), 0);
	assert_int_equal(seen.n, 2);
	assert_non_null(strstr(seen.last, "{\"n\":6,\"seq\":"));
	free(double_);
	text = metrics_render();
	line = strstr(text, "chirp_bus_events_rejected_total");
	assert_non_null(line);
	assert_non_null(strstr(line, " 4\n"));
	free(text);
	PQfinish(pub);
	bus_free(bus);
	free(forged);
	free(elsewhere);
	svcauth_free(forger);
}

/* What the non-blocking subscriber saw. */
struct loop {
	struct seen seen;
	int live;		/* on_connect calls */
	int synced, ok;		/* sync answers, the last ok */
	int seen_at_sync;	/* events handed on before the answer */
};

static void
loop_event(const char *channel, const char *payload, void *arg)
{
	on_event(channel, payload, &((struct loop *)arg)->seen);
}

static void
loop_live(void *arg)
{
	((struct loop *)arg)->live++;
}

static void
loop_synced(void *arg, int ok)
{
	struct loop *lp = arg;

	lp->synced++;
	lp->ok = ok;
	lp->seen_at_sync = lp->seen.n;
}

/* Poll bus_fd as an event loop would and step until *n is want, or 5 s. */
static void
drive(struct bus *bus, const int *n, int want)
{
	struct pollfd p;
	int i;

	for (i = 0; i < 500 && *n < want; i++) {
		p.fd = bus_fd(bus);
		p.events = POLLIN | (bus_want_write(bus) ? POLLOUT : 0);
		if (poll(&p, 1, 10) <= 0)
			continue;
		if (p.revents & POLLOUT)
			assert_int_equal(bus_step(bus, true), 0);
		if (p.revents & (POLLIN | POLLERR | POLLHUP))
			assert_int_equal(bus_step(bus, false), 0);
	}
	assert_int_equal(*n, want);
}

static void
bus_without_blocking_connects_and_syncs(void **state)
{
	const char *const chans[] = { "chirp_test", NULL };
	struct loop lp;
	struct bus *bus;
	PGconn *pub;

	(void)state;
	if (url == NULL)
		skip();
	memset(&lp, 0, sizeof(lp));
	bus_auth_set(test_svcauth);
	publisher_up();
	bus = bus_new(url, chans);
	assert_int_equal(bus_start(bus, "chirp-test-bus", loop_event,
	    loop_live, &lp), 0);
	assert_false(bus_connected(bus));
	assert_int_equal(bus_sync_start(bus, loop_synced, &lp), -1);
	drive(bus, &lp.live, 1);
	assert_true(bus_connected(bus));

	/* Committed before the round trip: handed on before its answer. */
	pub = PQconnectdb(url);
	assert_int_equal(bus_prepare(pub), 0);
	PQclear(PQexec(pub, "BEGIN"));
	assert_int_equal(bus_publish(db_bus_tx(pub), "chirp_test",
	    "{\"n\":7}"), 0);
	PQclear(PQexec(pub, "COMMIT"));
	assert_int_equal(bus_sync_start(bus, loop_synced, &lp), 0);
	assert_int_equal(bus_sync_start(bus, loop_synced, &lp), 0);
	/* the second waits for a round trip of its own */
	drive(bus, &lp.synced, 2);
	assert_int_equal(lp.ok, 1);
	assert_int_equal(lp.seen_at_sync, 1);
	assert_non_null(strstr(lp.seen.last, "{\"n\":7,\"seq\":"));

	/* Closed with a round trip under way: it is answered, not ok. */
	assert_int_equal(bus_sync_start(bus, loop_synced, &lp), 0);
	bus_close(bus);
	assert_int_equal(lp.synced, 3);
	assert_int_equal(lp.ok, 0);
	assert_false(bus_connected(bus));
	assert_int_equal(bus_step(bus, false), -1);
	PQfinish(pub);
	bus_free(bus);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(channel_labels_never_need_escaping),
		cmocka_unit_test(migrations_apply_in_order_once),
		cmocka_unit_test(
		  exec_and_begin_survive_a_lost_connection),
		cmocka_unit_test(
		  a_transaction_lost_to_a_reset_leaves_the_database_up),
		cmocka_unit_test(
		  tx_commits_rolls_back_and_retries_conflicts_only),
		cmocka_unit_test(
		  bus_delivers_committed_events_only_and_sync_is_a_barrier),
		cmocka_unit_test(
		  bus_drops_and_counts_unsealed_and_forged_events),
		cmocka_unit_test(bus_without_blocking_connects_and_syncs),
	};

	return cmocka_run_group_tests_name("db_bus", tests, setup, teardown);
}
