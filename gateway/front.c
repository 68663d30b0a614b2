/*
 * front.c: the gateway's front end, the HTTP server side that faces the
 * clients (upstream.c faces the services), on libwebsockets: read a
 * request (headers, a body of at most 64 KiB), decide in docs/API.md's order
 * (404/405, 401, 413, 429, 503) and hand it to the local handlers (ops.c)
 * or the proxy, then write the answer, headers and body in one write.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/sockios.h>
#include <linux/tcp.h>

#include <jansson.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "backoff.h"
#include "conns.h"
#include "front.h"
#include "front_proto.h"
#include "gateway.h"
#include "log.h"
#include "metrics.h"
#include "model.h"
#include "ops.h"
#include "proxy.h"
#include "rand.h"
#include "ratelimit.h"
#include "timeutil.h"
#include "validate.h"
#include "xmalloc.h"

struct front_sess {
	struct front_req *req;
	bool closing;		/* the last answer is out: close once sent */
};

static const struct {
	enum lws_token_indexes tok;
	const char *name;
} front_methods[] = {
	{ WSI_TOKEN_GET_URI, "GET" },
	{ WSI_TOKEN_POST_URI, "POST" },
	{ WSI_TOKEN_DELETE_URI, "DELETE" },
	{ WSI_TOKEN_PUT_URI, "PUT" },
	{ WSI_TOKEN_PATCH_URI, "PATCH" },
	{ WSI_TOKEN_OPTIONS_URI, "OPTIONS" },
	{ WSI_TOKEN_HEAD_URI, "HEAD" },
};

static void
front_req_free(struct front_req *hr)
{
	hr->gw->in_flight--;
	free(hr->authorization);
	free(hr->body);
	free(hr->resp);
	free(hr);
}

void
front_add_header(struct front_req *hr, const char *name, const char *value)
{
	if (hr->nextra >= FRONT_MAX_EXTRA)
		return;
	snprintf(hr->extra_name[hr->nextra], sizeof(hr->extra_name[0]), "%s",
	    name);
	snprintf(hr->extra_value[hr->nextra], sizeof(hr->extra_value[0]),
	    "%s", value);
	hr->nextra++;
}

void
front_respond(struct front_req *hr, int status, const char *ctype,
    const char *body, size_t len)
{
	hr->status = status;
	snprintf(hr->resp_ctype, sizeof(hr->resp_ctype), "%s",
	    ctype != NULL ? ctype : "application/json; charset=utf-8");
	free(hr->resp);
	hr->resp = xmalloc(len + 1);
	memcpy(hr->resp, body, len);
	hr->resp[len] = '\0';
	hr->resp_len = len;
	hr->state = FRONT_READY;
	if (hr->wsi == NULL) {
		front_req_free(hr);	/* the client left */
		return;
	}
	lws_callback_on_writable(hr->wsi);
}

static char *
front_error_body(const char *code, const char *message)
{
	json_t *j = model_error_json(code, message);
	char *s = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	if (s == NULL)
		fatalx("out of memory");
	return s;
}

void
front_respond_error(struct front_req *hr, int status, const char *code,
    const char *message)
{
	char *s = front_error_body(code, message);

	front_respond(hr, status, NULL, s, strlen(s));
	free(s);
}

/* lws hands the path over decoded: encode again every byte that is not
 * a path character of RFC 3986 (a space, '%', '?', '#', non-ASCII). */
static char *
front_path_encode(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	static const char keep[] = "-._~!$&'()*+,;=:@/";
	char *out = xmalloc(strlen(path) * 3 + 1), *o = out;
	const unsigned char *c;

	for (c = (const unsigned char *)path; *c != '\0'; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr(keep, *c) != NULL) {
			*o++ = (char)*c;
		} else {
			*o++ = '%';
			*o++ = hex[*c >> 4];
			*o++ = hex[*c & 15];
		}
	}
	*o = '\0';
	return out;
}

char *
front_target(const struct front_req *hr)
{
	char *path = front_path_encode(hr->path), *t;

	if (hr->query[0] == '\0')
		return path;
	t = xasprintf("%s?%s", path, hr->query);
	free(path);
	return t;
}

/* Status line, headers and body in one buffer and one write. */
static int
front_write(struct lws *wsi, int status, const char *ctype, const char *body,
    size_t len, const char (*names)[32], const char (*values)[128],
    int nextra, const char *request_id)
{
	size_t hdrcap = 2048;
	unsigned char *buf = xmalloc(LWS_PRE + hdrcap + len), *start, *p, *end;
	int i, ret = -1;

	start = p = buf + LWS_PRE;
	end = start + hdrcap;
	if (lws_add_http_header_status(wsi, (unsigned int)status, &p, end) ||
	    lws_add_http_header_by_name(wsi,
	    (const unsigned char *)"content-type:",
	    (const unsigned char *)ctype, (int)strlen(ctype), &p, end))
		goto out;
	if (request_id != NULL && request_id[0] != '\0' &&
	    lws_add_http_header_by_name(wsi,
	    (const unsigned char *)"x-request-id:",
	    (const unsigned char *)request_id, (int)strlen(request_id), &p,
	    end))
		goto out;
	for (i = 0; i < nextra; i++) {
		char name[40];

		snprintf(name, sizeof(name), "%s:", names[i]);
		if (lws_add_http_header_by_name(wsi,
		    (const unsigned char *)name,
		    (const unsigned char *)values[i], (int)strlen(values[i]),
		    &p, end))
			goto out;
	}
	if (lws_add_http_header_content_length(wsi, len, &p, end) ||
	    lws_finalize_http_header(wsi, &p, end))
		goto out;
	if (lws_get_network_wsi(wsi) != wsi) {
		/* an HTTP/2 stream (h2c): headers and data are frames */
		if (lws_write(wsi, start, (size_t)(p - start),
		    LWS_WRITE_HTTP_HEADERS) != (int)(p - start))
			goto out;
		p = start;
	}
	/* HTTP/1: headers and body in one write (docs/benchmarks.md) */
	memcpy(p, body, len);
	p += len;
	if (lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_FINAL) !=
	    (int)(p - start))
		goto out;
	ret = 0;
out:
	free(buf);
	return ret;
}

int
front_refuse_now(struct lws *wsi, int status, const char *code,
    const char *message, const char *extra_name, const char *extra_value)
{
	char names[1][32], values[1][128];
	char rid[33];
	char *s = front_error_body(code, message);
	int n = 0, ret;

	if (extra_name != NULL) {
		snprintf(names[0], sizeof(names[0]), "%s", extra_name);
		snprintf(values[0], sizeof(values[0]), "%s", extra_value);
		n = 1;
	}
	rand_id_hex(rid, 16);
	ret = front_write(wsi, status, "application/json; charset=utf-8", s,
	    strlen(s), (const char (*)[32])names,
	    (const char (*)[128])values, n, rid);
	free(s);
	return ret;
}

/* A connection that ends after its answer: close it once lws has sent
 * all of the answer (nonzero closes). */
static int
front_close_flushed(struct lws *wsi)
{
	if (!lws_partial_buffered(wsi))
		return -1;
	lws_callback_on_writable(wsi);
	return 0;
}

/*
 * How many bytes lws has taken from the client's socket so far: the
 * bytes TCP received less those still queued in the kernel. Nonzero
 * when it cannot tell.
 */
static int
front_taken(struct lws *wsi, uint64_t *taken)
{
	struct tcp_info ti;
	socklen_t sl = sizeof(ti);
	int fd = (int)lws_get_socket_fd(wsi), queued;

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &sl) != 0 ||
	    sl < offsetof(struct tcp_info, tcpi_bytes_received) +
	    sizeof(ti.tcpi_bytes_received) ||
	    ioctl(fd, SIOCINQ, &queued) != 0 || queued < 0 ||
	    (uint64_t)queued > ti.tcpi_bytes_received)
		return -1;
	*taken = ti.tcpi_bytes_received - (uint64_t)queued;
	return 0;
}

/*
 * Is this request, read on a connection that already had an answer,
 * one that lws framed from bytes it already held when that answer went
 * out, i.e. one the client pipelined behind an unanswered request?
 * lws 4.1 takes the body of such a request from the start of its held
 * bytes, the request's own headers (lws_http_action() reads its buflist
 * from the head, not from where the headers ended) and then calls
 * HTTP_BODY_COMPLETION again and again without consuming anything: the
 * whole gateway spins. When it cannot tell, it says yes.
 */
static bool
front_pipelined(struct gateway *gw, struct lws *wsi)
{
	uint64_t now, then;

	if (gw->conns == NULL || !conns_answered(gw->conns,
	    (int)lws_get_socket_fd(wsi), &then))
		return false;
	if (then == UINT64_MAX || front_taken(wsi, &now) != 0)
		return true;
	return now == then;
}

/* Write the queued answer; nonzero closes the connection. */
static int
front_send(struct front_sess *sess)
{
	struct front_req *hr = sess->req;
	struct lws *wsi = hr->wsi;
	struct gateway *gw = hr->gw;
	uint64_t taken;
	double secs;
	bool close_after = hr->close_after;
	int ret;

	if (close_after)
		front_add_header(hr, "Connection", "close");
	if (hr->limited) {
		char v[24];

		snprintf(v, sizeof(v), "%d", hr->rl.limit);
		front_add_header(hr, "X-RateLimit-Limit", v);
		snprintf(v, sizeof(v), "%d", hr->rl.remaining);
		front_add_header(hr, "X-RateLimit-Remaining", v);
		snprintf(v, sizeof(v), "%d", hr->rl.reset_s);
		front_add_header(hr, "X-RateLimit-Reset", v);
	}
	ret = front_write(wsi, hr->status, hr->resp_ctype, hr->resp,
	    hr->resp_len, (const char (*)[32])hr->extra_name,
	    (const char (*)[128])hr->extra_value, hr->nextra, hr->request_id);
	secs = (double)(time_now_us() - hr->start_us) / 1e6;
	metrics_observe_request(hr->metric_route, hr->method, hr->status,
	    secs);
	/* One line a request, as the services write it (log_request: at
	 * info but for probes and scrapes). The path has no query: a token
	 * in one never reaches the log. */
	log_set_request_id(hr->request_id);
	log_request(false, hr->method[0] ? hr->method : "-",
	    hr->path[0] ? hr->path : "-", hr->metric_route, hr->status,
	    secs * 1e3);
	log_set_request_id(NULL);
	sess->req = NULL;
	front_req_free(hr);
	if (ret != 0)
		return -1;
	if (close_after) {
		sess->closing = true;
		return front_close_flushed(wsi);
	}
	/*
	 * What lws has read by now came before this answer; kept in conns,
	 * as lws gives the connection new session data for each request.
	 */
	if (front_taken(wsi, &taken) != 0)
		taken = UINT64_MAX;
	if (gw->conns != NULL)
		conns_set_answered(gw->conns, (int)lws_get_socket_fd(wsi),
		    taken);
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* Strip the optional white space around a header value, in place. */
static void
front_trim(char *s)
{
	char *p;
	size_t n;

	for (p = s; *p == ' ' || *p == '\t'; p++)
		;
	memmove(s, p, strlen(p) + 1);
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

/* lws's copy of a value stops at a NUL in it: a value shorter than lws
 * says it is held a NUL, so make it fail the control-byte check. */
static char *
front_nul_marked(char *v, size_t n)
{
	if (strlen(v) != n) {
		v[0] = '\x01';
		v[1 < n ? 1 : 0] = '\0';
	}
	return v;
}

/*
 * A custom header (name lower case with ':') into a new string, or NULL
 * when the request has none. lws 4.1 keeps custom headers of HTTP/1 only
 * (not of HTTP/2 streams); the gateway does not speak HTTP/2 (main.c).
 */
static char *
front_custom_dup(struct lws *wsi, const char *name)
{
	int n = lws_hdr_custom_length(wsi, name, (int)strlen(name));
	char *v;

	if (n < 0)
		return NULL;
	v = xmalloc((size_t)n + 1);
	if (lws_hdr_custom_copy(wsi, v, n + 1, name, (int)strlen(name)) < 0)
		v[0] = '\0';
	v[n] = '\0';
	return front_nul_marked(v, (size_t)n);
}

/* A known header into a new string, or NULL when the request has none. */
static char *
front_hdr_dup(struct lws *wsi, enum lws_token_indexes tok)
{
	int n = lws_hdr_total_length(wsi, tok);
	char *v;

	if (n <= 0)
		return NULL;
	v = xmalloc((size_t)n + 1);
	if (lws_hdr_copy(wsi, v, n + 1, tok) < 0)
		v[0] = '\0';
	v[n] = '\0';
	return front_nul_marked(v, (size_t)n);
}

/* Is header value v (NULL: absent) clean and at most max bytes? */
static bool
front_value_ok(const char *v, size_t max)
{
	return v == NULL ||
	    (strlen(v) <= max && validate_header_value(v, strlen(v)));
}

/* lws decodes the path and its query as it reads them, and a decoded
 * CR or LF ("%0d%0a") ends its request line there, the rest of the line
 * becoming headers: such a request line has no HTTP version left. */
static bool
front_uri_whole(struct lws *wsi, const char *uri)
{
	size_t i;
	int n;

	char version[16];

	for (i = 0; i < sizeof(front_methods) / sizeof(front_methods[0]); i++)
		if ((n = lws_hdr_total_length(wsi, front_methods[i].tok)) > 0 &&
		    (size_t)n != strlen(uri))
			return false;
	/* and the version is one we speak, alone after the target */
	if (lws_hdr_copy(wsi, version, sizeof(version), WSI_TOKEN_HTTP) <= 0)
		return false;
	return strcmp(version, "HTTP/1.1") == 0 ||
	    strcmp(version, "HTTP/1.0") == 0;
}

/*
 * The one check of every byte the gateway reads from a request (docs/API.md
 * "Trust between processes"), for a plain request and an upgrade alike:
 * the decoded path and query arguments and every header value the
 * gateway uses hold no control byte and fit their bounds. NULL when
 * clean, else the reason for a 400.
 */
static const char *
front_input_error(struct lws *wsi, const char *uri)
{
	static const enum lws_token_indexes toks[] = {
		WSI_TOKEN_HTTP_AUTHORIZATION, WSI_TOKEN_HTTP_CONTENT_TYPE,
	};
	static const char *const customs[] = {
		"idempotency-key:", "x-request-id:",
	};
	char frag[1024];
	const char *why = NULL;
	size_t i;
	char *v;
	int idx, n;

	if (uri == NULL || strlen(uri) >= sizeof(((struct front_req *)0)->path))
		return "the path is too long";
	if (!validate_header_value(uri, strlen(uri)) ||
	    !front_uri_whole(wsi, uri))
		return "the path holds a control character";
	for (idx = 0; ; idx++) {
		n = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, idx);
		if (n <= 0)
			break;
		if ((size_t)n >= sizeof(frag))
			return "the query is too long";
		n = lws_hdr_copy_fragment(wsi, frag, sizeof(frag),
		    WSI_TOKEN_HTTP_URI_ARGS, idx);
		if (n < 0 || !validate_header_value(frag, (size_t)n))
			return "the query holds a control character";
	}
	for (i = 0; why == NULL && i < sizeof(toks) / sizeof(toks[0]); i++) {
		v = front_hdr_dup(wsi, toks[i]);
		if (!front_value_ok(v, toks[i] == WSI_TOKEN_HTTP_CONTENT_TYPE ?
		    FRONT_CTYPE_MAX : FRONT_AUTH_MAX))
			why = "a header value is too long or holds a control "
			    "character";
		free(v);
	}
	for (i = 0; why == NULL && i < sizeof(customs) / sizeof(customs[0]);
	    i++) {
		v = front_custom_dup(wsi, customs[i]);
		if (!front_value_ok(v, FRONT_AUTH_MAX))
			why = "a header value is too long or holds a control "
			    "character";
		free(v);
	}
	if (why == NULL && (v = front_custom_dup(wsi, "idempotency-key:")) !=
	    NULL) {
		front_trim(v);
		if (!validate_idempotency_key(v))
			why = "Idempotency-Key must be 1 to 64 printable ASCII "
			    "characters";
		free(v);
	}
	return why;
}

/* Re-encode lws's decoded query arguments (checked by the caller);
 * false when they do not fit. */
static bool
front_query(struct lws *wsi, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	char frag[1024];
	size_t used = 0;
	int idx, n;

	out[0] = '\0';
	for (idx = 0; ; idx++) {
		const char *c;
		bool name = true;

		n = lws_hdr_copy_fragment(wsi, frag, sizeof(frag),
		    WSI_TOKEN_HTTP_URI_ARGS, idx);
		if (n <= 0)
			break;
		if (used + 1 >= outlen)
			return false;
		if (used > 0)
			out[used++] = '&';
		for (c = frag; *c != '\0'; c++) {
			unsigned char ch = (unsigned char)*c;

			if (used + 4 >= outlen)
				return false;
			if (ch == '=' && name) {
				out[used++] = '=';
				name = false;
			} else if ((ch >= 'a' && ch <= 'z') ||
			    (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9') || ch == '-' ||
			    ch == '_' || ch == '.' || ch == '~') {
				out[used++] = (char)ch;
			} else {
				out[used++] = '%';
				out[used++] = hex[ch >> 4];
				out[used++] = hex[ch & 15];
			}
		}
		out[used] = '\0';
	}
	return true;
}

/*
 * The client's address: as counted when its connection was accepted
 * (front_accept read it then), not one getpeername() per request.
 */
static void
front_peer(struct gateway *gw, struct lws *wsi, char *out, size_t cap)
{
	const char *a = conns_addr(gw->conns, (int)lws_get_socket_fd(wsi));

	if (a != NULL && strcmp(a, "?") != 0)
		snprintf(out, cap, "%s", a);
	else
		lws_get_peer_simple(wsi, out, cap);
}

/* A new request from its headers: the method ("" when we do not know
 * it), and the input, checked once here (hr->bad_input). */
static struct front_req *
front_req_new(struct gateway *gw, struct lws *wsi, const char *uri)
{
	struct front_req *hr;
	char *v;
	size_t i;

	hr = xcalloc(1, sizeof(*hr));
	hr->gw = gw;
	hr->wsi = wsi;
	hr->start_us = time_now_us();
	hr->metric_route = "other";
	gw->in_flight++;
	rand_id_hex(hr->request_id, 16);
	front_peer(gw, wsi, hr->peer, sizeof(hr->peer));
	for (i = 0; i < sizeof(front_methods) / sizeof(front_methods[0]); i++)
		if (lws_hdr_total_length(wsi, front_methods[i].tok) > 0) {
			snprintf(hr->method, sizeof(hr->method), "%s",
			    front_methods[i].name);
			break;
		}
	if (lws_get_network_wsi(wsi) != wsi) {
		/* an HTTP/2 stream: not served (main.c says why) */
		hr->bad_input = "HTTP/2 is not served here; use HTTP/1.1";
		return hr;
	}
	if ((hr->bad_input = front_input_error(wsi, uri)) != NULL)
		return hr;
	snprintf(hr->path, sizeof(hr->path), "%s", uri);
	if (!front_query(wsi, hr->query, sizeof(hr->query))) {
		hr->bad_input = "the query is too long";
		return hr;
	}
	hr->authorization = front_hdr_dup(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
	if ((v = front_hdr_dup(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE)) != NULL)
		snprintf(hr->content_type, sizeof(hr->content_type), "%s", v);
	free(v);
	if ((v = front_custom_dup(wsi, "idempotency-key:")) != NULL) {
		front_trim(v);
		snprintf(hr->idempotency_key, sizeof(hr->idempotency_key),
		    "%s", v);
	}
	free(v);
	if ((v = front_custom_dup(wsi, "x-request-id:")) != NULL) {
		front_trim(v);
		if (validate_request_id(v))	/* else the new one */
			snprintf(hr->request_id, sizeof(hr->request_id), "%s",
			    v);
	}
	free(v);
	return hr;
}

/* Every check of docs/API.md's order, then the owner of the route. */
static void
front_dispatch(struct front_req *hr)
{
	struct gateway *gw = hr->gw;
	const struct route *route;
	char allow[64], key[96], v[16];
	int wait;

	hr->state = FRONT_PENDING;
	log_set_request_id(hr->request_id);
	if (hr->bad_input != NULL) {
		front_respond_error(hr, 400, "bad_request", hr->bad_input);
		goto out;
	}
	if (hr->no_length) {
		front_respond_error(hr, 411, "bad_request",
		    "a request body needs a Content-Length; chunked bodies "
		    "are not taken");
		goto out;
	}
	if (hr->method[0] == '\0') {
		hr->metric_route = "other";
		front_add_header(hr, "Allow", "GET, POST, DELETE");
		front_respond_error(hr, 405, "method_not_allowed",
		    "this method is not supported");
		goto out;
	}
	switch (ops_match(hr)) {
	case OPS_HANDLED:
		goto out;
	case OPS_NOT_MINE:
		break;
	}
	switch (routes_match(hr->method, hr->path, &route, allow,
	    sizeof(allow))) {
	case ROUTE_NOT_FOUND:
		front_respond_error(hr, 404, "not_found", "no such path");
		goto out;
	case ROUTE_BAD_METHOD:
		front_add_header(hr, "Allow", allow);
		front_respond_error(hr, 405, "method_not_allowed",
		    "this path does not take this method");
		goto out;
	case ROUTE_FOUND:
		break;
	}
	hr->route = route;
	hr->metric_route = route->pattern;
	hr->has_user = auth_bearer(gw, hr->authorization, &hr->claims);
	if (route->auth && !hr->has_user) {
		front_add_header(hr, "WWW-Authenticate", "Bearer");
		front_respond_error(hr, 401, "unauthorized",
		    "a valid access token is required");
		goto out;
	}
	if (hr->too_large) {
		front_respond_error(hr, 413, "payload_too_large",
		    "the request body is over 64 KiB");
		goto out;
	}
	/* per user, else per address; a route that checks a password is
	 * always per address: a token must not buy more guesses */
	if (hr->has_user && route->kind == ROUTE_PLAIN)
		snprintf(key, sizeof(key), "u:%lld",
		    (long long)hr->claims.user_id);
	else
		snprintf(key, sizeof(key), "a:%s", hr->peer);
	hr->limited = true;
	if (!ratelimit_take(gw->ratelimit, key, time_mono_ms(), &hr->rl)) {
		snprintf(v, sizeof(v), "%d", hr->rl.reset_s);
		front_add_header(hr, "Retry-After", v);
		front_respond_error(hr, 429, "rate_limited",
		    "too many requests; retry later");
		goto out;
	}
	if (route->kind == ROUTE_LOGIN && (wait = backoff_wait(
	    gw->login_backoff, hr->peer, time_mono_ms())) > 0) {
		snprintf(v, sizeof(v), "%d", wait);
		front_add_header(hr, "Retry-After", v);
		front_respond_error(hr, 429, "rate_limited",
		    "too many failed logins from this address; retry later");
		goto out;
	}
	if (gw->in_flight > gw->max_in_flight) {
		front_add_header(hr, "Retry-After", "1");
		front_respond_error(hr, 503, "unavailable",
		    "the gateway is overloaded; retry later");
		goto out;
	}
	proxy_start(hr);
out:
	log_set_request_id(NULL);
}

static int
front_on_body(struct front_req *hr, const void *in, size_t len)
{
	/* bytes after a dispatched request are never its body (lws hands
	 * over what follows a bodiless POST as one, see front_framing) */
	if (hr->state != FRONT_READING)
		return 0;
	if (len == 0)
		return 0;	/* lws passes NULL for an empty body */
	/*
	 * A body that begins with the request's method and a path is its
	 * own headers, as lws 4.1 reads the body of a pipelined request
	 * (front_pipelined ends those first; this is a second guard),
	 * never a real one (bodies are JSON): end the connection now.
	 */
	if (hr->len == 0 && len > strlen(hr->method) + 1 &&
	    hr->method[0] != '\0' &&
	    memcmp(in, hr->method, strlen(hr->method)) == 0 &&
	    memcmp((const char *)in + strlen(hr->method), " /", 2) == 0)
		return -1;
	if (hr->too_large || hr->len + len > REQUEST_BODY_MAX) {
		hr->too_large = true;	/* keep reading, keep nothing */
		return 0;
	}
	if (hr->len + len + 1 > hr->cap) {
		hr->cap = (hr->len + len + 1) * 2;
		if (hr->cap > REQUEST_BODY_MAX + 1)
			hr->cap = REQUEST_BODY_MAX + 1;
		hr->body = xrealloc(hr->body, hr->cap);
	}
	memcpy(hr->body + hr->len, in, len);
	hr->len += len;
	hr->body[hr->len] = '\0';
	return 0;
}

/*
 * How the request's body is framed (RFC 9112 section 6.3), decided once
 * from its headers: true when a body of Content-Length > 0 bytes follows
 * and is to be read before the request is dispatched.
 *
 * lws 4.1 frames a request otherwise than the RFC in two ways, and the
 * gateway answers each before lws's framing can matter:
 * - a POST, PUT or PATCH with neither Content-Length nor
 *   Transfer-Encoding has no body, but lws reads one "until the close"
 *   (100 MiB): after the answer it would swallow the connection's next
 *   requests as that body and never answer them. Such a request is
 *   served as bodiless and its connection ended after the answer
 *   (Connection: close), as lws offers no way to end the body it awaits.
 * - lws does not decode a chunked request body, and with Content-Length
 *   as well it frames by Content-Length and parses the rest as the next
 *   request. Transfer-Encoding is refused (411 alone, 400 with
 *   Content-Length, which RFC 9112 calls a sign of smuggling), and so is
 *   a Content-Length that is not one plain number (lws reads "5,50" as 5
 *   and "-1" as a body until the close): the connection ends after
 *   either answer, its remaining bytes never read as a request.
 */
static bool
front_framing(struct lws *wsi, struct front_req *hr)
{
	char v[32];
	const char *c;
	bool has_te, has_cl;
	int n;

	has_te = lws_hdr_total_length(wsi,
	    WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0;
	has_cl = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0;
	if (has_te || (!has_cl && (strcmp(hr->method, "POST") == 0 ||
	    strcmp(hr->method, "PUT") == 0 ||
	    strcmp(hr->method, "PATCH") == 0)))
		hr->close_after = true;
	hr->lws_bodiless = !has_te && !has_cl && !hr->close_after &&
	    hr->method[0] != '\0';
	if (has_te && has_cl) {
		if (hr->bad_input == NULL)
			hr->bad_input = "Transfer-Encoding and Content-Length "
			    "together are refused";
		return false;
	}
	if (has_te) {
		hr->no_length = true;
		return false;
	}
	if (!has_cl)
		return false;
	/* at most 18 digits: a value that lws's atoll() reads the same */
	n = lws_hdr_copy(wsi, v, sizeof(v), WSI_TOKEN_HTTP_CONTENT_LENGTH);
	if (n > 0)
		front_trim(v);
	for (c = v; n > 0 && *c >= '0' && *c <= '9'; c++)
		;
	if (n <= 0 || c == v || *c != '\0' || c - v > 18) {
		hr->close_after = true;
		if (hr->bad_input == NULL)
			hr->bad_input = "Content-Length is not a number";
		return false;
	}
	hr->lws_bodiless = atoll(v) == 0;
	return atoll(v) > 0;
}

/*
 * An "Upgrade:" request. Only the live feed's WebSocket is served; any
 * other upgrade (h2c) is declined and the request answered as HTTP/1.1,
 * as RFC 7230 allows (main.c says why): lws upgrades when this returns 0
 * with "websocket" or "h2c" in proto (its own copy of the header), and
 * serves the request as plain HTTP when proto names neither, so the
 * token is blanked. A WebSocket upgrade passes the same input check as
 * any request and counts against the address's rate limit before ws.c
 * looks at it.
 */
int
front_confirm_upgrade(struct gateway *gw, struct lws *wsi, char *proto)
{
	struct ratelimit_result rl;
	char uri[sizeof(((struct front_req *)0)->path)], peer[64], key[96];
	char v[16];
	const char *why;
	int ret;

	if (strcasecmp(proto, "websocket") != 0) {
		proto[0] = '\0';
		return 0;
	}
	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) < 0)
		why = "the path is too long";
	else
		why = front_input_error(wsi, uri);
	if (why != NULL) {
		front_refuse_now(wsi, 400, "bad_request", why, NULL, NULL);
		return 1;
	}
	lws_get_peer_simple(wsi, peer, sizeof(peer));
	snprintf(key, sizeof(key), "a:%s", peer);
	if (!ratelimit_take(gw->ratelimit, key, time_mono_ms(), &rl)) {
		snprintf(v, sizeof(v), "%d", rl.reset_s);
		front_refuse_now(wsi, 429, "rate_limited",
		    "too many requests; retry later", "Retry-After", v);
		return 1;
	}
	ret = ws_confirm_upgrade(gw, wsi, proto);
	if (ret == 0)	/* a live feed connection from now on */
		conns_release(gw->conns, (int)lws_get_socket_fd(wsi));
	return ret;
}

void
front_conn_closed(struct gateway *gw, struct lws *wsi)
{
	if (gw != NULL && gw->conns != NULL)
		conns_release(gw->conns, (int)lws_get_socket_fd(wsi));
}

/* A new client socket, before any byte is read: within the caps? */
static int
front_accept(struct gateway *gw, int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char addr[INET6_ADDRSTRLEN] = "?";

	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0 &&
	    ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
		    addr, sizeof(addr));
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    addr, sizeof(addr));
	if (conns_accept(gw->conns, fd, addr))
		return 0;
	metrics_counter_add(REFUSED_METRIC, NULL, 1);
	return -1;	/* lws closes it unread */
}

/*
 * A request that lws framed from bytes held behind an answered one and
 * that lws gives a body: lws would read the body from the wrong place
 * and loop (front_pipelined), so the connection ends here, before lws
 * reads a byte of that body; the client has every answer before it and
 * sends the rest again on a new connection. A bodiless one lws frames
 * right and is served.
 */
static int
front_refuse_pipelined(struct front_sess *sess)
{
	log_debug("a request with a body pipelined behind an answered one: "
	    "connection ended");
	front_req_free(sess->req);
	sess->req = NULL;
	return -1;
}

int
front_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct gateway *gw = gateway_of(lws_get_context(wsi));
	struct front_sess *sess = user;

	switch (reason) {
	case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
		return front_accept(gw, (int)(lws_intptr_t)in);
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:	/* not the default */
		return front_confirm_upgrade(gw, wsi, in);
	case LWS_CALLBACK_HTTP:
		if (sess->req != NULL || sess->closing)	/* should not happen */
			return -1;
		sess->req = front_req_new(gw, wsi, in);
		if (front_framing(wsi, sess->req)) {
			if (front_pipelined(gw, wsi))
				return front_refuse_pipelined(sess);
			return 0;	/* wait for the body */
		}
		if (!sess->req->lws_bodiless && front_pipelined(gw, wsi))
			return front_refuse_pipelined(sess);
		front_dispatch(sess->req);
		return 0;
	case LWS_CALLBACK_HTTP_BODY:
		if (sess->req != NULL)
			return front_on_body(sess->req, in, len);
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (sess->req != NULL && sess->req->state == FRONT_READING)
			front_dispatch(sess->req);
		return 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (sess->closing)
			return front_close_flushed(wsi);
		if (sess->req != NULL && sess->req->state == FRONT_READY)
			return front_send(sess);
		return 0;
	case LWS_CALLBACK_WSI_DESTROY:
		ws_upgrade_forget(wsi);	/* an upgrade that failed after its check */
		break;
	case LWS_CALLBACK_CLOSED_HTTP:
		front_conn_closed(gw, wsi);
		if (sess->req != NULL) {
			if (sess->req->state == FRONT_PENDING)
				sess->req->wsi = NULL;	/* freed on answer */
			else
				front_req_free(sess->req);
			sess->req = NULL;
		}
		return 0;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

size_t
front_sess_size(void)
{
	return sizeof(struct front_sess);
}
