/*
 * test_tui_keys.c: key dispatch through the views' tables and the view
 * stack (client-tui/tui.c), with views of the test's own; no terminal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../client-tui/tui.h"

static int pressed_x;
static int typed[8];
static int ntyped;
static int freed;
static int64_t confirmed;

static void
fake_x(struct view *v, struct tui *tui)
{
	(void)v;
	(void)tui;
	pressed_x++;
}

static void
fake_free(struct view *v)
{
	(void)v;
	freed++;
}

static void
fake_draw(struct view *v, struct tui *tui)
{
	(void)v;
	(void)tui;
}

static void
fake_key(struct view *v, struct tui *tui, int key)
{
	(void)v;
	(void)tui;
	if (ntyped < 8)
		typed[ntyped++] = key;
}

static const struct tui_binding fake_keys[] = {
	{ 'x', "x", "count", fake_x },
	{ 'h', "h", "overrides the global h", fake_x },
	{ 0, NULL, NULL, NULL },
};

static const struct view_type fake_list = {
	.name = "list",
	.keys = fake_keys,
	.free = fake_free,
	.draw = fake_draw,
};

static const struct view_type fake_text = {
	.name = "text",
	.keys = fake_keys,
	.text_input = true,
	.free = fake_free,
	.draw = fake_draw,
	.key = fake_key,
};

static int
setup(void **state)
{
	struct tui *tui = calloc(1, sizeof *tui);

	tui->running = true;
	pressed_x = ntyped = freed = 0;
	confirmed = 0;
	*state = tui;
	return 0;
}

static int
teardown(void **state)
{
	struct tui *tui = *state;

	while (tui->depth > 0)
		tui_pop(tui);
	free(tui);
	return 0;
}

static void
view_table_wins_over_global_keys(void **state)
{
	struct tui *tui = *state;

	tui_push(tui, tui_view_new(&fake_list, NULL));
	tui_push(tui, tui_view_new(&fake_list, NULL));
	tui_key(tui, 'x');
	tui_key(tui, 'h');
	assert_int_equal(pressed_x, 2);
	assert_int_equal(tui->depth, 2);
}

static void
q_goes_back_then_quits(void **state)
{
	struct tui *tui = *state;

	tui_push(tui, tui_view_new(&fake_list, NULL));
	tui_push(tui, tui_view_new(&fake_list, NULL));
	tui_key(tui, 'q');
	assert_int_equal(tui->depth, 1);
	assert_int_equal(freed, 1);
	assert_true(tui->running);
	tui_key(tui, 'q');
	assert_int_equal(tui->depth, 0);
	assert_false(tui->running);
}

static void
text_views_take_q_and_globals_as_text(void **state)
{
	struct tui *tui = *state;

	tui_push(tui, tui_view_new(&fake_list, NULL));
	tui_push(tui, tui_view_new(&fake_text, NULL));
	tui_key(tui, 'q');
	tui_key(tui, '?');
	tui_key(tui, 0x4e16);
	assert_int_equal(tui->depth, 2);
	assert_int_equal(ntyped, 3);
	assert_int_equal(typed[0], 'q');
	assert_int_equal(typed[1], '?');
	assert_int_equal(typed[2], 0x4e16);
	/* its own table still applies */
	tui_key(tui, 'x');
	assert_int_equal(pressed_x, 1);
}

static void
question_mark_opens_help_once(void **state)
{
	struct tui *tui = *state;

	tui_push(tui, tui_view_new(&fake_list, NULL));
	tui_key(tui, '?');
	assert_int_equal(tui->depth, 2);
	assert_ptr_equal(tui_top(tui)->type, &view_help_type);
	tui_key(tui, 'q');
	assert_int_equal(tui->depth, 1);
}

static void
yes(struct tui *tui, int64_t id)
{
	(void)tui;
	confirmed = id;
}

static void
confirm_takes_the_next_key(void **state)
{
	struct tui *tui = *state;

	tui_push(tui, tui_view_new(&fake_list, NULL));
	tui_ask(tui, "really? (y/n)", 42, yes);
	tui_key(tui, 'x');	/* not y: cancelled, and not dispatched */
	assert_int_equal(confirmed, 0);
	assert_int_equal(pressed_x, 0);
	assert_false(tui->confirm.active);
	assert_string_equal(tui->message, "cancelled");
	tui_ask(tui, "really? (y/n)", 42, yes);
	tui_key(tui, 'y');
	assert_int_equal(confirmed, 42);
	tui_key(tui, 'y');	/* asked once, answered once */
	assert_int_equal(confirmed, 42);
}

static void
a_key_clears_the_message(void **state)
{
	struct tui *tui = *state;

	tui_push(tui, tui_view_new(&fake_list, NULL));
	tui_error(tui, "cannot reach '%s'", "http://x");
	assert_string_equal(tui->message, "cannot reach 'http://x'");
	assert_true(tui->message_error);
	tui_key(tui, 'x');
	assert_string_equal(tui->message, "");
}

static void
h_folds_the_stack_to_home(void **state)
{
	struct tui *tui = *state;
	int i;

	tui_push(tui, tui_view_new(&view_help_type, calloc(1, 64)));
	for (i = 0; i < 5; i++)
		tui_push(tui, tui_view_new(&fake_text, NULL));
	tui_pop(tui);
	tui_push(tui, tui_view_new(&view_help_type, calloc(1, 64)));
	/* help has no h: the global one folds back to the bottom view */
	tui_key(tui, 'h');
	assert_int_equal(tui->depth, 1);
	assert_int_equal(freed, 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(view_table_wins_over_global_keys,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(q_goes_back_then_quits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    text_views_take_q_and_globals_as_text, setup, teardown),
		cmocka_unit_test_setup_teardown(question_mark_opens_help_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(confirm_takes_the_next_key,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(a_key_clears_the_message, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(h_folds_the_stack_to_home,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
