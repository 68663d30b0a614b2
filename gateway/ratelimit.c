/*
 * ratelimit.c: fixed windows per key in a hash map, with every key also
 * on a list ordered by when its window opened (a key whose window
 * restarts moves to the tail), so the head is always the next to expire
 * and the one to evict.
 */
#include "ratelimit.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "xmalloc.h"

struct ratelimit_key {
	char *key;
	int64_t start_ms;	/* when the current window opened */
	int count;		/* requests allowed in it */
	struct hmap_node node;	/* rl->keys */
	TAILQ_ENTRY(ratelimit_key) entry;	/* rl->order, by start_ms */
};

struct ratelimit {
	int limit;
	int64_t window_ms;
	size_t max_keys;
	struct hmap keys;
	TAILQ_HEAD(, ratelimit_key) order;
};

static bool
ratelimit_eq(const struct hmap_node *n, const void *key)
{
	return strcmp(HMAP_ENTRY(n, struct ratelimit_key, node)->key,
	    key) == 0;
}

struct ratelimit *
ratelimit_new(int limit, int window_s, size_t max_keys)
{
	struct ratelimit *rl = xcalloc(1, sizeof *rl);

	rl->limit = limit < 1 ? 1 : limit;
	rl->window_ms = (int64_t)(window_s < 1 ? 1 : window_s) * 1000;
	rl->max_keys = max_keys < 1 ? 1 : max_keys;
	hmap_init(&rl->keys);
	TAILQ_INIT(&rl->order);
	return rl;
}

static void
ratelimit_remove(struct ratelimit *rl, struct ratelimit_key *k)
{
	hmap_remove(&rl->keys, &k->node);
	TAILQ_REMOVE(&rl->order, k, entry);
	free(k->key);
	free(k);
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	while (!TAILQ_EMPTY(&rl->order))
		ratelimit_remove(rl, TAILQ_FIRST(&rl->order));
	hmap_release(&rl->keys);
	free(rl);
}

size_t
ratelimit_count(const struct ratelimit *rl)
{
	return hmap_count(&rl->keys);
}

bool
ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_ms,
    struct ratelimit_result *out)
{
	uint64_t h = hmap_hash_str(key);
	struct ratelimit_key *k = NULL;
	struct hmap_node *n;
	int64_t left;

	if ((n = hmap_find(&rl->keys, h, ratelimit_eq, key)) != NULL)
		k = HMAP_ENTRY(n, struct ratelimit_key, node);
	if (k == NULL) {
		/* full: forget the key whose window opened first */
		if (hmap_count(&rl->keys) >= rl->max_keys)
			ratelimit_remove(rl, TAILQ_FIRST(&rl->order));
		k = xcalloc(1, sizeof *k);
		k->key = xstrdup(key);
		k->start_ms = now_ms;
		hmap_insert(&rl->keys, &k->node, h);
		TAILQ_INSERT_TAIL(&rl->order, k, entry);
	} else if (now_ms - k->start_ms >= rl->window_ms) {
		k->start_ms = now_ms;
		k->count = 0;
		TAILQ_REMOVE(&rl->order, k, entry);
		TAILQ_INSERT_TAIL(&rl->order, k, entry);
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
