/*
 * bench_stats.h: the clock and the percentiles the benchmark tools share
 * (feed_latency.c, post_rate.c). Header only: each tool is one file.
 */
#ifndef CHIRP_BENCH_STATS_H
#define CHIRP_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

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

#endif
