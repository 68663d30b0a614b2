/*
 * http_server.c: the HTTP side of every service, on libmicrohttpd with a
 * thread pool. Everything that is the same for every route lives here:
 * the body limit, request ids, routing with 404 and 405, /status,
 * /metrics, request metrics and one log line per request.
 */
#include <sys/queue.h>

#include <inttypes.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_server.h"
#include "log.h"
#include "metrics.h"
#include "model.h"
#include "path_match.h"
#include "rand.h"
#include "timeutil.h"
#include "token_cache.h"
#include "validate.h"
#include "xmalloc.h"

#ifndef CHIRP_VERSION
#define CHIRP_VERSION "0.0.0"
#endif

#define HTTP_MAX_HEADERS 8
/*
 * A whole request (request line, headers and body) must arrive within
 * this many seconds of the connection's start or of its previous answer.
 * libmicrohttpd's own timeout counts idle time only, so a client that
 * trickles a byte a second would hold a connection for ever.
 */
#define HTTP_REQUEST_DEADLINE_S 30
/*
 * Memory per connection for the request line and headers (the body is
 * handed over in pieces): more gets 431 or 414. 16 KiB, half the
 * library's default: libmicrohttpd zeroes this pool between the requests
 * of a kept-alive connection, and at 32 KiB that was a fifth of
 * chirp-tweetd's instructions per request (callgrind, the mix). Our
 * largest headers (a bearer token of at most 4 KiB, a service credential)
 * fit many times over.
 */
#define HTTP_MEMORY_LIMIT (16 * 1024)

/* One client connection, from accept to close, for the deadline. */
struct http_sock {
	struct http_sock *prev, *next;
	int fd;
	double since;		/* connection start or last answer */
	bool answering;		/* the request is whole: no deadline */
	bool cut;		/* shut down by the deadline already */
	bool bad_target;	/* a control byte in the path or query */
	const char *target;	/* the raw request target, as logged */
	size_t target_len;	/* its length up to the first NUL */
};

struct http_response {
	int status;
	char *body;
	size_t len;
	const char *content_type;
	char *names[HTTP_MAX_HEADERS];
	char *values[HTTP_MAX_HEADERS];
	int nheaders;
};

/* Where a request stands with http_defer. */
enum http_deferral {
	HTTP_INLINE,		/* answered on the server's thread */
	HTTP_RESERVED,		/* http_defer said yes; not yet queued */
	HTTP_QUEUED,		/* suspended, on the pool (queued or running) */
	HTTP_DONE,		/* fn has answered; send on resume */
};

/* Per connection while a request is read (and, deferred, answered). */
struct http_conn {
	char *body;
	size_t len;
	int too_large;
	double started;
	/* http_defer */
	enum http_deferral deferral;
	http_deferred_fn *fn;
	void *arg;
	struct MHD_Connection *mhd;
	struct http_response res;
	const char *route;
	char rid[129];
	TAILQ_ENTRY(http_conn) jobs;
};

TAILQ_HEAD(http_jobs, http_conn);

/* The bounded pool of http_defer. */
struct http_pool {
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct http_jobs queue;
	int reserved;		/* said yes to, not yet queued */
	int queued, running;
	int workers, max_queue;
	bool stopping;
	pthread_t *threads;
};

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_server_config cfg;
	struct http_pool pool;
	pthread_mutex_t mu;	/* socks */
	struct http_sock *socks;
	pthread_t reaper;
	bool reaping, stopping;
	pthread_cond_t wake;
	struct token_cache *tokens;	/* http_auth's good tokens */
};

void
http_reply_raw(struct http_response *res, int status, const char *ctype,
    const char *body, size_t len)
{
	free(res->body);
	res->status = status;
	res->content_type = ctype;
	res->body = xmalloc(len + 1);
	memcpy(res->body, body, len);
	res->body[len] = '\0';
	res->len = len;
}

void
http_reply_json(struct http_response *res, int status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);

	json_decref(body);
	if (text == NULL)
		fatalx("out of memory");
	free(res->body);
	res->status = status;
	res->content_type = "application/json; charset=utf-8";
	res->len = strlen(text);
	res->body = text;
}

void
http_reply_json_text(struct http_response *res, int status, char *body,
    size_t len)
{
	free(res->body);
	res->status = status;
	res->content_type = "application/json; charset=utf-8";
	res->len = len;
	res->body = body;
}

void
http_reply_error(struct http_response *res, int status, const char *code,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	http_reply_json(res, status, model_error_json(code, msg));
}

void
http_reply_header(struct http_response *res, const char *name,
    const char *value)
{
	int i;

	for (i = 0; i < res->nheaders; i++)
		if (strcasecmp(res->names[i], name) == 0) {
			free(res->values[i]);
			res->values[i] = xstrdup(value);
			return;
		}
	if (res->nheaders == HTTP_MAX_HEADERS)
		return;
	res->names[res->nheaders] = xstrdup(name);
	res->values[res->nheaders++] = xstrdup(value);
}

void
http_reply_message(struct http_response *res, int status,
    const char *message)
{
	http_reply_json(res, status, json_pack("{s:s}", "message", message));
}

bool
http_path_id(struct http_request *req, struct http_response *res, int index,
    const char *what, int64_t *out)
{
	if (index >= req->nparams || !validate_id(req->params[index], out)) {
		http_reply_error(res, 400, "bad_request",
		    "the %s id must be a decimal number", what);
		return false;
	}
	return true;
}

const char *
http_query(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->priv, MHD_GET_ARGUMENT_KIND,
	    name);
}

const char *
http_header(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->priv, MHD_HEADER_KIND, name);
}

bool
http_auth(struct http_request *req, struct http_response *res,
    const unsigned char *secret, size_t secret_len, struct token_claims *out)
{
	const char *h = http_header(req, "Authorization");
	enum token_result r;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0 || h[7] == '\0') {
		http_reply_header(res, "WWW-Authenticate", "Bearer");
		http_reply_error(res, 401, "unauthorized",
		    "missing bearer token");
		return false;
	}
	r = token_cache_verify(req->server != NULL ?
	    ((struct http_server *)req->server)->tokens : NULL, secret,
	    secret_len, h + 7, time_now_ms() / 1000, out);
	if (r != TOKEN_OK) {
		http_reply_invalid_token(res, r == TOKEN_EXPIRED ?
		    "token expired" : "invalid token");
		return false;
	}
	return true;
}

void
http_reply_invalid_token(struct http_response *res, const char *message)
{
	http_reply_header(res, "WWW-Authenticate",
	    "Bearer error=\"invalid_token\"");
	http_reply_error(res, 401, "unauthorized", "%s", message);
}

bool
http_path_is_user(struct http_request *req, struct http_response *res,
    const struct token_claims *claims)
{
	char mine[24];

	snprintf(mine, sizeof(mine), "%" PRId64, claims->user_id);
	if (req->nparams < 1 || strcmp(req->params[0], mine) != 0) {
		http_reply_error(res, 403, "forbidden",
		    "the token is for another user");
		return false;
	}
	return true;
}

json_t *
http_json_body(struct http_request *req, struct http_response *res)
{
	json_error_t err;
	json_t *j;

	if (req->body_len == 0) {
		http_reply_error(res, 400, "invalid_json",
		    "request body must be a JSON object");
		return NULL;
	}
	j = json_loadb(req->body, req->body_len, JSON_ALLOW_NUL |
	    JSON_REJECT_DUPLICATES, &err);
	if (j == NULL) {
		http_reply_error(res, 400, "invalid_json",
		    "request body is not valid JSON: %s", err.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		http_reply_error(res, 400, "bad_request",
		    "request body must be a JSON object");
		return NULL;
	}
	return j;
}

/*
 * The service credential of a request to an internal route: false, with
 * 401 or 403 answered, unless it is valid for this process and its
 * caller is one of callers.
 */
static bool
http_service_auth(struct http_server *srv, struct http_request *req,
    struct http_response *res, const char *callers)
{
	const char *h = http_header(req, SVCAUTH_HEADER);
	char iss[SVCAUTH_NAME_MAX];
	enum svcauth_result r;

	if (h == NULL || *h == '\0') {
		http_reply_error(res, 401, "unauthorized",
		    "an internal route needs a service credential");
		return false;
	}
	if (srv->cfg.svcauth == NULL || srv->cfg.audience == NULL)
		r = SVCAUTH_BAD;
	else
		r = svcauth_verify(srv->cfg.svcauth, h, srv->cfg.audience,
		    time_now_ms() / 1000, iss);
	if (r != SVCAUTH_OK) {
		log_warnx("%s %s: %s service credential", req->method,
		    req->path, r == SVCAUTH_EXPIRED ? "an expired" : "a bad");
		http_reply_error(res, 401, "unauthorized", "%s",
		    r == SVCAUTH_EXPIRED ? "service credential expired" :
		    "invalid service credential");
		return false;
	}
	if (!svcauth_allowed(callers, iss)) {
		log_warnx("%s %s: '%s' may not call this route", req->method,
		    req->path, iss);
		http_reply_error(res, 403, "forbidden",
		    "'%s' may not call this route", iss);
		return false;
	}
	return true;
}

/*
 * Does path match pattern? When req is not NULL its params point at the
 * {name} segments, copied into scratch (no match when they do not fit).
 */
static bool
http_match(const char *pattern, const char *path, struct http_request *req,
    char *scratch, size_t scratch_len)
{
	struct path_match m;
	size_t o = 0;
	int i;

	if (!path_match(pattern, path, &m))
		return false;
	for (i = 0; i < m.nparams; i++) {
		if (!path_match_copy(&m, i, scratch + o, scratch_len - o))
			return false;
		if (req != NULL)
			req->params[i] = scratch + o;
		o += m.param[i].len + 1;
	}
	if (req != NULL)
		req->nparams = m.nparams;
	return true;
}

static void
http_status_reply(struct http_server *srv, struct http_response *res)
{
	bool ok = srv->cfg.healthy == NULL || srv->cfg.healthy(srv->cfg.ctx);

	http_reply_json(res, ok ? 200 : 503, json_pack("{s:s,s:s,s:s}",
	    "status", ok ? "ok" : "degraded", "service", srv->cfg.service,
	    "version", CHIRP_VERSION));
}

/* Route the request: built-ins, then the table, then 404 or 405. */
static void
http_route(struct http_server *srv, struct http_request *req,
    struct http_response *res)
{
	const struct http_route *r = NULL;
	char scratch[1024], allow[64];
	size_t i;

	if (strcmp(req->path, "/status") == 0 ||
	    strcmp(req->path, "/metrics") == 0) {
		req->route = req->path;
		if (strcmp(req->method, "GET") != 0) {
			http_reply_header(res, "Allow", "GET");
			http_reply_error(res, 405, "method_not_allowed",
			    "'%s' does not answer %s", req->path, req->method);
		} else if (req->path[1] == 's')
			http_status_reply(srv, res);
		else {
			char *text = metrics_render();

			http_reply_raw(res, 200,
			    "text/plain; version=0.0.4; charset=utf-8", text,
			    strlen(text));
			free(text);
		}
		return;
	}
	for (i = 0; i < srv->cfg.nroutes; i++)
		if (http_match(srv->cfg.routes[i].pattern, req->path, NULL,
		    scratch, sizeof(scratch)))
			break;
	if (i == srv->cfg.nroutes) {
		http_reply_error(res, 404, "not_found", "no route for '%s'",
		    req->path);
		return;
	}
	req->route = srv->cfg.routes[i].pattern;
	allow[0] = '\0';
	for (; i < srv->cfg.nroutes; i++) {
		if (strcmp(srv->cfg.routes[i].pattern, req->route) != 0)
			continue;
		if (strcmp(srv->cfg.routes[i].method, req->method) == 0) {
			r = &srv->cfg.routes[i];
			break;
		}
		if (strlen(allow) + strlen(srv->cfg.routes[i].method) + 3 <
		    sizeof(allow))
			snprintf(allow + strlen(allow), sizeof(allow) -
			    strlen(allow), "%s%s", allow[0] ? ", " : "",
			    srv->cfg.routes[i].method);
	}
	if (r == NULL) {
		http_reply_header(res, "Allow", allow);
		http_reply_error(res, 405, "method_not_allowed",
		    "'%s' does not answer %s", req->path, req->method);
		return;
	}
	if (r->callers != NULL && !http_service_auth(srv, req, res,
	    r->callers))
		return;
	http_match(r->pattern, req->path, req, scratch, sizeof(scratch));
	r->handler(req, res, srv->cfg.ctx);
	if (res->status == 0)
		http_reply_error(res, 500, "internal", "no answer was made");
}

static enum MHD_Result
http_send(struct MHD_Connection *conn, struct http_response *res,
    const char *rid)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	int i;

	r = MHD_create_response_from_buffer(res->len, res->body,
	    MHD_RESPMEM_MUST_FREE);
	res->body = NULL;
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", res->content_type ?
	    res->content_type : "application/json; charset=utf-8");
	MHD_add_response_header(r, "X-Request-Id", rid);
	for (i = 0; i < res->nheaders; i++)
		MHD_add_response_header(r, res->names[i], res->values[i]);
	ret = MHD_queue_response(conn, (unsigned int)res->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void
http_response_release(struct http_response *res)
{
	int i;

	free(res->body);
	for (i = 0; i < res->nheaders; i++) {
		free(res->names[i]);
		free(res->values[i]);
	}
}

/* Queue a request http_defer reserved a place for; pool lock not held. */
static void
http_pool_submit(struct http_server *srv, struct http_conn *hc)
{
	struct http_pool *p = &srv->pool;

	pthread_mutex_lock(&p->lock);
	p->reserved--;
	p->queued++;
	hc->deferral = HTTP_QUEUED;
	TAILQ_INSERT_TAIL(&p->queue, hc, jobs);
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
}

/* A pool worker: run queued work until stopped and nothing is left. */
static void *
http_pool_worker(void *arg)
{
	struct http_server *srv = arg;
	struct http_pool *p = &srv->pool;
	struct http_conn *hc;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (TAILQ_EMPTY(&p->queue) &&
		    !(p->stopping && p->reserved == 0))
			pthread_cond_wait(&p->work, &p->lock);
		if ((hc = TAILQ_FIRST(&p->queue)) == NULL)
			break;
		TAILQ_REMOVE(&p->queue, hc, jobs);
		p->queued--;
		p->running++;
		pthread_mutex_unlock(&p->lock);

		log_set_request_id(hc->rid);
		hc->fn(&hc->res, srv->cfg.ctx, hc->arg);
		if (hc->res.status == 0)
			http_reply_error(&hc->res, 500, "internal",
			    "no answer was made");
		log_set_request_id(NULL);

		pthread_mutex_lock(&p->lock);
		p->running--;
		hc->deferral = HTTP_DONE;
		/* hc is MHD's again from here on */
		MHD_resume_connection(hc->mhd);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

bool
http_defer(struct http_request *req, struct http_response *res,
    http_deferred_fn *fn, void *arg)
{
	struct http_server *srv = req->server;
	struct http_conn *hc = req->conn;
	struct http_pool *p = &srv->pool;
	bool ok;

	if (p->workers == 0) {
		fn(res, srv->cfg.ctx, arg);
		return true;
	}
	pthread_mutex_lock(&p->lock);
	ok = !p->stopping && hc->deferral == HTTP_INLINE &&
	    p->reserved + p->queued + p->running < p->workers + p->max_queue;
	if (ok)
		p->reserved++;
	pthread_mutex_unlock(&p->lock);
	if (!ok) {
		/* 429, not 503: the gateway's breaker must not take a
		 * busy pool for a dead instance. */
		http_reply_header(res, "Retry-After", "1");
		http_reply_error(res, 429, "rate_limited",
		    "too many requests of this kind at once; retry in a "
		    "second");
		return false;
	}
	hc->deferral = HTTP_RESERVED;
	hc->fn = fn;
	hc->arg = arg;
	return true;
}

static struct http_sock *
http_sock_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

/* Track each connection from accept to close for the deadline. */
static void
http_notify_cb(void *cls, struct MHD_Connection *conn, void **socket_ctx,
    enum MHD_ConnectionNotificationCode code)
{
	struct http_server *srv = cls;
	const union MHD_ConnectionInfo *ci;
	struct http_sock *hs;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(conn,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		hs = xcalloc(1, sizeof(*hs));
		hs->fd = ci != NULL ? ci->connect_fd : -1;
		hs->since = time_mono();
		pthread_mutex_lock(&srv->mu);
		hs->next = srv->socks;
		if (srv->socks != NULL)
			srv->socks->prev = hs;
		srv->socks = hs;
		pthread_mutex_unlock(&srv->mu);
		*socket_ctx = hs;
		return;
	}
	/* Closed: forget it before libmicrohttpd closes the fd. */
	if ((hs = *socket_ctx) == NULL)
		return;
	pthread_mutex_lock(&srv->mu);
	if (hs->prev != NULL)
		hs->prev->next = hs->next;
	else
		srv->socks = hs->next;
	if (hs->next != NULL)
		hs->next->prev = hs->prev;
	pthread_mutex_unlock(&srv->mu);
	free(hs);
	*socket_ctx = NULL;
}

/*
 * Every second: shut down connections whose request is not whole by its
 * deadline. shutdown(), not close(): libmicrohttpd still owns the fd,
 * sees the end of the stream and closes it itself; the entry stays in
 * the list (under the lock) until it does.
 */
static void *
http_reaper(void *arg)
{
	struct http_server *srv = arg;
	struct http_sock *hs;
	struct timespec ts;
	double now;
	int cut;

	pthread_mutex_lock(&srv->mu);
	while (!srv->stopping) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&srv->wake, &srv->mu, &ts);
		now = time_mono();
		cut = 0;
		for (hs = srv->socks; hs != NULL; hs = hs->next) {
			if (hs->answering || hs->cut || hs->fd < 0 ||
			    now - hs->since < HTTP_REQUEST_DEADLINE_S)
				continue;
			shutdown(hs->fd, SHUT_RDWR);
			hs->cut = true;
			cut++;
		}
		if (cut > 0)
			log_info("httpd: closed %d connection%s with no whole "
			    "request in %d s (idle or too slow)", cut,
			    cut == 1 ? "" : "s", HTTP_REQUEST_DEADLINE_S);
	}
	pthread_mutex_unlock(&srv->mu);
	return NULL;
}

/*
 * Percent-decoding of the path and query (as libmicrohttpd's own), noting
 * a decoded control byte: "%00" would otherwise end the C string early
 * and "/users/1%00x" be read as "/users/1".
 */
static size_t
http_unescape_cb(void *cls, struct MHD_Connection *conn, char *s)
{
	struct http_server *srv = cls;
	struct http_sock *hs;
	size_t len = MHD_http_unescape(s), i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			break;
	if (i < len && (hs = http_sock_of(conn)) != NULL) {
		pthread_mutex_lock(&srv->mu);
		hs->bad_target = true;
		pthread_mutex_unlock(&srv->mu);
	}
	return len;
}

/* Note where the raw request target is and how long it reads. */
static void *
http_uri_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_server *srv = cls;
	struct http_sock *hs = http_sock_of(conn);

	if (hs != NULL) {
		pthread_mutex_lock(&srv->mu);
		hs->target = uri;
		hs->target_len = strlen(uri);
		pthread_mutex_unlock(&srv->mu);
	}
	return NULL;
}

/*
 * A raw NUL byte inside the request target: libmicrohttpd hands on the
 * target cut at it ("/users/1\0x" as "/users/1"). The target and the
 * version are read from one line buffer, so the version starts right
 * after the target and one space unless the target held a NUL. Only
 * checked when url is the logged target itself (the layout we know).
 */
static bool
http_target_cut(const struct http_sock *hs, const char *url,
    const char *version)
{
	return hs->target != NULL && url == hs->target && version != NULL &&
	    version > url && version != url + hs->target_len + 1;
}

static enum MHD_Result
http_handler_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct http_conn *hc = *con_cls;
	struct http_request req;
	struct http_response res;
	struct http_sock *hs;
	const char *rid, *cl;
	char ridbuf[33];
	enum MHD_Result ret;
	double elapsed;
	bool bad_target = false;

	if (hc == NULL) {
		if ((hs = http_sock_of(conn)) != NULL) {
			pthread_mutex_lock(&srv->mu);
			if (http_target_cut(hs, url, version))
				hs->bad_target = true;
			pthread_mutex_unlock(&srv->mu);
		}
		hc = xcalloc(1, sizeof(*hc));
		hc->started = time_mono();
		*con_cls = hc;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    "Content-Length");
		if (cl != NULL && strtoull(cl, NULL, 10) > REQUEST_BODY_MAX)
			hc->too_large = 1;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!hc->too_large &&
		    hc->len + *upload_size <= REQUEST_BODY_MAX) {
			hc->body = xrealloc(hc->body, hc->len + *upload_size +
			    1);
			memcpy(hc->body + hc->len, upload, *upload_size);
			hc->len += *upload_size;
			hc->body[hc->len] = '\0';
		} else
			hc->too_large = 1;
		*upload_size = 0;
		return MHD_YES;
	}

	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));
	hs = http_sock_of(conn);
	if (hs != NULL) {
		pthread_mutex_lock(&srv->mu);
		hs->answering = true;
		bad_target = hs->bad_target;
		pthread_mutex_unlock(&srv->mu);
	}
	rid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "X-Request-Id");
	if (!validate_request_id(rid)) {
		rand_id_hex(ridbuf, 16);
		rid = ridbuf;
	}
	log_set_request_id(rid);
	req.method = method;
	req.path = url;
	req.body = hc->body ? hc->body : "";
	req.body_len = hc->len;
	req.request_id = rid;
	req.priv = conn;
	req.server = srv;
	req.conn = hc;
	if (hc->deferral == HTTP_DONE) {
		/* Resumed: the pool's worker has answered. */
		req.route = hc->route;
		res = hc->res;
		memset(&hc->res, 0, sizeof(hc->res));
		hc->deferral = HTTP_INLINE;
	} else if (hc->too_large) {
		req.route = NULL;
		http_reply_error(&res, 413, "payload_too_large",
		    "request body is over %d bytes", REQUEST_BODY_MAX);
	} else if (bad_target) {
		/* "/users/1%00" must not be read as "/users/1" */
		http_reply_error(&res, 400, "bad_request",
		    "the path or query holds a control character");
	} else {
		http_route(srv, &req, &res);
		if (hc->deferral == HTTP_RESERVED) {
			/* Suspend before queueing, so resume comes after. */
			hc->mhd = conn;
			hc->route = req.route;
			snprintf(hc->rid, sizeof(hc->rid), "%s", rid);
			MHD_suspend_connection(conn);
			http_pool_submit(srv, hc);
			http_response_release(&res);
			log_set_request_id(NULL);
			return MHD_YES;
		}
	}
	elapsed = time_mono() - hc->started;
	metrics_observe_request(req.route ? req.route : "unmatched", method,
	    res.status, elapsed);
	/* Like probes (log_request), the services' answered calls to each
	 * other (event-log polls every second of every instance) would bury
	 * the lines about users' requests: debug. A refused internal call
	 * stays info. */
	log_request((srv->cfg.quiet || strncmp(url, "/internal/", 10) == 0) &&
	    res.status < 400, method, url,
	    req.route ? req.route : "unmatched", res.status, elapsed * 1000);
	ret = http_send(conn, &res, rid);
	http_response_release(&res);
	log_set_request_id(NULL);
	return ret;
}

static void
http_completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_conn *hc = *con_cls;
	struct http_sock *hs = http_sock_of(conn);

	(void)toe;
	if (hs != NULL) {
		/* The next request has its own deadline. */
		pthread_mutex_lock(&srv->mu);
		hs->since = time_mono();
		hs->answering = false;
		hs->bad_target = false;
		hs->target = NULL;
		pthread_mutex_unlock(&srv->mu);
	}
	if (hc != NULL) {
		http_response_release(&hc->res);
		free(hc->body);
		free(hc);
		*con_cls = NULL;
	}
}

static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_warnx("httpd: %s", msg);
}

/* Refuse new work, finish what is queued, join the workers. */
static void
http_pool_stop(struct http_server *srv)
{
	struct http_pool *p = &srv->pool;
	int i;

	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->workers; i++)
		pthread_join(p->threads[i], NULL);
	free(p->threads);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
}

struct http_server *
http_server_start(const struct http_server_config *cfg)
{
	struct http_server *srv = xcalloc(1, sizeof(*srv));
	struct addrinfo hints, *ai = NULL;
	char port[16];
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	int i, rc;

	srv->cfg = *cfg;
	srv->tokens = token_cache_new(TOKEN_CACHE_MAX);
	pthread_mutex_init(&srv->pool.lock, NULL);
	pthread_cond_init(&srv->pool.work, NULL);
	TAILQ_INIT(&srv->pool.queue);
	srv->pool.workers = cfg->pool_workers > 0 ? cfg->pool_workers : 0;
	srv->pool.max_queue = cfg->pool_queue > 0 ? cfg->pool_queue : 0;
	if (srv->pool.workers > 0)
		srv->pool.threads = xcalloc((size_t)srv->pool.workers,
		    sizeof(*srv->pool.threads));
	for (i = 0; i < srv->pool.workers; i++)
		if (pthread_create(&srv->pool.threads[i], NULL,
		    http_pool_worker, srv) != 0)
			fatalx("cannot start a worker thread");
	pthread_mutex_init(&srv->mu, NULL);
	pthread_cond_init(&srv->wake, NULL);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", cfg->port);
	if ((rc = getaddrinfo(cfg->bind, port, &hints, &ai)) != 0) {
		log_warnx("cannot resolve '%s': %s", cfg->bind,
		    gai_strerror(rc));
		free(srv);
		return NULL;
	}
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->daemon = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL,
	    http_handler_cb, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, srv,
	    MHD_OPTION_SOCK_ADDR, ai->ai_addr,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(cfg->threads > 0 ?
	    cfg->threads : 4),
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)10000,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEMORY_LIMIT,
	    MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed_cb, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, http_notify_cb, srv,
	    MHD_OPTION_UNESCAPE_CALLBACK, http_unescape_cb, srv,
	    MHD_OPTION_URI_LOG_CALLBACK, http_uri_cb, srv,
	    MHD_OPTION_END);
	freeaddrinfo(ai);
	if (srv->daemon == NULL) {
		log_warnx("cannot listen on %s:%d", cfg->bind, cfg->port);
		http_pool_stop(srv);
		pthread_mutex_destroy(&srv->mu);
		pthread_cond_destroy(&srv->wake);
		token_cache_free(srv->tokens);
		free(srv);
		return NULL;
	}
	if (pthread_create(&srv->reaper, NULL, http_reaper, srv) != 0)
		fatalx("cannot start the request deadline thread");
	srv->reaping = true;
	log_info("listening on %s:%d", cfg->bind, cfg->port);
	return srv;
}

struct http_response *
http_response_new(void)
{
	return xcalloc(1, sizeof(struct http_response));
}

int
http_response_status(const struct http_response *res)
{
	return res->status;
}

void
http_response_free(struct http_response *res)
{
	if (res == NULL)
		return;
	http_response_release(res);
	free(res);
}

void
http_server_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	/* Deferred requests are answered before the daemon goes. */
	http_pool_stop(srv);
	if (srv->reaping) {
		pthread_mutex_lock(&srv->mu);
		srv->stopping = true;
		pthread_cond_signal(&srv->wake);
		pthread_mutex_unlock(&srv->mu);
		pthread_join(srv->reaper, NULL);
	}
	MHD_stop_daemon(srv->daemon);
	pthread_mutex_destroy(&srv->mu);
	pthread_cond_destroy(&srv->wake);
	token_cache_free(srv->tokens);
	free(srv);
}
