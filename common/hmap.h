/*
 * hmap.h: the one hash map of the tree (as Redis has one dict.c), for
 * every table keyed by a client address, a query or an id.
 *
 * Intrusive: the caller embeds a struct hmap_node in its own struct and
 * gets back to it with HMAP_ENTRY(), so an entry costs no allocation of
 * its own. The map owns nothing but its bucket array: nodes belong to the
 * caller, who removes a node before freeing it, and removes (or forgets)
 * every node before hmap_release(). A node is in at most one map at a
 * time through one hmap_node member.
 *
 * Keyed by a 64-bit hash the caller computes with hmap_hash_str(),
 * hmap_hash_bytes() or hmap_hash_id(), and told apart by the caller's
 * equality (hmap_eq_fn). Those hashes are SipHash-2-4 under a key drawn
 * at random once per process, so that hostile keys (client addresses,
 * query strings, ids a client picks) cannot be made to collide on
 * purpose: chains stay short and every call is O(1) on average.
 *
 * The bucket array doubles when there are more nodes than buckets (all
 * at once, in the insert that crosses the line; the callers bound how
 * many nodes there are) and never shrinks. A hash table rather than
 * <sys/tree.h>'s red-black trees: O(1) instead of O(log n) per lookup, no
 * extra package, and no ordering is needed (the lists that need an order
 * are <sys/queue.h> lists beside the map).
 *
 * Not thread-safe: one map is used under one lock or in one event loop.
 * The hash functions are safe from any thread.
 */
#ifndef CHIRP_HMAP_H
#define CHIRP_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap_node {
	struct hmap_node *next;	/* in its bucket */
	uint64_t hash;
};

struct hmap {
	struct hmap_node **buckets;
	size_t mask;		/* buckets - 1, a power of two minus one */
	size_t count;
};

/* The struct of type whose member is node (node not NULL). */
#define HMAP_ENTRY(node, type, member)					\
	((type *)(void *)((char *)(node) - offsetof(type, member)))

/* Does node hold key (the caller's key, as given to hmap_find())? */
typedef bool hmap_eq_fn(const struct hmap_node *node, const void *key);

/* An empty map; hmap_release() frees what it holds. */
void hmap_init(struct hmap *);
/* Free the bucket array; the nodes are the caller's (see above). */
void hmap_release(struct hmap *);

/* Add node under hash; the caller makes sure no equal node is in. */
void hmap_insert(struct hmap *, struct hmap_node *, uint64_t hash);
/* Take node (which is in the map) out; the map forgets it. */
void hmap_remove(struct hmap *, struct hmap_node *);
/* The node under hash for which eq(node, key) holds, or NULL. */
struct hmap_node *hmap_find(const struct hmap *, uint64_t hash,
    hmap_eq_fn *eq, const void *key);
size_t hmap_count(const struct hmap *);

/*
 * Every node, in no particular order:
 *	for (n = hmap_first(m, &it); n != NULL; n = hmap_next(&it))
 * The node just returned may be removed (and freed) before hmap_next();
 * no other node may be inserted or removed meanwhile.
 */
struct hmap_iter {
	const struct hmap *m;
	size_t bucket;
	struct hmap_node *next;
};
struct hmap_node *hmap_first(const struct hmap *, struct hmap_iter *);
struct hmap_node *hmap_next(struct hmap_iter *);

/* Keyed hashes (see above) of a NUL-terminated string, of len bytes and
 * of an id. */
uint64_t hmap_hash_str(const char *);
uint64_t hmap_hash_bytes(const void *, size_t len);
uint64_t hmap_hash_id(int64_t);

#endif
