/* timeutil.c: clocks and RFC 3339 timestamps. */
#include <stdio.h>
#include <string.h>
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

/* n decimal digits of v at out. */
static void
time_put(char *out, unsigned v, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * Years 1000 to 9999 by arithmetic (the proleptic Gregorian calendar, as
 * gmtime): timelines format thousands of timestamps a second, and glibc's
 * gmtime_r takes a process-wide lock each time. Others by gmtime_r.
 */
void
time_format_rfc3339(int64_t ms, char out[TIME_RFC3339_LEN])
{
	int64_t secs = ms / 1000, days, sod, z, era, doe, yoe, y, doy, mp;
	int frac = (int)(ms % 1000);
	unsigned d, m;
	time_t t;
	struct tm tm;
	size_t len;

	if (frac < 0) {
		frac += 1000;
		secs -= 1;
	}
	/* 1000-01-01 and 10000-01-01 as seconds since the epoch (strftime
	 * writes other years with other widths) */
	if (secs < -30610224000LL || secs >= 253402300800LL) {
		t = (time_t)secs;
		gmtime_r(&t, &tm);
		len = strftime(out, TIME_RFC3339_LEN, "%Y-%m-%dT%H:%M:%S",
		    &tm);
		snprintf(out + len, TIME_RFC3339_LEN - len, ".%03uZ",
		    (unsigned)frac % 1000u);
		return;
	}
	days = secs / 86400;
	sod = secs % 86400;
	if (sod < 0) {
		sod += 86400;
		days -= 1;
	}
	/* civil_from_days (Howard Hinnant): eras of 400 years from March */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	if (m <= 2)
		y++;
	time_put(out, (unsigned)y, 4);
	out[4] = '-';
	time_put(out + 5, m, 2);
	out[7] = '-';
	time_put(out + 8, d, 2);
	out[10] = 'T';
	time_put(out + 11, (unsigned)(sod / 3600), 2);
	out[13] = ':';
	time_put(out + 14, (unsigned)(sod / 60 % 60), 2);
	out[16] = ':';
	time_put(out + 17, (unsigned)(sod % 60), 2);
	out[19] = '.';
	time_put(out + 20, (unsigned)frac, 3);
	out[23] = 'Z';
	out[24] = '\0';
}

/* n decimal digits at s; -1 when one is not a digit. */
static int
time_digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "Z", "+HH:MM" or "-HH:MM" at s, the end of the string: ms east of UTC. */
static bool
time_parse_offset(const char *s, int64_t *off)
{
	int oh, om;

	if ((*s == 'Z' || *s == 'z') && s[1] == '\0') {
		*off = 0;
		return true;
	}
	if ((*s != '+' && *s != '-') || (oh = time_digits(s + 1, 2)) < 0 ||
	    oh > 23 || s[3] != ':' || (om = time_digits(s + 4, 2)) < 0 ||
	    om > 59 || s[6] != '\0')
		return false;
	*off = ((int64_t)oh * 60 + om) * 60000 * (*s == '-' ? -1 : 1);
	return true;
}

bool
time_parse_rfc3339(const char *s, int64_t *ms)
{
	struct tm tm;
	int year, mon, day, hour, min, sec, frac = 0, i;
	int64_t off;

	if (s == NULL || strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
		return false;
	year = time_digits(s, 4);
	mon = time_digits(s + 5, 2);
	day = time_digits(s + 8, 2);
	hour = time_digits(s + 11, 2);
	min = time_digits(s + 14, 2);
	sec = time_digits(s + 17, 2);
	if (year < 0 || mon < 1 || mon > 12 || day < 1 || day > 31 ||
	    hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 ||
	    sec > 60)
		return false;
	s += 19;
	if (*s == '.') {
		s++;
		for (i = 0; s[i] >= '0' && s[i] <= '9'; i++)
			if (i < 3)
				frac = frac * 10 + (s[i] - '0');
		if (i == 0)
			return false;
		for (; i < 3; i++)
			frac *= 10;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (!time_parse_offset(s, &off))
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	*ms = (int64_t)timegm(&tm) * 1000 + frac - off;
	return true;
}

void
time_format_age(int64_t now_ms, int64_t then_ms, char *out, size_t size)
{
	int64_t s = (now_ms - then_ms) / 1000;
	time_t then = (time_t)(then_ms / 1000), now = (time_t)(now_ms / 1000);
	struct tm tthen, tnow;

	if (s < 0)
		s = 0;
	if (s < 5)
		snprintf(out, size, "now");
	else if (s < 60)
		snprintf(out, size, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(out, size, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(out, size, "%lldh", (long long)(s / 3600));
	else if (s < 7 * 86400)
		snprintf(out, size, "%lldd", (long long)(s / 86400));
	else if (gmtime_r(&then, &tthen) == NULL ||
	    gmtime_r(&now, &tnow) == NULL ||
	    strftime(out, size, tthen.tm_year == tnow.tm_year ? "%b %d" :
	    "%b %d %Y", &tthen) == 0)
		snprintf(out, size, "?");
}
