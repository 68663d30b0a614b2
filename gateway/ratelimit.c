/*
 * ratelimit.c: fixed windows per key in a hash map, with every key also
 * on a list ordered by when its window opened (a key whose window
 * restarts moves to the tail), so the head is always the next to expire
 * and the one to evict.
 */
#include "ratelimit.h"

#include <stdlib.h>

#include "agetable.h"
#include "xmalloc.h"

struct ratelimit_key {
	struct agetable_node n;	/* first; rl->keys, aged by start_ms */
	int64_t start_ms;	/* when the current window opened */
	int count;		/* requests allowed in it */
};

struct ratelimit {
	int limit;
	int64_t window_ms;
	struct agetable keys;
};

struct ratelimit *
ratelimit_new(int limit, int window_s, size_t max_keys)
{
	struct ratelimit *rl = xcalloc(1, sizeof *rl);

	rl->limit = limit < 1 ? 1 : limit;
	rl->window_ms = (int64_t)(window_s < 1 ? 1 : window_s) * 1000;
	agetable_init(&rl->keys, max_keys, sizeof(struct ratelimit_key));
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	agetable_release(&rl->keys);
	free(rl);
}

size_t
ratelimit_count(const struct ratelimit *rl)
{
	return agetable_count(&rl->keys);
}

bool
ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_ms,
    struct ratelimit_result *out)
{
	struct ratelimit_key *k;
	bool created;
	int64_t left;

	/* full: the key whose window opened first is forgotten */
	k = agetable_get(&rl->keys, key, 0, &created, NULL, NULL);
	if (created) {
		k->start_ms = now_ms;
	} else if (now_ms - k->start_ms >= rl->window_ms) {
		k->start_ms = now_ms;
		k->count = 0;
		agetable_touch(&rl->keys, k);
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
