/* text.c: server-controlled text made safe for a terminal (see text.h). */
#include <stdlib.h>
#include <string.h>

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
