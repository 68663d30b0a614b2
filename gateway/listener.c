/*
 * listener.c: the gateway's bus subscribers (listener.h): common/bus in
 * its non-blocking use, driven by lws. The bus socket is dup()ed and
 * adopted as a raw file, the dup is lws's to close and the original the
 * bus's.
 */
#include <fcntl.h>
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

struct listener {
	struct gateway *gw;
	char *name;
	struct bus *bus;
	listener_event_fn *on_event;
	listener_connect_fn *on_connect;
	void *arg;
	int sock;		/* the bus socket the wsi watches a dup of */
	struct lws *wsi;
	int backoff_ms;
	bool stopped;
	bool warned;
	lws_sorted_usec_list_t retry;
	lws_sorted_usec_list_t rearm;	/* listener_rearm_cb */
};

struct listener *
listener_new(struct gateway *gw, const char *name, const char *url,
    const char *channel, listener_event_fn *on_event,
    listener_connect_fn *on_connect, void *arg)
{
	const char *const channels[] = { channel, NULL };
	struct listener *l = xcalloc(1, sizeof(*l));

	l->gw = gw;
	l->name = xstrdup(name);
	l->bus = bus_new(url, channels);
	l->on_event = on_event;
	l->on_connect = on_connect;
	l->arg = arg;
	l->sock = -1;
	l->backoff_ms = BACKOFF_MIN_MS;
	return l;
}

bool
listener_connected(const struct listener *l)
{
	return l != NULL && bus_connected(l->bus);
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

/* Watch the bus's current socket, for writing too when it asks; false
 * when lws would not take it. */
static bool
listener_watch(struct listener *l)
{
	lws_adopt_desc_t ad;
	int fd, s = bus_fd(l->bus);

	if (s < 0)
		return false;
	if (s != l->sock || l->wsi == NULL) {
		listener_unwatch(l);
		if ((fd = fcntl(s, F_DUPFD_CLOEXEC, 0)) < 0)
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
	}
	if (bus_want_write(l->bus))
		lws_callback_on_writable(l->wsi);
	return true;
}

static void
listener_retry_cb(lws_sorted_usec_list_t *sul)
{
	listener_start(lws_container_of(sul, struct listener, retry));
}

/* The connection is gone (or never came): clean up, try again later. */
static void
listener_lost(struct listener *l, const char *why, bool was_ready)
{
	if (!l->warned || was_ready)
		log_warnx("%s: %s: %s", l->name, why, bus_error(l->bus));
	l->warned = true;
	listener_unwatch(l);
	bus_close(l->bus);
	if (l->stopped)
		return;
	lws_sul_schedule(l->gw->ctx, 0, &l->retry, listener_retry_cb,
	    (lws_usec_t)l->backoff_ms * LWS_US_PER_MS);
	l->backoff_ms *= 2;
	if (l->backoff_ms > BACKOFF_MAX_MS)
		l->backoff_ms = BACKOFF_MAX_MS;
}

static void
listener_on_event(const char *channel, const char *payload, void *arg)
{
	struct listener *l = arg;

	l->on_event(channel, payload, l->arg);
}

/* The subscription is live: events missed meanwhile are caught up. */
static void
listener_on_connect(void *arg)
{
	struct listener *l = arg;

	l->backoff_ms = BACKOFF_MIN_MS;
	if (l->warned)
		log_info("%s: connected", l->name);
	l->warned = false;
	if (l->on_connect != NULL)
		l->on_connect(l->arg);
}

void
listener_start(struct listener *l)
{
	if (l->stopped)
		return;
	if (bus_start(l->bus, "chirp-gateway-bus", listener_on_event,
	    listener_on_connect, l) != 0)
		listener_lost(l, "cannot connect", false);
	else if (!listener_watch(l))
		listener_lost(l, "cannot watch the socket", false);
}

/* Ask lws again for a writable callback, from outside the last one. */
static void
listener_rearm_cb(lws_sorted_usec_list_t *sul)
{
	struct listener *l = lws_container_of(sul, struct listener, rearm);

	if (l->wsi != NULL && !l->stopped && bus_want_write(l->bus))
		lws_callback_on_writable(l->wsi);
}

/* The socket is readable or writable: let the bus move on. */
static void
listener_step(struct listener *l, bool writable)
{
	bool ready = bus_connected(l->bus);

	if (bus_step(l->bus, writable) != 0) {
		listener_lost(l, ready ? "connection lost" : "cannot connect",
		    ready);
		return;
	}
	if (!l->stopped && !listener_watch(l)) {
		listener_lost(l, "cannot watch the socket", ready);
		return;
	}
	/*
	 * lws 4.1 takes POLLOUT off a raw file after its writable callback
	 * returns, dropping a request made inside it. A TCP connect wants
	 * to write twice in a row (its end, then the startup packet): ask
	 * again from the next turn of the loop, or it waits forever (a
	 * Unix socket connects at once and never needed the second).
	 */
	if (writable && !l->stopped && bus_want_write(l->bus))
		lws_sul_schedule(l->gw->ctx, 0, &l->rearm, listener_rearm_cb,
		    1);
}

int
listener_sync(struct listener *l, listener_sync_fn *fn, void *waiter)
{
	if (!listener_connected(l) || bus_sync_start(l->bus, fn, waiter) != 0)
		return -1;
	if (!bus_connected(l->bus))	/* fn was answered, with ok 0 */
		listener_lost(l, "cannot send", true);
	else
		(void)listener_watch(l);	/* to flush what is left */
	return 0;
}

void
listener_stop(struct listener *l)
{
	if (l == NULL)
		return;
	l->stopped = true;
	lws_sul_cancel(&l->retry);
	lws_sul_cancel(&l->rearm);
	listener_unwatch(l);
	bus_close(l->bus);
}

void
listener_free(struct listener *l)
{
	if (l == NULL)
		return;
	bus_free(l->bus);
	free(l->name);
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
		listener_step(l, false);
		return 0;
	case LWS_CALLBACK_RAW_WRITEABLE_FILE:
		if (l != NULL)
			listener_step(l, true);
		return 0;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		if (l != NULL && l->wsi == wsi) {
			l->wsi = NULL;
			if (!l->stopped)
				listener_lost(l, "socket closed",
				    bus_connected(l->bus));
		}
		return 0;
	default:
		break;
	}
	return 0;
}
