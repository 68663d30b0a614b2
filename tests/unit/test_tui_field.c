/* test_tui_field.c: a line of text being typed (client-tui/field.c). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../client-tui/field.h"

static void
typing_builds_utf8(void **state)
{
	struct field f;

	(void)state;
	field_clear(&f);
	assert_true(field_add(&f, 'c'));
	assert_true(field_add(&f, 0xe9));	/* é */
	assert_true(field_add(&f, 0x4e16));	/* 世 */
	assert_true(field_add(&f, 0x1f600));	/* 😀 */
	assert_string_equal(f.text, "c\xc3\xa9\xe4\xb8\x96\xf0\x9f\x98\x80");
	assert_int_equal(f.len, 10);
}

static void
backspace_removes_a_whole_character(void **state)
{
	struct field f;

	(void)state;
	field_clear(&f);
	field_add(&f, 'a');
	field_add(&f, 0x1f600);
	assert_true(field_backspace(&f));
	assert_string_equal(f.text, "a");
	assert_true(field_backspace(&f));
	assert_false(field_backspace(&f));
	assert_int_equal(f.len, 0);
}

static void
control_characters_are_not_text(void **state)
{
	struct field f;

	(void)state;
	field_clear(&f);
	assert_false(field_add(&f, 0x1b));
	assert_false(field_add(&f, '\n'));
	assert_false(field_add(&f, 0x7f));
	assert_false(field_add(&f, 0x110000));
	assert_int_equal(f.len, 0);
}

static void
a_full_field_refuses_more(void **state)
{
	struct field f;
	size_t i;

	(void)state;
	field_clear(&f);
	for (i = 0; i < FIELD_MAX; i++)
		assert_true(field_add(&f, 'x'));
	assert_false(field_add(&f, 'x'));
	assert_int_equal(f.len, FIELD_MAX);
}

static void
delete_word_removes_the_last_word(void **state)
{
	struct field f;
	const char *s = "one two  ";

	(void)state;
	field_clear(&f);
	while (*s != '\0')
		field_add(&f, *s++);
	field_delete_word(&f);
	assert_string_equal(f.text, "one ");
	field_delete_word(&f);
	assert_string_equal(f.text, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(typing_builds_utf8),
		cmocka_unit_test(backspace_removes_a_whole_character),
		cmocka_unit_test(control_characters_are_not_text),
		cmocka_unit_test(a_full_field_refuses_more),
		cmocka_unit_test(delete_word_removes_the_last_word),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
