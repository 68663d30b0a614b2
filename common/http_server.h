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

#include "token.h"

#define HTTP_MAX_BODY (64 * 1024)
#define HTTP_MAX_PARAMS 4

struct http_request {
	const char *method;
	const char *path;
	const char *route;	/* the matched pattern, for metrics */
	const char *params[HTTP_MAX_PARAMS];	/* {name} segments, in order */
	int nparams;
	const char *body;	/* NUL-terminated; body_len bytes */
	size_t body_len;
	const char *request_id;
	void *priv;
};

struct http_response;

typedef void http_handler(struct http_request *, struct http_response *,
    void *ctx);

struct http_route {
	const char *method;	/* "GET", "POST", "DELETE" */
	const char *pattern;	/* "/users/{userId}/follow" */
	http_handler *handler;
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
};

/* Start listening; NULL (logged) on failure. Config and routes borrowed. */
struct http_server *http_server_start(const struct http_server_config *);
void http_server_stop(struct http_server *);

/* A query parameter or header of the request; NULL when absent. */
const char *http_query(const struct http_request *, const char *name);
const char *http_header(const struct http_request *, const char *name);

/* Answer with JSON (body is stolen). */
void http_reply_json(struct http_response *, int status, json_t *body);
/* Answer with the error body of API.md. */
void http_reply_error(struct http_response *, int status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Add a header to the answer (copied). */
void http_reply_header(struct http_response *, const char *name,
    const char *value);
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
 * The body as a JSON object; on failure answers 400 invalid_json (or
 * bad_request when it is JSON but not an object) and returns NULL.
 * Caller json_decref()s the result.
 */
json_t *http_json_body(struct http_request *, struct http_response *);

/* Answer {"message": message}. */
void http_reply_message(struct http_response *, int status,
    const char *message);

/*
 * Path parameter index as an id; on failure answers 400 bad_request
 * ("the <what> id must be a decimal number") and returns false.
 */
bool http_path_id(struct http_request *, struct http_response *, int index,
    const char *what, int64_t *out);

/* The standard error code of a status ("not_found" for 404...). */
const char *http_error_code(int status);

/*
 * Does path match pattern ("/users/{userId}")? When req is not NULL its
 * params point at the {name} segments, copied into scratch.
 */
bool http_match(const char *pattern, const char *path,
    struct http_request *req, char *scratch, size_t scratch_len);

/* A response outside a server, for tests and fuzzing of handlers' helpers. */
struct http_response *http_response_new(void);
int http_response_status(const struct http_response *);
void http_response_free(struct http_response *);

#endif
