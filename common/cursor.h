/*
 * cursor.h: the opaque nextCursor of follow lists. It encodes the position
 * of the last item of a page (when the follow was made, in microseconds,
 * and the user id) as URL-safe base64 with a version prefix and an HMAC
 * under a key of the process, so that nobody else can make one.
 */
#ifndef CHIRP_CURSOR_H
#define CHIRP_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CURSOR_MAX 64
/* The last microsecond of the year 9999: the latest time a cursor holds. */
#define CURSOR_TIME_MAX 253402300799999999LL

/*
 * Key cursors with a key derived from secret (the token secret): every
 * process given the same secret reads the others' cursors. Without it a
 * process uses a random key of its own.
 */
void cursor_init(const unsigned char *secret, size_t len);

/* time_us in 0..CURSOR_TIME_MAX and id >= 1 for it to decode again. */
void cursor_encode(int64_t time_us, int64_t id, char out[CURSOR_MAX]);
/*
 * False for anything cursor_encode (under this key) did not make, and for
 * a time or id out of range.
 */
bool cursor_decode(const char *, int64_t *time_us, int64_t *id);

#endif
