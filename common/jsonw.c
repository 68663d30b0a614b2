/* jsonw.c: a JSON writer into one growing buffer (jsonw.h). */
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "validate.h"
#include "xmalloc.h"

void
jsonw_init(struct jsonw *w)
{
	w->buf = NULL;
	w->len = 0;
	w->cap = 0;
}

void
jsonw_release(struct jsonw *w)
{
	free(w->buf);
	jsonw_init(w);
}

/* Room for n more bytes and the NUL. */
static void
jsonw_reserve(struct jsonw *w, size_t n)
{
	size_t cap;

	if (w->len + n + 1 <= w->cap)
		return;
	cap = w->cap ? w->cap : 256;
	while (cap < w->len + n + 1)
		cap *= 2;
	w->buf = xrealloc(w->buf, cap);
	w->cap = cap;
}

void
jsonw_raw(struct jsonw *w, const char *s, size_t len)
{
	jsonw_reserve(w, len);
	memcpy(w->buf + w->len, s, len);
	w->len += len;
	w->buf[w->len] = '\0';
}

/*
 * Do any of the 8 bytes of x need more than a copy: below 0x20, '"',
 * '\\' or 0x80 and up? (The zero-byte test of "Bit Twiddling Hacks",
 * byte-wise; a false alarm only costs the slow path.)
 */
static inline bool
jsonw_special8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');

	return (((x - ones * 0x20) | (q - ones) | (b - ones) | x) & high) != 0;
}

static const char jsonw_hex[] = "0123456789ABCDEF";

/*
 * Byte c (below 0x80) as JSON writes it inside a string: itself, or its
 * escape ('"', '\\' and control characters, as jansson escapes them).
 * Writes at most 6 bytes at o; returns how many.
 */
static size_t
jsonw_ascii(char *o, unsigned char c)
{
	if (c >= 0x20 && c != '"' && c != '\\') {
		o[0] = (char)c;
		return 1;
	}
	o[0] = '\\';
	switch (c) {
	case '"':
	case '\\':
		o[1] = (char)c;
		return 2;
	case '\b':
		o[1] = 'b';
		return 2;
	case '\f':
		o[1] = 'f';
		return 2;
	case '\n':
		o[1] = 'n';
		return 2;
	case '\r':
		o[1] = 'r';
		return 2;
	case '\t':
		o[1] = 't';
		return 2;
	default:
		memcpy(o + 1, "u00", 3);
		o[4] = jsonw_hex[c >> 4];
		o[5] = jsonw_hex[c & 0xF];
		return 6;
	}
}

bool
jsonw_string(struct jsonw *w, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = w->len, i = 0, n;
	uint32_t cp;
	char *o;

	/* At most 6 bytes out for a byte in ("\u001F"), and the quotes. */
	jsonw_reserve(w, len * 6 + 2);
	o = w->buf + w->len;
	*o++ = '"';
	while (i < len) {
		unsigned char c;
		uint64_t x;

		/* Runs of plain ASCII, 8 bytes at a time. */
		if (i + 8 <= len) {
			memcpy(&x, p + i, 8);
			if (!jsonw_special8(x)) {
				memcpy(o, &x, 8);
				o += 8;
				i += 8;
				continue;
			}
		}
		c = p[i];
		if (c >= 0x80) {
			if ((n = validate_utf8_next(s + i, len - i, &cp)) == 0)
				goto bad;
			memcpy(o, s + i, n);
			o += n;
			i += n;
			continue;
		}
		i++;
		o += jsonw_ascii(o, c);
	}
	*o++ = '"';
	*o = '\0';
	w->len = (size_t)(o - w->buf);
	return true;
bad:
	w->len = start;
	w->buf[start] = '\0';
	return false;
}

size_t
jsonw_escape(char *out, size_t cap, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	char one[6];
	size_t o = 0, i = 0, n, k;
	uint32_t cp;

	if (cap == 0)
		return 0;
	while (i < len) {
		if (p[i] < 0x80) {
			k = jsonw_ascii(one, p[i]);
			n = 1;
		} else if ((n = validate_utf8_next(s + i, len - i, &cp)) > 0) {
			k = n;
			memcpy(one, s + i, n);
		} else {
			/* not UTF-8: the text \xNN, its backslash escaped */
			memcpy(one, "\\\\x", 3);
			one[3] = "0123456789abcdef"[p[i] >> 4];
			one[4] = "0123456789abcdef"[p[i] & 0xF];
			k = 5;
			n = 1;
		}
		if (o + k + 1 > cap)
			break;
		memcpy(out + o, one, k);
		o += k;
		i += n;
	}
	out[o] = '\0';
	return o;
}

void
jsonw_id(struct jsonw *w, int64_t id)
{
	char tmp[24], *e = tmp + sizeof(tmp), *d = e;
	uint64_t v = id < 0 ? (uint64_t)0 - (uint64_t)id : (uint64_t)id;

	do {
		*--d = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (id < 0)
		*--d = '-';
	*--d = '"';
	jsonw_raw(w, d, (size_t)(e - d));
	jsonw_lit(w, "\"");
}

char *
jsonw_take(struct jsonw *w, size_t *len)
{
	char *s;

	if (w->buf == NULL) {
		jsonw_reserve(w, 0);
		w->buf[0] = '\0';
	}
	s = w->buf;
	if (len != NULL)
		*len = w->len;
	jsonw_init(w);
	return s;
}
