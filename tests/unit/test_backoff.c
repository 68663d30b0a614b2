/* Unit tests of gateway/backoff.c: failed logins back off per address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "../../gateway/backoff.h"

static void
free_failures_then_doubling_waits(void **state)
{
	struct backoff *b = backoff_new(3, 60, 100);
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(backoff_wait(b, "a:1", 0), 0);
		backoff_failure(b, "a:1", 0);
	}
	assert_int_equal(backoff_wait(b, "a:1", 0), 0);
	backoff_failure(b, "a:1", 0);		/* 4th: 1 s */
	assert_int_equal(backoff_wait(b, "a:1", 0), 1);
	assert_int_equal(backoff_wait(b, "a:1", 1000), 0);
	backoff_failure(b, "a:1", 1000);	/* 5th: 2 s */
	assert_int_equal(backoff_wait(b, "a:1", 1000), 2);
	backoff_failure(b, "a:1", 3000);	/* 6th: 4 s */
	assert_int_equal(backoff_wait(b, "a:1", 3500), 4);
	for (i = 0; i < 20; i++)
		backoff_failure(b, "a:1", 10000);
	assert_int_equal(backoff_wait(b, "a:1", 10000), 60);	/* capped */
	assert_int_equal(backoff_wait(b, "a:2", 10000), 0);	/* per key */
	backoff_free(b);
}

static void
success_and_an_idle_hour_forget(void **state)
{
	struct backoff *b = backoff_new(0, 60, 100);

	(void)state;
	backoff_failure(b, "a:1", 0);
	assert_int_equal(backoff_wait(b, "a:1", 0), 1);
	backoff_success(b, "a:1");
	assert_int_equal(backoff_wait(b, "a:1", 0), 0);
	assert_int_equal(backoff_count(b), 0);
	backoff_failure(b, "a:1", 0);
	backoff_failure(b, "a:2", BACKOFF_FORGET_MS + 1);
	assert_int_equal(backoff_count(b), 1);
	backoff_free(b);
}

static void
bounded_evicts_the_oldest(void **state)
{
	struct backoff *b = backoff_new(0, 60, 2);

	(void)state;
	backoff_failure(b, "a:1", 0);
	backoff_failure(b, "a:2", 1);
	backoff_failure(b, "a:3", 2);
	assert_int_equal(backoff_count(b), 2);
	assert_int_equal(backoff_wait(b, "a:1", 2), 0);
	assert_int_equal(backoff_wait(b, "a:3", 2), 1);
	backoff_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(free_failures_then_doubling_waits),
		cmocka_unit_test(success_and_an_idle_hour_forget),
		cmocka_unit_test(bounded_evicts_the_oldest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
