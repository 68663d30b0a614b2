/*
 * upstream_parse.c: one HTTP/1.1 response, fed in pieces (upstream_parse.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "upstream_parse.h"
#include "xmalloc.h"

enum {
	P_HEAD,
	P_BODY,			/* Content-Length bytes */
	P_UNTIL_CLOSE,
	P_CHUNK_SIZE,
	P_CHUNK_DATA,
	P_CHUNK_END,		/* the CRLF after a chunk's data */
	P_TRAILER,
	P_DONE,
	P_ERROR,
};

void
upstream_parse_init(struct upstream_parse *p)
{
	memset(p, 0, sizeof(*p));
	p->state = P_HEAD;
}

void
upstream_parse_release(struct upstream_parse *p)
{
	free(p->body);
	upstream_parse_init(p);
}

static bool
body_add(struct upstream_parse *p, const char *in, size_t len)
{
	if (len > UPSTREAM_PARSE_BODY_MAX - p->blen)
		return false;
	if (p->blen + len + 1 > p->bcap) {
		p->bcap = (p->blen + len + 1) * 2;
		p->body = xrealloc(p->body, p->bcap);
	}
	memcpy(p->body + p->blen, in, len);
	p->blen += len;
	p->body[p->blen] = '\0';
	return true;
}

static void
copy_value(char *dst, size_t size, const char *v, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static bool
has_token(const char *v, size_t n, const char *token)
{
	size_t t = strlen(token), i;

	for (i = 0; i + t <= n; i++)
		if (strncasecmp(v + i, token, t) == 0)
			return true;
	return false;
}

/* The head is whole (it ends with an empty line): read it and choose how
 * the body is framed. */
static int
parse_head(struct upstream_parse *p)
{
	char *s = p->head, *end = p->head + p->hlen, *eol, *colon, *v;
	bool chunked = false, have_len = false;
	uint64_t clen = 0;
	size_t n;

	if (p->hlen < 12 || strncmp(s, "HTTP/1.", 7) != 0 || s[8] != ' ')
		return P_ERROR;
	if (s[7] == '0')
		p->close = true;
	if (s[9] < '1' || s[9] > '5' || s[10] < '0' || s[10] > '9' ||
	    s[11] < '0' || s[11] > '9')
		return P_ERROR;
	p->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	s = (char *)memchr(s, '\n', (size_t)(end - s)) + 1;
	while (s < end && (eol = memchr(s, '\n', (size_t)(end - s))) != NULL) {
		n = (size_t)(eol - s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		colon = memchr(s, ':', n);
		if (colon == NULL)
			return P_ERROR;
		v = colon + 1;
		while (v < s + n && (*v == ' ' || *v == '\t'))
			v++;
		n = (size_t)(s + n - v);
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
#define IS(name) ((size_t)(colon - s) == sizeof(name) - 1 && \
	strncasecmp(s, name, sizeof(name) - 1) == 0)
		if (IS("Content-Type")) {
			copy_value(p->content_type, sizeof(p->content_type),
			    v, n);
		} else if (IS("Retry-After")) {
			copy_value(p->retry_after, sizeof(p->retry_after),
			    v, n);
		} else if (IS("Connection")) {
			if (has_token(v, n, "close"))
				p->close = true;
		} else if (IS("Transfer-Encoding")) {
			if (has_token(v, n, "chunked"))
				chunked = true;
		} else if (IS("Content-Length")) {
			char num[24], *e;

			if (n == 0 || n >= sizeof(num))
				return P_ERROR;
			memcpy(num, v, n);
			num[n] = '\0';
			clen = strtoull(num, &e, 10);
			if (*e != '\0' || num[0] == '-' ||
			    (have_len && clen != p->left))
				return P_ERROR;
			have_len = true;
			p->left = clen;
		}
#undef IS
		s = eol + 1;
	}
	if (p->status < 200) {		/* 1xx: the real answer follows */
		p->hlen = 0;
		p->status = 0;
		return P_HEAD;
	}
	if (p->status == 204 || p->status == 304)
		return P_DONE;
	if (chunked)
		return P_CHUNK_SIZE;
	if (have_len) {
		if (clen > UPSTREAM_PARSE_BODY_MAX)
			return P_ERROR;
		return clen == 0 ? P_DONE : P_BODY;
	}
	p->close = true;
	return P_UNTIL_CLOSE;
}

/* A whole line in p->line (without CRLF): the size of the next chunk. */
static int
parse_chunk_size(struct upstream_parse *p)
{
	char *e;
	unsigned long long v;

	p->line[p->llen] = '\0';
	if (p->llen == 0)
		return P_ERROR;
	v = strtoull(p->line, &e, 16);
	if (e == p->line || (*e != '\0' && *e != ';' && *e != ' ') ||
	    v > UPSTREAM_PARSE_BODY_MAX)
		return P_ERROR;
	p->left = v;
	return v == 0 ? P_TRAILER : P_CHUNK_DATA;
}

/* Take one line's byte into p->line; true at its end (CR dropped). */
static bool
line_byte(struct upstream_parse *p, char c, bool *overflow)
{
	if (c == '\n') {
		if (p->llen > 0 && p->line[p->llen - 1] == '\r')
			p->llen--;
		return true;
	}
	if (p->llen + 1 >= sizeof(p->line))
		*overflow = true;
	else
		p->line[p->llen++] = c;
	return false;
}

enum upstream_parse_result
upstream_parse_feed(struct upstream_parse *p, const char *in, size_t len,
    size_t *used)
{
	size_t i = 0, n;
	bool overflow = false;

	if (len > 0)
		p->any = true;
	while (i < len && p->state != P_DONE && p->state != P_ERROR) {
		switch (p->state) {
		case P_HEAD:
			if (p->hlen + 1 >= sizeof(p->head)) {
				p->state = P_ERROR;
				break;
			}
			p->head[p->hlen++] = in[i++];
			if ((p->hlen >= 4 &&
			    memcmp(p->head + p->hlen - 4, "\r\n\r\n", 4) == 0) ||
			    (p->hlen >= 2 &&
			    memcmp(p->head + p->hlen - 2, "\n\n", 2) == 0))
				p->state = parse_head(p);
			break;
		case P_BODY:
		case P_CHUNK_DATA:
			n = len - i;
			if (n > p->left)
				n = (size_t)p->left;
			if (!body_add(p, in + i, n)) {
				p->state = P_ERROR;
				break;
			}
			i += n;
			p->left -= n;
			if (p->left == 0)
				p->state = p->state == P_BODY ? P_DONE :
				    P_CHUNK_END;
			break;
		case P_UNTIL_CLOSE:
			if (!body_add(p, in + i, len - i)) {
				p->state = P_ERROR;
				break;
			}
			i = len;
			break;
		case P_CHUNK_END:
			if (in[i] == '\r') {
				i++;
			} else if (in[i] == '\n') {
				i++;
				p->llen = 0;
				p->state = P_CHUNK_SIZE;
			} else {
				p->state = P_ERROR;
			}
			break;
		case P_CHUNK_SIZE:
			if (line_byte(p, in[i++], &overflow)) {
				p->state = parse_chunk_size(p);
				p->llen = 0;
			} else if (overflow) {
				p->state = P_ERROR;
			}
			break;
		case P_TRAILER:
			/* trailer lines are read and dropped */
			overflow = false;
			if (line_byte(p, in[i++], &overflow)) {
				if (p->llen == 0)
					p->state = P_DONE;
				p->llen = 0;
			} else if (overflow) {
				p->llen = 0;
			}
			break;
		default:
			break;
		}
	}
	*used = i;
	if (p->state == P_ERROR)
		return UPSTREAM_PARSE_ERROR;
	return p->state == P_DONE ? UPSTREAM_PARSE_DONE : UPSTREAM_PARSE_MORE;
}

bool
upstream_parse_eof(struct upstream_parse *p)
{
	if (p->state == P_UNTIL_CLOSE) {
		p->state = P_DONE;
		return true;
	}
	return p->state == P_DONE;
}
