/* Unit tests of gateway/cache.c: the follow-list cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../common/cursor.h"
#include "../../gateway/cache.h"

#define TTL 60000
#define BIG ((size_t)1 << 30)

static void
put(struct cache *c, const char *key, int64_t user, const char *body,
    int64_t now)
{
	cache_put(c, key, user, body, strlen(body), now);
}

static void
miss_then_hit(void **state)
{
	struct cache *c = cache_new(10, BIG, TTL);
	const char *b;
	size_t len = 0;

	(void)state;
	assert_null(cache_get(c, "/users/1/followers", 0, &len));
	put(c, "/users/1/followers", 1, "{\"followers\":[]}", 0);
	b = cache_get(c, "/users/1/followers", 1, &len);
	assert_non_null(b);
	assert_int_equal(len, 16);
	assert_memory_equal(b, "{\"followers\":[]}", 16);
	assert_int_equal(b[len], '\0');
	/* The query is part of the key: another page is another entry. */
	assert_null(cache_get(c, "/users/1/followers?limit=5", 1, &len));
	assert_int_equal(cache_count(c), 1);
	cache_free(c);
}

static void
body_is_a_copy_and_binary_safe(void **state)
{
	struct cache *c = cache_new(10, BIG, TTL);
	char body[] = { 'a', '\0', 'b' };
	const char *b;
	size_t len;

	(void)state;
	cache_put(c, "k", 1, body, sizeof body, 0);
	body[0] = 'z';
	b = cache_get(c, "k", 0, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(b, "a\0b", 3);
	cache_free(c);
}

static void
put_replaces(void **state)
{
	struct cache *c = cache_new(10, BIG, TTL);
	size_t len;

	(void)state;
	put(c, "k", 1, "old", 0);
	put(c, "k", 1, "newer", 1);
	assert_int_equal(cache_count(c), 1);
	assert_string_equal(cache_get(c, "k", 2, &len), "newer");
	assert_int_equal(len, 5);
	cache_free(c);
}

static void
entries_expire_after_ttl(void **state)
{
	struct cache *c = cache_new(10, BIG, TTL);
	size_t len;

	(void)state;
	put(c, "k", 1, "x", 1000);
	assert_non_null(cache_get(c, "k", 1000 + TTL - 1, &len));
	assert_null(cache_get(c, "k", 1000 + TTL, &len));
	/* An expired entry is dropped, not only hidden. */
	assert_int_equal(cache_count(c), 0);
	/* A hit does not extend the life of an entry. */
	put(c, "k", 1, "x", 0);
	assert_non_null(cache_get(c, "k", TTL - 1, &len));
	assert_null(cache_get(c, "k", TTL + 1, &len));
	cache_free(c);
}

static void
zero_ttl_never_expires_by_age(void **state)
{
	struct cache *c = cache_new(10, BIG, 0);
	size_t len;

	(void)state;
	put(c, "k", 1, "x", 0);
	assert_non_null(cache_get(c, "k", INT64_C(1) << 40, &len));
	cache_free(c);
}

static void
invalidate_drops_every_page_of_that_user_only(void **state)
{
	struct cache *c = cache_new(100, BIG, TTL);
	size_t len;

	(void)state;
	put(c, "/users/1/followers", 1, "a", 0);
	put(c, "/users/1/followers?limit=2", 1, "b", 0);
	put(c, "/users/2/followers", 2, "c", 0);
	put(c, "/users/1/followings?cursor=abc", 1, "d", 0);
	put(c, "/users/12/followings", 12, "e", 0);
	assert_int_equal(cache_count(c), 5);

	cache_invalidate_user(c, 1);
	assert_int_equal(cache_count(c), 2);
	assert_null(cache_get(c, "/users/1/followers", 1, &len));
	assert_null(cache_get(c, "/users/1/followers?limit=2", 1, &len));
	assert_null(cache_get(c, "/users/1/followings?cursor=abc", 1, &len));
	assert_string_equal(cache_get(c, "/users/2/followers", 1, &len), "c");
	assert_string_equal(cache_get(c, "/users/12/followings", 1, &len),
	    "e");

	/* Unknown user: nothing happens. */
	cache_invalidate_user(c, 99);
	assert_int_equal(cache_count(c), 2);
	/* The user can be cached again afterwards. */
	put(c, "/users/1/followers", 1, "f", 2);
	assert_string_equal(cache_get(c, "/users/1/followers", 3, &len), "f");
	cache_free(c);
}

static void
lru_is_evicted_when_full(void **state)
{
	struct cache *c = cache_new(3, BIG, TTL);
	size_t len;

	(void)state;
	put(c, "a", 1, "A", 0);
	put(c, "b", 2, "B", 0);
	put(c, "c", 3, "C", 0);
	/* Touch a: b is now the least recently used. */
	assert_non_null(cache_get(c, "a", 1, &len));
	put(c, "d", 4, "D", 2);
	assert_int_equal(cache_count(c), 3);
	assert_null(cache_get(c, "b", 3, &len));
	assert_non_null(cache_get(c, "a", 3, &len));
	assert_non_null(cache_get(c, "c", 3, &len));
	assert_non_null(cache_get(c, "d", 3, &len));
	/* Invalidating an evicted user's list is harmless. */
	cache_invalidate_user(c, 2);
	assert_int_equal(cache_count(c), 3);
	cache_free(c);
}

static void
bound_holds_under_many_keys(void **state)
{
	struct cache *c = cache_new(64, BIG, TTL);
	char key[64];
	size_t len;
	int i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "/users/%d/followers?limit=%d",
		    i % 300, i);
		put(c, key, i % 300, key, i);
		assert_true(cache_count(c) <= 64);
	}
	assert_int_equal(cache_count(c), 64);
	/* The newest are there; invalidating each user empties it. */
	snprintf(key, sizeof key, "/users/%d/followers?limit=%d", 4999 % 300,
	    4999);
	assert_string_equal(cache_get(c, key, 5000, &len), key);
	for (i = 0; i < 300; i++)
		cache_invalidate_user(c, i);
	assert_int_equal(cache_count(c), 0);
	cache_free(c);
}

static void
clear_empties_everything(void **state)
{
	struct cache *c = cache_new(10, BIG, TTL);
	size_t len;

	(void)state;
	put(c, "a", 1, "A", 0);
	put(c, "b", 1, "B", 0);
	put(c, "c", 2, "C", 0);
	cache_clear(c);
	assert_int_equal(cache_count(c), 0);
	assert_null(cache_get(c, "a", 0, &len));
	put(c, "a", 1, "A2", 0);
	assert_string_equal(cache_get(c, "a", 0, &len), "A2");
	cache_free(c);
}

static void
zero_size_caches_nothing(void **state)
{
	struct cache *c = cache_new(0, BIG, TTL);
	size_t len;

	(void)state;
	put(c, "a", 1, "A", 0);
	assert_int_equal(cache_count(c), 0);
	assert_null(cache_get(c, "a", 0, &len));
	cache_invalidate_user(c, 1);
	cache_free(c);
}

/* The bytes bound: entries are evicted, oldest first, to stay under it,
 * and a body larger than the whole cache is not stored. */
static void
bytes_bound_evicts_and_refuses_oversize(void **state)
{
	struct cache *c = cache_new(1000, 4096, TTL);
	char body[1000], key[32];
	size_t len;
	int i;

	(void)state;
	memset(body, 'x', sizeof body);
	for (i = 0; i < 20; i++) {
		snprintf(key, sizeof key, "/users/%d/followers", i);
		cache_put(c, key, i, body, sizeof body, 0);
		assert_true(cache_bytes(c) <= 4096);
	}
	assert_true(cache_count(c) >= 2 && cache_count(c) <= 4);
	assert_non_null(cache_get(c, "/users/19/followers", 0, &len));
	assert_null(cache_get(c, "/users/0/followers", 0, &len));
	{
		static char huge[8192];

		cache_put(c, "/users/1/followers", 1, huge, sizeof huge, 0);
		assert_null(cache_get(c, "/users/1/followers", 0, &len));
		assert_true(cache_bytes(c) <= 4096);
	}
	cache_clear(c);
	assert_int_equal(cache_bytes(c), 0);
	cache_free(c);
}

/* The key is the normalised request: argument order, extra arguments and
 * a missing default make no new entries; bad ones are not cached. */
static void
follow_key_is_canonical(void **state)
{
	char *k1, *k2, *k3;

	(void)state;
	k1 = cache_follow_key("/users/7/followings", "limit=10&x=1");
	k2 = cache_follow_key("/users/7/followings", "x=1&limit=10");
	k3 = cache_follow_key("/users/7/followings", "limit=10&y=2&z=3");
	assert_non_null(k1);
	assert_string_equal(k1, "/users/7/followings?limit=10");
	assert_string_equal(k1, k2);
	assert_string_equal(k1, k3);
	free(k1);
	free(k2);
	free(k3);
	k1 = cache_follow_key("/users/7/followers", "");
	assert_string_equal(k1, "/users/7/followers?limit=100");
	free(k1);
	k1 = cache_follow_key("/users/7/followers", "limit=100");
	assert_string_equal(k1, "/users/7/followers?limit=100");
	free(k1);
	/* not cached: the service answers these */
	assert_null(cache_follow_key("/users/7/followers", "limit=0"));
	assert_null(cache_follow_key("/users/7/followers", "limit=1001"));
	assert_null(cache_follow_key("/users/7/followers", "limit=010x"));
	assert_null(cache_follow_key("/users/7/followers", "limit=1&limit=2"));
	assert_null(cache_follow_key("/users/7/followers", "limit"));
	assert_null(cache_follow_key("/users/7/followers", "cursor=nonsense"));
	assert_null(cache_follow_key("/users/x/followers", ""));
	assert_null(cache_follow_key("/users/7/other", ""));
}

/* A cursor is decoded and encoded again, so only what the service would
 * take makes an entry. */
static void
follow_key_reencodes_the_cursor(void **state)
{
	char cur[CURSOR_MAX], q[128], *k1, *k2;

	(void)state;
	cursor_encode(1700000000000000LL, 42, cur);
	snprintf(q, sizeof q, "cursor=%s&limit=5", cur);
	k1 = cache_follow_key("/users/7/followings", q);
	snprintf(q, sizeof q, "limit=5&junk=1&cursor=%s", cur);
	k2 = cache_follow_key("/users/7/followings", q);
	assert_non_null(k1);
	assert_string_equal(k1, k2);
	snprintf(q, sizeof q, "/users/7/followings?limit=5&cursor=%s", cur);
	assert_string_equal(k1, q);
	free(k1);
	free(k2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(miss_then_hit),
		cmocka_unit_test(body_is_a_copy_and_binary_safe),
		cmocka_unit_test(put_replaces),
		cmocka_unit_test(entries_expire_after_ttl),
		cmocka_unit_test(zero_ttl_never_expires_by_age),
		cmocka_unit_test(invalidate_drops_every_page_of_that_user_only),
		cmocka_unit_test(lru_is_evicted_when_full),
		cmocka_unit_test(bound_holds_under_many_keys),
		cmocka_unit_test(clear_empties_everything),
		cmocka_unit_test(zero_size_caches_nothing),
		cmocka_unit_test(bytes_bound_evicts_and_refuses_oversize),
		cmocka_unit_test(follow_key_is_canonical),
		cmocka_unit_test(follow_key_reencodes_the_cursor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
