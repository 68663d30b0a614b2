/* validate.c: the input rules of docs/API.md, as predicates and parsers. */
#include <stdint.h>
#include <string.h>

#include "validate.h"

/* An inclusive range of code points. */
struct cp_range {
	uint32_t lo, hi;
};

/* Unicode White_Space. */
static const struct cp_range space_ranges[] = {
	{ 0x0009, 0x000D }, { 0x0020, 0x0020 }, { 0x0085, 0x0085 },
	{ 0x00A0, 0x00A0 }, { 0x1680, 0x1680 }, { 0x2000, 0x200A },
	{ 0x2028, 0x2029 }, { 0x202F, 0x202F }, { 0x205F, 0x205F },
	{ 0x3000, 0x3000 },
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

static bool
in_ranges(uint32_t cp, const struct cp_range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

size_t
validate_utf8_next(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0];
	size_t n, i;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

bool
validate_utf8(const char *s, size_t len)
{
	return validate_utf8_count(s, len) >= 0;
}

long
validate_utf8_count(const char *s, size_t len)
{
	size_t off = 0, n;
	long count = 0;
	uint32_t cp;

	while (off < len) {
		if ((n = validate_utf8_next(s + off, len - off, &cp)) == 0)
			return -1;
		off += n;
		count++;
	}
	return count;
}

bool
validate_username(const char *s, size_t len)
{
	size_t i;

	if (s == NULL || len < USERNAME_MIN || len > USERNAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.'))
			return false;
	}
	return true;
}

bool
validate_password(const char *s, size_t len)
{
	return s != NULL && len >= PASSWORD_MIN && len <= PASSWORD_MAX;
}

enum content_error
validate_content(const char *s, size_t len)
{
	size_t off = 0, n;
	long count = 0;
	bool blank = true;
	uint32_t cp;

	if (s == NULL)
		return CONTENT_EMPTY;
	while (off < len) {
		if ((n = validate_utf8_next(s + off, len - off, &cp)) == 0 ||
		    cp == 0)
			return CONTENT_BAD_UTF8;
		if (blank && !in_ranges(cp, space_ranges, NITEMS(space_ranges)))
			blank = false;
		off += n;
		count++;
	}
	if (blank)
		return CONTENT_EMPTY;
	if (count > TWEET_MAX_CHARS)
		return CONTENT_TOO_LONG;
	return CONTENT_OK;
}

const char *
validate_content_message(enum content_error e)
{
	switch (e) {
	case CONTENT_OK:
		return "content is valid";
	case CONTENT_EMPTY:
		return "content must not be empty or only white space";
	case CONTENT_TOO_LONG:
		return "content is longer than 280 characters";
	case CONTENT_BAD_UTF8:
		return "content is not valid UTF-8 text";
	}
	return "content is not valid";
}

/* Profile text of at most max code points; line feeds when lf_ok. */
static enum profile_error
profile_text(const char *s, size_t len, long max, bool lf_ok)
{
	size_t off = 0, n;
	long count = 0;
	uint32_t cp;

	while (off < len) {
		if ((n = validate_utf8_next(s + off, len - off, &cp)) == 0)
			return PROFILE_BAD_UTF8;
		if ((cp < 0x20 && !(cp == '\n' && lf_ok)) ||
		    (cp >= 0x7F && cp <= 0x9F))
			return PROFILE_CONTROL;
		off += n;
		count++;
	}
	return count > max ? PROFILE_TOO_LONG : PROFILE_OK;
}

enum profile_error
validate_display_name(const char *s, size_t len)
{
	return profile_text(s, len, DISPLAY_NAME_MAX, false);
}

enum profile_error
validate_bio(const char *s, size_t len)
{
	return profile_text(s, len, BIO_MAX, true);
}

bool
validate_idempotency_key(const char *s)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= IDEMPOTENCY_KEY_MAX ||
		    (unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
			return false;
	}
	return i > 0;
}

bool
validate_header_value(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

bool
validate_request_id(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= REQUEST_ID_MAX || (unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

bool
validate_feed_cursor(const char *s, size_t len)
{
	size_t i;
	unsigned char c;

	if (s == NULL || len == 0 || len > FEED_CURSOR_MAX)
		return false;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool
validate_id(const char *s, int64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s == NULL || s[0] < '1' || s[0] > '9')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= 19 || s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	/* 19 digits stay below 2^64, so only INT64_MAX needs a check. */
	if (v > (uint64_t)INT64_MAX)
		return false;
	if (out != NULL)
		*out = (int64_t)v;
	return true;
}

bool
validate_limit(const char *s, int def, int min, int max, int *out)
{
	long long v = 0;
	size_t i;

	if (s == NULL) {
		*out = def;
		return true;
	}
	if (s[0] == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
		if (v > max)
			return false;
	}
	if (v < min)
		return false;
	*out = (int)v;
	return true;
}
