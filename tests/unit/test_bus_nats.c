/*
 * test_bus_nats.c: common/bus_nats against a real nats-server that the
 * test starts (skipped when there is none), and common/bus over it with
 * the real PostgreSQL that tests/run.sh starts (CHIRP_PGDIR, CHIRP_PGPORT).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "bus.h"
#include "bus_nats.h"
#include "db.h"
#include "publisher.h"
#include "svcauth.h"
#include "xmalloc.h"

static pid_t server = -1;
static char *nats_url, *store;

/* Start nats-server on a free port with its store under /tmp. */
static void
server_start(void)
{
	char port[16], dir[] = "/tmp/chirp-nats-XXXXXX";
	int i;

	if (mkdtemp(dir) == NULL)
		return;
	store = xstrdup(dir);
	srand((unsigned)getpid());
	snprintf(port, sizeof(port), "%d", 20000 + rand() % 12000);
	if ((server = fork()) == 0) {
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execlp("nats-server", "nats-server", "-js", "-sd", dir, "-p",
		    port, "-a", "127.0.0.1", (char *)NULL);
		_exit(127);
	}
	nats_url = xasprintf("nats://127.0.0.1:%s", port);
	for (i = 0; i < 100; i++) {
		char err[256];
		struct bus_nats *n = bus_nats_open(nats_url, "probe", NULL, err,
		    sizeof(err));

		if (n != NULL) {
			bus_nats_close(n);
			return;
		}
		usleep(50 * 1000);
	}
}

static void
server_stop(void)
{
	char *rm;

	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	server = -1;
	if (store != NULL) {
		rm = xasprintf("rm -rf '%s'", store);
		(void)!system(rm);
		free(rm);
	}
}

static int
setup(void **state)
{
	(void)state;
	server_start();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	server_stop();
	free(nats_url);
	free(store);
	return 0;
}

/* Take what arrives within ms into out (newline-separated). */
static int
take(struct bus_nats *n, char *out, size_t len, int want)
{
	struct pollfd p;
	char *c, *d;
	int got = 0, i;

	out[0] = '\0';
	for (i = 0; i < 100 && got < want; i++) {
		p.fd = bus_nats_fd(n);
		p.events = POLLIN;
		if (poll(&p, 1, 20) <= 0)
			continue;
		while (bus_nats_next(n, &c, &d)) {
			assert_string_equal(c, "chirp_t");
			strncat(out, d, len - strlen(out) - 2);
			strcat(out, "\n");
			free(c);
			free(d);
			got++;
		}
	}
	return got;
}

static void
sends_in_order_and_drops_a_repeated_id(void **state)
{
	const char *const chans[] = { "chirp_t", NULL };
	struct bus_nats *sub, *pub;
	char err[256], got[512];

	(void)state;
	if (server <= 0)
		skip();
	sub = bus_nats_open(nats_url, "sub", chans, err, sizeof(err));
	assert_non_null(sub);
	pub = bus_nats_open(nats_url, "pub", NULL, err, sizeof(err));
	assert_non_null(pub);
	assert_int_equal(bus_nats_send(pub, "chirp_t", 1, "a", err,
	    sizeof(err)), 0);
	assert_int_equal(bus_nats_send(pub, "chirp_t", 2, "b", err,
	    sizeof(err)), 0);
	/* the same channel and seq again: stored once */
	assert_int_equal(bus_nats_send(pub, "chirp_t", 1, "a again", err,
	    sizeof(err)), 0);
	assert_int_equal(bus_nats_send(pub, "chirp_t", 3, "c", err,
	    sizeof(err)), 0);
	assert_int_equal(take(sub, got, sizeof(got), 4), 3);
	assert_string_equal(got, "a\nb\nc\n");
	/* another channel is not delivered here */
	assert_int_equal(bus_nats_send(pub, "chirp_other", 1, "x", err,
	    sizeof(err)), 0);
	assert_int_equal(take(sub, got, sizeof(got), 1), 0);
	assert_false(bus_nats_lost(sub, err, sizeof(err)));
	bus_nats_close(pub);
	bus_nats_close(sub);
}

static void
count_event(const char *channel, const char *payload, void *arg)
{
	assert_string_equal(channel, "chirp_test");
	assert_non_null(strstr(payload, "\"seq\":1"));
	(*(int *)arg)++;
}

static void
a_bus_over_nats_syncs_and_sees_a_lost_server(void **state)
{
	const char *const chans[] = { "chirp_test", NULL };
	const char *root = getenv("CHIRP_ROOT");
	struct publisher *p;
	struct svcauth *a;
	struct bus *bus;
	char *db, *admin, *sql, *burl, *dir;
	PGconn *c;
	int n = 0;

	(void)state;
	if (server <= 0 || getenv("CHIRP_PGDIR") == NULL)
		skip();
	a = svcauth_new("tweetd", (const unsigned char *)
	    "the service secret of the tests, 32+ bytes", 42);
	bus_auth_set(a);
	admin = xasprintf("postgresql:///postgres?host=%s/run&port=%s&"
	    "user=postgres", getenv("CHIRP_PGDIR"), getenv("CHIRP_PGPORT"));
	c = PQconnectdb(admin);
	sql = xasprintf("CREATE DATABASE test_bus_nats_%d", getpid());
	PQclear(PQexec(c, sql));
	free(sql);
	PQfinish(c);
	db = xasprintf("postgresql:///test_bus_nats_%d?host=%s/run&port=%s&"
	    "user=postgres", getpid(), getenv("CHIRP_PGDIR"),
	    getenv("CHIRP_PGPORT"));
	dir = xasprintf("%s/sql/tweet", root != NULL ? root : ".");
	assert_int_equal(db_migrate(db, dir), 0);
	assert_null(publisher_start(db, chans, 86400, "amqp://elsewhere"));
	p = publisher_start(db, chans, 86400, nats_url);
	assert_non_null(p);

	burl = xasprintf("%s %s", nats_url, db);
	bus = bus_new(burl, chans);
	assert_int_equal(bus_connect(bus), 0);
	assert_true(bus_fd(bus) >= 0);
	c = PQconnectdb(db);
	assert_int_equal(bus_prepare(c), 0);
	PQclear(PQexec(c, "BEGIN"));
	assert_int_equal(bus_publish(db_bus_tx(c), "chirp_test",
	    "{\"n\":1}"), 0);
	PQclear(PQexec(c, "COMMIT"));
	/* the barrier: the event came through NATS before it returns */
	assert_int_equal(bus_sync(bus, count_event, &n), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(bus_dispatch(bus, NULL, NULL), 0);

	/* the server goes away: the bus says so */
	server_stop();
	while (n++ < 100 && bus_dispatch(bus, NULL, NULL) == 0)
		usleep(20 * 1000);
	assert_true(n < 100);
	assert_int_equal(bus_connect(bus), -1);

	bus_free(bus);
	publisher_stop(p);
	PQfinish(c);
	c = PQconnectdb(admin);
	sql = xasprintf("DROP DATABASE IF EXISTS test_bus_nats_%d WITH "
	    "(FORCE)", getpid());
	PQclear(PQexec(c, sql));
	free(sql);
	PQfinish(c);
	bus_auth_set(NULL);
	svcauth_free(a);
	free(burl);
	free(db);
	free(dir);
	free(admin);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sends_in_order_and_drops_a_repeated_id),
		cmocka_unit_test(a_bus_over_nats_syncs_and_sees_a_lost_server),
	};

	return cmocka_run_group_tests_name("bus_nats", tests, setup, teardown);
}
