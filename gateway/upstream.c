/*
 * upstream.c: the gateway's HTTP client (see upstream.h), on libwebsockets
 * client connections. A request has its own timer; the wsi and the request
 * are tied through the wsi's opaque user data, cut as soon as the request
 * is done, so late callbacks of a dying connection find nothing.
 */
#include <libwebsockets.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "log.h"
#include "upstream.h"
#include "upstream_proto.h"
#include "xmalloc.h"

#define UPSTREAM_BODY_MAX (8 * 1024 * 1024)

struct upstream {
	struct gateway *gw;
	struct upstream *prev, *next;	/* gw->upstreams */
	struct lws *wsi;
	lws_sorted_usec_list_t timer;
	lws_sorted_usec_list_t later;	/* failure reported from the loop */
	upstream_done_fn *done;
	void *arg;
	char *method, *path, *ctype, *auth, *idem, *rid;
	unsigned char *body;	/* LWS_PRE bytes, then the body */
	size_t len;
	bool connected;		/* headers are being sent */
	bool finished;
	bool later_scheduled;
	enum upstream_error later_error;
	int status;
	char content_type[128];
	char retry_after[32];
	char *rbody;
	size_t rlen, rcap;
};

static void
upstream_free(struct upstream *u)
{
	if (u->prev != NULL)
		u->prev->next = u->next;
	else
		u->gw->upstreams = u->next;
	if (u->next != NULL)
		u->next->prev = u->prev;
	lws_sul_cancel(&u->timer);
	lws_sul_cancel(&u->later);
	free(u->method);
	free(u->path);
	free(u->ctype);
	free(u->auth);
	free(u->idem);
	free(u->rid);
	free(u->body);
	free(u->rbody);
	free(u);
}

/* Cut the tie to the connection and have lws close it soon. */
static void
upstream_detach(struct upstream *u)
{
	if (u->wsi != NULL) {
		lws_set_opaque_user_data(u->wsi, NULL);
		lws_set_timeout(u->wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
		u->wsi = NULL;
	}
}

/* Report the outcome once, then free. */
static void
upstream_finish(struct upstream *u, enum upstream_error err)
{
	struct upstream_result r;

	if (u->finished)
		return;
	u->finished = true;
	memset(&r, 0, sizeof(r));
	r.error = err;
	r.status = err == UPSTREAM_OK ? u->status : 0;
	r.body = u->rbody != NULL ? u->rbody : "";
	r.len = u->rlen;
	r.content_type = u->content_type;
	r.retry_after = u->retry_after;
	u->done(&r, u->arg);
	upstream_free(u);
}

static void
upstream_later_cb(lws_sorted_usec_list_t *sul)
{
	struct upstream *u = lws_container_of(sul, struct upstream, later);

	upstream_finish(u, u->later_error);
}

/* A failure seen inside a callback of the connection: report it from the
 * loop, so the caller never re-enters itself. */
static void
upstream_fail_later(struct upstream *u, enum upstream_error err)
{
	if (u->finished || u->later_scheduled)
		return;
	u->later_scheduled = true;
	u->later_error = err;
	if (u->wsi != NULL) {
		lws_set_opaque_user_data(u->wsi, NULL);
		u->wsi = NULL;
	}
	lws_sul_schedule(u->gw->ctx, 0, &u->later, upstream_later_cb, 1);
}

static void
upstream_timer_cb(lws_sorted_usec_list_t *sul)
{
	struct upstream *u = lws_container_of(sul, struct upstream, timer);

	upstream_detach(u);
	upstream_finish(u, UPSTREAM_TIMEOUT);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct upstream *
upstream_start(struct gateway *gw, const char *host, int port,
    const struct upstream_request *req, upstream_done_fn *done, void *arg)
{
	struct lws_client_connect_info i;
	struct upstream *u = xcalloc(1, sizeof(*u));

	u->gw = gw;
	u->next = gw->upstreams;
	if (u->next != NULL)
		u->next->prev = u;
	gw->upstreams = u;
	u->done = done;
	u->arg = arg;
	u->method = xstrdup(req->method);
	u->path = xstrdup(req->path);
	u->ctype = dup_or_null(req->content_type);
	u->auth = dup_or_null(req->authorization);
	u->idem = dup_or_null(req->idempotency_key);
	u->rid = dup_or_null(req->request_id);
	if (req->body != NULL && req->len > 0) {
		u->body = xmalloc(LWS_PRE + req->len);
		memcpy(u->body + LWS_PRE, req->body, req->len);
		u->len = req->len;
	}
	lws_sul_schedule(gw->ctx, 0, &u->timer, upstream_timer_cb,
	    (lws_usec_t)req->timeout_ms * LWS_US_PER_MS);

	memset(&i, 0, sizeof(i));
	i.context = gw->ctx;
	i.vhost = gw->vhost;
	i.address = host;
	i.port = port;
	i.path = u->path;
	i.host = host;
	i.origin = host;
	i.method = u->method;
	i.local_protocol_name = UPSTREAM_PROTOCOL;
	i.opaque_user_data = u;
	i.pwsi = &u->wsi;
	if (lws_client_connect_via_info(&i) == NULL) {
		u->wsi = NULL;
		upstream_fail_later(u, UPSTREAM_CONNECT);
	}
	return u;
}

void
upstream_shutdown(struct gateway *gw)
{
	struct upstream *u;

	while ((u = gw->upstreams) != NULL) {
		upstream_detach(u);
		upstream_finish(u, UPSTREAM_CONNECT);
	}
}

void
upstream_cancel(struct upstream *u)
{
	if (u == NULL || u->finished)
		return;
	upstream_detach(u);
	upstream_free(u);
}

/* Append the request's own headers; false when they do not fit. */
static bool
upstream_headers(struct upstream *u, char **p, size_t room)
{
	char *start = *p;
	int n = 0;

	n += snprintf(start + n, room - (size_t)n, "Accept: application/json\r\n");
	if (u->ctype != NULL && (size_t)n < room)
		n += snprintf(start + n, room - (size_t)n,
		    "Content-Type: %s\r\n", u->ctype);
	if (u->auth != NULL && (size_t)n < room)
		n += snprintf(start + n, room - (size_t)n,
		    "Authorization: %s\r\n", u->auth);
	if (u->idem != NULL && (size_t)n < room)
		n += snprintf(start + n, room - (size_t)n,
		    "Idempotency-Key: %s\r\n", u->idem);
	if (u->rid != NULL && (size_t)n < room)
		n += snprintf(start + n, room - (size_t)n,
		    "X-Request-Id: %s\r\n", u->rid);
	if (u->body != NULL && (size_t)n < room)
		n += snprintf(start + n, room - (size_t)n,
		    "Content-Length: %zu\r\n", u->len);
	if ((size_t)n >= room)
		return false;
	*p += n;
	return true;
}

static void
upstream_append(struct upstream *u, const void *in, size_t len)
{
	if (u->rlen + len > UPSTREAM_BODY_MAX)
		return;
	if (u->rlen + len + 1 > u->rcap) {
		u->rcap = (u->rlen + len + 1) * 2;
		u->rbody = xrealloc(u->rbody, u->rcap);
	}
	memcpy(u->rbody + u->rlen, in, len);
	u->rlen += len;
	u->rbody[u->rlen] = '\0';
}

int
upstream_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct upstream *u = lws_get_opaque_user_data(wsi);
	char buf[LWS_PRE + 4096], *px;
	int lenx;

	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (u != NULL)
			upstream_fail_later(u, u->connected ? UPSTREAM_BROKEN :
			    UPSTREAM_CONNECT);
		return 0;
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		if (u == NULL)
			return -1;
		u->connected = true;
		if (!upstream_headers(u, (char **)in, len))
			return -1;
		if (u->body != NULL) {
			lws_client_http_body_pending(wsi, 1);
			lws_callback_on_writable(wsi);
		}
		return 0;
	case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE:
		if (u == NULL || u->body == NULL)
			return 0;
		lws_client_http_body_pending(wsi, 0);
		if (lws_write(wsi, u->body + LWS_PRE, u->len,
		    LWS_WRITE_HTTP_FINAL) != (int)u->len)
			return -1;
		return 0;
	case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
		if (u == NULL)
			return -1;
		u->status = (int)lws_http_client_http_response(wsi);
		if (lws_hdr_copy(wsi, u->content_type,
		    sizeof(u->content_type), WSI_TOKEN_HTTP_CONTENT_TYPE) < 0)
			u->content_type[0] = '\0';
		if (lws_hdr_copy(wsi, u->retry_after, sizeof(u->retry_after),
		    WSI_TOKEN_HTTP_RETRY_AFTER) < 0)
			u->retry_after[0] = '\0';
		return 0;
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
		if (u != NULL)
			upstream_append(u, in, len);
		return 0;
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP:
		px = buf + LWS_PRE;
		lenx = (int)sizeof(buf) - LWS_PRE;
		if (lws_http_client_read(wsi, &px, &lenx) < 0)
			return -1;
		return 0;
	case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
		if (u != NULL) {
			lws_set_opaque_user_data(wsi, NULL);
			u->wsi = NULL;
			upstream_finish(u, UPSTREAM_OK);
		}
		return 0;
	case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
		if (u != NULL)
			upstream_fail_later(u, u->connected ? UPSTREAM_BROKEN :
			    UPSTREAM_CONNECT);
		return 0;
	default:
		break;
	}
	(void)user;
	return 0;
}
