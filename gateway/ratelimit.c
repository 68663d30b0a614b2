/*
 * ratelimit.c: fixed windows per key in a chained hash table, with every
 * key also on a list ordered by when its window opened (a key whose window
 * restarts moves to the tail), so the head is always the next to expire
 * and the one to evict.
 */
#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct ratelimit_key {
	char *key;
	uint64_t hash;
	int64_t start_ms;	/* when the current window opened */
	int count;		/* requests allowed in it */
	struct ratelimit_key *chain;	/* next in the bucket */
	struct ratelimit_key *prev, *next;	/* by start_ms */
};

struct ratelimit {
	int limit;
	int64_t window_ms;
	size_t max_keys;
	size_t n;
	struct ratelimit_key **buckets;
	size_t mask;
	struct ratelimit_key *head, *tail;
};

/* FNV-1a. */
static uint64_t
ratelimit_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct ratelimit *
ratelimit_new(int limit, int window_s, size_t max_keys)
{
	struct ratelimit *rl = xcalloc(1, sizeof *rl);
	size_t nb = 16;

	rl->limit = limit < 1 ? 1 : limit;
	rl->window_ms = (int64_t)(window_s < 1 ? 1 : window_s) * 1000;
	rl->max_keys = max_keys < 1 ? 1 : max_keys;
	while (nb < rl->max_keys && nb < ((size_t)1 << 24))
		nb <<= 1;
	rl->buckets = xcalloc(nb, sizeof *rl->buckets);
	rl->mask = nb - 1;
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	struct ratelimit_key *k, *next;

	if (rl == NULL)
		return;
	for (k = rl->head; k != NULL; k = next) {
		next = k->next;
		free(k->key);
		free(k);
	}
	free(rl->buckets);
	free(rl);
}

size_t
ratelimit_count(const struct ratelimit *rl)
{
	return rl->n;
}

static void
ratelimit_unlink(struct ratelimit *rl, struct ratelimit_key *k)
{
	if (k->prev != NULL)
		k->prev->next = k->next;
	else
		rl->head = k->next;
	if (k->next != NULL)
		k->next->prev = k->prev;
	else
		rl->tail = k->prev;
	k->prev = k->next = NULL;
}

static void
ratelimit_append(struct ratelimit *rl, struct ratelimit_key *k)
{
	k->prev = rl->tail;
	k->next = NULL;
	if (rl->tail != NULL)
		rl->tail->next = k;
	else
		rl->head = k;
	rl->tail = k;
}

/* Forget the key whose window opened first. */
static void
ratelimit_evict(struct ratelimit *rl)
{
	struct ratelimit_key *k = rl->head, **p;

	if (k == NULL)
		return;
	for (p = &rl->buckets[k->hash & rl->mask]; *p != k; p = &(*p)->chain)
		;
	*p = k->chain;
	ratelimit_unlink(rl, k);
	free(k->key);
	free(k);
	rl->n--;
}

bool
ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_ms,
    struct ratelimit_result *out)
{
	uint64_t h = ratelimit_hash(key);
	struct ratelimit_key *k;
	int64_t left;

	for (k = rl->buckets[h & rl->mask]; k != NULL; k = k->chain)
		if (k->hash == h && strcmp(k->key, key) == 0)
			break;
	if (k == NULL) {
		if (rl->n >= rl->max_keys)
			ratelimit_evict(rl);
		k = xcalloc(1, sizeof *k);
		k->key = xstrdup(key);
		k->hash = h;
		k->start_ms = now_ms;
		k->chain = rl->buckets[h & rl->mask];
		rl->buckets[h & rl->mask] = k;
		ratelimit_append(rl, k);
		rl->n++;
	} else if (now_ms - k->start_ms >= rl->window_ms) {
		k->start_ms = now_ms;
		k->count = 0;
		ratelimit_unlink(rl, k);
		ratelimit_append(rl, k);
	}

	out->allowed = k->count < rl->limit;
	if (out->allowed)
		k->count++;
	out->limit = rl->limit;
	out->remaining = rl->limit - k->count;
	left = k->start_ms + rl->window_ms - now_ms;
	if (left > rl->window_ms)	/* a clock that went back */
		left = rl->window_ms;
	out->reset_s = (int)((left + 999) / 1000);
	if (out->reset_s < 1)
		out->reset_s = 1;
	return out->allowed;
}
