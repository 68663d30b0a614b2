/*
 * hmap.c: chained buckets, a power of two of them, indexed by the low bits
 * of the hash (SipHash output: every bit is as good as any other). Each
 * node keeps its full hash, so a lookup compares keys only on a match of
 * all 64 bits and growing rehashes nothing.
 */
#include "hmap.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "rand.h"
#include "xmalloc.h"

#define HMAP_MIN_BUCKETS 16

static unsigned char hmap_key[crypto_shorthash_KEYBYTES];
static pthread_once_t hmap_key_once = PTHREAD_ONCE_INIT;

static void
hmap_key_init(void)
{
	rand_bytes(hmap_key, sizeof(hmap_key));
}

uint64_t
hmap_hash_bytes(const void *p, size_t len)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;

	pthread_once(&hmap_key_once, hmap_key_init);
	crypto_shorthash(out, p, len, hmap_key);
	memcpy(&h, out, sizeof(h));
	return h;
}

uint64_t
hmap_hash_str(const char *s)
{
	return hmap_hash_bytes(s, strlen(s));
}

uint64_t
hmap_hash_id(int64_t id)
{
	return hmap_hash_bytes(&id, sizeof(id));
}

void
hmap_init(struct hmap *m)
{
	m->buckets = xcalloc(HMAP_MIN_BUCKETS, sizeof(*m->buckets));
	m->mask = HMAP_MIN_BUCKETS - 1;
	m->count = 0;
}

void
hmap_release(struct hmap *m)
{
	free(m->buckets);
	m->buckets = NULL;
	m->mask = 0;
	m->count = 0;
}

/* Twice the buckets; every node moves to hash & the new mask. */
static void
hmap_grow(struct hmap *m)
{
	size_t n = (m->mask + 1) * 2, i;
	struct hmap_node **b = xcalloc(n, sizeof(*b)), *e, *next;

	for (i = 0; i <= m->mask; i++)
		for (e = m->buckets[i]; e != NULL; e = next) {
			next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	free(m->buckets);
	m->buckets = b;
	m->mask = n - 1;
}

void
hmap_insert(struct hmap *m, struct hmap_node *node, uint64_t hash)
{
	struct hmap_node **b;

	if (m->count > m->mask)
		hmap_grow(m);
	node->hash = hash;
	b = &m->buckets[hash & m->mask];
	node->next = *b;
	*b = node;
	m->count++;
}

void
hmap_remove(struct hmap *m, struct hmap_node *node)
{
	struct hmap_node **p;

	for (p = &m->buckets[node->hash & m->mask]; *p != NULL;
	    p = &(*p)->next)
		if (*p == node) {
			*p = node->next;
			node->next = NULL;
			m->count--;
			return;
		}
}

struct hmap_node *
hmap_find(const struct hmap *m, uint64_t hash, hmap_eq_fn *eq,
    const void *key)
{
	struct hmap_node *e;

	for (e = m->buckets[hash & m->mask]; e != NULL; e = e->next)
		if (e->hash == hash && eq(e, key))
			return e;
	return NULL;
}

size_t
hmap_count(const struct hmap *m)
{
	return m->count;
}

/* The first node from bucket it->bucket on, or NULL. */
static struct hmap_node *
hmap_scan(struct hmap_iter *it)
{
	struct hmap_node *e;

	for (; it->bucket <= it->m->mask; it->bucket++)
		if ((e = it->m->buckets[it->bucket]) != NULL) {
			it->next = e->next;
			return e;
		}
	return NULL;
}

struct hmap_node *
hmap_first(const struct hmap *m, struct hmap_iter *it)
{
	it->m = m;
	it->bucket = 0;
	it->next = NULL;
	return hmap_scan(it);
}

struct hmap_node *
hmap_next(struct hmap_iter *it)
{
	struct hmap_node *e = it->next;

	if (e != NULL) {
		it->next = e->next;
		return e;
	}
	it->bucket++;
	return hmap_scan(it);
}
