/* agetable.c: the bounded, age-ordered key table of agetable.h. */
#include "agetable.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static bool
agetable_eq(const struct hmap_node *n, const void *key)
{
	const struct agetable_node *a = (const void *)n, *b = key;

	return a->key != NULL ? strcmp(a->key, b->key) == 0 : a->id == b->id;
}

static uint64_t
agetable_hash(const char *key, int64_t id)
{
	return key != NULL ? hmap_hash_str(key) : hmap_hash_id(id);
}

void
agetable_init(struct agetable *t, size_t max, size_t entry_size)
{
	hmap_init(&t->map);
	TAILQ_INIT(&t->ages);
	t->max = max > 0 ? max : 1;
	t->entry_size = entry_size;
}

void
agetable_release(struct agetable *t)
{
	while (!TAILQ_EMPTY(&t->ages))
		agetable_remove(t, TAILQ_FIRST(&t->ages));
	hmap_release(&t->map);
}

void *
agetable_find(struct agetable *t, const char *key, int64_t id)
{
	struct agetable_node probe = { .key = (char *)key, .id = id };

	return hmap_find(&t->map, agetable_hash(key, id), agetable_eq, &probe);
}

void *
agetable_get(struct agetable *t, const char *key, int64_t id,
    bool *created, agetable_evict_fn *evict, void *arg)
{
	struct agetable_node *n;

	if (created != NULL)
		*created = false;
	if ((n = agetable_find(t, key, id)) != NULL)
		return n;
	if (hmap_count(&t->map) >= t->max) {
		n = TAILQ_FIRST(&t->ages);
		if (evict != NULL)
			evict(n, arg);
		agetable_remove(t, n);
	}
	n = xcalloc(1, t->entry_size);
	n->key = key != NULL ? xstrdup(key) : NULL;
	n->id = id;
	hmap_insert(&t->map, &n->hnode, agetable_hash(key, id));
	TAILQ_INSERT_TAIL(&t->ages, n, age);
	if (created != NULL)
		*created = true;
	return n;
}

void
agetable_touch(struct agetable *t, void *entry)
{
	TAILQ_REMOVE(&t->ages, (struct agetable_node *)entry, age);
	TAILQ_INSERT_TAIL(&t->ages, (struct agetable_node *)entry, age);
}

void
agetable_remove(struct agetable *t, void *entry)
{
	struct agetable_node *n = entry;

	hmap_remove(&t->map, &n->hnode);
	TAILQ_REMOVE(&t->ages, n, age);
	free(n->key);
	free(n);
}

size_t
agetable_count(const struct agetable *t)
{
	return hmap_count(&t->map);
}
