/*
 * upstream_parse.h: an incremental parser of one HTTP/1.1 response as it
 * arrives on a kept-alive upstream connection: status, the few headers the
 * gateway passes on, and the body framed by Content-Length, chunked
 * transfer coding, or the end of the connection. The framing is Node's
 * http-parser (Debian's libhttp-parser); this file keeps what the gateway
 * needs of it.
 */
#ifndef CHIRP_GATEWAY_UPSTREAM_PARSE_H
#define CHIRP_GATEWAY_UPSTREAM_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UPSTREAM_PARSE_HEAD_MAX 8192
#define UPSTREAM_PARSE_BODY_MAX (8 * 1024 * 1024)

struct upstream_parse {
	/*
	 * Node's http-parser does the framing. Its state lives here as
	 * opaque storage: http_parser.h cannot be included beside
	 * libwebsockets.h (both define enum http_status).
	 */
	union {
		uint64_t align;
		unsigned char bytes[64];
	} hp;
	bool any;		/* a byte of the answer came */
	bool close;		/* the connection cannot carry another request */
	bool done;		/* the whole answer is in */
	bool too_big;
	int status;
	char content_type[128];	/* "" when none */
	char retry_after[32];	/* "" when none */
	char *body;		/* NUL-terminated when blen > 0; owned */
	size_t blen, bcap;
	size_t hlen;		/* bytes of headers so far, bounded */
	char field[32];		/* the header whose value is coming */
	size_t flen;
	bool in_value;		/* the last callback was a header value */
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
