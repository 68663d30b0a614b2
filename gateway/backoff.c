/*
 * backoff.c: the failure counts of backoff.h in a hash map, with every
 * key also on a list ordered by its last failure (oldest first), so the
 * head is the one to evict or forget.
 */
#include "backoff.h"

#include <stdlib.h>

#include "agetable.h"
#include "xmalloc.h"

struct backoff_key {
	struct agetable_node n;	/* first; b->keys, aged by last_ms */
	int failures;
	int64_t last_ms;	/* of the last failure */
	int64_t until_ms;	/* no try before this */
};

struct backoff {
	int free_failures;
	int64_t max_ms;
	struct agetable keys;
};

struct backoff *
backoff_new(int free_failures, int max_s, size_t max_keys)
{
	struct backoff *b = xcalloc(1, sizeof(*b));

	b->free_failures = free_failures < 0 ? 0 : free_failures;
	b->max_ms = (int64_t)(max_s < 1 ? 1 : max_s) * 1000;
	agetable_init(&b->keys, max_keys, sizeof(struct backoff_key));
	return b;
}

void
backoff_free(struct backoff *b)
{
	if (b == NULL)
		return;
	agetable_release(&b->keys);
	free(b);
}

size_t
backoff_count(const struct backoff *b)
{
	return agetable_count(&b->keys);
}

/* Forget keys idle for an hour (the oldest are first). */
static void
backoff_expire(struct backoff *b, int64_t now_ms)
{
	struct backoff_key *k;

	while ((k = AGETABLE_OLDEST(&b->keys)) != NULL &&
	    now_ms - k->last_ms > BACKOFF_FORGET_MS && now_ms >= k->until_ms)
		agetable_remove(&b->keys, k);
}

int
backoff_wait(struct backoff *b, const char *key, int64_t now_ms)
{
	struct backoff_key *k;

	backoff_expire(b, now_ms);
	if ((k = agetable_find(&b->keys, key, 0)) == NULL ||
	    now_ms >= k->until_ms)
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
	/* full: the key that failed least recently is forgotten */
	k = agetable_get(&b->keys, key, 0, NULL, NULL, NULL);
	agetable_touch(&b->keys, k);
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
	struct backoff_key *k = agetable_find(&b->keys, key, 0);

	if (k != NULL)
		agetable_remove(&b->keys, k);
}
