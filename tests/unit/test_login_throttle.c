/* Unit tests of server/user/login_throttle.c: the failed-login table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "../../server/user/login_throttle.h"

#define S 1000LL

static void
first_failures_are_free(void **state)
{
	struct login_throttle *t = login_throttle_new(100, 5, 1, 900);
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		login_throttle_failed(t, "alice", 1000 * S);
		assert_int_equal(login_throttle_wait(t, "alice", 1000 * S), 0);
	}
	login_throttle_free(t);
}

static void
lock_doubles_with_each_failure_up_to_the_cap(void **state)
{
	struct login_throttle *t = login_throttle_new(100, 5, 1, 900);
	int64_t now = 1000 * S, expect = 1;
	int i;

	(void)state;
	for (i = 0; i < 4; i++)
		login_throttle_failed(t, "alice", now);
	for (i = 0; i < 15; i++) {
		login_throttle_failed(t, "alice", now);
		assert_int_equal(login_throttle_wait(t, "alice", now), expect);
		/* refused until the period is over, free after */
		assert_true(login_throttle_wait(t, "alice",
		    now + expect * S - 1) > 0);
		now += expect * S;
		assert_int_equal(login_throttle_wait(t, "alice", now), 0);
		expect = expect * 2 > 900 ? 900 : expect * 2;
	}
	assert_int_equal(expect, 900);
	login_throttle_free(t);
}

static void
names_are_compared_ignoring_case(void **state)
{
	struct login_throttle *t = login_throttle_new(100, 2, 10, 900);

	(void)state;
	login_throttle_failed(t, "Alice", 0);
	login_throttle_failed(t, "aLICE", 0);
	assert_int_equal(login_throttle_wait(t, "alice", 0), 10);
	assert_int_equal(login_throttle_wait(t, "bob", 0), 0);
	login_throttle_free(t);
}

static void
success_starts_over(void **state)
{
	struct login_throttle *t = login_throttle_new(100, 2, 10, 900);

	(void)state;
	login_throttle_failed(t, "alice", 0);
	login_throttle_failed(t, "alice", 0);
	assert_true(login_throttle_wait(t, "alice", 0) > 0);
	login_throttle_succeeded(t, "ALICE");
	assert_int_equal(login_throttle_wait(t, "alice", 0), 0);
	assert_int_equal(login_throttle_count(t), 0);
	login_throttle_failed(t, "alice", 0);
	assert_int_equal(login_throttle_wait(t, "alice", 0), 0);
	login_throttle_free(t);
}

static void
old_failures_are_forgotten(void **state)
{
	struct login_throttle *t = login_throttle_new(100, 2, 10, 900);

	(void)state;
	login_throttle_failed(t, "alice", 0);
	login_throttle_failed(t, "alice", LOGIN_THROTTLE_FORGET_MS + 1);
	assert_int_equal(login_throttle_wait(t, "alice",
	    LOGIN_THROTTLE_FORGET_MS + 1), 0);
	login_throttle_free(t);
}

/* A flood of names cannot grow the table; the oldest goes first. */
static void
table_is_bounded_oldest_first(void **state)
{
	struct login_throttle *t = login_throttle_new(8, 1, 60, 900);
	char name[32];
	int i;

	(void)state;
	login_throttle_failed(t, "victim", 0);
	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "user%d", i);
		login_throttle_failed(t, name, i);
		assert_true(login_throttle_count(t) <= 8);
	}
	assert_int_equal(login_throttle_count(t), 8);
	assert_int_equal(login_throttle_wait(t, "victim", 10000), 0);
	assert_true(login_throttle_wait(t, "user9999", 10000) > 0);
	login_throttle_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_failures_are_free),
		cmocka_unit_test(lock_doubles_with_each_failure_up_to_the_cap),
		cmocka_unit_test(names_are_compared_ignoring_case),
		cmocka_unit_test(success_starts_over),
		cmocka_unit_test(old_failures_are_forgotten),
		cmocka_unit_test(table_is_bounded_oldest_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
