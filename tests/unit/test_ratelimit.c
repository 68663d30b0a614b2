/* Unit tests of gateway/ratelimit.c: fixed windows per key, bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "../../gateway/ratelimit.h"

static void
allows_up_to_limit_then_refuses(void **state)
{
	struct ratelimit *rl = ratelimit_new(3, 10, 100);
	struct ratelimit_result r;

	(void)state;
	assert_true(ratelimit_take(rl, "u:1", 0, &r));
	assert_true(r.allowed);
	assert_int_equal(r.limit, 3);
	assert_int_equal(r.remaining, 2);
	assert_int_equal(r.reset_s, 10);
	assert_true(ratelimit_take(rl, "u:1", 1000, &r));
	assert_int_equal(r.remaining, 1);
	assert_true(ratelimit_take(rl, "u:1", 2000, &r));
	assert_int_equal(r.remaining, 0);
	assert_int_equal(r.reset_s, 8);

	/* Refused: still filled in, and a refusal does not count. */
	r.limit = -1;
	assert_false(ratelimit_take(rl, "u:1", 2500, &r));
	assert_false(r.allowed);
	assert_int_equal(r.limit, 3);
	assert_int_equal(r.remaining, 0);
	assert_int_equal(r.reset_s, 8);	/* 7.5 s rounds up */
	assert_false(ratelimit_take(rl, "u:1", 9999, &r));
	assert_int_equal(r.reset_s, 1);
	ratelimit_free(rl);
}

static void
window_resets_after_window_seconds(void **state)
{
	struct ratelimit *rl = ratelimit_new(2, 5, 100);
	struct ratelimit_result r;

	(void)state;
	assert_true(ratelimit_take(rl, "k", 1000, &r));
	assert_true(ratelimit_take(rl, "k", 1001, &r));
	assert_false(ratelimit_take(rl, "k", 5999, &r));
	/* The window opened at 1000 ms, so at 6000 ms it is a new one. */
	assert_true(ratelimit_take(rl, "k", 6000, &r));
	assert_int_equal(r.remaining, 1);
	assert_int_equal(r.reset_s, 5);
	assert_true(ratelimit_take(rl, "k", 6001, &r));
	assert_false(ratelimit_take(rl, "k", 6002, &r));
	/* Long idle: a fresh window, full allowance. */
	assert_true(ratelimit_take(rl, "k", 100000, &r));
	assert_int_equal(r.remaining, 1);
	ratelimit_free(rl);
}

static void
keys_are_independent(void **state)
{
	struct ratelimit *rl = ratelimit_new(1, 60, 100);
	struct ratelimit_result r;

	(void)state;
	assert_true(ratelimit_take(rl, "user:1", 0, &r));
	assert_false(ratelimit_take(rl, "user:1", 1, &r));
	assert_true(ratelimit_take(rl, "user:2", 2, &r));
	assert_true(ratelimit_take(rl, "addr:127.0.0.1", 3, &r));
	assert_false(ratelimit_take(rl, "user:2", 4, &r));
	assert_int_equal(ratelimit_count(rl), 3);
	ratelimit_free(rl);
}

static void
reset_is_at_least_one_second(void **state)
{
	struct ratelimit *rl = ratelimit_new(1, 1, 10);
	struct ratelimit_result r;

	(void)state;
	assert_true(ratelimit_take(rl, "k", 0, &r));
	assert_int_equal(r.reset_s, 1);
	assert_false(ratelimit_take(rl, "k", 999, &r));
	assert_int_equal(r.reset_s, 1);
	assert_true(ratelimit_take(rl, "k", 1000, &r));
	ratelimit_free(rl);
}

static void
memory_is_bounded_by_max_keys(void **state)
{
	struct ratelimit *rl = ratelimit_new(1, 60, 50);
	struct ratelimit_result r;
	char key[32];
	int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "addr:%d", i);
		assert_true(ratelimit_take(rl, key, i, &r));
		assert_true(ratelimit_count(rl) <= 50);
	}
	assert_int_equal(ratelimit_count(rl), 50);
	/* The newest keys are the ones kept: still limited. */
	assert_false(ratelimit_take(rl, "addr:999", 1000, &r));
	assert_false(ratelimit_take(rl, "addr:950", 1000, &r));
	/* The oldest were evicted: they start over. */
	assert_true(ratelimit_take(rl, "addr:0", 1000, &r));
	ratelimit_free(rl);
}

static void
eviction_takes_the_oldest_window_first(void **state)
{
	struct ratelimit *rl = ratelimit_new(1, 10, 2);
	struct ratelimit_result r;

	(void)state;
	assert_true(ratelimit_take(rl, "a", 0, &r));
	assert_true(ratelimit_take(rl, "b", 5000, &r));
	/* a's window expired at 10 s and restarts: a is now newer than b. */
	assert_true(ratelimit_take(rl, "a", 12000, &r));
	/* A third key evicts b, whose window opened first. */
	assert_true(ratelimit_take(rl, "c", 12001, &r));
	assert_int_equal(ratelimit_count(rl), 2);
	assert_false(ratelimit_take(rl, "a", 12002, &r));
	assert_false(ratelimit_take(rl, "c", 12003, &r));
	ratelimit_free(rl);
}

static void
one_key_table_still_works(void **state)
{
	struct ratelimit *rl = ratelimit_new(2, 10, 1);
	struct ratelimit_result r;

	(void)state;
	assert_true(ratelimit_take(rl, "a", 0, &r));
	assert_true(ratelimit_take(rl, "b", 1, &r));
	assert_true(ratelimit_take(rl, "b", 2, &r));
	assert_false(ratelimit_take(rl, "b", 3, &r));
	assert_int_equal(ratelimit_count(rl), 1);
	ratelimit_free(rl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allows_up_to_limit_then_refuses),
		cmocka_unit_test(window_resets_after_window_seconds),
		cmocka_unit_test(keys_are_independent),
		cmocka_unit_test(reset_is_at_least_one_second),
		cmocka_unit_test(memory_is_bounded_by_max_keys),
		cmocka_unit_test(eviction_takes_the_oldest_window_first),
		cmocka_unit_test(one_key_table_still_works),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
