/* wrap.c: UTF-8 text cut to terminal columns (see wrap.h). */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text.h"
#include "wrap.h"
#include "xmalloc.h"

/* One character of text: its bytes (cleaned) and its columns. */
struct wrap_char {
	char bytes[MB_LEN_MAX];
	size_t len;
	int width;
	bool newline;
	bool space;
};

/*
 * Decode the next character at *s, made safe by text_next (common/text.h:
 * controls, bidi controls and bad UTF-8 become U+FFFD, tabs a space);
 * false at the end of the text.
 */
static bool
wrap_next(const char **s, struct wrap_char *c)
{
	struct text_char tc;
	int w;

	if (**s == '\0')
		return false;
	memset(c, 0, sizeof *c);
	*s += text_next(*s, strlen(*s), &tc);
	if (tc.kind == TEXT_NEWLINE) {
		c->newline = true;
		return true;
	}
	if (tc.kind == TEXT_SPACE) {
		c->bytes[0] = ' ';
		c->len = 1;
		c->width = 1;
		c->space = true;
		return true;
	}
	w = tc.kind == TEXT_REPLACED ? 1 : wcwidth((wchar_t)tc.cp);
	if (w < 0) {
		/* printable to us but not to this locale: mark it */
		memcpy(c->bytes, TEXT_REPLACEMENT, sizeof(TEXT_REPLACEMENT));
		c->len = sizeof(TEXT_REPLACEMENT) - 1;
		c->width = 1;
		return true;
	}
	memcpy(c->bytes, tc.bytes, tc.len);
	c->len = tc.len;
	c->width = w;
	return true;
}

/* A growing line under construction. */
struct wrap_buf {
	char *p;
	size_t len;
	size_t cap;
};

static void
wrap_buf_add(struct wrap_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
wrap_push(struct wrap_lines *out, const char *s, size_t n)
{
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 8;
		out->line = xrealloc(out->line, out->cap * sizeof *out->line);
	}
	out->line[out->n++] = xstrndup(s, n);
}

void
wrap_text(const char *text, int width, struct wrap_lines *out)
{
	struct wrap_buf b = {NULL, 0, 0};
	struct wrap_char c;
	const char *s = text != NULL ? text : "";
	size_t brk = 0;		/* bytes of the line up to its last space */
	int cols = 0, brk_cols = 0;

	memset(out, 0, sizeof *out);
	if (width < 2)
		width = 2;
	wrap_buf_add(&b, "", 0);
	while (wrap_next(&s, &c)) {
		if (c.newline) {
			wrap_push(out, b.p, b.len);
			b.len = 0;
			cols = brk_cols = 0;
			brk = 0;
			continue;
		}
		if (cols + c.width > width) {
			if (c.space) {
				/* a space at the edge ends the line */
				wrap_push(out, b.p, b.len);
				b.len = 0;
				cols = brk_cols = 0;
				brk = 0;
				continue;
			}
			if (brk > 0) {
				/* carry the last word to the next line */
				wrap_push(out, b.p, brk);
				memmove(b.p, b.p + brk, b.len - brk);
				b.len -= brk;
				cols -= brk_cols;
				if (cols + c.width > width) {
					wrap_push(out, b.p, b.len);
					b.len = 0;
					cols = 0;
				}
			} else {
				wrap_push(out, b.p, b.len);
				b.len = 0;
				cols = 0;
			}
			brk = 0;
			brk_cols = 0;
		}
		wrap_buf_add(&b, c.bytes, c.len);
		cols += c.width;
		if (c.space) {
			brk = b.len;
			brk_cols = cols;
		}
	}
	if (b.len > 0 || out->n == 0)
		wrap_push(out, b.p, b.len);
	free(b.p);
}

void
wrap_release(struct wrap_lines *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->line[i]);
	free(w->line);
	memset(w, 0, sizeof *w);
}

char *
wrap_fit(const char *text, int width)
{
	struct wrap_buf b = {NULL, 0, 0};
	struct wrap_char c;
	const char *s = text != NULL ? text : "";
	int cols = 0;

	wrap_buf_add(&b, "", 0);
	while (wrap_next(&s, &c)) {
		if (c.newline) {
			c.bytes[0] = ' ';
			c.len = 1;
			c.width = 1;
		}
		if (cols + c.width > width)
			break;
		wrap_buf_add(&b, c.bytes, c.len);
		cols += c.width;
	}
	return b.p;
}

int
wrap_width(const char *text)
{
	struct wrap_char c;
	const char *s = text != NULL ? text : "";
	int cols = 0;

	while (wrap_next(&s, &c))
		cols += c.newline ? 1 : c.width;
	return cols;
}
