/*
 * upstream.h: one HTTP request from the gateway to an instance, as an lws
 * client connection in the gateway's own loop (never blocking). The answer
 * or the failure comes back once through the done callback, never from
 * inside upstream_start(), unless upstream_cancel() was called first.
 */
#ifndef CHIRP_GATEWAY_UPSTREAM_H
#define CHIRP_GATEWAY_UPSTREAM_H

#include <stdbool.h>
#include <stddef.h>

struct gateway;
struct instance;

struct upstream_request {
	const char *method;		/* "GET" ... */
	const char *path;		/* with query, already encoded */
	const char *body;		/* may be NULL */
	size_t len;
	const char *content_type;	/* may be NULL */
	const char *authorization;	/* whole header value or NULL */
	const char *idempotency_key;	/* or NULL */
	const char *request_id;		/* or NULL */
	const char *service_credential;	/* X-Chirp-Service value or NULL */
	int timeout_ms;
};

enum upstream_error {
	UPSTREAM_OK,		/* a whole answer came (any status) */
	UPSTREAM_CONNECT,	/* never connected: nothing was sent */
	UPSTREAM_BROKEN,	/* connected, then no whole answer */
	UPSTREAM_TIMEOUT,	/* no whole answer in time */
	UPSTREAM_INVALID,	/* refused unsent: a value held a control
				 * byte (upstream_request_ok()) */
};

struct upstream_result {
	enum upstream_error error;
	int status;
	const char *body;	/* NUL-terminated; borrowed for the call */
	size_t len;
	const char *content_type;	/* "" when none */
	const char *retry_after;	/* "" when none */
};

typedef void upstream_done_fn(const struct upstream_result *, void *arg);

struct upstream;

/* Every value of req may go on the wire as it is: the method a token,
 * the path without a control byte or space, the header values without a
 * control byte (validate_header_value()). */
bool upstream_request_ok(const struct upstream_request *);

/* May a request go again after it was sent and no answer came? GET and
 * HEAD, and a POST with an Idempotency-Key (key NULL: none). */
bool upstream_repeatable(const char *method, const char *idempotency_key);

/* True while a request to host:port is under way (so an instance that
 * request's caller holds must not be freed). */
bool upstream_in_use(const char *host, int port);

/* Start a request to host:port (copied, as is everything in req). A req
 * that fails upstream_request_ok() is not sent: it fails, later, with
 * UPSTREAM_INVALID. */
struct upstream *upstream_start(struct gateway *, const char *host, int port,
    const struct upstream_request *req, upstream_done_fn *done, void *arg);
/* GET path (an internal route) at inst, with the gateway's service
 * credential for inst's service; as upstream_start. */
struct upstream *upstream_internal_get(struct gateway *, struct instance *,
    const char *path, upstream_done_fn *done, void *arg);
/* No callback will come; the request is dropped. */
void upstream_cancel(struct upstream *);
/* Shutting down: every request still under way fails now (callbacks run
 * synchronously; callers start nothing new while gw->stopping). */
void upstream_shutdown(struct gateway *);

#endif
