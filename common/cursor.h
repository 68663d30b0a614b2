/*
 * cursor.h: the opaque nextCursor of follow lists. It encodes the position
 * of the last item of a page (when the follow was made, in microseconds,
 * and the user id) as URL-safe base64 with a version prefix.
 */
#ifndef CHIRP_CURSOR_H
#define CHIRP_CURSOR_H

#include <stdbool.h>
#include <stdint.h>

#define CURSOR_MAX 64

void cursor_encode(int64_t time_us, int64_t id, char out[CURSOR_MAX]);
/* False for anything cursor_encode did not make. */
bool cursor_decode(const char *, int64_t *time_us, int64_t *id);

#endif
