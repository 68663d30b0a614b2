/*
 * bus.c: the event bus. A change writes its event to the outbox of its
 * database in its own transaction, with an unsigned wake-up; the
 * publisher (publisher.h) moves it to the event log and sends it on,
 * sealed and numbered: by PostgreSQL NOTIFY in the transaction of the
 * move, or to NATS JetStream after its commit (bus_nats.h).
 *
 * A subscriber owns one PostgreSQL connection to the owner's database: it
 * LISTENs (PostgreSQL transport) and asks the read-your-writes barrier
 * (both transports). With NATS, an epoll descriptor watches that
 * connection and the queue of NATS messages, so the caller polls one
 * descriptor either way. It hands on each seq of a channel once.
 *
 * One non-blocking state machine (bus_start, bus_step) drives it; the
 * blocking calls (bus_connect, bus_dispatch, bus_sync and the background
 * thread) poll bus_fd and step it under a mutex, so that the thread and
 * bus_sync() from other threads can share the connection.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "bus.h"
#include "bus_nats.h"
#include "db.h"
#include "events.h"
#include "log.h"
#include "metrics.h"
#include "svcauth.h"
#include "timeutil.h"
#include "xmalloc.h"

/*
 * How long a blocking connect waits for the subscription, and a sync for
 * the events its barrier promised.
 */
#define BUS_WAIT_MS 5000
/* A bus URL that starts so selects NATS (bus.h). */
#define BUS_NATS_SCHEME "nats://"

/* The process's keys (bus_auth_set), set once at start. */
static const struct svcauth *bus_svcauth;

struct bus {
	char *url;		/* the owner's database */
	char *nats_url;		/* NULL: PostgreSQL NOTIFY */
	struct bus_nats *nats;	/* its connection and subscriptions */
	int efd;		/* NATS: epoll of the PostgreSQL socket and queue */
	int efd_sock;		/* the PostgreSQL socket in efd, or -1 */
	uint32_t efd_events;	/* what efd watches it for */
	bool live;		/* subscribed: NATS messages are handed on */
	char **channels;
	char **labels;		/* per channel: its metric label, or NULL */
	size_t nchannels;
	/*
	 * Per channel: the newest seq handed on on this connection (a seq at
	 * or below it is a double and dropped); the newest in the log when
	 * the connection began to listen; what the read-your-writes barrier
	 * waits for (pending).
	 */
	int64_t *last, *floor, *target;
	char *position_sql, *barrier_sql;	/* per connection */
	PGconn *conn;
	pthread_mutex_t lock;	/* blocking use: held while stepping */
	/* background thread */
	pthread_t thread;
	int running;
	atomic_bool stop;
	int wake[2];		/* a pipe that interrupts the thread's poll */
	void (*on_reconnect)(void *);	/* run by the thread, unlocked */
	/* the state machine (bus_start) */
	atomic_int connected;	/* state is BUS_READY */
	bus_handler *fn;
	void (*on_connect)(void *);
	void *arg;
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

static const struct db_statement bus_statements[] = {
	BUS_STATEMENTS,
	{NULL, NULL},
};

int
bus_prepare(PGconn *conn)
{
	return db_prepare(conn, bus_statements);
}

/* One statement of a publish in the caller's transaction (one of
 * BUS_STATEMENTS); 0 or -1. */
static int
bus_tx_query(PGconn *conn, const char *channel, const char *stmt, int n,
    const char *const *v)
{
	PGresult *res = PQexecPrepared(conn, stmt, n, v, NULL, NULL, 0);
	int ret = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_warnx("bus: cannot publish on %s: %s", channel,
		    PQresultErrorMessage(res));
		ret = -1;
	}
	PQclear(res);
	return ret;
}

int
bus_publish(struct bus_tx *tx, const char *channel, const char *payload)
{
	return bus_publish_by(tx, channel, payload, events_author(payload));
}

int
bus_publish_by(struct bus_tx *tx, const char *channel, const char *payload,
    int64_t a)
{
	PGconn *conn = (PGconn *)tx;	/* what db_bus_tx made of it */
	const char *v[3] = { channel, NULL, payload };
	char author[24];

	/* The author feeds the per-user replay (GET /internal/feed). */
	if (a >= 0) {
		snprintf(author, sizeof(author), "%lld", (long long)a);
		v[1] = author;
	}
	return bus_tx_query(conn, channel, BUS_PUT_STMT, 3, v);
}

int
bus_relay(struct bus_tx *tx, const char *channel, const char *payload)
{
	PGconn *conn = (PGconn *)tx;
	const char *v[2] = { channel, NULL };
	char *sealed;
	int ret;

	if (bus_svcauth == NULL) {
		log_warnx("bus: cannot publish on %s: no service secret",
		    channel);
		return -1;
	}
	sealed = svcauth_seal(bus_svcauth, channel, payload,
	    time_now_ms() / 1000);
	v[1] = sealed;
	ret = bus_tx_query(conn, channel, BUS_RELAY_STMT, 2, v);
	free(sealed);
	return ret;
}

struct bus_out {
	char *nats_url;
	struct bus_nats *nats;	/* NULL until connected */
};

struct bus_out *
bus_out_new(const char *url)
{
	struct bus_out *o;

	if (url != NULL && *url != '\0' && strncmp(url, BUS_NATS_SCHEME,
	    strlen(BUS_NATS_SCHEME)) != 0)
		return NULL;
	o = xcalloc(1, sizeof(*o));
	if (url != NULL && *url != '\0')
		o->nats_url = xstrdup(url);
	return o;
}

void
bus_out_free(struct bus_out *o)
{
	if (o == NULL)
		return;
	bus_nats_close(o->nats);
	free(o->nats_url);
	free(o);
}

bool
bus_out_in_tx(const struct bus_out *o)
{
	return o->nats_url == NULL;
}

int
bus_send(struct bus_out *o, const char *channel, int64_t seq,
    const char *payload)
{
	char err[256];
	char *sealed;
	int ret;

	if (o->nats_url == NULL)
		return 0;	/* sent by bus_relay */
	if (bus_svcauth == NULL) {
		log_warnx("bus: cannot publish on %s: no service secret",
		    channel);
		return -1;
	}
	if (o->nats != NULL && bus_nats_lost(o->nats, err, sizeof(err))) {
		log_warnx("bus: %s", err);
		bus_nats_close(o->nats);
		o->nats = NULL;
	}
	if (o->nats == NULL && (o->nats = bus_nats_open(o->nats_url,
	    "chirp-publisher", NULL, err, sizeof(err))) == NULL) {
		log_warnx("bus: %s", err);
		return -1;
	}
	sealed = svcauth_seal(bus_svcauth, channel, payload,
	    time_now_ms() / 1000);
	if ((ret = bus_nats_send(o->nats, channel, seq, sealed, err,
	    sizeof(err))) != 0) {
		log_warnx("bus: on %s: %s", channel, err);
		bus_nats_close(o->nats);
		o->nats = NULL;
	}
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
	b->efd = b->efd_sock = -1;
	if (strncmp(url, BUS_NATS_SCHEME, strlen(BUS_NATS_SCHEME)) == 0) {
		/* "nats://servers <database URL>" */
		i = strcspn(url, " \t\n");
		b->nats_url = xstrndup(url, i);
		url += i;
		url += strspn(url, " \t\n");
		b->efd = epoll_create1(EPOLL_CLOEXEC);
	}
	b->url = xstrdup(url);
	b->nchannels = n;
	b->last = xcalloc(n + 1, sizeof(int64_t));
	b->floor = xcalloc(n + 1, sizeof(int64_t));
	b->target = xcalloc(n + 1, sizeof(int64_t));
	b->channels = xcalloc(n + 1, sizeof(char *));
	b->labels = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		b->channels[i] = xstrdup(channels[i]);
		b->labels[i] = bus_channel_label(channels[i]);
	}
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
	for (i = 0; b->channels[i] != NULL; i++) {
		free(b->channels[i]);
		if (b->labels[i] != NULL)
			metrics_gauge_remove(BUS_APPLIED_METRIC, b->labels[i]);
		free(b->labels[i]);
	}
	free(b->channels);
	free(b->labels);
	free(b->last);
	free(b->floor);
	free(b->target);
	free(b->position_sql);
	free(b->barrier_sql);
	free(b->url);
	free(b->nats_url);
	if (b->efd >= 0)
		close(b->efd);
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
		if (b->nats_url == NULL) {
			more = xasprintf("%sLISTEN %s;", sql, ident);
			free(sql);
			sql = more;
		}
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
	b->live = true;
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
 * False when the event of channel with this payload was handed on
 * already (a double of a seq); else note its seq.
 */
static bool
bus_fresh(struct bus *b, const char *channel, const char *payload)
{
	int64_t seq = events_seq(payload);
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

/*
 * NATS: make efd watch the PostgreSQL socket as it is now, for writing
 * too while libpq wants to write (the caller polls efd for reading only).
 */
static void
bus_arm(struct bus *b)
{
	struct epoll_event ev;
	int sock = b->conn != NULL ? PQsocket(b->conn) : -1;

	if (b->efd < 0)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | (b->want_write ? EPOLLOUT : 0);
	ev.data.fd = sock;
	if (sock != b->efd_sock && b->efd_sock >= 0)
		(void)epoll_ctl(b->efd, EPOLL_CTL_DEL, b->efd_sock, NULL);
	if (sock < 0) {
		b->efd_sock = -1;
		return;
	}
	if (sock == b->efd_sock && ev.events == b->efd_events)
		return;
	if (sock != b->efd_sock || (epoll_ctl(b->efd, EPOLL_CTL_MOD, sock,
	    &ev) != 0 && errno == ENOENT))
		(void)epoll_ctl(b->efd, EPOLL_CTL_ADD, sock, &ev);
	b->efd_sock = sock;
	b->efd_events = ev.events;
}

/*
 * NATS: subscribe before the positions are read, so that every event
 * logged after them comes through NATS. False (err says why) on failure.
 */
static bool
bus_start_nats(struct bus *b)
{
	struct epoll_event ev;

	if (b->nats_url == NULL)
		return true;
	if (b->efd < 0 || *b->url == '\0') {
		snprintf(b->err, sizeof(b->err), "a NATS bus URL needs the "
		    "URL of the owner's database after it");
		return false;
	}
	if ((b->nats = bus_nats_open(b->nats_url, "chirp-bus",
	    (const char *const *)b->channels, b->err, sizeof(b->err))) ==
	    NULL)
		return false;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = bus_nats_fd(b->nats);
	if (epoll_ctl(b->efd, EPOLL_CTL_ADD, ev.data.fd, &ev) != 0) {
		snprintf(b->err, sizeof(b->err), "epoll: %s", strerror(errno));
		return false;
	}
	return true;
}

int
bus_fd(const struct bus *b)
{
	if (b->conn == NULL)
		return -1;
	return b->nats_url != NULL ? b->efd : PQsocket(b->conn);
}

int
bus_connected(struct bus *b)
{
	return atomic_load(&b->connected);
}

char *
bus_channel_label(const char *channel)
{
	const char *c;

	for (c = channel; *c != '\0'; c++)
		if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20 ||
		    *c == 0x7f)
			return NULL;
	return xasprintf("channel=\"%s\"", channel);
}

/*
 * BUS_APPLIED_METRIC of channel (NULL: of each): the newest seq handed
 * on, or the log's newest when the connection began to listen (what came
 * before is the subscriber's catch-up, not the bus's).
 */
static void
bus_gauge(const struct bus *b, const char *channel)
{
	size_t i;

	for (i = 0; i < b->nchannels; i++)
		if (b->labels[i] != NULL && (channel == NULL ||
		    strcmp(b->channels[i], channel) == 0))
			metrics_gauge_set(BUS_APPLIED_METRIC, b->labels[i],
			    (double)(b->last[i] > b->floor[i] ? b->last[i] :
			    b->floor[i]));
}

/* Hand an event to b->fn if it is sealed right and fresh. */
static void
bus_hand(struct bus *b, const char *channel, const char *sealed)
{
	const char *payload = bus_open(channel, sealed);

	if (b->fn != NULL && payload != NULL &&
	    bus_fresh(b, channel, payload)) {
		b->fn(channel, payload, b->arg);
		/* after fn: applied, not just received */
		bus_gauge(b, channel);
	}
}

/* Hand on every queued event; answer the waiters they satisfy. */
static void
bus_drain(struct bus *b)
{
	char *channel, *data;
	PGnotify *n;

	for (; (n = PQnotifies(b->conn)) != NULL; PQfreemem(n))
		bus_hand(b, n->relname, n->extra);
	/* NATS messages, once the positions of the subscription are read */
	while (b->nats != NULL && b->live &&
	    bus_nats_next(b->nats, &channel, &data)) {
		bus_hand(b, channel, data);
		free(channel);
		free(data);
	}
	if (b->pending.head != NULL && bus_reached(b))
		bus_wait_list_run(&b->pending, 1);
}

/*
 * The state machine: one thread at a time, the caller's event loop or
 * whoever holds the lock.
 */

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
	if (b->conn != NULL && (b->nats_url == NULL || *b->err == '\0'))
		return PQerrorMessage(b->conn);
	return b->err;
}

void
bus_close(struct bus *b)
{
	if (b->conn != NULL && (b->nats_url == NULL || *b->err == '\0'))
		snprintf(b->err, sizeof(b->err), "%s", PQerrorMessage(b->conn));
	/* the PostgreSQL connection, and the NATS one with it */
	if (b->efd_sock >= 0)
		(void)epoll_ctl(b->efd, EPOLL_CTL_DEL, b->efd_sock, NULL);
	b->efd_sock = -1;
	if (b->nats != NULL) {
		(void)epoll_ctl(b->efd, EPOLL_CTL_DEL,
		    bus_nats_fd(b->nats), NULL);
		bus_nats_close(b->nats);
	}
	b->nats = NULL;
	b->live = false;
	PQfinish(b->conn);
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
	b->err[0] = '\0';
	b->fn = fn;
	b->on_connect = on_connect;
	b->arg = arg;
	/* NATS first: it connects at once, without waiting (bus_nats.h) */
	if (!bus_start_nats(b)) {
		bus_close(b);
		return -1;
	}
	b->conn = PQconnectStartParams(keys, vals, 1);
	if (b->conn == NULL || PQstatus(b->conn) == CONNECTION_BAD) {
		bus_close(b);
		return -1;
	}
	/* As if PQconnectPoll had said PGRES_POLLING_WRITING. */
	b->state = BUS_CONNECTING;
	b->want_write = true;
	bus_arm(b);
	return 0;
}

bool
bus_want_write(const struct bus *b)
{
	/* NATS: efd is readable when the socket is writable (bus_arm) */
	return b->conn != NULL && b->want_write && b->nats_url == NULL;
}

/* Send one query; false on failure. */
static bool
bus_query(struct bus *b, const char *sql)
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
	ok = bus_query(b, sql);
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
	return bus_query(b, b->barrier_sql);
}

/* A query ended: the LISTEN (now ready) or a round trip. */
static bool
bus_query_done(struct bus *b)
{
	b->busy = false;
	if (b->state == BUS_LISTENING) {
		b->state = BUS_READY;
		atomic_store(&b->connected, 1);
		if (b->on_connect != NULL)
			b->on_connect(b->arg);
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
		bus_drain(b);
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
			if (b->state != BUS_READY)
				bus_gauge(b, NULL);
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
		bus_drain(b);
	return true;
}

/* One step of the PostgreSQL connection; false when it is lost. */
static bool
bus_step_pg(struct bus *b, bool writable)
{
	bool ok = true;
	int flushed;

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
	return ok;
}

/* NATS: what efd says is ready, then the NATS messages. */
static bool
bus_step_nats(struct bus *b)
{
	struct epoll_event ev[4];
	bool rd = false, wr = false;
	int i, n;

	n = epoll_wait(b->efd, ev, 4, 0);
	for (i = 0; i < n; i++) {
		if (ev[i].data.fd != b->efd_sock)
			continue;
		rd = (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0;
		wr = (ev[i].events & EPOLLOUT) != 0;
	}
	if (wr && b->want_write && !bus_step_pg(b, true))
		return false;
	/* connecting and waiting to write: a read step would be wrong */
	if (rd && b->conn != NULL && !(b->state == BUS_CONNECTING &&
	    b->want_write) && !bus_step_pg(b, false))
		return false;
	if (b->conn == NULL || (b->nats != NULL &&
	    bus_nats_lost(b->nats, b->err, sizeof(b->err))))
		return false;
	bus_drain(b);
	bus_arm(b);
	return true;
}

int
bus_step(struct bus *b, bool writable)
{
	bool ok;

	if (b->conn == NULL)
		return -1;
	ok = b->nats_url != NULL ? bus_step_nats(b) : bus_step_pg(b, writable);
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
	else
		bus_arm(b);	/* NATS: to flush what is left */
	return 0;
}

/*
 * Blocking use, on the same state machine: the caller's thread polls
 * bus_fd and steps it, with the lock held, until what it waits for is
 * done. The handlers run with the lock held.
 */

/* Step as revents of bus_fd say; -1 (logged) when the connection is lost. */
static int
bus_step_revents(struct bus *b, short revents)
{
	bool was_ready = b->state == BUS_READY;

	if (((revents & POLLOUT) && bus_step(b, true) != 0) ||
	    ((revents & (POLLIN | POLLERR | POLLHUP)) &&
	    bus_step(b, false) != 0)) {
		if (was_ready)
			log_warnx("bus: connection lost: %s", bus_error(b));
		return -1;
	}
	return 0;
}

/* Wait for bus_fd until deadline, then step: 0, 1 at the deadline, or -1. */
static int
bus_wait(struct bus *b, int64_t deadline)
{
	struct pollfd pfd;
	int64_t left = deadline - time_now_ms();

	if (b->conn == NULL)
		return -1;
	if (left <= 0)
		return 1;
	pfd.fd = bus_fd(b);
	pfd.events = POLLIN | (bus_want_write(b) ? POLLOUT : 0);
	if (poll(&pfd, 1, (int)left) <= 0)
		return 0;
	return bus_step_revents(b, pfd.revents);
}

/* bus_start, then step until the subscription is live; lock held. */
static int
bus_connect_locked(struct bus *b)
{
	int64_t deadline = time_now_ms() + BUS_WAIT_MS;
	int rc = -1;

	if (bus_start(b, "chirp-bus", b->fn, NULL, b->arg) != 0)
		goto fail;
	while (b->state != BUS_READY)
		if ((rc = bus_wait(b, deadline)) != 0)
			goto fail;
	return 0;
fail:
	log_warnx("bus: cannot listen: %s", rc > 0 ? "timed out" :
	    bus_error(b));
	bus_close(b);
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
bus_dispatch(struct bus *b, bus_handler *fn, void *arg)
{
	bus_handler *fn0;
	void *arg0;
	int ret;

	pthread_mutex_lock(&b->lock);
	fn0 = b->fn, arg0 = b->arg;
	b->fn = fn, b->arg = arg;
	ret = bus_step_revents(b, POLLIN);
	b->fn = fn0, b->arg = arg0;
	pthread_mutex_unlock(&b->lock);
	return ret;
}

static void
bus_sync_done(void *waiter, int ok)
{
	*(int *)waiter = ok ? 1 : -1;
}

int
bus_sync(struct bus *b, bus_handler *fn, void *arg)
{
	struct bus_waiter **p, *x;
	bus_handler *fn0;
	void *arg0;
	int64_t deadline = 0;
	int done = 0;

	pthread_mutex_lock(&b->lock);
	fn0 = b->fn, arg0 = b->arg;
	if (fn != NULL)
		b->fn = fn, b->arg = arg;
	/*
	 * The barrier's round trip (bus_barrier gives up itself after 5 s),
	 * then BUS_WAIT_MS for the events it promised.
	 */
	if (bus_sync_start(b, bus_sync_done, &done) != 0)
		done = -1;
	while (done == 0) {
		if (b->busy)
			deadline = time_now_ms() + BUS_WAIT_MS;
		if (bus_wait(b, deadline) == 0 || done != 0)
			continue;
		/* late: answered, so pending; forget it there */
		for (p = &b->pending.head; (x = *p) != NULL; p = &x->next)
			if (x->arg == &done)
				break;
		if (x != NULL && (*p = x->next) == NULL)
			b->pending.tail = p;
		free(x);
		done = -1;
	}
	b->fn = fn0, b->arg = arg0;
	pthread_mutex_unlock(&b->lock);
	return done > 0 ? 0 : -1;
}

int64_t
bus_known(struct bus *b, const char *channel)
{
	int64_t v = 0;
	size_t i;

	pthread_mutex_lock(&b->lock);
	for (i = 0; i < b->nchannels; i++) {
		if (strcmp(b->channels[i], channel) != 0)
			continue;
		v = b->last[i];
		if (b->floor[i] > v)
			v = b->floor[i];
		if (b->target[i] > v)
			v = b->target[i];
	}
	pthread_mutex_unlock(&b->lock);
	return v;
}

/* Keep connected (backoff up to 5 s) and step; on_reconnect unlocked. */
static void *
bus_thread_main(void *arg)
{
	struct bus *b = arg;
	struct pollfd pfd[2] = { { .fd = -1 }, { .fd = b->wake[0],
		.events = POLLIN } };
	int backoff_ms = 100, fd, connected_before = 0;
	char buf[16];

	while (!atomic_load(&b->stop)) {
		pthread_mutex_lock(&b->lock);
		if (b->conn == NULL) {
			if (bus_connect_locked(b) != 0) {
				pthread_mutex_unlock(&b->lock);
				(void)poll(&pfd[1], 1, backoff_ms);
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
		fd = pfd[0].fd = bus_fd(b);
		pfd[0].events = POLLIN | (bus_want_write(b) ? POLLOUT : 0);
		pthread_mutex_unlock(&b->lock);

		if (poll(pfd, 2, 1000) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			(void)!read(b->wake[0], buf, sizeof(buf));
		if (pfd[0].revents != 0) {
			pthread_mutex_lock(&b->lock);
			/* bus_sync may have dropped the connection. */
			if (b->conn != NULL && bus_fd(b) == fd)
				(void)bus_step_revents(b, pfd[0].revents);
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
