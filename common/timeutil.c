/* timeutil.c: clocks and RFC 3339 timestamps. */
#include <stdio.h>
#include <time.h>

#include "timeutil.h"

/* Nanoseconds on clock (int64_t lasts until the year 2262). */
static int64_t
time_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
time_now_us(void)
{
	return time_ns(CLOCK_REALTIME) / 1000;
}

int64_t
time_now_ms(void)
{
	return time_now_us() / 1000;
}

int64_t
time_mono_ms(void)
{
	return time_ns(CLOCK_MONOTONIC) / 1000000;
}

double
time_mono(void)
{
	return (double)time_ns(CLOCK_MONOTONIC) / 1e9;
}

void
time_format_rfc3339(int64_t ms, char out[TIME_RFC3339_LEN])
{
	time_t secs = (time_t)(ms / 1000);
	int frac = (int)(ms % 1000);
	struct tm tm;
	size_t len;

	if (frac < 0) {
		frac += 1000;
		secs -= 1;
	}
	gmtime_r(&secs, &tm);
	len = strftime(out, TIME_RFC3339_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + len, TIME_RFC3339_LEN - len, ".%03uZ",
	    (unsigned)frac % 1000u);
}
