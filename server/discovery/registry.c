/*
 * registry.c: live service instances in one array per process, kept in
 * the order they first registered, behind one mutex. Expired instances are
 * dropped on every call, so the array holds at most max_instances live
 * ones and the handful that expired since the last call.
 */
#include "registry.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct registry_entry {
	enum registry_type type;
	struct registry_instance inst;
	int64_t renewed_ms;
};

struct registry {
	pthread_mutex_t lock;
	int64_t ttl_ms;
	size_t max;
	struct registry_entry *entries;
	size_t n;
	size_t cap;
};

static const struct {
	const char *name;
	enum registry_type type;
} registry_type_names[] = {
	{ "user", REGISTRY_USER },
	{ "tweet", REGISTRY_TWEET },
	{ "notify", REGISTRY_NOTIFY },
	{ "userService", REGISTRY_USER },
	{ "tweetService", REGISTRY_TWEET },
	{ "notifyService", REGISTRY_NOTIFY },
};

struct registry *
registry_new(int64_t ttl_ms, size_t max_instances)
{
	struct registry *r = xcalloc(1, sizeof *r);

	pthread_mutex_init(&r->lock, NULL);
	r->ttl_ms = ttl_ms;
	r->max = max_instances;
	return r;
}

void
registry_free(struct registry *r)
{
	if (r == NULL)
		return;
	pthread_mutex_destroy(&r->lock);
	free(r->entries);
	free(r);
}

bool
registry_type_parse(const char *s, enum registry_type *out)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < sizeof registry_type_names /
	    sizeof registry_type_names[0]; i++) {
		if (strcmp(s, registry_type_names[i].name) == 0) {
			*out = registry_type_names[i].type;
			return true;
		}
	}
	return false;
}

const char *
registry_type_name(enum registry_type t)
{
	static const char *const names[REGISTRY_NTYPES] = {
		[REGISTRY_USER] = "user",
		[REGISTRY_TWEET] = "tweet",
		[REGISTRY_NOTIFY] = "notify",
	};

	return t >= 0 && t < REGISTRY_NTYPES ? names[t] : "unknown";
}

bool
registry_host_valid(const char *s)
{
	size_t len;

	if (s == NULL)
		return false;
	len = strlen(s);
	if (len == 0 || len > REGISTRY_HOST_MAX)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:%[]") == len;
}

/* Drop the instances that did not renew within the ttl; lock held. */
static void
registry_prune(struct registry *r, int64_t now_ms)
{
	size_t i, kept = 0;

	for (i = 0; i < r->n; i++) {
		if (now_ms - r->entries[i].renewed_ms > r->ttl_ms)
			continue;
		if (kept != i)
			r->entries[kept] = r->entries[i];
		kept++;
	}
	r->n = kept;
}

/* The index of (type, host, port), or -1; lock held. */
static long
registry_find(const struct registry *r, enum registry_type type,
    const char *host, int port)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct registry_entry *e = &r->entries[i];

		if (e->type == type && e->inst.port == port &&
		    strcmp(e->inst.host, host) == 0)
			return (long)i;
	}
	return -1;
}

enum registry_result
registry_renew(struct registry *r, enum registry_type type, const char *host,
    int port, int64_t now_ms)
{
	enum registry_result ret;
	struct registry_entry *e;
	long i;

	pthread_mutex_lock(&r->lock);
	registry_prune(r, now_ms);
	i = registry_find(r, type, host, port);
	if (i >= 0) {
		r->entries[i].renewed_ms = now_ms;
		ret = REGISTRY_RENEWED;
		goto out;
	}
	if (r->n >= r->max) {
		ret = REGISTRY_FULL;
		goto out;
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->entries = xrealloc(r->entries, r->cap * sizeof *r->entries);
	}
	e = &r->entries[r->n++];
	memset(e, 0, sizeof *e);
	e->type = type;
	memcpy(e->inst.host, host, strnlen(host, REGISTRY_HOST_MAX));
	e->inst.port = port;
	e->renewed_ms = now_ms;
	ret = REGISTRY_ADDED;
out:
	pthread_mutex_unlock(&r->lock);
	return ret;
}

bool
registry_remove(struct registry *r, enum registry_type type, const char *host,
    int port, int64_t now_ms)
{
	long i;

	pthread_mutex_lock(&r->lock);
	registry_prune(r, now_ms);
	i = registry_find(r, type, host, port);
	if (i >= 0) {
		memmove(&r->entries[i], &r->entries[i + 1],
		    (r->n - (size_t)i - 1) * sizeof *r->entries);
		r->n--;
	}
	pthread_mutex_unlock(&r->lock);
	return i >= 0;
}

struct registry_instance *
registry_list(struct registry *r, enum registry_type type, int64_t now_ms,
    size_t *count)
{
	struct registry_instance *out = NULL;
	size_t i, n = 0;

	pthread_mutex_lock(&r->lock);
	registry_prune(r, now_ms);
	for (i = 0; i < r->n; i++) {
		if (r->entries[i].type != type)
			continue;
		if (out == NULL)
			out = xcalloc(r->n, sizeof *out);
		out[n++] = r->entries[i].inst;
	}
	pthread_mutex_unlock(&r->lock);
	*count = n;
	return out;
}

size_t
registry_count(struct registry *r, int64_t now_ms)
{
	size_t n;

	pthread_mutex_lock(&r->lock);
	registry_prune(r, now_ms);
	n = r->n;
	pthread_mutex_unlock(&r->lock);
	return n;
}
