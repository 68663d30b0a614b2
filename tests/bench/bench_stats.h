/*
 * bench_stats.h: the clock, the percentiles and a process's resident
 * memory, which the benchmark tools share (feed_latency.c, post_rate.c,
 * feed_fanout.c). Header only: each tool is one file.
 */
#ifndef CHIRP_BENCH_STATS_H
#define CHIRP_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "timeutil.h"

/* Microseconds on the monotonic clock. */
static inline int64_t
now_us(void)
{
	return (int64_t)(time_mono() * 1e6);
}

/* qsort order of doubles. */
static inline int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-th percentile (0..100) of a sorted array, nearest rank. */
static inline double
percentile(const double *v, size_t n, double q)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(q / 100.0 * (double)n + 0.999999);
	if (i < 1)
		i = 1;
	return v[(i > n ? n : i) - 1];
}

/* VmRSS of a process in KiB, -1 when unknown. */
static inline long
rss_kib(long pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

#endif
