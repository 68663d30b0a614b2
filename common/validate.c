/* validate.c: the input rules of API.md, as predicates and parsers. */
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

/* Zero columns: combining marks, zero-width format characters. */
static const struct cp_range zero_ranges[] = {
	{ 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD },
	{ 0x05BF, 0x05BF }, { 0x05C1, 0x05C2 }, { 0x05C4, 0x05C5 },
	{ 0x05C7, 0x05C7 }, { 0x0610, 0x061A }, { 0x064B, 0x065F },
	{ 0x0670, 0x0670 }, { 0x06D6, 0x06DC }, { 0x06DF, 0x06E4 },
	{ 0x06E7, 0x06E8 }, { 0x06EA, 0x06ED }, { 0x0900, 0x0902 },
	{ 0x093A, 0x093A }, { 0x093C, 0x093C }, { 0x0941, 0x0948 },
	{ 0x094D, 0x094D }, { 0x0951, 0x0957 }, { 0x0962, 0x0963 },
	{ 0x0E31, 0x0E31 }, { 0x0E34, 0x0E3A }, { 0x0E47, 0x0E4E },
	{ 0x1160, 0x11FF }, { 0x1AB0, 0x1AFF }, { 0x1DC0, 0x1DFF },
	{ 0x200B, 0x200F }, { 0x202A, 0x202E }, { 0x2060, 0x2064 },
	{ 0x20D0, 0x20FF }, { 0x302A, 0x302D }, { 0x3099, 0x309A },
	{ 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F }, { 0xFEFF, 0xFEFF },
	{ 0xE0001, 0xE0001 }, { 0xE0020, 0xE007F }, { 0xE0100, 0xE01EF },
};

/* Two columns: East Asian Wide and Fullwidth, emoji presentation. */
static const struct cp_range wide_ranges[] = {
	{ 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x2329, 0x232A },
	{ 0x23E9, 0x23EC }, { 0x23F0, 0x23F0 }, { 0x23F3, 0x23F3 },
	{ 0x25FD, 0x25FE }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x267F, 0x267F }, { 0x2693, 0x2693 }, { 0x26A1, 0x26A1 },
	{ 0x26AA, 0x26AB }, { 0x26BD, 0x26BE }, { 0x26C4, 0x26C5 },
	{ 0x26CE, 0x26CE }, { 0x26D4, 0x26D4 }, { 0x26EA, 0x26EA },
	{ 0x26F2, 0x26F3 }, { 0x26F5, 0x26F5 }, { 0x26FA, 0x26FA },
	{ 0x26FD, 0x26FD }, { 0x2705, 0x2705 }, { 0x270A, 0x270B },
	{ 0x2728, 0x2728 }, { 0x274C, 0x274C }, { 0x274E, 0x274E },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27B0, 0x27B0 }, { 0x27BF, 0x27BF }, { 0x2B1B, 0x2B1C },
	{ 0x2B50, 0x2B50 }, { 0x2B55, 0x2B55 }, { 0x2E80, 0x303E },
	{ 0x3041, 0x33FF }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF },
	{ 0xA000, 0xA4CF }, { 0xA960, 0xA97F }, { 0xAC00, 0xD7A3 },
	{ 0xF900, 0xFAFF }, { 0xFE10, 0xFE19 }, { 0xFE30, 0xFE6F },
	{ 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x16FE0, 0x16FE4 },
	{ 0x17000, 0x18AFF }, { 0x1B000, 0x1B2FF }, { 0x1F004, 0x1F004 },
	{ 0x1F0CF, 0x1F0CF }, { 0x1F18E, 0x1F18E }, { 0x1F191, 0x1F19A },
	{ 0x1F200, 0x1F202 }, { 0x1F210, 0x1F23B }, { 0x1F240, 0x1F248 },
	{ 0x1F250, 0x1F251 }, { 0x1F260, 0x1F265 }, { 0x1F300, 0x1F320 },
	{ 0x1F32D, 0x1F335 }, { 0x1F337, 0x1F37C }, { 0x1F37E, 0x1F393 },
	{ 0x1F3A0, 0x1F3CA }, { 0x1F3CF, 0x1F3D3 }, { 0x1F3E0, 0x1F3F0 },
	{ 0x1F3F4, 0x1F3F4 }, { 0x1F3F8, 0x1F43E }, { 0x1F440, 0x1F440 },
	{ 0x1F442, 0x1F4FC }, { 0x1F4FF, 0x1F53D }, { 0x1F54B, 0x1F54E },
	{ 0x1F550, 0x1F567 }, { 0x1F57A, 0x1F57A }, { 0x1F595, 0x1F596 },
	{ 0x1F5A4, 0x1F5A4 }, { 0x1F5FB, 0x1F64F }, { 0x1F680, 0x1F6C5 },
	{ 0x1F6CC, 0x1F6CC }, { 0x1F6D0, 0x1F6D2 }, { 0x1F6D5, 0x1F6D7 },
	{ 0x1F6DC, 0x1F6DF }, { 0x1F6EB, 0x1F6EC }, { 0x1F6F4, 0x1F6FC },
	{ 0x1F7E0, 0x1F7EB }, { 0x1F7F0, 0x1F7F0 }, { 0x1F90C, 0x1F93A },
	{ 0x1F93C, 0x1F945 }, { 0x1F947, 0x1F9FF }, { 0x1FA70, 0x1FAFF },
	{ 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
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

/* Columns of one code point, as wcwidth() in a UTF-8 locale (controls 0). */
static int
cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 0;
	if (in_ranges(cp, zero_ranges, NITEMS(zero_ranges)))
		return 0;
	if (in_ranges(cp, wide_ranges, NITEMS(wide_ranges)))
		return 2;
	return 1;
}

/* Code points (or, when width, terminal columns) of s; -1 when s is
 * not UTF-8. */
static long
validate_utf8_measure(const char *s, size_t len, bool width)
{
	size_t off = 0, n;
	long sum = 0;
	uint32_t cp;

	while (off < len) {
		if ((n = validate_utf8_next(s + off, len - off, &cp)) == 0)
			return -1;
		off += n;
		sum += width ? cp_width(cp) : 1;
	}
	return sum;
}

long
validate_utf8_count(const char *s, size_t len)
{
	return validate_utf8_measure(s, len, false);
}

long
validate_utf8_width(const char *s, size_t len)
{
	return validate_utf8_measure(s, len, true);
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
