/* Unit tests of common/hmap.c: the intrusive hash map. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hmap.h"

struct item {
	int64_t key;
	int seen;
	struct hmap_node node;
};

static bool
item_eq(const struct hmap_node *n, const void *key)
{
	return HMAP_ENTRY(n, const struct item, node)->key ==
	    *(const int64_t *)key;
}

static struct item *
item_find(const struct hmap *m, int64_t key, uint64_t hash)
{
	struct hmap_node *n = hmap_find(m, hash, item_eq, &key);

	return n != NULL ? HMAP_ENTRY(n, struct item, node) : NULL;
}

static void
insert_find_remove(void **state)
{
	struct hmap m;
	struct item a = {.key = 1}, b = {.key = 2};

	(void)state;
	hmap_init(&m);
	assert_null(item_find(&m, 1, hmap_hash_id(1)));
	hmap_insert(&m, &a.node, hmap_hash_id(1));
	hmap_insert(&m, &b.node, hmap_hash_id(2));
	assert_int_equal(hmap_count(&m), 2);
	assert_ptr_equal(item_find(&m, 1, hmap_hash_id(1)), &a);
	assert_ptr_equal(item_find(&m, 2, hmap_hash_id(2)), &b);
	assert_null(item_find(&m, 3, hmap_hash_id(3)));

	hmap_remove(&m, &a.node);
	assert_int_equal(hmap_count(&m), 1);
	assert_null(item_find(&m, 1, hmap_hash_id(1)));
	assert_ptr_equal(item_find(&m, 2, hmap_hash_id(2)), &b);
	hmap_remove(&m, &b.node);
	assert_int_equal(hmap_count(&m), 0);
	assert_null(item_find(&m, 2, hmap_hash_id(2)));
	hmap_release(&m);
}

/* Equal hashes (the whole 64 bits) and equal buckets: the caller's
 * equality tells the nodes apart, and removing one leaves the others. */
static void
collisions_are_told_apart_by_equality(void **state)
{
	struct hmap m;
	struct item it[8];
	int i;

	(void)state;
	hmap_init(&m);
	for (i = 0; i < 8; i++) {
		it[i].key = i;
		/* 0-3 share one hash, 4-7 the same low bits only */
		hmap_insert(&m, &it[i].node,
		    i < 4 ? 42 : 42 | ((uint64_t)i << 40));
	}
	for (i = 0; i < 8; i++)
		assert_ptr_equal(item_find(&m, i,
		    i < 4 ? 42 : 42 | ((uint64_t)i << 40)), &it[i]);
	assert_null(item_find(&m, 9, 42));
	assert_null(item_find(&m, 1, 42 | ((uint64_t)1 << 40)));
	hmap_remove(&m, &it[2].node);
	hmap_remove(&m, &it[5].node);
	for (i = 0; i < 8; i++) {
		struct item *f = item_find(&m, i,
		    i < 4 ? 42 : 42 | ((uint64_t)i << 40));

		if (i == 2 || i == 5)
			assert_null(f);
		else
			assert_ptr_equal(f, &it[i]);
	}
	assert_int_equal(hmap_count(&m), 6);
	hmap_release(&m);
}

/* Many nodes: the buckets double (there are never many more nodes than
 * buckets) and every node is still found. */
static void
grows_and_keeps_every_node(void **state)
{
	enum { N = 5000 };
	struct item *it = calloc(N, sizeof(*it));
	struct hmap m;
	int64_t i;

	(void)state;
	hmap_init(&m);
	for (i = 0; i < N; i++) {
		it[i].key = i * 7919;
		hmap_insert(&m, &it[i].node, hmap_hash_id(it[i].key));
		assert_true(hmap_count(&m) <= m.mask + 2);
	}
	assert_true(m.mask + 1 >= N);
	assert_true(m.mask + 1 <= 2 * N);
	for (i = 0; i < N; i++)
		assert_ptr_equal(item_find(&m, i * 7919,
		    hmap_hash_id(i * 7919)), &it[i]);
	assert_null(item_find(&m, 1, hmap_hash_id(1)));
	hmap_release(&m);
	free(it);
}

/* Every node once; the node in hand may be removed and freed. */
static void
iterate_while_removing(void **state)
{
	enum { N = 300 };
	struct item *it[N];
	struct hmap_iter iter;
	struct hmap_node *n;
	struct hmap m;
	int i, visited = 0;

	(void)state;
	hmap_init(&m);
	for (i = 0; i < N; i++) {
		it[i] = calloc(1, sizeof(*it[i]));
		it[i]->key = i;
		/* a few long chains as well as many buckets */
		hmap_insert(&m, &it[i]->node,
		    i % 3 == 0 ? (uint64_t)i % 4 : hmap_hash_id(i));
	}
	for (n = hmap_first(&m, &iter); n != NULL; n = hmap_next(&iter)) {
		struct item *x = HMAP_ENTRY(n, struct item, node);

		x->seen++;
		visited++;
	}
	assert_int_equal(visited, N);
	for (i = 0; i < N; i++)
		assert_int_equal(it[i]->seen, 1);

	/* drop the odd keys while walking */
	visited = 0;
	for (n = hmap_first(&m, &iter); n != NULL; n = hmap_next(&iter)) {
		struct item *x = HMAP_ENTRY(n, struct item, node);

		visited++;
		if (x->key % 2 == 1) {
			it[x->key] = NULL;
			hmap_remove(&m, n);
			free(x);
		}
	}
	assert_int_equal(visited, N);
	assert_int_equal(hmap_count(&m), N / 2);

	/* and then all of them */
	for (n = hmap_first(&m, &iter); n != NULL; n = hmap_next(&iter)) {
		hmap_remove(&m, n);
		free(HMAP_ENTRY(n, struct item, node));
	}
	assert_int_equal(hmap_count(&m), 0);
	assert_null(hmap_first(&m, &iter));
	hmap_release(&m);
}

/* The hashes are functions of the key (in one process) and tell
 * different keys apart. */
static void
hashes_are_stable_and_spread(void **state)
{
	(void)state;
	assert_true(hmap_hash_str("127.0.0.1") == hmap_hash_str("127.0.0.1"));
	assert_true(hmap_hash_str("127.0.0.1") ==
	    hmap_hash_bytes("127.0.0.1", 9));
	assert_true(hmap_hash_str("127.0.0.1") != hmap_hash_str("127.0.0.2"));
	assert_true(hmap_hash_str("") != hmap_hash_str("a"));
	assert_true(hmap_hash_id(1) == hmap_hash_id(1));
	assert_true(hmap_hash_id(1) != hmap_hash_id(2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(insert_find_remove),
		cmocka_unit_test(collisions_are_told_apart_by_equality),
		cmocka_unit_test(grows_and_keeps_every_node),
		cmocka_unit_test(iterate_while_removing),
		cmocka_unit_test(hashes_are_stable_and_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
