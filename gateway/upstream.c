/*
 * upstream.c: the gateway's HTTP/1.1 client (see upstream.h), over kept-alive
 * connections in the gateway's own lws loop.
 *
 * lws 4.1's own HTTP client sends "connection: close" unless a connection
 * is made with LCCSCF_PIPELINE, and then it queues every request to the
 * same host:port behind the one active connection (one request at a time
 * per instance). So the gateway speaks HTTP/1.1 itself on lws raw client
 * sockets (method "RAW"), keeping per destination a set of connections
 * ("lanes"): a request takes an idle lane, or opens a new one while the
 * destination has fewer than max_upstream_conns, or waits its turn in a
 * FIFO. A lane idle for UPSTREAM_IDLE_S is closed, before the services'
 * own 60 s idle timeout. Before a request is written on a reused lane, a
 * peek at its socket says whether the service closed it meanwhile. A
 * request that a reused lane loses before any byte of its answer goes
 * again on a fresh lane when that is safe: nothing was sent, or it is a
 * GET or HEAD, or a POST with an Idempotency-Key (upstream_repeatable()).
 *
 * A request has its own timer; lanes and requests point at each other
 * while the request is on the lane, and the lane's wsi points at the lane.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <libwebsockets.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway.h"
#include "log.h"
#include "svcauth.h"
#include "upstream.h"
#include "upstream_parse.h"
#include "upstream_proto.h"
#include "validate.h"
#include "xmalloc.h"

#define UPSTREAM_IDLE_S 20	/* close a lane idle this long */

struct dest;

struct lane {
	struct dest *d;
	LIST_ENTRY(lane) entry;	/* d->lanes */
	struct lws *wsi;
	struct upstream *u;	/* the request on it; NULL: idle */
	bool opening;		/* inside lws_client_connect_via_info */
	bool gone;		/* closed while opening */
	bool up;		/* connected */
	bool used;		/* a whole answer came on it */
	bool closing;		/* takes no further request */
	struct upstream_parse parse;
};

/* One host:port and its lanes. */
struct dest {
	LIST_ENTRY(dest) entry;	/* dests */
	char *host;
	int port;
	LIST_HEAD(, lane) lanes;
	int nlanes;
	int max_lanes;		/* the gateway's max_upstream_conns */
	TAILQ_HEAD(, upstream) queue;	/* waiting for a lane, FIFO */
	int inflight;		/* requests to it under way */
};

struct upstream {
	struct gateway *gw;
	LIST_ENTRY(upstream) entry;	/* gw->upstreams */
	struct dest *d;
	struct lane *lane;
	TAILQ_ENTRY(upstream) qentry;	/* d->queue, while queued */
	bool queued;
	lws_sorted_usec_list_t timer;
	lws_sorted_usec_list_t later;	/* failure reported from the loop */
	upstream_done_fn *done;
	void *arg;
	unsigned char *out;	/* LWS_PRE bytes, then the whole request */
	size_t outlen;
	bool retry_safe;	/* may go again after bytes were sent */
	bool sent;
	bool again;		/* already went again on a fresh lane */
	bool finished;
	bool later_scheduled;
	enum upstream_error later_error;
};

/* The gateway has one lws context; its destinations live here. */
static LIST_HEAD(, dest) dests = LIST_HEAD_INITIALIZER(dests);

static void lane_idle(struct lane *);
static void dest_maybe_free(struct dest *);
static void lane_assign(struct lane *, struct upstream *);
static void upstream_dispatch(struct upstream *, bool fresh);

static void
queue_remove(struct upstream *u)
{
	if (!u->queued)
		return;
	TAILQ_REMOVE(&u->d->queue, u, qentry);
	u->queued = false;
}

static void
queue_push(struct upstream *u)
{
	u->queued = true;
	TAILQ_INSERT_TAIL(&u->d->queue, u, qentry);
}

static struct upstream *
queue_pop(struct dest *d)
{
	struct upstream *u = TAILQ_FIRST(&d->queue);

	if (u != NULL)
		queue_remove(u);
	return u;
}

/* Have lws close the lane soon; its close callback frees it. */
static void
lane_kill(struct lane *l)
{
	l->closing = true;
	if (l->wsi != NULL)
		lws_set_timeout(l->wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
}

/* Take u off its lane or out of the queue. */
static void
upstream_detach(struct upstream *u)
{
	struct lane *l = u->lane;

	queue_remove(u);
	if (l == NULL)
		return;
	u->lane = NULL;
	l->u = NULL;
	if (u->sent) {
		lane_kill(l);	/* its answer may still come */
	} else if (l->up && !l->closing) {
		lane_idle(l);
	}
}

static void
upstream_free(struct upstream *u)
{
	struct dest *d = u->d;

	LIST_REMOVE(u, entry);
	lws_sul_cancel(&u->timer);
	lws_sul_cancel(&u->later);
	free(u->out);
	free(u);
	if (d != NULL) {
		d->inflight--;
		dest_maybe_free(d);
	}
}

/* Report the outcome once (the answer is parse's when err is OK). */
static void
upstream_finish(struct upstream *u, enum upstream_error err,
    const struct upstream_parse *parse)
{
	struct upstream_result r;

	if (u->finished)
		return;
	u->finished = true;
	memset(&r, 0, sizeof(r));
	r.error = err;
	r.body = "";
	r.content_type = "";
	r.retry_after = "";
	if (err == UPSTREAM_OK && parse != NULL) {
		r.status = parse->status;
		r.body = parse->body != NULL ? parse->body : "";
		r.len = parse->blen;
		r.content_type = parse->content_type;
		r.retry_after = parse->retry_after;
	}
	u->done(&r, u->arg);
	upstream_free(u);
}

static void
upstream_later_cb(lws_sorted_usec_list_t *sul)
{
	struct upstream *u = lws_container_of(sul, struct upstream, later);

	upstream_finish(u, u->later_error, NULL);
}

/* A failure seen inside a callback or a start: report it from the loop,
 * so the caller never re-enters itself. */
static void
upstream_fail_later(struct upstream *u, enum upstream_error err)
{
	if (u->finished || u->later_scheduled)
		return;
	upstream_detach(u);
	u->later_scheduled = true;
	u->later_error = err;
	lws_sul_schedule(u->gw->ctx, 0, &u->later, upstream_later_cb, 1);
}

static void
upstream_timer_cb(lws_sorted_usec_list_t *sul)
{
	struct upstream *u = lws_container_of(sul, struct upstream, timer);

	if (u->later_scheduled)
		return;
	upstream_detach(u);
	upstream_finish(u, UPSTREAM_TIMEOUT, NULL);
}

static struct dest *
dest_get(const char *host, int port, int max_lanes)
{
	struct dest *d;

	LIST_FOREACH(d, &dests, entry)
		if (d->port == port && strcmp(d->host, host) == 0)
			return d;
	d = xcalloc(1, sizeof(*d));
	d->host = xstrdup(host);
	d->max_lanes = max_lanes;
	d->port = port;
	LIST_INIT(&d->lanes);
	TAILQ_INIT(&d->queue);
	LIST_INSERT_HEAD(&dests, d, entry);
	return d;
}

/* Free d when nothing uses it any more (no lane, no request). */
static void
dest_maybe_free(struct dest *d)
{
	if (d->nlanes > 0 || d->inflight > 0)
		return;
	LIST_REMOVE(d, entry);
	free(d->host);
	free(d);
}

bool
upstream_in_use(const char *host, int port)
{
	struct dest *d;

	LIST_FOREACH(d, &dests, entry)
		if (d->port == port && strcmp(d->host, host) == 0)
			return d->inflight > 0;
	return false;
}

static void
lane_unlink(struct lane *l)
{
	LIST_REMOVE(l, entry);
	l->d->nlanes--;
}

static void
lane_free(struct lane *l)
{
	upstream_parse_release(&l->parse);
	free(l);
}

/* A new lane to d for u; u fails (later) when it cannot be opened. */
static void
lane_open(struct dest *d, struct upstream *u)
{
	struct lws_client_connect_info i;
	struct lane *l = xcalloc(1, sizeof(*l));
	struct gateway *gw = u->gw;

	l->d = d;
	LIST_INSERT_HEAD(&d->lanes, l, entry);
	d->nlanes++;
	upstream_parse_init(&l->parse);
	lane_assign(l, u);

	memset(&i, 0, sizeof(i));
	i.context = gw->ctx;
	i.vhost = gw->vhost;
	i.address = d->host;
	i.port = d->port;
	i.host = d->host;
	i.method = "RAW";
	i.local_protocol_name = UPSTREAM_PROTOCOL;
	i.opaque_user_data = l;
	i.pwsi = &l->wsi;
	l->opening = true;
	if (lws_client_connect_via_info(&i) == NULL || l->gone) {
		l->opening = false;
		if (l->wsi != NULL)
			lws_set_opaque_user_data(l->wsi, NULL);
		lane_unlink(l);
		if (l->u != NULL) {
			l->u->lane = NULL;
			upstream_fail_later(l->u, UPSTREAM_CONNECT);
		}
		lane_free(l);
		return;
	}
	l->opening = false;
}

static void
lane_assign(struct lane *l, struct upstream *u)
{
	l->u = u;
	u->lane = l;
	upstream_parse_release(&l->parse);
	if (l->wsi != NULL) {
		lws_set_timeout(l->wsi, NO_PENDING_TIMEOUT, 0);
		if (l->up)
			lws_callback_on_writable(l->wsi);
	}
}

/* The lane is free: give it the next waiting request, or let it rest. */
static void
lane_idle(struct lane *l)
{
	struct upstream *u = queue_pop(l->d);

	if (u != NULL) {
		lane_assign(l, u);
		return;
	}
	upstream_parse_release(&l->parse);
	if (l->wsi != NULL)
		lws_set_timeout(l->wsi, PENDING_TIMEOUT_USER_OK,
		    UPSTREAM_IDLE_S);
}

/* Send u on an idle lane, a new lane, or queue it; fresh: a new lane. */
static void
upstream_dispatch(struct upstream *u, bool fresh)
{
	struct dest *d = u->d;
	struct lane *l;

	if (!fresh)
		LIST_FOREACH(l, &d->lanes, entry)
			if (l->up && l->u == NULL && !l->closing) {
				lane_assign(l, u);
				return;
			}
	if (fresh || d->nlanes < d->max_lanes) {
		lane_open(d, u);
		return;
	}
	queue_push(u);
}

/* The whole request, as it goes on the wire. */
static void
upstream_build(struct upstream *u, const char *host, int port,
    const struct upstream_request *req)
{
	size_t cap = LWS_PRE + 1024 + strlen(req->path) + req->len +
	    (req->authorization ? strlen(req->authorization) : 0) +
	    (req->content_type ? strlen(req->content_type) : 0) +
	    (req->idempotency_key ? strlen(req->idempotency_key) : 0) +
	    (req->request_id ? strlen(req->request_id) : 0) +
	    (req->service_credential ? strlen(req->service_credential) : 0) +
	    strlen(host);
	char *s;
	int n;

	u->out = xmalloc(cap);
	s = (char *)u->out + LWS_PRE;
	cap -= LWS_PRE;
	n = snprintf(s, cap, "%s %s HTTP/1.1\r\nHost: %s:%d\r\n"
	    "Accept: application/json\r\n", req->method, req->path, host,
	    port);
	if (req->content_type != NULL)
		n += snprintf(s + n, cap - (size_t)n, "Content-Type: %s\r\n",
		    req->content_type);
	if (req->authorization != NULL)
		n += snprintf(s + n, cap - (size_t)n, "Authorization: %s\r\n",
		    req->authorization);
	if (req->idempotency_key != NULL)
		n += snprintf(s + n, cap - (size_t)n,
		    "Idempotency-Key: %s\r\n", req->idempotency_key);
	if (req->request_id != NULL)
		n += snprintf(s + n, cap - (size_t)n, "X-Request-Id: %s\r\n",
		    req->request_id);
	if (req->service_credential != NULL)
		n += snprintf(s + n, cap - (size_t)n, "%s: %s\r\n",
		    SVCAUTH_HEADER, req->service_credential);
	if (req->body != NULL || strcmp(req->method, "GET") != 0)
		n += snprintf(s + n, cap - (size_t)n,
		    "Content-Length: %zu\r\n", req->body ? req->len : 0);
	n += snprintf(s + n, cap - (size_t)n, "\r\n");
	if (req->body != NULL && req->len > 0) {
		memcpy(s + n, req->body, req->len);
		n += (int)req->len;
	}
	u->outlen = (size_t)n;
}

static bool
upstream_value_ok(const char *v)
{
	return v == NULL || validate_header_value(v, strlen(v));
}

bool
upstream_request_ok(const struct upstream_request *req)
{
	const char *c;

	if (req->method == NULL || req->method[0] == '\0' ||
	    req->path == NULL || req->path[0] != '/')
		return false;
	for (c = req->method; *c != '\0'; c++)
		if (*c < 'A' || *c > 'Z')
			return false;
	for (c = req->path; *c != '\0'; c++)
		if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f)
			return false;
	return upstream_value_ok(req->content_type) &&
	    upstream_value_ok(req->authorization) &&
	    upstream_value_ok(req->idempotency_key) &&
	    upstream_value_ok(req->request_id);
}

bool
upstream_repeatable(const char *method, const char *idempotency_key)
{
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		return true;
	return strcmp(method, "POST") == 0 && idempotency_key != NULL;
}

struct upstream *
upstream_start(struct gateway *gw, const char *host, int port,
    const struct upstream_request *req, upstream_done_fn *done, void *arg)
{
	struct upstream *u = xcalloc(1, sizeof(*u));

	u->gw = gw;
	LIST_INSERT_HEAD(&gw->upstreams, u, entry);
	u->done = done;
	u->arg = arg;
	u->d = dest_get(host, port, gw->max_upstream_conns);
	u->d->inflight++;
	if (!upstream_request_ok(req)) {
		/* the one place every upstream request is built: whoever
		 * calls, no unchecked byte goes out */
		log_warnx("a request to %s:%d holds a control character; "
		    "not sent", host, port);
		upstream_fail_later(u, UPSTREAM_INVALID);
		return u;
	}
	u->retry_safe = upstream_repeatable(req->method,
	    req->idempotency_key);
	upstream_build(u, host, port, req);
	lws_sul_schedule(gw->ctx, 0, &u->timer, upstream_timer_cb,
	    (lws_usec_t)req->timeout_ms * LWS_US_PER_MS);
	upstream_dispatch(u, false);
	return u;
}

void
upstream_shutdown(struct gateway *gw)
{
	struct upstream *u;
	struct dest *d;
	struct lane *l;

	while ((u = LIST_FIRST(&gw->upstreams)) != NULL) {
		upstream_detach(u);
		upstream_finish(u, UPSTREAM_CONNECT, NULL);
	}
	while ((d = LIST_FIRST(&dests)) != NULL) {
		LIST_REMOVE(d, entry);
		while ((l = LIST_FIRST(&d->lanes)) != NULL) {
			LIST_REMOVE(l, entry);
			if (l->wsi != NULL)
				lws_set_opaque_user_data(l->wsi, NULL);
			lane_free(l);
		}
		free(d->host);
		free(d);
	}
}

struct upstream *
upstream_internal_get(struct gateway *gw, struct instance *inst,
    const char *path, upstream_done_fn *done, void *arg)
{
	struct upstream_request req;
	struct upstream *up;
	char *cred;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = path;
	req.timeout_ms = gw->upstream_timeout_ms;
	cred = svcauth_mint(gw->svcauth,
	    routes_service_credential(inst->service), (int64_t)time(NULL));
	req.service_credential = cred;
	up = upstream_start(gw, inst->host, inst->port, &req, done, arg);
	free(cred);
	return up;
}

void
upstream_cancel(struct upstream *u)
{
	if (u == NULL || u->finished)
		return;
	upstream_detach(u);
	upstream_free(u);
}

/* The lane's connection ended (or never came): settle its request and
 * let a waiting request have the lane's place. */
static void
lane_gone(struct lane *l)
{
	struct dest *d = l->d;
	struct upstream *u = l->u, *w;
	bool was_up = l->up, used = l->used;

	if (l->wsi != NULL)
		lws_set_opaque_user_data(l->wsi, NULL);
	l->wsi = NULL;
	if (l->opening) {	/* lane_open() cleans up */
		l->gone = true;
		return;
	}
	d->inflight++;		/* hold d while its request is settled */
	lane_unlink(l);
	if (u != NULL) {
		u->lane = NULL;
		l->u = NULL;
		if (l->parse.any) {
			if (upstream_parse_eof(&l->parse))
				upstream_finish(u, UPSTREAM_OK, &l->parse);
			else
				upstream_fail_later(u, UPSTREAM_BROKEN);
		} else if (used && !u->again && (!u->sent || u->retry_safe)) {
			/* the service closed a kept-alive lane: go again */
			u->again = true;
			u->sent = false;
			upstream_dispatch(u, true);
		} else {
			upstream_fail_later(u, was_up && u->sent ?
			    UPSTREAM_BROKEN : UPSTREAM_CONNECT);
		}
	}
	lane_free(l);
	if (!TAILQ_EMPTY(&d->queue) && d->nlanes < d->max_lanes) {
		w = queue_pop(d);
		lane_open(d, w);
	}
	d->inflight--;
	dest_maybe_free(d);
}

/* May a kept-alive lane still carry a request? The service may have
 * closed it (or sent something unasked) in a way the loop has not seen
 * yet: look before writing, so that even a POST is not lost to it. */
static bool
lane_alive(struct lane *l)
{
	char c;
	ssize_t n;

	n = recv(lws_get_socket_fd(l->wsi), &c, 1, MSG_PEEK | MSG_DONTWAIT);
	return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

/* Bytes of the answer came on l. Returns -1 to close the lane. */
static int
lane_rx(struct lane *l, const char *in, size_t len)
{
	struct upstream *u = l->u;
	size_t used = 0;

	if (u == NULL)		/* nothing was asked: not ours to read */
		return -1;
	switch (upstream_parse_feed(&l->parse, in, len, &used)) {
	case UPSTREAM_PARSE_MORE:
		return 0;
	case UPSTREAM_PARSE_ERROR:
		l->closing = true;
		u->lane = NULL;
		l->u = NULL;
		upstream_fail_later(u, UPSTREAM_BROKEN);
		return -1;
	case UPSTREAM_PARSE_DONE:
		break;
	}
	l->used = true;
	l->u = NULL;
	u->lane = NULL;
	if (l->parse.close || used != len)
		l->closing = true;
	upstream_finish(u, UPSTREAM_OK, &l->parse);
	if (l->closing)
		return -1;
	if (l->u == NULL)	/* done() may have taken the lane again */
		lane_idle(l);
	return 0;
}

int
upstream_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct lane *l = lws_get_opaque_user_data(wsi);
	struct upstream *u;

	(void)user;
	if (l == NULL)
		return reason == LWS_CALLBACK_RAW_RX ? -1 : 0;
	switch (reason) {
	case LWS_CALLBACK_RAW_CONNECTED:
		l->up = true;
		if (l->u != NULL)
			lws_callback_on_writable(wsi);
		else
			lane_idle(l);
		return 0;
	case LWS_CALLBACK_RAW_WRITEABLE:
		u = l->u;
		if (u == NULL || u->sent)
			return 0;
		if (l->used && !lane_alive(l))
			return -1;	/* closed: u goes on a fresh lane */
		u->sent = true;
		if (lws_write(wsi, u->out + LWS_PRE, u->outlen,
		    LWS_WRITE_RAW) != (int)u->outlen)
			return -1;
		return 0;
	case LWS_CALLBACK_RAW_RX:
		return lane_rx(l, in, len);
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
	case LWS_CALLBACK_RAW_CLOSE:
		lane_gone(l);
		return 0;
	default:
		break;
	}
	return 0;
}
