/*
 * http.c: the gateway's HTTP server side on libwebsockets: read a request
 * (headers, a body of at most 64 KiB), decide in API.md's order (404/405,
 * 401, 413, 429, 503) and hand it to the local handlers (ops.c) or the
 * proxy, then write the answer, headers and body in one write.
 */
#include <jansson.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "gateway.h"
#include "http.h"
#include "http_proto.h"
#include "log.h"
#include "metrics.h"
#include "model.h"
#include "ops.h"
#include "proxy.h"
#include "rand.h"
#include "ratelimit.h"
#include "timeutil.h"
#include "xmalloc.h"

struct http_sess {
	struct http_req *req;
};

static const struct {
	enum lws_token_indexes tok;
	const char *name;
} http_methods[] = {
	{ WSI_TOKEN_GET_URI, "GET" },
	{ WSI_TOKEN_POST_URI, "POST" },
	{ WSI_TOKEN_DELETE_URI, "DELETE" },
	{ WSI_TOKEN_PUT_URI, "PUT" },
	{ WSI_TOKEN_PATCH_URI, "PATCH" },
	{ WSI_TOKEN_OPTIONS_URI, "OPTIONS" },
	{ WSI_TOKEN_HEAD_URI, "HEAD" },
};

static void
http_req_free(struct http_req *hr)
{
	hr->gw->in_flight--;
	free(hr->authorization);
	free(hr->body);
	free(hr->resp);
	free(hr);
}

void
http_add_header(struct http_req *hr, const char *name, const char *value)
{
	if (hr->nextra >= HTTP_MAX_EXTRA)
		return;
	snprintf(hr->extra_name[hr->nextra], sizeof(hr->extra_name[0]), "%s",
	    name);
	snprintf(hr->extra_value[hr->nextra], sizeof(hr->extra_value[0]),
	    "%s", value);
	hr->nextra++;
}

void
http_respond(struct http_req *hr, int status, const char *ctype,
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
	hr->state = HTTP_READY;
	if (hr->wsi == NULL) {
		http_req_free(hr);	/* the client left */
		return;
	}
	lws_callback_on_writable(hr->wsi);
}

static char *
error_body(const char *code, const char *message)
{
	json_t *j = model_error_json(code, message);
	char *s = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	if (s == NULL)
		fatalx("out of memory");
	return s;
}

void
http_respond_error(struct http_req *hr, int status, const char *code,
    const char *message)
{
	char *s = error_body(code, message);

	http_respond(hr, status, NULL, s, strlen(s));
	free(s);
}

char *
http_target(const struct http_req *hr)
{
	if (hr->query[0] == '\0')
		return xstrdup(hr->path);
	return xasprintf("%s?%s", hr->path, hr->query);
}

/* Status line, headers and body in one buffer and one write. */
static int
http_write(struct lws *wsi, int status, const char *ctype, const char *body,
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
	/* HTTP/1: headers and body in one write (NOTES.md) */
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
http_refuse_now(struct lws *wsi, int status, const char *code,
    const char *message, const char *extra_name, const char *extra_value)
{
	char names[1][32], values[1][128];
	char rid[33];
	char *s = error_body(code, message);
	int n = 0, ret;

	if (extra_name != NULL) {
		snprintf(names[0], sizeof(names[0]), "%s", extra_name);
		snprintf(values[0], sizeof(values[0]), "%s", extra_value);
		n = 1;
	}
	rand_hex(rid, 16);
	ret = http_write(wsi, status, "application/json; charset=utf-8", s,
	    strlen(s), (const char (*)[32])names,
	    (const char (*)[128])values, n, rid);
	free(s);
	return ret;
}

/* Write the queued answer; nonzero closes the connection. */
static int
http_send(struct http_sess *sess)
{
	struct http_req *hr = sess->req;
	struct lws *wsi = hr->wsi;
	double secs;
	int ret;

	if (hr->limited) {
		char v[24];

		snprintf(v, sizeof(v), "%d", hr->rl.limit);
		http_add_header(hr, "X-RateLimit-Limit", v);
		snprintf(v, sizeof(v), "%d", hr->rl.remaining);
		http_add_header(hr, "X-RateLimit-Remaining", v);
		snprintf(v, sizeof(v), "%d", hr->rl.reset_s);
		http_add_header(hr, "X-RateLimit-Reset", v);
	}
	ret = http_write(wsi, hr->status, hr->resp_ctype, hr->resp,
	    hr->resp_len, (const char (*)[32])hr->extra_name,
	    (const char (*)[128])hr->extra_value, hr->nextra, hr->request_id);
	secs = (double)(time_now_us() - hr->start_us) / 1e6;
	metrics_observe_request(hr->metric_route, hr->method, hr->status,
	    secs);
	log_set_request_id(hr->request_id);
	log_debug("%s %s %d %.1f ms", hr->method, hr->path, hr->status,
	    secs * 1e3);
	log_set_request_id(NULL);
	sess->req = NULL;
	http_req_free(hr);
	if (ret != 0)
		return -1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* Copy a custom header (name lower case with ':'), trimmed; "" if none. */
static void
custom_header(struct lws *wsi, const char *name, char *out, size_t outlen)
{
	char *p;
	size_t n;

	out[0] = '\0';
	if (lws_hdr_custom_copy(wsi, out, (int)outlen, name,
	    (int)strlen(name)) < 0) {
		out[0] = '\0';
		return;
	}
	for (p = out; *p == ' ' || *p == '\t'; p++)
		;
	memmove(out, p, strlen(p) + 1);
	n = strlen(out);
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		out[--n] = '\0';
}

static bool
request_id_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 64)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

/* Re-encode lws's decoded query arguments. */
static void
http_query(struct lws *wsi, char *out, size_t outlen)
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
			break;
		if (used > 0)
			out[used++] = '&';
		for (c = frag; *c != '\0' && used + 4 < outlen; c++) {
			unsigned char ch = (unsigned char)*c;

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
}

/* A new request from its headers; NULL for a method we do not know. */
static struct http_req *
http_req_new(struct gateway *gw, struct lws *wsi, const char *uri)
{
	struct http_req *hr;
	size_t i;
	int n;

	hr = xcalloc(1, sizeof(*hr));
	hr->gw = gw;
	hr->wsi = wsi;
	hr->start_us = time_now_us();
	hr->metric_route = "other";
	gw->in_flight++;
	for (i = 0; i < sizeof(http_methods) / sizeof(http_methods[0]); i++)
		if (lws_hdr_total_length(wsi, http_methods[i].tok) > 0) {
			snprintf(hr->method, sizeof(hr->method), "%s",
			    http_methods[i].name);
			break;
		}
	snprintf(hr->path, sizeof(hr->path), "%s", uri);
	http_query(wsi, hr->query, sizeof(hr->query));
	n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
	if (n > 0) {
		hr->authorization = xmalloc((size_t)n + 1);
		if (lws_hdr_copy(wsi, hr->authorization, n + 1,
		    WSI_TOKEN_HTTP_AUTHORIZATION) < 0) {
			free(hr->authorization);
			hr->authorization = NULL;
		}
	}
	if (lws_hdr_copy(wsi, hr->content_type, sizeof(hr->content_type),
	    WSI_TOKEN_HTTP_CONTENT_TYPE) < 0)
		hr->content_type[0] = '\0';
	custom_header(wsi, "idempotency-key:", hr->idempotency_key,
	    sizeof(hr->idempotency_key));
	custom_header(wsi, "x-request-id:", hr->request_id,
	    sizeof(hr->request_id));
	if (!request_id_ok(hr->request_id))
		rand_hex(hr->request_id, 16);
	lws_get_peer_simple(wsi, hr->peer, sizeof(hr->peer));
	return hr;
}

/* Every check of API.md's order, then the owner of the route. */
static void
http_dispatch(struct http_req *hr)
{
	struct gateway *gw = hr->gw;
	const struct route *route;
	char allow[64], key[96], v[16];

	hr->state = HTTP_PENDING;
	log_set_request_id(hr->request_id);
	if (hr->method[0] == '\0') {
		hr->metric_route = "other";
		http_add_header(hr, "Allow", "GET, POST, DELETE");
		http_respond_error(hr, 405, "method_not_allowed",
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
		http_respond_error(hr, 404, "not_found", "no such path");
		goto out;
	case ROUTE_BAD_METHOD:
		http_add_header(hr, "Allow", allow);
		http_respond_error(hr, 405, "method_not_allowed",
		    "this path does not take this method");
		goto out;
	case ROUTE_FOUND:
		break;
	}
	hr->route = route;
	hr->metric_route = route->pattern;
	hr->has_user = auth_bearer(gw, hr->authorization, &hr->claims);
	if (route->auth && !hr->has_user) {
		http_add_header(hr, "WWW-Authenticate", "Bearer");
		http_respond_error(hr, 401, "unauthorized",
		    "a valid access token is required");
		goto out;
	}
	if (hr->too_large) {
		http_respond_error(hr, 413, "payload_too_large",
		    "the request body is over 64 KiB");
		goto out;
	}
	if (hr->has_user)
		snprintf(key, sizeof(key), "u:%lld",
		    (long long)hr->claims.user_id);
	else
		snprintf(key, sizeof(key), "a:%s", hr->peer);
	hr->limited = true;
	if (!ratelimit_take(gw->ratelimit, key, time_mono_ms(), &hr->rl)) {
		snprintf(v, sizeof(v), "%d", hr->rl.reset_s);
		http_add_header(hr, "Retry-After", v);
		http_respond_error(hr, 429, "rate_limited",
		    "too many requests; retry later");
		goto out;
	}
	if (gw->in_flight > gw->max_in_flight) {
		http_add_header(hr, "Retry-After", "1");
		http_respond_error(hr, 503, "unavailable",
		    "the gateway is overloaded; retry later");
		goto out;
	}
	proxy_start(hr);
out:
	log_set_request_id(NULL);
}

static int
http_on_body(struct http_req *hr, const void *in, size_t len)
{
	if (len == 0)
		return 0;	/* lws passes NULL for an empty body */
	if (hr->too_large || hr->len + len > HTTP_BODY_MAX) {
		hr->too_large = true;	/* keep reading, keep nothing */
		return 0;
	}
	if (hr->len + len + 1 > hr->cap) {
		hr->cap = (hr->len + len + 1) * 2;
		if (hr->cap > HTTP_BODY_MAX + 1)
			hr->cap = HTTP_BODY_MAX + 1;
		hr->body = xrealloc(hr->body, hr->cap);
	}
	memcpy(hr->body + hr->len, in, len);
	hr->len += len;
	hr->body[hr->len] = '\0';
	return 0;
}

/* A body follows the headers (Content-Length > 0 or chunked). */
static bool
http_has_body(struct lws *wsi)
{
	char v[32];

	if (lws_hdr_copy(wsi, v, sizeof(v),
	    WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0)
		return atoll(v) > 0;
	return lws_hdr_copy(wsi, v, sizeof(v),
	    WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0;
}

int
http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct gateway *gw = gateway_of(lws_get_context(wsi));
	struct http_sess *sess = user;

	switch (reason) {
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		return ws_confirm_upgrade(gw, wsi, in);
	case LWS_CALLBACK_HTTP:
		if (sess->req != NULL)	/* should not happen */
			return -1;
		sess->req = http_req_new(gw, wsi, in);
		if (http_has_body(wsi))
			return 0;	/* wait for the body */
		http_dispatch(sess->req);
		return 0;
	case LWS_CALLBACK_HTTP_BODY:
		if (sess->req != NULL)
			return http_on_body(sess->req, in, len);
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (sess->req != NULL && sess->req->state == HTTP_READING)
			http_dispatch(sess->req);
		return 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (sess->req != NULL && sess->req->state == HTTP_READY)
			return http_send(sess);
		return 0;
	case LWS_CALLBACK_CLOSED_HTTP:
		if (sess->req != NULL) {
			if (sess->req->state == HTTP_PENDING)
				sess->req->wsi = NULL;	/* freed on answer */
			else
				http_req_free(sess->req);
			sess->req = NULL;
		}
		return 0;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

size_t
http_sess_size(void)
{
	return sizeof(struct http_sess);
}
