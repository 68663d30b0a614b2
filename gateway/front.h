/*
 * front.h: one client HTTP request at the gateway, from its headers to the
 * answer. The request is answered exactly once with front_respond*(); if
 * the client left meanwhile the answer is dropped and the request freed.
 */
#ifndef CHIRP_GATEWAY_FRONT_H
#define CHIRP_GATEWAY_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ratelimit.h"
#include "routes.h"
#include "token.h"
#include "validate.h"

#define FRONT_MAX_EXTRA 8
#define FRONT_CTYPE_MAX 255
#define FRONT_AUTH_MAX 4096

struct gateway;
struct lws;

enum front_req_state { FRONT_READING, FRONT_PENDING, FRONT_READY };

struct front_req {
	struct gateway *gw;
	struct lws *wsi;		/* NULL once the client left */
	enum front_req_state state;
	char method[8];
	char path[512];
	char query[1024];		/* encoded, no '?' */
	/* Every value below was checked once, where the request was read
	 * (front_input_error()): no control byte, bounded; bad_input says
	 * why the request is refused with 400 before routing. */
	const char *bad_input;		/* NULL when the input is clean */
	bool no_length;			/* a body sent chunked: 411 */
	bool close_after;		/* end the connection after the answer */
	bool lws_bodiless;		/* lws frames it with no body at all */
	char *authorization;		/* the header, or NULL */
	char content_type[FRONT_CTYPE_MAX + 1];
	char idempotency_key[IDEMPOTENCY_KEY_MAX + 1];	/* "" when none */
	char request_id[REQUEST_ID_MAX + 1];
	char peer[64];
	char *body;
	size_t len, cap;
	bool too_large;
	int64_t start_us;
	const struct route *route;
	const char *metric_route;
	bool has_user;
	struct token_claims claims;
	bool limited;			/* rate-limit headers apply */
	struct ratelimit_result rl;
	uint64_t cache_epoch;		/* cache generation when started */
	struct front_req *next_wait;	/* in a wait list (bus sync) */
	/* the answer */
	int status;
	char resp_ctype[128];
	char *resp;
	size_t resp_len;
	char extra_name[FRONT_MAX_EXTRA][32];
	char extra_value[FRONT_MAX_EXTRA][128];
	int nextra;
};

/* Add a response header ("Retry-After", "5"), copied. */
void front_add_header(struct front_req *, const char *name, const char *value);
/* Answer with body (copied); ctype NULL means JSON. */
void front_respond(struct front_req *, int status, const char *ctype,
    const char *body, size_t len);
/* Answer {"error":code,"message":message}. */
void front_respond_error(struct front_req *, int status, const char *code,
    const char *message);
/* path?query as sent upstream (caller frees). */
char *front_target(const struct front_req *);

/* Write a whole error answer right now on a connection that is about to
 * be upgraded (ws.c's refusals); 0 or -1. */
int front_refuse_now(struct lws *, int status, const char *code,
    const char *message, const char *extra_name, const char *extra_value);

#endif
