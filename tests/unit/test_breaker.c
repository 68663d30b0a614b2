/* Unit tests of gateway/breaker.c: closed, open, half-open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../gateway/breaker.h"

/* The gateway's numbers: 3 failures in 3.5 x a 2 s timeout, 5 s cool-down. */
#define WINDOW 7000
#define COOLDOWN 5000

static void
starts_closed_and_allows(void **state)
{
	struct breaker b;

	(void)state;
	breaker_init(&b, 3, WINDOW, COOLDOWN);
	assert_int_equal(breaker_state(&b), BREAKER_CLOSED);
	assert_true(breaker_allow(&b, 0));
	assert_false(breaker_want_probe(&b, 100000));
	assert_int_equal(breaker_state(&b), BREAKER_CLOSED);
}

static void
opens_after_failures_within_window(void **state)
{
	struct breaker b;

	(void)state;
	breaker_init(&b, 3, WINDOW, COOLDOWN);
	breaker_failure(&b, 1000);
	breaker_failure(&b, 2000);
	assert_int_equal(breaker_state(&b), BREAKER_CLOSED);
	assert_true(breaker_allow(&b, 2000));
	breaker_failure(&b, 8000);	/* exactly WINDOW after the first */
	assert_int_equal(breaker_state(&b), BREAKER_OPEN);
	assert_false(breaker_allow(&b, 8001));
}

static void
failures_outside_window_do_not_count(void **state)
{
	struct breaker b;

	(void)state;
	breaker_init(&b, 3, WINDOW, COOLDOWN);
	breaker_failure(&b, 0);
	breaker_failure(&b, 5000);
	breaker_failure(&b, 7001);	/* the one at 0 is out of the window */
	assert_int_equal(breaker_state(&b), BREAKER_CLOSED);
	breaker_failure(&b, 12500);	/* 5000 is 7.5 s back: two in the window */
	assert_int_equal(breaker_state(&b), BREAKER_CLOSED);
	breaker_failure(&b, 20000);
	breaker_failure(&b, 30000);
	breaker_failure(&b, 40000);
	assert_int_equal(breaker_state(&b), BREAKER_CLOSED);
	/* Now three close together do. */
	breaker_failure(&b, 40001);
	breaker_failure(&b, 40002);
	assert_int_equal(breaker_state(&b), BREAKER_OPEN);
}

static void
successes_between_failures_do_not_hide_them(void **state)
{
	struct breaker b;

	(void)state;
	breaker_init(&b, 3, WINDOW, COOLDOWN);
	breaker_failure(&b, 100);
	breaker_success(&b, 200);
	breaker_failure(&b, 300);
	breaker_success(&b, 400);
	assert_int_equal(breaker_state(&b), BREAKER_CLOSED);
	breaker_failure(&b, 500);
	assert_int_equal(breaker_state(&b), BREAKER_OPEN);
}

static void
open_waits_for_cooldown_then_probes_once(void **state)
{
	struct breaker b;

	(void)state;
	breaker_init(&b, 1, WINDOW, COOLDOWN);
	breaker_failure(&b, 1000);
	assert_int_equal(breaker_state(&b), BREAKER_OPEN);
	assert_false(breaker_want_probe(&b, 1000));
	assert_false(breaker_want_probe(&b, 5999));
	assert_int_equal(breaker_state(&b), BREAKER_OPEN);
	assert_true(breaker_want_probe(&b, 6000));
	assert_int_equal(breaker_state(&b), BREAKER_HALF_OPEN);
	/* Once only, and no traffic while the probe is under way. */
	assert_false(breaker_want_probe(&b, 6001));
	assert_false(breaker_want_probe(&b, 60000));
	assert_false(breaker_allow(&b, 6001));
}

static void
successful_probe_closes_and_forgets(void **state)
{
	struct breaker b;

	(void)state;
	breaker_init(&b, 2, WINDOW, COOLDOWN);
	breaker_failure(&b, 0);
	breaker_failure(&b, 1);
	assert_true(breaker_want_probe(&b, COOLDOWN + 1));
	breaker_success(&b, COOLDOWN + 2);
	assert_int_equal(breaker_state(&b), BREAKER_CLOSED);
	assert_true(breaker_allow(&b, COOLDOWN + 3));
	/* The failures before it opened are forgotten: one more is not two. */
	breaker_failure(&b, COOLDOWN + 4);
	assert_int_equal(breaker_state(&b), BREAKER_CLOSED);
	breaker_failure(&b, COOLDOWN + 5);
	assert_int_equal(breaker_state(&b), BREAKER_OPEN);
}

static void
failed_probe_reopens_with_new_cooldown(void **state)
{
	struct breaker b;

	(void)state;
	breaker_init(&b, 1, WINDOW, COOLDOWN);
	breaker_failure(&b, 0);
	assert_true(breaker_want_probe(&b, 5000));
	breaker_failure(&b, 5500);
	assert_int_equal(breaker_state(&b), BREAKER_OPEN);
	assert_false(breaker_allow(&b, 5500));
	/* The cool-down counts from the failed probe, not the first open. */
	assert_false(breaker_want_probe(&b, 10000));
	assert_false(breaker_want_probe(&b, 10499));
	assert_true(breaker_want_probe(&b, 10500));
	breaker_success(&b, 10600);
	assert_int_equal(breaker_state(&b), BREAKER_CLOSED);
}

static void
late_failure_while_open_changes_nothing(void **state)
{
	struct breaker b;

	(void)state;
	breaker_init(&b, 1, WINDOW, COOLDOWN);
	breaker_failure(&b, 0);
	breaker_failure(&b, 4000);	/* a request already under way */
	assert_int_equal(breaker_state(&b), BREAKER_OPEN);
	assert_true(breaker_want_probe(&b, 5000));
}

static void
late_success_while_open_closes(void **state)
{
	struct breaker b;

	(void)state;
	breaker_init(&b, 1, WINDOW, COOLDOWN);
	breaker_failure(&b, 0);
	breaker_success(&b, 10);
	assert_int_equal(breaker_state(&b), BREAKER_CLOSED);
	assert_true(breaker_allow(&b, 11));
}

static void
failure_count_is_clamped(void **state)
{
	struct breaker b;
	int i;

	(void)state;
	breaker_init(&b, 0, WINDOW, COOLDOWN);
	assert_int_equal(b.failures, 1);
	breaker_init(&b, 1000, WINDOW, COOLDOWN);
	assert_int_equal(b.failures, BREAKER_MAX_FAILURES);
	for (i = 0; i < BREAKER_MAX_FAILURES - 1; i++)
		breaker_failure(&b, i);
	assert_int_equal(breaker_state(&b), BREAKER_CLOSED);
	breaker_failure(&b, i);
	assert_int_equal(breaker_state(&b), BREAKER_OPEN);
}

static void
state_names(void **state)
{
	(void)state;
	assert_string_equal(breaker_state_name(BREAKER_CLOSED), "closed");
	assert_string_equal(breaker_state_name(BREAKER_OPEN), "open");
	assert_string_equal(breaker_state_name(BREAKER_HALF_OPEN),
	    "half_open");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(starts_closed_and_allows),
		cmocka_unit_test(opens_after_failures_within_window),
		cmocka_unit_test(failures_outside_window_do_not_count),
		cmocka_unit_test(successes_between_failures_do_not_hide_them),
		cmocka_unit_test(open_waits_for_cooldown_then_probes_once),
		cmocka_unit_test(successful_probe_closes_and_forgets),
		cmocka_unit_test(failed_probe_reopens_with_new_cooldown),
		cmocka_unit_test(late_failure_while_open_changes_nothing),
		cmocka_unit_test(late_success_while_open_closes),
		cmocka_unit_test(failure_count_is_clamped),
		cmocka_unit_test(state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
