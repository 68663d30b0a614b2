/*
 * backoff.c: the failure counts of backoff.h in a hash map, with every
 * key also on a list ordered by its last failure (oldest first), so the
 * head is the one to evict or forget.
 */
#include "backoff.h"

#include <sys/queue.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "xmalloc.h"

struct backoff_key {
	char *key;
	int failures;
	int64_t last_ms;	/* of the last failure */
	int64_t until_ms;	/* no try before this */
	struct hmap_node node;	/* b->keys */
	TAILQ_ENTRY(backoff_key) entry;	/* b->order, by last_ms */
};

struct backoff {
	int free_failures;
	int64_t max_ms;
	size_t max_keys;
	struct hmap keys;
	TAILQ_HEAD(, backoff_key) order;
};

static bool
backoff_eq(const struct hmap_node *n, const void *key)
{
	return strcmp(HMAP_ENTRY(n, struct backoff_key, node)->key,
	    key) == 0;
}

struct backoff *
backoff_new(int free_failures, int max_s, size_t max_keys)
{
	struct backoff *b = xcalloc(1, sizeof(*b));

	b->free_failures = free_failures < 0 ? 0 : free_failures;
	b->max_ms = (int64_t)(max_s < 1 ? 1 : max_s) * 1000;
	b->max_keys = max_keys < 1 ? 1 : max_keys;
	hmap_init(&b->keys);
	TAILQ_INIT(&b->order);
	return b;
}

static void
backoff_remove(struct backoff *b, struct backoff_key *k)
{
	hmap_remove(&b->keys, &k->node);
	TAILQ_REMOVE(&b->order, k, entry);
	free(k->key);
	free(k);
}

void
backoff_free(struct backoff *b)
{
	if (b == NULL)
		return;
	while (!TAILQ_EMPTY(&b->order))
		backoff_remove(b, TAILQ_FIRST(&b->order));
	hmap_release(&b->keys);
	free(b);
}

size_t
backoff_count(const struct backoff *b)
{
	return hmap_count(&b->keys);
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
	struct hmap_node *n;

	n = hmap_find(&b->keys, hmap_hash_str(key), backoff_eq, key);
	return n != NULL ? HMAP_ENTRY(n, struct backoff_key, node) : NULL;
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
		if (hmap_count(&b->keys) >= b->max_keys)
			backoff_remove(b, TAILQ_FIRST(&b->order));
		k = xcalloc(1, sizeof(*k));
		k->key = xstrdup(key);
		hmap_insert(&b->keys, &k->node, hmap_hash_str(key));
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
