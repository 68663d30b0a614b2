/* timeutil.h: clocks and RFC 3339 timestamps. */
#ifndef CHIRP_TIMEUTIL_H
#define CHIRP_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Wall clock in milliseconds / microseconds since the epoch. */
int64_t time_now_ms(void);
int64_t time_now_us(void);
/* Monotonic clock in milliseconds and in seconds (double). */
int64_t time_mono_ms(void);
double time_mono(void);

/* "2026-11-24T02:06:00.123Z" for a time in ms since the epoch (UTC). */
#define TIME_RFC3339_LEN 32
void time_format_rfc3339(int64_t ms, char out[TIME_RFC3339_LEN]);

#endif
