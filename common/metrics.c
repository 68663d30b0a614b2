/*
 * metrics.c: a small Prometheus registry. Cardinality is small (routes x
 * statuses, a few named series), so series live in arrays searched
 * linearly under one mutex.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "xmalloc.h"

#define METRICS_MAX_SERIES 512

static const double buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
	0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

struct req_series {
	char *route, *method;
	int status;
	unsigned long long count;
};

struct hist_series {
	char *route, *method;
	unsigned long long counts[NBUCKETS + 1];
	double sum;
	unsigned long long total;
};

struct named_series {
	const char *name;
	char *labels;
	double value;
	int gauge;
};

static pthread_mutex_t metrics_lock = PTHREAD_MUTEX_INITIALIZER;
static char metrics_service[32] = "chirp";
static struct req_series reqs[METRICS_MAX_SERIES];
static size_t nreqs;
static struct hist_series hists[METRICS_MAX_SERIES];
static size_t nhists;
static struct named_series named[METRICS_MAX_SERIES];
static size_t nnamed;

/* Histograms other than the request latency: few, by name. */
#define METRICS_MAX_HISTOGRAMS 8
static struct {
	const char *name;
	unsigned long long counts[NBUCKETS + 1];
	double sum;
	unsigned long long total;
} nhist[METRICS_MAX_HISTOGRAMS];
static size_t nnhist;

void
metrics_init(const char *service)
{
	snprintf(metrics_service, sizeof(metrics_service), "%s", service);
}

/* The method as a label: a method the client made up is "other", so
 * that it neither breaks the text format nor fills the series. */
static const char *
metrics_method(const char *method)
{
	static const char *const known[] = { "GET", "HEAD", "POST", "PUT",
		"PATCH", "DELETE", "OPTIONS" };
	size_t i;

	for (i = 0; method != NULL && i < sizeof(known) / sizeof(known[0]);
	    i++)
		if (strcmp(method, known[i]) == 0)
			return known[i];
	return "other";
}

void
metrics_observe_request(const char *route, const char *method, int status,
    double seconds)
{
	size_t i, b;

	if (route == NULL)
		route = "unmatched";
	method = metrics_method(method);
	pthread_mutex_lock(&metrics_lock);
	for (i = 0; i < nreqs; i++)
		if (reqs[i].status == status && strcmp(reqs[i].route,
		    route) == 0 && strcmp(reqs[i].method, method) == 0)
			break;
	if (i == nreqs && nreqs < METRICS_MAX_SERIES) {
		reqs[i].route = xstrdup(route);
		reqs[i].method = xstrdup(method);
		reqs[i].status = status;
		nreqs++;
	}
	if (i < nreqs)
		reqs[i].count++;

	for (i = 0; i < nhists; i++)
		if (strcmp(hists[i].route, route) == 0 &&
		    strcmp(hists[i].method, method) == 0)
			break;
	if (i == nhists && nhists < METRICS_MAX_SERIES) {
		hists[i].route = xstrdup(route);
		hists[i].method = xstrdup(method);
		nhists++;
	}
	if (i < nhists) {
		for (b = 0; b < NBUCKETS && seconds > buckets[b]; b++)
			;
		hists[i].counts[b]++;
		hists[i].sum += seconds;
		hists[i].total++;
	}
	pthread_mutex_unlock(&metrics_lock);
}

/* The index of the named series (labels NULL: none), or nnamed; lock held. */
static size_t
metrics_named_find(const char *name, const char *labels)
{
	size_t i;

	for (i = 0; i < nnamed; i++)
		if (strcmp(named[i].name, name) == 0 &&
		    strcmp(named[i].labels, labels != NULL ? labels : "") == 0)
			break;
	return i;
}

static void
metrics_named(const char *name, const char *labels, double v, int gauge)
{
	size_t i;

	pthread_mutex_lock(&metrics_lock);
	i = metrics_named_find(name, labels);
	if (i == nnamed && nnamed < METRICS_MAX_SERIES) {
		named[i].name = name;
		named[i].labels = xstrdup(labels != NULL ? labels : "");
		named[i].gauge = gauge;
		nnamed++;
	}
	if (i < nnamed) {
		if (gauge)
			named[i].value = v;
		else
			named[i].value += v;
	}
	pthread_mutex_unlock(&metrics_lock);
}

void
metrics_gauge_remove(const char *name, const char *labels)
{
	size_t i;

	pthread_mutex_lock(&metrics_lock);
	if ((i = metrics_named_find(name, labels)) < nnamed) {
		free(named[i].labels);
		memmove(&named[i], &named[i + 1],
		    (nnamed - i - 1) * sizeof(named[0]));
		nnamed--;
	}
	pthread_mutex_unlock(&metrics_lock);
}

void
metrics_counter_add(const char *name, const char *labels, double v)
{
	metrics_named(name, labels, v, 0);
}

void
metrics_gauge_set(const char *name, const char *labels, double v)
{
	metrics_named(name, labels, v, 1);
}

/* A growing buffer for the exposition text. */
struct mbuf {
	char *p;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3)))
mbuf_printf(struct mbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)(n > 0 ? n : 0);
		b->p = xrealloc(b->p, b->cap);
	}
}

void
metrics_histogram_observe(const char *name, double seconds)
{
	size_t i, b;

	pthread_mutex_lock(&metrics_lock);
	for (i = 0; i < nnhist; i++)
		if (strcmp(nhist[i].name, name) == 0)
			break;
	if (i == nnhist && nnhist < METRICS_MAX_HISTOGRAMS)
		nhist[nnhist++].name = name;
	if (i < nnhist) {
		for (b = 0; b < NBUCKETS && seconds > buckets[b]; b++)
			;
		nhist[i].counts[b]++;
		nhist[i].sum += seconds;
		nhist[i].total++;
	}
	pthread_mutex_unlock(&metrics_lock);
}

char *
metrics_render(void)
{
	struct mbuf b = { xmalloc(4096), 0, 4096 };
	const char *last = NULL;
	size_t i, k;
	unsigned long long cum;

	b.p[0] = '\0';
	pthread_mutex_lock(&metrics_lock);
	mbuf_printf(&b, "# HELP chirp_requests_total Requests answered, by "
	    "route, method and status.\n# TYPE chirp_requests_total "
	    "counter\n");
	for (i = 0; i < nreqs; i++)
		mbuf_printf(&b, "chirp_requests_total{service=\"%s\",route="
		    "\"%s\",method=\"%s\",status=\"%d\"} %llu\n",
		    metrics_service, reqs[i].route, reqs[i].method,
		    reqs[i].status, reqs[i].count);
	mbuf_printf(&b, "# HELP chirp_request_duration_seconds Time to "
	    "answer, by route.\n# TYPE chirp_request_duration_seconds "
	    "histogram\n");
	for (i = 0; i < nhists; i++) {
		cum = 0;
		for (k = 0; k <= NBUCKETS; k++) {
			cum += hists[i].counts[k];
			if (k < NBUCKETS)
				mbuf_printf(&b, "chirp_request_duration_seconds"
				    "_bucket{service=\"%s\",route=\"%s\",method"
				    "=\"%s\",le=\"%g\"} %llu\n",
				    metrics_service, hists[i].route,
				    hists[i].method, buckets[k], cum);
			else
				mbuf_printf(&b, "chirp_request_duration_seconds"
				    "_bucket{service=\"%s\",route=\"%s\",method"
				    "=\"%s\",le=\"+Inf\"} %llu\n",
				    metrics_service, hists[i].route,
				    hists[i].method, cum);
		}
		mbuf_printf(&b, "chirp_request_duration_seconds_sum{service="
		    "\"%s\",route=\"%s\",method=\"%s\"} %.6f\n",
		    metrics_service, hists[i].route, hists[i].method,
		    hists[i].sum);
		mbuf_printf(&b, "chirp_request_duration_seconds_count{service="
		    "\"%s\",route=\"%s\",method=\"%s\"} %llu\n",
		    metrics_service, hists[i].route, hists[i].method,
		    hists[i].total);
	}
	for (i = 0; i < nnhist; i++) {
		mbuf_printf(&b, "# TYPE %s histogram\n", nhist[i].name);
		cum = 0;
		for (k = 0; k <= NBUCKETS; k++) {
			cum += nhist[i].counts[k];
			if (k < NBUCKETS)
				mbuf_printf(&b, "%s_bucket{service=\"%s\","
				    "le=\"%g\"} %llu\n", nhist[i].name,
				    metrics_service, buckets[k], cum);
			else
				mbuf_printf(&b, "%s_bucket{service=\"%s\","
				    "le=\"+Inf\"} %llu\n", nhist[i].name,
				    metrics_service, cum);
		}
		mbuf_printf(&b, "%s_sum{service=\"%s\"} %.6f\n",
		    nhist[i].name, metrics_service, nhist[i].sum);
		mbuf_printf(&b, "%s_count{service=\"%s\"} %llu\n",
		    nhist[i].name, metrics_service, nhist[i].total);
	}
	for (i = 0; i < nnamed; i++) {
		if (last == NULL || strcmp(last, named[i].name) != 0) {
			/* TYPE once per name, even when series interleave. */
			for (k = 0; k < i; k++)
				if (strcmp(named[k].name, named[i].name) == 0)
					break;
			if (k == i)
				mbuf_printf(&b, "# TYPE %s %s\n", named[i].name,
				    named[i].gauge ? "gauge" : "counter");
		}
		last = named[i].name;
		mbuf_printf(&b, "%s{service=\"%s\"%s%s} %.17g\n", named[i].name,
		    metrics_service, named[i].labels[0] ? "," : "",
		    named[i].labels, named[i].value);
	}
	pthread_mutex_unlock(&metrics_lock);
	return b.p;
}
