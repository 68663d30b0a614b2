/*
 * bus.c: the event bus on PostgreSQL LISTEN/NOTIFY. A change writes its
 * event to the outbox of its database in its own transaction, with an
 * unsigned wake-up; the publisher (publisher.h) moves it to the event log
 * and notifies it, sealed and numbered, in the transaction of the move.
 * A subscriber owns one connection, guarded by a mutex so that a
 * background thread and bus_sync() can share it; it hands on each seq of
 * a channel once.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "bus.h"
#include "events.h"
#include "log.h"
#include "metrics.h"
#include "svcauth.h"
#include "timeutil.h"
#include "xmalloc.h"

/* How long a sync waits for the events its barrier promised. */
#define BUS_SYNC_WAIT_MS 5000

/* The process's keys (bus_auth_set), set once at start. */
static const struct svcauth *bus_svcauth;

struct bus {
	char *url;
	char **channels;
	size_t nchannels;
	/*
	 * Per channel: the newest seq handed on on this connection (a seq at
	 * or below it is a double and dropped); the newest in the log when
	 * the connection began to listen; what the read-your-writes barrier
	 * waits for (pending, non-blocking use).
	 */
	int64_t *last, *floor, *target;
	char *position_sql, *barrier_sql;	/* per connection */
	PGconn *conn;
	pthread_mutex_t lock;
	/* background thread */
	pthread_t thread;
	int running;
	atomic_bool stop;
	atomic_int connected;
	int wake[2];		/* a pipe that interrupts the thread's poll */
	bus_handler *fn;
	void (*on_reconnect)(void *);
	void *arg;
	/* non-blocking use (bus_start) */
	enum { BUS_DOWN, BUS_CONNECTING, BUS_LISTENING, BUS_READY } state;
	bool want_write;	/* connecting: wants to write; else unflushed */
	bool busy;		/* a query is outstanding */
	struct bus_wait_list {
		struct bus_waiter *head, **tail;
	} sent, next;	/* the round trip under way; the next one */
	/* round trips answered, waiting for their events (target) */
	struct bus_wait_list pending;
	bool sync_failed;	/* the round trip under way failed */
	char err[256];		/* why the last connection ended */
};

struct bus_waiter {
	bus_sync_fn *fn;
	void *arg;
	struct bus_waiter *next;
};

static void bus_wait_list_run(struct bus_wait_list *, int);

void
bus_auth_set(const struct svcauth *a)
{
	bus_svcauth = a;
	metrics_counter_add(BUS_REJECTED_METRIC, NULL, 0);
}

const char *
bus_open(const char *channel, const char *sealed)
{
	const char *payload = NULL;

	if (bus_svcauth != NULL)
		payload = svcauth_open(bus_svcauth, channel, sealed,
		    time_now_ms() / 1000);
	if (payload == NULL) {
		/* The payload may be anything: say only where it came. */
		log_warnx("bus: dropped an event on %s that is not sealed "
		    "with the service secret", channel);
		metrics_counter_add(BUS_REJECTED_METRIC, NULL, 1);
	}
	return payload;
}

int
bus_publish(struct bus_tx *tx, const char *channel, const char *payload)
{
	PGconn *conn = (PGconn *)tx;	/* what db_bus_tx made of it */
	const char *v[3] = { channel, NULL, payload };
	char author[24];
	PGresult *res;
	int64_t a;
	int ret = 0;

	/* The author feeds the per-user replay (GET /internal/feed). */
	if ((a = events_author(payload)) >= 0) {
		snprintf(author, sizeof(author), "%lld", (long long)a);
		v[1] = author;
	}
	res = PQexecParams(conn, "WITH o AS (INSERT INTO outbox "
	    "(channel, author, payload) VALUES ($1, $2, $3) RETURNING 1) "
	    "SELECT pg_notify($1 || '_wake', '') FROM o", 3, NULL, v, NULL,
	    NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_warnx("bus: cannot publish on %s: %s", channel,
		    PQresultErrorMessage(res));
		ret = -1;
	}
	PQclear(res);
	return ret;
}

int
bus_relay(struct bus_tx *tx, const char *channel, const char *payload)
{
	PGconn *conn = (PGconn *)tx;
	const char *v[2] = { channel, NULL };
	PGresult *res;
	char *sealed;
	int ret = 0;

	if (bus_svcauth == NULL) {
		log_warnx("bus: cannot publish on %s: no service secret",
		    channel);
		return -1;
	}
	sealed = svcauth_seal(bus_svcauth, channel, payload,
	    time_now_ms() / 1000);
	v[1] = sealed;
	res = PQexecParams(conn, "SELECT pg_notify($1, $2)", 2, NULL, v, NULL,
	    NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_warnx("bus: cannot publish on %s: %s", channel,
		    PQresultErrorMessage(res));
		ret = -1;
	}
	PQclear(res);
	free(sealed);
	return ret;
}

struct bus *
bus_new(const char *url, const char *const *channels)
{
	struct bus *b = xcalloc(1, sizeof(*b));
	size_t n = 0, i;

	while (channels[n] != NULL)
		n++;
	b->url = xstrdup(url);
	b->nchannels = n;
	b->last = xcalloc(n + 1, sizeof(int64_t));
	b->floor = xcalloc(n + 1, sizeof(int64_t));
	b->target = xcalloc(n + 1, sizeof(int64_t));
	b->channels = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++)
		b->channels[i] = xstrdup(channels[i]);
	pthread_mutex_init(&b->lock, NULL);
	b->wake[0] = b->wake[1] = -1;
	b->sent.tail = &b->sent.head;
	b->next.tail = &b->next.head;
	b->pending.tail = &b->pending.head;
	return b;
}

void
bus_free(struct bus *b)
{
	size_t i;

	if (b == NULL)
		return;
	bus_thread_stop(b);
	bus_close(b);
	for (i = 0; b->channels[i] != NULL; i++)
		free(b->channels[i]);
	free(b->channels);
	free(b->last);
	free(b->floor);
	free(b->target);
	free(b->position_sql);
	free(b->barrier_sql);
	free(b->url);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

/*
 * "LISTEN a; LISTEN b" for the channels, then the query of their
 * positions in the log; NULL on failure. Also makes the query of the
 * read-your-writes barrier and forgets the seqs of the last connection.
 */
static char *
bus_listen_sql(struct bus *b)
{
	char *sql = xstrdup(""), *ident, *lit, *more;
	char *pos = xstrdup("SELECT "), *bar = xstrdup("SELECT ");
	size_t i;

	for (i = 0; b->channels[i] != NULL; i++) {
		ident = PQescapeIdentifier(b->conn, b->channels[i],
		    strlen(b->channels[i]));
		lit = PQescapeLiteral(b->conn, b->channels[i],
		    strlen(b->channels[i]));
		if (ident == NULL || lit == NULL) {
			PQfreemem(ident);
			PQfreemem(lit);
			free(sql);
			free(pos);
			free(bar);
			return NULL;
		}
		more = xasprintf("%sLISTEN %s;", sql, ident);
		free(sql);
		sql = more;
		more = xasprintf("%s%sbus_position(%s)", pos, i ? ", " : "",
		    lit);
		free(pos);
		pos = more;
		more = xasprintf("%s%sbus_barrier(%s)", bar, i ? ", " : "",
		    lit);
		free(bar);
		bar = more;
		PQfreemem(ident);
		PQfreemem(lit);
		b->last[i] = b->floor[i] = b->target[i] = 0;
	}
	free(b->position_sql);
	free(b->barrier_sql);
	b->position_sql = pos;
	b->barrier_sql = bar;
	more = xasprintf("%s%s", sql, pos);
	free(sql);
	return more;
}

/* Read the seqs of a position or barrier answer into v. */
static bool
bus_read_seqs(struct bus *b, const PGresult *res, int64_t *v)
{
	size_t i;

	if (PQntuples(res) != 1 || (size_t)PQnfields(res) != b->nchannels)
		return false;
	for (i = 0; i < b->nchannels; i++)
		v[i] = strtoll(PQgetvalue(res, 0, (int)i), NULL, 10);
	return true;
}

/* True when every event up to the barrier's seqs has been handed on. */
static bool
bus_reached(const struct bus *b)
{
	size_t i;

	for (i = 0; i < b->nchannels; i++)
		if (b->last[i] < b->target[i] && b->floor[i] < b->target[i])
			return false;
	return true;
}

/*
 * The seq of a payload, 0 when it has none. Only the publisher's events
 * carry one, an integer member of the top-level object.
 */
static int64_t
bus_seq(const char *payload)
{
	json_t *o, *v;
	int64_t seq = 0;

	if (strstr(payload, "\"seq\"") == NULL)
		return 0;
	o = json_loads(payload, 0, NULL);
	v = json_object_get(o, "seq");
	if (json_is_integer(v) && json_integer_value(v) > 0)
		seq = (int64_t)json_integer_value(v);
	json_decref(o);
	return seq;
}

/*
 * False when the event of channel with this payload was handed on
 * already (a double of a seq); else note its seq.
 */
static bool
bus_fresh(struct bus *b, const char *channel, const char *payload)
{
	int64_t seq = bus_seq(payload);
	size_t i;

	if (seq == 0)
		return true;
	for (i = 0; i < b->nchannels; i++) {
		if (strcmp(b->channels[i], channel) != 0)
			continue;
		if (seq <= b->last[i])
			return false;
		b->last[i] = seq;
	}
	return true;
}

/* Connect and LISTEN, with the lock held. */
static int
bus_connect_locked(struct bus *b)
{
	const char *keys[] = { "dbname", "connect_timeout", "application_name",
		NULL };
	const char *vals[] = { b->url, "3", "chirp-bus", NULL };
	PGresult *res;
	char *sql;

	if (b->conn != NULL)
		PQfinish(b->conn);
	b->conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(b->conn) != CONNECTION_OK ||
	    (sql = bus_listen_sql(b)) == NULL)
		goto fail;
	/* PQexec answers the last statement: the positions. */
	res = PQexec(b->conn, sql);
	free(sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK ||
	    !bus_read_seqs(b, res, b->floor)) {
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	if (PQsetnonblocking(b->conn, 0) != 0)
		goto fail;
	atomic_store(&b->connected, 1);
	return 0;
fail:
	atomic_store(&b->connected, 0);
	log_warnx("bus: cannot listen: %s", PQerrorMessage(b->conn));
	PQfinish(b->conn);
	b->conn = NULL;
	return -1;
}

int
bus_connect(struct bus *b)
{
	int ret;

	pthread_mutex_lock(&b->lock);
	ret = bus_connect_locked(b);
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int
bus_fd(const struct bus *b)
{
	return b->conn != NULL ? PQsocket(b->conn) : -1;
}

int
bus_connected(struct bus *b)
{
	return atomic_load(&b->connected);
}

/* Hand every queued notification to fn, with the lock held. */
static void
bus_drain(struct bus *b, bus_handler *fn, void *arg)
{
	const char *payload;
	PGnotify *n;

	while ((n = PQnotifies(b->conn)) != NULL) {
		payload = bus_open(n->relname, n->extra);
		if (fn != NULL && payload != NULL &&
		    bus_fresh(b, n->relname, payload))
			fn(n->relname, payload, arg);
		PQfreemem(n);
	}
	if (b->pending.head != NULL && bus_reached(b))
		bus_wait_list_run(&b->pending, 1);
}

static int
bus_dispatch_locked(struct bus *b, bus_handler *fn, void *arg)
{
	if (b->conn == NULL)
		return -1;
	if (PQconsumeInput(b->conn) == 0 ||
	    PQstatus(b->conn) != CONNECTION_OK) {
		log_warnx("bus: connection lost: %s", PQerrorMessage(b->conn));
		atomic_store(&b->connected, 0);
		PQfinish(b->conn);
		b->conn = NULL;
		return -1;
	}
	bus_drain(b, fn, arg);
	return 0;
}

int
bus_dispatch(struct bus *b, bus_handler *fn, void *arg)
{
	int ret;

	pthread_mutex_lock(&b->lock);
	ret = bus_dispatch_locked(b, fn, arg);
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int
bus_sync(struct bus *b, bus_handler *fn, void *arg)
{
	struct pollfd pfd;
	PGresult *res;
	int64_t deadline;
	int ret = -1;

	pthread_mutex_lock(&b->lock);
	if (b->conn == NULL)
		goto out;
	/*
	 * The barrier waits until every outbox row committed before the call
	 * is in the log and says the newest seq of each channel; those
	 * events were notified by the transaction that logged them, so wait
	 * until they are here.
	 */
	res = PQexec(b->conn, b->barrier_sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK ||
	    !bus_read_seqs(b, res, b->target)) {
		log_warnx("bus: no barrier: %s", PQerrorMessage(b->conn));
		PQclear(res);
		if (PQstatus(b->conn) != CONNECTION_OK) {
			atomic_store(&b->connected, 0);
			PQfinish(b->conn);
			b->conn = NULL;
		}
		goto out;
	}
	PQclear(res);
	if (fn == NULL) {
		fn = b->fn;
		arg = b->arg;
	}
	deadline = time_now_ms() + BUS_SYNC_WAIT_MS;
	for (;;) {
		bus_drain(b, fn, arg);
		if (bus_reached(b))
			break;
		if (time_now_ms() >= deadline)
			goto out;
		pfd.fd = PQsocket(b->conn);
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, 10);
		if (PQconsumeInput(b->conn) == 0) {
			atomic_store(&b->connected, 0);
			PQfinish(b->conn);
			b->conn = NULL;
			goto out;
		}
	}
	ret = 0;
out:
	pthread_mutex_unlock(&b->lock);
	return ret;
}

static void *
bus_thread_main(void *arg)
{
	struct bus *b = arg;
	struct pollfd pfd[2];
	int backoff_ms = 100, fd, connected_before = 0;
	char buf[16];

	while (!atomic_load(&b->stop)) {
		pthread_mutex_lock(&b->lock);
		if (b->conn == NULL) {
			if (bus_connect_locked(b) != 0) {
				pthread_mutex_unlock(&b->lock);
				pfd[0].fd = b->wake[0];
				pfd[0].events = POLLIN;
				(void)poll(pfd, 1, backoff_ms);
				backoff_ms = backoff_ms * 2 > 5000 ? 5000 :
				    backoff_ms * 2;
				continue;
			}
			backoff_ms = 100;
			if (connected_before)
				log_info("bus: listening again");
			connected_before = 1;
			pthread_mutex_unlock(&b->lock);
			if (b->on_reconnect != NULL)
				b->on_reconnect(b->arg);
			continue;
		}
		fd = PQsocket(b->conn);
		pthread_mutex_unlock(&b->lock);

		pfd[0].fd = fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = b->wake[0];
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, 1000) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			(void)!read(b->wake[0], buf, sizeof(buf));
		if (pfd[0].revents & (POLLIN | POLLERR | POLLHUP)) {
			pthread_mutex_lock(&b->lock);
			/* bus_sync may have replaced or dropped the conn. */
			if (b->conn != NULL && PQsocket(b->conn) == fd)
				(void)bus_dispatch_locked(b, b->fn, b->arg);
			pthread_mutex_unlock(&b->lock);
		}
	}
	return NULL;
}

int
bus_thread_start(struct bus *b, bus_handler *fn, void (*on_reconnect)(void *),
    void *arg)
{
	if (b->running)
		return 0;
	if (pipe(b->wake) != 0)
		return -1;
	b->fn = fn;
	b->on_reconnect = on_reconnect;
	b->arg = arg;
	atomic_store(&b->stop, false);
	if (pthread_create(&b->thread, NULL, bus_thread_main, b) != 0) {
		close(b->wake[0]);
		close(b->wake[1]);
		b->wake[0] = b->wake[1] = -1;
		return -1;
	}
	b->running = 1;
	return 0;
}

void
bus_thread_stop(struct bus *b)
{
	if (!b->running)
		return;
	atomic_store(&b->stop, true);
	(void)!write(b->wake[1], "x", 1);
	pthread_join(b->thread, NULL);
	close(b->wake[0]);
	close(b->wake[1]);
	b->wake[0] = b->wake[1] = -1;
	b->running = 0;
}

/* Non-blocking use (bus_start): one thread, the caller's event loop. */

static void
bus_wait_list_run(struct bus_wait_list *w, int ok)
{
	struct bus_waiter *x = w->head, *next;

	w->head = NULL;
	w->tail = &w->head;
	for (; x != NULL; x = next) {
		next = x->next;
		x->fn(x->arg, ok);
		free(x);
	}
}

const char *
bus_error(const struct bus *b)
{
	return b->conn != NULL ? PQerrorMessage(b->conn) : b->err;
}

void
bus_close(struct bus *b)
{
	if (b->conn != NULL) {
		snprintf(b->err, sizeof(b->err), "%s", PQerrorMessage(b->conn));
		PQfinish(b->conn);
	}
	b->conn = NULL;
	b->state = BUS_DOWN;
	b->busy = b->want_write = false;
	atomic_store(&b->connected, 0);
	bus_wait_list_run(&b->sent, 0);
	bus_wait_list_run(&b->next, 0);
	bus_wait_list_run(&b->pending, 0);
}

int
bus_start(struct bus *b, const char *app, bus_handler *fn,
    void (*on_connect)(void *), void *arg)
{
	const char *keys[] = { "dbname", "application_name", NULL };
	const char *vals[] = { b->url, app, NULL };

	bus_close(b);
	b->fn = fn;
	b->on_reconnect = on_connect;
	b->arg = arg;
	b->conn = PQconnectStartParams(keys, vals, 1);
	if (b->conn == NULL || PQstatus(b->conn) == CONNECTION_BAD) {
		bus_close(b);
		return -1;
	}
	/* As if PQconnectPoll had said PGRES_POLLING_WRITING. */
	b->state = BUS_CONNECTING;
	b->want_write = true;
	return 0;
}

bool
bus_want_write(const struct bus *b)
{
	return b->conn != NULL && b->want_write;
}

/* Send one query; false on failure. */
static bool
bus_send(struct bus *b, const char *sql)
{
	int flushed;

	if (!PQsendQuery(b->conn, sql) || (flushed = PQflush(b->conn)) < 0)
		return false;
	b->busy = true;
	b->want_write = flushed == 1;
	return true;
}

/* Connecting: advance PQconnectPoll, then LISTEN; false on failure. */
static bool
bus_poll_connect(struct bus *b)
{
	char *sql;
	bool ok;

	switch (PQconnectPoll(b->conn)) {
	case PGRES_POLLING_WRITING:
		b->want_write = true;
		return true;
	case PGRES_POLLING_READING:
		b->want_write = false;
		return true;
	case PGRES_POLLING_OK:
		break;
	default:
		return false;
	}
	if (PQsetnonblocking(b->conn, 1) != 0 ||
	    (sql = bus_listen_sql(b)) == NULL)
		return false;
	ok = bus_send(b, sql);
	free(sql);
	b->state = BUS_LISTENING;
	return ok;
}

/* Start the next round trip if anyone waits for one. */
static bool
bus_next_sync(struct bus *b)
{
	if (b->busy || b->next.head == NULL)
		return true;
	b->sent = b->next;
	if (b->sent.head == NULL)
		b->sent.tail = &b->sent.head;
	b->next.head = NULL;
	b->next.tail = &b->next.head;
	return bus_send(b, b->barrier_sql);
}

/* A query ended: the LISTEN (now ready) or a round trip. */
static bool
bus_query_done(struct bus *b)
{
	b->busy = false;
	if (b->state == BUS_LISTENING) {
		b->state = BUS_READY;
		atomic_store(&b->connected, 1);
		if (b->on_reconnect != NULL)
			b->on_reconnect(b->arg);
	} else if (b->sync_failed) {
		b->sync_failed = false;
		bus_wait_list_run(&b->sent, 0);
	} else if (bus_reached(b)) {
		bus_wait_list_run(&b->sent, 1);
	} else if (b->sent.head != NULL) {
		/* answered when the events arrive (bus_drain) */
		*b->pending.tail = b->sent.head;
		b->pending.tail = b->sent.tail;
		b->sent.head = NULL;
		b->sent.tail = &b->sent.head;
	}
	return b->conn == NULL || bus_next_sync(b);
}

/* Everything that arrived; false when the connection is lost. */
static bool
bus_read(struct bus *b)
{
	PGresult *res;
	bool busy;

	if (!PQconsumeInput(b->conn))
		return false;
	while (b->conn != NULL) {
		busy = PQisBusy(b->conn);
		/* events that came before a result are handed on first */
		bus_drain(b, b->fn, b->arg);
		if (!b->busy || busy)
			break;
		if ((res = PQgetResult(b->conn)) == NULL) {
			if (!bus_query_done(b))
				return false;
			continue;
		}
		if (PQresultStatus(res) == PGRES_TUPLES_OK) {
			/* the positions at LISTEN, or a barrier's seqs */
			busy = !bus_read_seqs(b, res, b->state == BUS_READY ?
			    b->target : b->floor);
		} else if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			busy = false;
		} else if (b->state == BUS_READY) {
			/* a barrier that timed out: those waiters fail */
			log_warnx("bus: no barrier: %s",
			    PQresultErrorMessage(res));
			b->sync_failed = true;
			busy = false;
		} else {
			busy = true;
		}
		PQclear(res);
		if (busy)
			return false;	/* a failed query */
	}
	if (b->conn != NULL)
		bus_drain(b, b->fn, b->arg);
	return true;
}

int
bus_step(struct bus *b, bool writable)
{
	bool ok = true;
	int flushed;

	if (b->conn == NULL)
		return -1;
	if (b->state == BUS_CONNECTING) {
		if (writable == b->want_write)
			ok = bus_poll_connect(b);
	} else if (writable) {
		if ((flushed = PQflush(b->conn)) < 0)
			ok = false;
		b->want_write = flushed == 1;
	} else {
		ok = bus_read(b);
	}
	if (!ok) {
		bus_close(b);
		return -1;
	}
	return 0;
}

int
bus_sync_start(struct bus *b, bus_sync_fn *fn, void *waiter)
{
	struct bus_waiter *x;

	if (b->state != BUS_READY)
		return -1;
	x = xcalloc(1, sizeof(*x));
	x->fn = fn;
	x->arg = waiter;
	*b->next.tail = x;
	b->next.tail = &x->next;
	if (!bus_next_sync(b))
		bus_close(b);	/* x is answered, with ok 0 */
	return 0;
}
