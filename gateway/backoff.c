/*
 * backoff.c: the failure counts of backoff.h in a chained hash table, with
 * every key also on a list ordered by its last failure (oldest first), so
 * the head is the one to evict or forget.
 */
#include "backoff.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct backoff_key {
	char *key;
	uint64_t hash;
	int failures;
	int64_t last_ms;	/* of the last failure */
	int64_t until_ms;	/* no try before this */
	struct backoff_key *chain;	/* next in the bucket */
	TAILQ_ENTRY(backoff_key) entry;	/* by last_ms */
};

TAILQ_HEAD(backoff_list, backoff_key);

struct backoff {
	int free_failures;
	int64_t max_ms;
	size_t max_keys;
	size_t n;
	struct backoff_key **buckets;
	size_t mask;
	struct backoff_list order;
};

/* FNV-1a. */
static uint64_t
backoff_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct backoff *
backoff_new(int free_failures, int max_s, size_t max_keys)
{
	struct backoff *b = xcalloc(1, sizeof(*b));
	size_t nb = 16;

	b->free_failures = free_failures < 0 ? 0 : free_failures;
	b->max_ms = (int64_t)(max_s < 1 ? 1 : max_s) * 1000;
	b->max_keys = max_keys < 1 ? 1 : max_keys;
	while (nb < b->max_keys && nb < ((size_t)1 << 24))
		nb <<= 1;
	b->buckets = xcalloc(nb, sizeof(*b->buckets));
	b->mask = nb - 1;
	TAILQ_INIT(&b->order);
	return b;
}

static void
backoff_remove(struct backoff *b, struct backoff_key *k)
{
	struct backoff_key **p;

	for (p = &b->buckets[k->hash & b->mask]; *p != k; p = &(*p)->chain)
		;
	*p = k->chain;
	TAILQ_REMOVE(&b->order, k, entry);
	free(k->key);
	free(k);
	b->n--;
}

void
backoff_free(struct backoff *b)
{
	if (b == NULL)
		return;
	while (!TAILQ_EMPTY(&b->order))
		backoff_remove(b, TAILQ_FIRST(&b->order));
	free(b->buckets);
	free(b);
}

size_t
backoff_count(const struct backoff *b)
{
	return b->n;
}

/* Forget keys idle for an hour (the oldest are first). */
static void
backoff_expire(struct backoff *b, int64_t now_ms)
{
	struct backoff_key *k;

	while ((k = TAILQ_FIRST(&b->order)) != NULL &&
	    now_ms - k->last_ms > BACKOFF_FORGET_MS && now_ms >= k->until_ms)
		backoff_remove(b, k);
}

static struct backoff_key *
backoff_find(struct backoff *b, const char *key)
{
	uint64_t h = backoff_hash(key);
	struct backoff_key *k;

	for (k = b->buckets[h & b->mask]; k != NULL; k = k->chain)
		if (k->hash == h && strcmp(k->key, key) == 0)
			return k;
	return NULL;
}

int
backoff_wait(struct backoff *b, const char *key, int64_t now_ms)
{
	struct backoff_key *k;

	backoff_expire(b, now_ms);
	if ((k = backoff_find(b, key)) == NULL || now_ms >= k->until_ms)
		return 0;
	return (int)((k->until_ms - now_ms + 999) / 1000);
}

void
backoff_failure(struct backoff *b, const char *key, int64_t now_ms)
{
	struct backoff_key *k;
	int64_t wait_ms;
	int over;

	backoff_expire(b, now_ms);
	if ((k = backoff_find(b, key)) == NULL) {
		if (b->n >= b->max_keys)
			backoff_remove(b, TAILQ_FIRST(&b->order));
		k = xcalloc(1, sizeof(*k));
		k->key = xstrdup(key);
		k->hash = backoff_hash(key);
		k->chain = b->buckets[k->hash & b->mask];
		b->buckets[k->hash & b->mask] = k;
		b->n++;
	} else {
		TAILQ_REMOVE(&b->order, k, entry);
	}
	TAILQ_INSERT_TAIL(&b->order, k, entry);
	k->last_ms = now_ms;
	if (k->failures < 1000)
		k->failures++;
	over = k->failures - b->free_failures;
	if (over <= 0)
		return;
	wait_ms = over > 30 ? b->max_ms : (int64_t)1000 << (over - 1);
	if (wait_ms > b->max_ms)
		wait_ms = b->max_ms;
	k->until_ms = now_ms + wait_ms;
}

void
backoff_success(struct backoff *b, const char *key)
{
	struct backoff_key *k = backoff_find(b, key);

	if (k != NULL)
		backoff_remove(b, k);
}
