/*
 * jsonw.h: a JSON writer into one growing buffer, for the answers a
 * service sends many times a second (timeline pages). Its output is byte
 * for byte what jansson's json_dumps(JSON_COMPACT) makes of the same
 * values, without building a tree of objects first: a page of 20 tweets
 * cost about 600,000 instructions through jansson, most of them in its
 * per-character string escaping and per-object hash tables.
 */
#ifndef CHIRP_JSONW_H
#define CHIRP_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jsonw {
	char *buf;		/* owned; NUL-terminated after each call */
	size_t len, cap;
};

/* An empty writer; jsonw_release frees what it holds. */
void jsonw_init(struct jsonw *);
void jsonw_release(struct jsonw *);

/* Bytes as they are (punctuation, a member name known to need no escape). */
void jsonw_raw(struct jsonw *, const char *s, size_t len);
#define jsonw_lit(w, s) jsonw_raw((w), (s), sizeof(s) - 1)

/*
 * A JSON string of exactly these len bytes, escaped as jansson escapes
 * ('"', '\\' and control characters; nothing else). False, and nothing
 * written, when they are not well-formed UTF-8 (jansson would refuse
 * them too).
 */
bool jsonw_string(struct jsonw *, const char *s, size_t len);
/*
 * For text that may hold any bytes (a log line): s (len bytes) escaped
 * as the inside of a JSON string, without the quotes, into out (cap
 * bytes, NUL-terminated). What jsonw_string escapes is escaped the same;
 * a byte that is not part of well-formed UTF-8 becomes the five
 * characters \\xNN (the text "\xNN"), so the result is always valid
 * JSON whatever came in. Stops before a character that does not fit
 * whole. Returns the bytes written (not the NUL); allocates nothing,
 * so that a fatal out-of-memory message can use it.
 */
size_t jsonw_escape(char *out, size_t cap, const char *s, size_t len);
/* A decimal id as a JSON string: "123". */
void jsonw_id(struct jsonw *, int64_t);

/* The text written so far, NUL-terminated; the caller frees it and the
 * writer is empty again. *len (when not NULL) is its length. */
char *jsonw_take(struct jsonw *, size_t *len);

#endif
