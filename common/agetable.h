/*
 * agetable.h: a bounded table of keys (strings or ids) on hmap.h, with
 * every entry also on a list by age, oldest first: the one evicted when
 * the table is full, and the first an expiry loop looks at.
 *
 * The caller's entry struct starts with a struct agetable_node; the table
 * allocates entries (zeroed, entry_size bytes) and frees them.
 * Not thread-safe (as hmap.h).
 */
#ifndef CHIRP_AGETABLE_H
#define CHIRP_AGETABLE_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"

struct agetable_node {
	struct hmap_node hnode;
	TAILQ_ENTRY(agetable_node) age;
	char *key;		/* a string key, or NULL for an id key */
	int64_t id;
};

struct agetable {
	struct hmap map;
	TAILQ_HEAD(, agetable_node) ages;	/* oldest first */
	size_t max, entry_size;
};

/* Called with the oldest entry just before a full table frees it. */
typedef void agetable_evict_fn(void *entry, void *arg);

/* An empty table of at most max (at least 1) entries of entry_size bytes. */
void agetable_init(struct agetable *, size_t max, size_t entry_size);
/* Free every entry and the map. */
void agetable_release(struct agetable *);
/* The entry of key (of id when key is NULL), or NULL. */
void *agetable_find(struct agetable *, const char *key, int64_t id);
/*
 * The entry of key (of id when key is NULL). If there is none: a new zeroed
 * one at the newest end (*created set to true), after evicting the oldest
 * (handed first to evict, if not NULL) when the table is full.
 */
void *agetable_get(struct agetable *, const char *key, int64_t id,
    bool *created, agetable_evict_fn *evict, void *arg);
/* Move entry to the newest end. */
void agetable_touch(struct agetable *, void *entry);
/* Forget and free entry. */
void agetable_remove(struct agetable *, void *entry);
/* Oldest first: for (e = AGETABLE_OLDEST(t); e; e = AGETABLE_NEWER(e)) */
#define AGETABLE_OLDEST(t)	((void *)TAILQ_FIRST(&(t)->ages))
#define AGETABLE_NEWER(e)						\
	((void *)TAILQ_NEXT((struct agetable_node *)(e), age))
size_t agetable_count(const struct agetable *);

#endif
