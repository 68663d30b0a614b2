/*
 * listener.c: the gateway's LISTEN connections (listener.h), driven by
 * lws: the libpq socket is dup()ed and adopted as a raw file, the dup is
 * lws's to close and the original libpq's.
 */
#include <sys/queue.h>

#include <fcntl.h>
#include <libpq-fe.h>
#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "gateway.h"
#include "listener.h"
#include "listener_proto.h"
#include "log.h"
#include "xmalloc.h"

#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 5000

enum listener_state {
	LISTENER_IDLE,		/* waiting to (re)connect */
	LISTENER_CONNECTING,
	LISTENER_LISTENING,	/* LISTEN sent */
	LISTENER_READY,
};

struct waiter {
	listener_sync_fn *fn;
	void *arg;
	STAILQ_ENTRY(waiter) entry;
};

STAILQ_HEAD(wait_list, waiter);

struct listener {
	struct gateway *gw;
	char *name, *url, *channel;
	listener_event_fn *on_event;
	listener_connect_fn *on_connect;
	void *arg;
	enum listener_state state;
	PGconn *conn;
	int sock;		/* libpq's socket the wsi watches a dup of */
	struct lws *wsi;
	bool busy;		/* a query is outstanding */
	bool want_write;	/* connecting: PQconnectPoll wants to write */
	struct wait_list sent;	/* waiting for the round trip under way */
	struct wait_list next;	/* waiting for the next one */
	int backoff_ms;
	bool stopped;
	bool warned;
	lws_sorted_usec_list_t retry;
};

static void listener_connect(struct listener *);

/* Hand every waiter of w its answer. */
static void
wait_list_run(struct wait_list *w, int ok)
{
	struct waiter *x = STAILQ_FIRST(w), *next;

	STAILQ_INIT(w);		/* fn may add to it */
	for (; x != NULL; x = next) {
		next = STAILQ_NEXT(x, entry);
		x->fn(x->arg, ok);
		free(x);
	}
}

struct listener *
listener_new(struct gateway *gw, const char *name, const char *url,
    const char *channel, listener_event_fn *on_event,
    listener_connect_fn *on_connect, void *arg)
{
	struct listener *l = xcalloc(1, sizeof(*l));

	l->gw = gw;
	l->name = xstrdup(name);
	l->url = xstrdup(url);
	l->channel = xstrdup(channel);
	l->on_event = on_event;
	l->on_connect = on_connect;
	l->arg = arg;
	l->sock = -1;
	l->backoff_ms = BACKOFF_MIN_MS;
	STAILQ_INIT(&l->sent);
	STAILQ_INIT(&l->next);
	return l;
}

bool
listener_connected(const struct listener *l)
{
	return l != NULL && l->state == LISTENER_READY;
}

/* Stop watching the socket; lws closes our dup soon. */
static void
listener_unwatch(struct listener *l)
{
	if (l->wsi != NULL) {
		lws_set_opaque_user_data(l->wsi, NULL);
		lws_set_timeout(l->wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
		l->wsi = NULL;
	}
	l->sock = -1;
}

/* Watch libpq's current socket; false when lws would not take it. */
static bool
listener_watch(struct listener *l)
{
	lws_adopt_desc_t ad;
	int fd, s = PQsocket(l->conn);

	if (s < 0)
		return false;
	if (s == l->sock && l->wsi != NULL)
		return true;
	listener_unwatch(l);
	fd = fcntl(s, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return false;
	memset(&ad, 0, sizeof(ad));
	ad.vh = l->gw->vhost;
	ad.type = LWS_ADOPT_RAW_FILE_DESC;
	ad.fd.filefd = fd;
	ad.vh_prot_name = LISTENER_PROTOCOL;
	ad.opaque = l;
	l->wsi = lws_adopt_descriptor_vhost_via_info(&ad);
	if (l->wsi == NULL)
		return false;	/* lws closed fd */
	l->sock = s;
	return true;
}

static void
listener_retry_cb(lws_sorted_usec_list_t *sul)
{
	struct listener *l = lws_container_of(sul, struct listener, retry);

	listener_connect(l);
}

/* The connection is gone (or never came): clean up, try again later. */
static void
listener_lost(struct listener *l, const char *why)
{
	bool was_ready = l->state == LISTENER_READY;

	if (!l->warned || was_ready)
		log_warnx("%s: %s: %s", l->name, why,
		    l->conn != NULL ? PQerrorMessage(l->conn) : "");
	l->warned = true;
	listener_unwatch(l);
	if (l->conn != NULL)
		PQfinish(l->conn);
	l->conn = NULL;
	l->busy = false;
	l->state = LISTENER_IDLE;
	wait_list_run(&l->sent, 0);
	wait_list_run(&l->next, 0);
	if (l->stopped)
		return;
	lws_sul_schedule(l->gw->ctx, 0, &l->retry, listener_retry_cb,
	    (lws_usec_t)l->backoff_ms * LWS_US_PER_MS);
	l->backoff_ms *= 2;
	if (l->backoff_ms > BACKOFF_MAX_MS)
		l->backoff_ms = BACKOFF_MAX_MS;
}

/* Send one query; false on failure. */
static bool
listener_send(struct listener *l, const char *sql)
{
	if (!PQsendQuery(l->conn, sql))
		return false;
	l->busy = true;
	if (PQflush(l->conn) == 1)
		lws_callback_on_writable(l->wsi);
	return true;
}

static void
listener_connect(struct listener *l)
{
	const char *keys[] = { "dbname", "application_name", NULL };
	const char *vals[] = { l->url, "chirp-gateway-bus", NULL };

	if (l->stopped)
		return;
	l->conn = PQconnectStartParams(keys, vals, 1);
	if (l->conn == NULL || PQstatus(l->conn) == CONNECTION_BAD) {
		listener_lost(l, "cannot connect");
		return;
	}
	l->state = LISTENER_CONNECTING;
	l->want_write = true;
	if (!listener_watch(l)) {
		listener_lost(l, "cannot watch the socket");
		return;
	}
	lws_callback_on_writable(l->wsi);
}

void
listener_start(struct listener *l)
{
	listener_connect(l);
}

/* Connecting: advance PQconnectPoll; false on failure. */
static bool
listener_poll_connect(struct listener *l)
{
	char *ident, *sql;
	bool ok;

	switch (PQconnectPoll(l->conn)) {
	case PGRES_POLLING_WRITING:
		l->want_write = true;
		if (!listener_watch(l))
			return false;
		lws_callback_on_writable(l->wsi);
		return true;
	case PGRES_POLLING_READING:
		l->want_write = false;
		return listener_watch(l);
	case PGRES_POLLING_OK:
		break;
	default:
		return false;
	}
	if (!listener_watch(l) || PQsetnonblocking(l->conn, 1) != 0)
		return false;
	ident = PQescapeIdentifier(l->conn, l->channel, strlen(l->channel));
	if (ident == NULL)
		return false;
	sql = xasprintf("LISTEN %s", ident);
	PQfreemem(ident);
	ok = listener_send(l, sql);
	free(sql);
	if (ok)
		l->state = LISTENER_LISTENING;
	return ok;
}

static void
listener_notifies(struct listener *l)
{
	PGnotify *n;

	const char *payload;

	/* Only events sealed with the service secret are acted on. */
	while ((n = PQnotifies(l->conn)) != NULL) {
		payload = bus_open(l->channel, n->extra);
		if (l->on_event != NULL && payload != NULL)
			l->on_event(payload, l->arg);
		PQfreemem(n);
	}
}

/* Start the next round trip if anyone waits for one. */
static bool
listener_next_sync(struct listener *l)
{
	if (l->busy || STAILQ_EMPTY(&l->next))
		return true;
	STAILQ_CONCAT(&l->sent, &l->next);	/* sent is empty: not busy */
	return listener_send(l, "SELECT 1");
}

/* Everything that arrived; false when the connection is lost. */
static bool
listener_read(struct listener *l)
{
	PGresult *res;

	if (!PQconsumeInput(l->conn))
		return false;
	for (;;) {
		bool busy = PQisBusy(l->conn);

		/* events that came before a result are applied first */
		listener_notifies(l);
		if (!l->busy || busy)
			break;
		res = PQgetResult(l->conn);
		if (res == NULL) {
			/* the query under way is complete */
			l->busy = false;
			if (l->state == LISTENER_LISTENING) {
				l->state = LISTENER_READY;
				l->backoff_ms = BACKOFF_MIN_MS;
				if (l->warned)
					log_info("%s: connected", l->name);
				l->warned = false;
				if (l->on_connect != NULL)
					l->on_connect(l->arg);
			} else {
				wait_list_run(&l->sent, 1);
			}
			if (l->conn == NULL)	/* lost meanwhile */
				return true;
			if (!listener_next_sync(l))
				return false;
			continue;
		}
		if (PQresultStatus(res) != PGRES_COMMAND_OK &&
		    PQresultStatus(res) != PGRES_TUPLES_OK) {
			PQclear(res);
			return false;
		}
		PQclear(res);
	}
	listener_notifies(l);
	return true;
}

int
listener_sync(struct listener *l, listener_sync_fn *fn, void *waiter)
{
	struct waiter *x;

	if (!listener_connected(l))
		return -1;
	x = xcalloc(1, sizeof(*x));
	x->fn = fn;
	x->arg = waiter;
	STAILQ_INSERT_TAIL(&l->next, x, entry);
	if (!listener_next_sync(l)) {
		listener_lost(l, "cannot send");
		/* x was answered (ok 0) by listener_lost */
	}
	return 0;
}

void
listener_stop(struct listener *l)
{
	if (l == NULL)
		return;
	l->stopped = true;
	lws_sul_cancel(&l->retry);
	wait_list_run(&l->sent, 0);
	wait_list_run(&l->next, 0);
	listener_unwatch(l);
	if (l->conn != NULL)
		PQfinish(l->conn);
	l->conn = NULL;
	l->state = LISTENER_IDLE;
}

void
listener_free(struct listener *l)
{
	if (l == NULL)
		return;
	if (l->conn != NULL)
		PQfinish(l->conn);
	free(l->name);
	free(l->url);
	free(l->channel);
	free(l);
}

int
listener_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct listener *l = lws_get_opaque_user_data(wsi);

	(void)user;
	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_RAW_RX_FILE:
		if (l == NULL)
			return -1;
		if (l->state == LISTENER_CONNECTING) {
			if (!l->want_write && !listener_poll_connect(l))
				listener_lost(l, "cannot connect");
			return 0;
		}
		if (!listener_read(l))
			listener_lost(l, "connection lost");
		return 0;
	case LWS_CALLBACK_RAW_WRITEABLE_FILE:
		if (l == NULL)
			return 0;
		if (l->state == LISTENER_CONNECTING) {
			if (l->want_write && !listener_poll_connect(l))
				listener_lost(l, "cannot connect");
			return 0;
		}
		if (l->conn != NULL && PQflush(l->conn) == 1)
			lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		if (l != NULL && l->wsi == wsi) {
			l->wsi = NULL;
			if (!l->stopped)
				listener_lost(l, "socket closed");
		}
		return 0;
	default:
		break;
	}
	return 0;
}
