/* text.c: server-controlled text made safe for a terminal (see text.h). */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "log.h"
#include "text.h"
#include "validate.h"
#include "xmalloc.h"

bool
text_is_unsafe(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return true;
	return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static void
text_set(struct text_char *c, const char *bytes, uint32_t cp,
    enum text_kind kind)
{
	c->len = strlen(bytes);
	memcpy(c->bytes, bytes, c->len + 1);
	c->cp = cp;
	c->kind = kind;
}

size_t
text_next(const char *s, size_t len, struct text_char *c)
{
	uint32_t cp;
	size_t n;

	if ((n = validate_utf8_next(s, len, &cp)) == 0) {
		/* One bad byte at a time: resynchronise on the next. */
		text_set(c, TEXT_REPLACEMENT, TEXT_REPLACEMENT_CP,
		    TEXT_REPLACED);
		return 1;
	}
	if (cp == '\n')
		text_set(c, "\n", cp, TEXT_NEWLINE);
	else if (cp == '\t' || cp == 0x2028 || cp == 0x2029)
		text_set(c, " ", ' ', TEXT_SPACE);
	else if (text_is_unsafe(cp))
		text_set(c, TEXT_REPLACEMENT, TEXT_REPLACEMENT_CP,
		    TEXT_REPLACED);
	else {
		memcpy(c->bytes, s, n);
		c->bytes[n] = '\0';
		c->len = n;
		c->cp = cp;
		c->kind = cp == ' ' ? TEXT_SPACE : TEXT_PRINTABLE;
	}
	return n;
}

size_t
text_next_cell(const char *s, size_t len, struct text_char *c)
{
	size_t n = text_next(s, len, c);
	int w;

	switch (c->kind) {
	case TEXT_NEWLINE:
		c->width = 0;
		break;
	case TEXT_SPACE:
	case TEXT_REPLACED:
		c->width = 1;
		break;
	default:
		if ((w = wcwidth((wchar_t)c->cp)) < 0) {
			/* printable to us but not to this locale: mark it */
			text_set(c, TEXT_REPLACEMENT, TEXT_REPLACEMENT_CP,
			    TEXT_REPLACED);
			w = 1;
		}
		c->width = w;
		break;
	}
	return n;
}

/* A growing line of text and its columns. */
struct text_buf {
	char *s;
	size_t len, cap;
	int width;
};

static void
text_buf_add(struct text_buf *b, const char *s, size_t n, int width)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	b->width += width;
}

static void
text_buf_clear(struct text_buf *b)
{
	b->len = 0;
	b->width = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

int
text_width(const char *s)
{
	struct text_char c;
	size_t len, off = 0;
	int cols = 0;

	if (s == NULL)
		return 0;
	len = strlen(s);
	while (off < len) {
		off += text_next_cell(s + off, len - off, &c);
		cols += c.kind == TEXT_NEWLINE ? 1 : c.width;
	}
	return cols;
}

char *
text_fit(const char *s, int width)
{
	struct text_buf b = { NULL, 0, 0, 0 };
	struct text_char c;
	size_t len, off = 0;

	text_buf_add(&b, "", 0, 0);
	if (s == NULL)
		return b.s;
	len = strlen(s);
	while (off < len) {
		off += text_next_cell(s + off, len - off, &c);
		if (c.kind == TEXT_NEWLINE) {
			text_set(&c, " ", ' ', TEXT_SPACE);
			c.width = 1;
		}
		if (b.width + c.width > width)
			break;
		text_buf_add(&b, c.bytes, c.len, c.width);
	}
	return b.s;
}

/* Wrapping in progress: the line so far, the word being read. */
struct text_wrapper {
	struct text_lines *out;
	int width;
	struct text_buf line, word;
	int spaces;		/* spaces pending before the next word */
	bool para_start;	/* nothing on a line of this paragraph yet */
};

static void
text_wrap_emit(struct text_wrapper *w)
{
	struct text_lines *out = w->out;

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 8;
		out->line = xrealloc(out->line, out->cap * sizeof(*out->line));
	}
	out->line[out->n++] = xstrndup(w->line.s != NULL ? w->line.s : "",
	    w->line.len);
	text_buf_clear(&w->line);
	w->para_start = false;
}

static void
text_wrap_spaces(struct text_wrapper *w, int n)
{
	int i;

	for (i = 0; i < n && w->line.width < w->width; i++)
		text_buf_add(&w->line, " ", 1, 1);
}

/* Put the pending word on the line, breaking before it when needed. */
static void
text_wrap_word(struct text_wrapper *w)
{
	struct text_char c;
	size_t off;

	if (w->word.len == 0)
		return;
	if (w->line.width > 0 &&
	    w->line.width + w->spaces + w->word.width > w->width) {
		text_wrap_emit(w);
		w->spaces = 0;
	}
	if (w->line.width == 0 && !w->para_start)
		w->spaces = 0;
	if (w->line.width + w->spaces + w->word.width <= w->width) {
		text_wrap_spaces(w, w->spaces);
		text_buf_add(&w->line, w->word.s, w->word.len, w->word.width);
	} else {
		/* longer than a line: cut it where the columns run out */
		text_wrap_spaces(w, w->spaces);
		for (off = 0; off < w->word.len;) {
			off += text_next_cell(w->word.s + off,
			    w->word.len - off, &c);
			if (w->line.width + c.width > w->width &&
			    w->line.width > 0)
				text_wrap_emit(w);
			text_buf_add(&w->line, c.bytes, c.len, c.width);
		}
	}
	w->para_start = false;
	w->spaces = 0;
	text_buf_clear(&w->word);
}

void
text_wrap(const char *s, int width, struct text_lines *out)
{
	struct text_wrapper w;
	struct text_char c;
	size_t len, off = 0;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		s = "";
	len = strlen(s);
	/* newlines at the end are not lines of the text */
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	memset(&w, 0, sizeof(w));
	w.out = out;
	w.width = width < 2 ? 2 : width;
	w.para_start = true;
	while (off < len) {
		off += text_next_cell(s + off, len - off, &c);
		if (c.kind == TEXT_NEWLINE) {
			text_wrap_word(&w);
			text_wrap_emit(&w);
			w.spaces = 0;
			w.para_start = true;
		} else if (c.kind == TEXT_SPACE) {
			text_wrap_word(&w);
			/* more than a line of them breaks the same way */
			if (w.spaces < w.width)
				w.spaces++;
		} else
			text_buf_add(&w.word, c.bytes, c.len, c.width);
	}
	text_wrap_word(&w);
	if (w.line.len > 0 || w.para_start)
		text_wrap_emit(&w);
	free(w.line.s);
	free(w.word.s);
}

void
text_lines_release(struct text_lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->line[i]);
	free(l->line);
	memset(l, 0, sizeof(*l));
}

/* The bytes to write for c under flags. */
static const char *
text_out(const struct text_char *c, unsigned flags, size_t *n)
{
	if (c->kind == TEXT_NEWLINE && !(flags & TEXT_KEEP_NEWLINE)) {
		*n = 1;
		return " ";
	}
	*n = c->len;
	return c->bytes;
}

char *
text_sanitize(const char *s, unsigned flags)
{
	struct text_char c;
	size_t len, off = 0, used = 0, n;
	const char *b;
	char *out;

	if (s == NULL)
		s = "";
	len = strlen(s);
	/* A bad byte or a C0 control grows to 3 bytes, nothing more. */
	if (len > (SIZE_MAX - 1) / 3)
		fatalx("text of %zu bytes is too long to show", len);
	out = xmalloc(len * 3 + 1);
	while (off < len) {
		off += text_next(s + off, len - off, &c);
		b = text_out(&c, flags, &n);
		memcpy(out + used, b, n);
		used += n;
	}
	out[used] = '\0';
	return out;
}

void
text_sanitize_buf(char *out, size_t size, const char *s, unsigned flags)
{
	struct text_char c;
	size_t len, off = 0, used = 0, n;
	const char *b;

	if (s == NULL)
		s = "";
	len = strlen(s);
	while (off < len) {
		off += text_next(s + off, len - off, &c);
		b = text_out(&c, flags, &n);
		if (used + n >= size)
			break;
		memcpy(out + used, b, n);
		used += n;
	}
	out[used] = '\0';
}

void
text_fputs(const char *s, FILE *fp, unsigned flags)
{
	char *t;

	if (s == NULL)
		return;
	t = text_sanitize(s, flags);
	fputs(t, fp);
	free(t);
}
