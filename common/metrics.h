/*
 * metrics.h: process-wide Prometheus metrics, safe from any thread.
 * Every process exposes request counts by route and status and latency
 * histograms; anything else is a named counter or gauge.
 */
#ifndef CHIRP_METRICS_H
#define CHIRP_METRICS_H

/* Name the service ("user", "tweet", "gateway"...); call once. */
void metrics_init(const char *service);
/* One request answered: chirp_requests_total and the latency histogram.
 * A method other than the seven of HTTP is counted as "other". */
void metrics_observe_request(const char *route, const char *method,
    int status, double seconds);
/* labels is a Prometheus label list without braces ('state="open"') or
 * NULL. Names are borrowed string literals. */
void metrics_counter_add(const char *name, const char *labels, double v);
void metrics_gauge_set(const char *name, const char *labels, double v);
/* Forget a series (a gauge of something that is gone). */
void metrics_gauge_remove(const char *name, const char *labels);
/* One observation of the histogram name (seconds; the buckets of the
 * request latency). A literal name, no labels; a few per process. */
void metrics_histogram_observe(const char *name, double seconds);
/* The text exposition format; caller frees. */
char *metrics_render(void);

#endif
