/* validate.h: the input rules of docs/API.md, as predicates and parsers. */
#ifndef CHIRP_VALIDATE_H
#define CHIRP_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USERNAME_MIN 3
#define USERNAME_MAX 32
#define PASSWORD_MIN 8
#define PASSWORD_MAX 256
#define TWEET_MAX_CHARS 280
#define IDEMPOTENCY_KEY_MAX 64
#define REQUEST_ID_MAX 128
/* The bytes of a request body at most, at the gateway and at every
 * service (docs/API.md: 413 payload_too_large past it). */
#define REQUEST_BODY_MAX (64 * 1024)

/*
 * Decode one code point from s (len > 0 bytes left): its length in bytes,
 * or 0 when the sequence is not well formed (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF, no truncation).
 */
size_t validate_utf8_next(const char *s, size_t len, uint32_t *cp);
/* Well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF). */
bool validate_utf8(const char *, size_t);
/* Code points in well-formed UTF-8; -1 when not well formed. */
long validate_utf8_count(const char *, size_t);

/* 3 to 32 of A-Z a-z 0-9 _ . */
bool validate_username(const char *, size_t);
/* 8 to 256 bytes. */
bool validate_password(const char *, size_t);

enum content_error {
	CONTENT_OK,
	CONTENT_EMPTY,		/* zero length or only white space */
	CONTENT_TOO_LONG,	/* over 280 code points */
	CONTENT_BAD_UTF8,	/* not well-formed UTF-8, or a NUL byte */
};
/* The tweet text rules; message for a person in validate_content_message. */
enum content_error validate_content(const char *, size_t);
const char *validate_content_message(enum content_error);

/*
 * Profile text (PATCH /users/{userId}): displayName 0 to DISPLAY_NAME_MAX
 * code points, bio 0 to BIO_MAX, well-formed UTF-8 with no control
 * character (C0, DEL, C1), except that a bio may hold line feeds.
 */
#define DISPLAY_NAME_MAX 50
#define BIO_MAX 160
enum profile_error {
	PROFILE_OK,
	PROFILE_TOO_LONG,	/* more code points than the field allows */
	PROFILE_BAD_UTF8,	/* not well-formed UTF-8 */
	PROFILE_CONTROL,	/* a control character (a line feed in a name) */
};
enum profile_error validate_display_name(const char *, size_t);
enum profile_error validate_bio(const char *, size_t);

/* 1 to 64 printable ASCII characters. */
bool validate_idempotency_key(const char *);

/*
 * A header value (or a decoded path or query) that may go into another
 * HTTP request: len bytes with no control byte, i.e. nothing below 0x20
 * but tab and no 0x7f (docs/API.md "Trust between processes": CR, LF and NUL
 * would let a client write a second request of its own).
 */
bool validate_header_value(const char *, size_t);

/* A client's X-Request-Id worth keeping: 1 to REQUEST_ID_MAX visible
 * ASCII characters (0x21-0x7e). */
bool validate_request_id(const char *);

/*
 * A live feed cursor (API.md "Live feed"): 1 to FEED_CURSOR_MAX characters
 * of A-Z a-z 0-9 _ -, safe in a URL as it is. False otherwise.
 */
#define FEED_CURSOR_MAX 128
bool validate_feed_cursor(const char *, size_t);

/*
 * An id: a decimal number of 1 to 19 digits in 1..INT64_MAX, nothing else
 * (no sign, no space, no leading zero). False otherwise.
 */
bool validate_id(const char *, int64_t *out);

/*
 * A "limit" query value: NULL gives def; otherwise a decimal integer in
 * [min, max]. False when out of range or not an integer.
 */
bool validate_limit(const char *, int def, int min, int max, int *out);

#endif
