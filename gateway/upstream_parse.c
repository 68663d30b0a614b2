/*
 * upstream_parse.c: one HTTP/1.1 response, fed in pieces (upstream_parse.h),
 * on http-parser. It keeps the status, Content-Type and Retry-After and
 * the body; the parser is paused at the end of the answer so that the
 * caller learns how many bytes belonged to it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <http_parser.h>

#include "upstream_parse.h"
#include "xmalloc.h"

_Static_assert(sizeof(http_parser) <= sizeof(((struct upstream_parse *)0)->hp),
    "the storage for http_parser is too small");

/* The parser in p's storage. */
#define HP(p) ((http_parser *)(void *)&(p)->hp)

static struct upstream_parse *
parse_of(http_parser *hp)
{
	return hp->data;
}

/* Append n bytes to dst (bounded, NUL-terminated). */
static void
append(char *dst, size_t size, const char *v, size_t n)
{
	size_t have = strlen(dst);

	if (have + n >= size)
		n = size - 1 - have;
	memcpy(dst + have, v, n);
	dst[have + n] = '\0';
}

static int
on_header_field(http_parser *hp, const char *at, size_t n)
{
	struct upstream_parse *p = parse_of(hp);

	if (p->in_value) {
		p->flen = 0;
		p->in_value = false;
	}
	if ((p->hlen += n) > UPSTREAM_PARSE_HEAD_MAX)
		return -1;
	if (p->flen + n < sizeof(p->field)) {
		memcpy(p->field + p->flen, at, n);
		p->flen += n;
	} else
		p->flen = sizeof(p->field);	/* too long to be one we keep */
	return 0;
}

static int
on_header_value(http_parser *hp, const char *at, size_t n)
{
	struct upstream_parse *p = parse_of(hp);
	char name[sizeof(p->field)];

	if ((p->hlen += n) > UPSTREAM_PARSE_HEAD_MAX)
		return -1;
	p->in_value = true;
	if (p->flen >= sizeof(p->field))
		return 0;
	memcpy(name, p->field, p->flen);
	name[p->flen] = '\0';
	if (strcasecmp(name, "content-type") == 0)
		append(p->content_type, sizeof(p->content_type), at, n);
	else if (strcasecmp(name, "retry-after") == 0)
		append(p->retry_after, sizeof(p->retry_after), at, n);
	return 0;
}

static int
on_headers_complete(http_parser *hp)
{
	struct upstream_parse *p = parse_of(hp);

	p->status = (int)hp->status_code;
	p->close = !http_should_keep_alive(hp);
	return 0;
}

static int
on_body(http_parser *hp, const char *at, size_t n)
{
	struct upstream_parse *p = parse_of(hp);

	if (n > UPSTREAM_PARSE_BODY_MAX - p->blen) {
		p->too_big = true;
		return -1;
	}
	if (p->blen + n + 1 > p->bcap) {
		p->bcap = (p->blen + n + 1) * 2;
		p->body = xrealloc(p->body, p->bcap);
	}
	memcpy(p->body + p->blen, at, n);
	p->blen += n;
	p->body[p->blen] = '\0';
	return 0;
}

static int
on_message_complete(http_parser *hp)
{
	struct upstream_parse *p = parse_of(hp);

	/* An interim answer (100 Continue...) is not the answer: forget it. */
	if (hp->status_code < 200) {
		p->status = 0;
		p->content_type[0] = p->retry_after[0] = '\0';
		p->blen = 0;
		return 0;
	}
	p->close = p->close || !http_should_keep_alive(hp);
	p->done = true;
	http_parser_pause(hp, 1);	/* the rest is not this answer's */
	return 0;
}

static const http_parser_settings settings = {
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

void
upstream_parse_init(struct upstream_parse *p)
{
	memset(p, 0, sizeof(*p));
	http_parser_init(HP(p), HTTP_RESPONSE);
	HP(p)->data = p;
}

void
upstream_parse_release(struct upstream_parse *p)
{
	free(p->body);
	upstream_parse_init(p);
}

enum upstream_parse_result
upstream_parse_feed(struct upstream_parse *p, const char *in, size_t len,
    size_t *used)
{
	size_t n;

	*used = 0;
	if (p->done)
		return UPSTREAM_PARSE_DONE;
	if (len == 0)
		return UPSTREAM_PARSE_MORE;
	p->any = true;
	n = http_parser_execute(HP(p), &settings, in, len);
	*used = n;
	if (p->done)
		return UPSTREAM_PARSE_DONE;
	if (HTTP_PARSER_ERRNO(HP(p)) != HPE_OK || n != len)
		return UPSTREAM_PARSE_ERROR;
	return UPSTREAM_PARSE_MORE;
}

bool
upstream_parse_eof(struct upstream_parse *p)
{
	if (p->done)
		return true;
	if (!p->any || HTTP_PARSER_ERRNO(HP(p)) != HPE_OK)
		return false;
	/* A length of zero tells the parser the connection ended. */
	(void)http_parser_execute(HP(p), &settings, NULL, 0);
	return p->done;
}
