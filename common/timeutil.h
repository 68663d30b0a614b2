/* timeutil.h: clocks and RFC 3339 timestamps. */
#ifndef CHIRP_TIMEUTIL_H
#define CHIRP_TIMEUTIL_H

#include <stdbool.h>
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

/*
 * "YYYY-MM-DDTHH:MM:SS[.fff...]" then "Z" or "+HH:MM"/"-HH:MM" (RFC 3339;
 * digits past milliseconds are dropped) to ms since the epoch in *ms;
 * false, *ms untouched, when s is NULL or not that shape.
 */
bool time_parse_rfc3339(const char *s, int64_t *ms);

/*
 * How long before now_ms then_ms was, for people, the same in every
 * client: "now" (under 5 s, or in the future), "42s", "3m", "5h", "2d",
 * then from a week the date in UTC, "Nov 24", with the year when it is
 * not now_ms's ("Nov 24 2025"). Always NUL-terminated in size > 0 bytes.
 */
void time_format_age(int64_t now_ms, int64_t then_ms, char *out,
    size_t size);

#endif
