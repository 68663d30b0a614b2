/*
 * upstream_parse.h: an incremental parser of one HTTP/1.1 response as it
 * arrives on a kept-alive upstream connection: status, the few headers the
 * gateway passes on, and the body framed by Content-Length, chunked
 * transfer coding, or the end of the connection.
 */
#ifndef CHIRP_GATEWAY_UPSTREAM_PARSE_H
#define CHIRP_GATEWAY_UPSTREAM_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UPSTREAM_PARSE_HEAD_MAX 8192
#define UPSTREAM_PARSE_BODY_MAX (8 * 1024 * 1024)

struct upstream_parse {
	int state;
	bool any;		/* a byte of the answer came */
	bool close;		/* the connection cannot carry another request */
	int status;
	char content_type[128];	/* "" when none */
	char retry_after[32];	/* "" when none */
	char *body;		/* NUL-terminated when blen > 0; owned */
	size_t blen, bcap;
	uint64_t left;		/* body or chunk bytes still to come */
	char head[UPSTREAM_PARSE_HEAD_MAX];
	size_t hlen;
	char line[64];		/* a chunk-size or trailer line */
	size_t llen;
};

enum upstream_parse_result {
	UPSTREAM_PARSE_MORE,	/* every byte taken, the answer goes on */
	UPSTREAM_PARSE_DONE,	/* whole; *used bytes were taken */
	UPSTREAM_PARSE_ERROR,	/* not an HTTP answer we can read */
};

void upstream_parse_init(struct upstream_parse *);
/* Free the body and start over. */
void upstream_parse_release(struct upstream_parse *);
/* Take bytes of the answer; *used says how many were part of it. */
enum upstream_parse_result upstream_parse_feed(struct upstream_parse *,
    const char *in, size_t len, size_t *used);
/* The connection ended: true when that completes the answer (a body
 * without length, read until the close). */
bool upstream_parse_eof(struct upstream_parse *);

#endif
