/*
 * http_server.h: the HTTP side of a service (libmicrohttpd, a thread pool).
 * A service hands it a const route table; it does everything that is the
 * same for every route: the body limit (413), X-Request-Id, 404 and 405
 * with Allow, /status, /metrics, request metrics and a log line each.
 *
 * Handlers run on pool threads: several at once.
 */
#ifndef CHIRP_HTTP_SERVER_H
#define CHIRP_HTTP_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "path_match.h"
#include "svcauth.h"
#include "token.h"

struct http_request {
	const char *method;
	const char *path;
	const char *route;	/* the matched pattern, for metrics */
	const char *params[PATH_MATCH_MAX];	/* {name} segments, in order */
	int nparams;
	const char *body;	/* NUL-terminated; body_len bytes */
	size_t body_len;
	const char *request_id;
	void *priv;
	void *server;		/* private: struct http_server */
	void *conn;		/* private: the connection's state */
};

struct http_response;

typedef void http_handler(struct http_request *, struct http_response *,
    void *ctx);

struct http_route {
	const char *method;	/* "GET", "POST", "DELETE" */
	const char *pattern;	/* "/users/{userId}/follow" */
	http_handler *handler;
	/*
	 * NULL: a public route. Else an internal one: only the processes
	 * named here ("tweetd gateway", svcauth.h names) may call it, with a
	 * service credential in X-Chirp-Service. Checked before the
	 * handler runs: 401 without a valid credential for this process,
	 * 403 for a valid one of a process not named.
	 */
	const char *callers;
};

struct http_server_config {
	const char *service;	/* "user": /status says it */
	const char *bind;	/* address to listen on */
	int port;
	int threads;
	const struct http_route *routes;	/* literal patterns first */
	size_t nroutes;
	void *ctx;		/* handed to every handler */
	bool (*healthy)(void *ctx);	/* /status: ok or degraded */
	bool quiet;		/* successful answers logged at debug: for a
				 * service machines call every few seconds */
	const struct svcauth *svcauth;	/* checks routes with callers */
	const char *audience;	/* this process as an "aud": "userd"... */
	/* http_defer's pool: workers run at once, queue wait; past that,
	 * 503. workers 0: http_defer runs the work on the caller's thread. */
	int pool_workers;
	int pool_queue;
};

/* Work finished off the server's threads (http_defer). */
typedef void http_deferred_fn(struct http_response *, void *ctx,
    void *arg);

/* Start listening; NULL (logged) on failure. Config and routes borrowed. */
struct http_server *http_server_start(const struct http_server_config *);
void http_server_stop(struct http_server *);

/* A query parameter or header of the request; NULL when absent. */
const char *http_query(const struct http_request *, const char *name);
const char *http_header(const struct http_request *, const char *name);

/* Answer with JSON (body is stolen). */
void http_reply_json(struct http_response *, int status, json_t *body);
/* Answer with the error body of docs/API.md. */
void http_reply_error(struct http_response *, int status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Add a header to the answer (copied). */
void http_reply_header(struct http_response *, const char *name,
    const char *value);
/* Answer with JSON text made elsewhere (jsonw.h): body (len bytes,
 * NUL-terminated) is stolen. */
void http_reply_json_text(struct http_response *, int status, char *body,
    size_t len);
/* Answer with any bytes (copied). */
void http_reply_raw(struct http_response *, int status,
    const char *content_type, const char *body, size_t len);

/*
 * The bearer token of the request, verified against secret; on failure
 * answers 401 and returns false.
 */
bool http_auth(struct http_request *, struct http_response *,
    const unsigned char *secret, size_t secret_len,
    struct token_claims *out);
/*
 * Answer 401 unauthorized with WWW-Authenticate: Bearer
 * error="invalid_token": the token is well formed but not good (expired,
 * forged, revoked). message says which.
 */
void http_reply_invalid_token(struct http_response *, const char *message);
/*
 * The check of a route "as userId": is path parameter 0 the user of these
 * (verified) claims? Answers 403 forbidden and returns false when not.
 */
bool http_path_is_user(struct http_request *, struct http_response *,
    const struct token_claims *);

/*
 * The body as a JSON object; on failure answers 400 invalid_json (or
 * bad_request when it is JSON but not an object) and returns NULL.
 * Caller json_decref()s the result.
 */
json_t *http_json_body(struct http_request *, struct http_response *);

/*
 * Finish the request on the server's bounded pool (CPU-heavy work such as
 * password hashing): the connection waits, suspended, while fn(resp, ctx,
 * arg) runs on a pool worker, and fn's answer is sent when it returns;
 * the server's own threads go on serving other requests. Only from a
 * handler, as its last act. true: fn will run once and owns arg. false:
 * the pool is full (pool_workers busy, pool_queue waiting) or stopping;
 * 429 rate_limited with Retry-After: 1 is answered at once (not 503, which
 * the gateway's breaker counts against the instance), fn is not
 * called and arg stays the caller's.
 */
bool http_defer(struct http_request *, struct http_response *,
    http_deferred_fn *fn, void *arg);

/* Answer {"message": message}. */
void http_reply_message(struct http_response *, int status,
    const char *message);

/*
 * Path parameter index as an id; on failure answers 400 bad_request
 * ("the <what> id must be a decimal number") and returns false.
 */
bool http_path_id(struct http_request *, struct http_response *, int index,
    const char *what, int64_t *out);

/* A response outside a server, for tests and fuzzing of handlers' helpers. */
struct http_response *http_response_new(void);
int http_response_status(const struct http_response *);
void http_response_free(struct http_response *);

#endif
