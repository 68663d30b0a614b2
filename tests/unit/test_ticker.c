/* test_ticker.c: the periodic background thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "ticker.h"

static atomic_int calls;

static int
tick(void *arg)
{
	(void)arg;
	atomic_fetch_add(&calls, 1);
	return 60 * 1000;	/* far away: only a kick brings it sooner */
}

static void
wait_calls(int n)
{
	int i;

	for (i = 0; i < 500 && atomic_load(&calls) < n; i++)
		usleep(10 * 1000);
}

static void
runs_at_once_and_again_when_kicked_and_stops_promptly(void **state)
{
	struct ticker *t;

	(void)state;
	atomic_store(&calls, 0);
	t = ticker_start(tick, NULL);
	assert_non_null(t);
	wait_calls(1);
	assert_int_equal(atomic_load(&calls), 1);
	ticker_kick(t);
	wait_calls(2);
	assert_int_equal(atomic_load(&calls), 2);
	/* Stopping does not wait out the minute until the next call. */
	ticker_stop(t);
	assert_int_equal(atomic_load(&calls), 2);
	ticker_stop(NULL);
}

static int
fast(void *arg)
{
	(void)arg;
	atomic_fetch_add(&calls, 1);
	return 5;
}

static void
returned_delay_sets_the_next_call(void **state)
{
	struct ticker *t;

	(void)state;
	atomic_store(&calls, 0);
	t = ticker_start(fast, NULL);
	wait_calls(4);
	ticker_stop(t);
	assert_true(atomic_load(&calls) >= 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    runs_at_once_and_again_when_kicked_and_stops_promptly),
		cmocka_unit_test(returned_delay_sets_the_next_call),
	};

	return cmocka_run_group_tests_name("ticker", tests, NULL, NULL);
}
