/* test_tui_wrap.c: UTF-8 text cut by display width (client-tui/wrap.c). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../client-tui/wrap.h"

static void
ascii_wraps_at_spaces(void **state)
{
	struct wrap_lines w;

	(void)state;
	wrap_text("the quick brown fox jumps", 10, &w);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.line[0], "the quick ");
	assert_string_equal(w.line[1], "brown fox ");
	assert_string_equal(w.line[2], "jumps");
	wrap_release(&w);
}

static void
long_word_is_cut(void **state)
{
	struct wrap_lines w;

	(void)state;
	wrap_text("abcdefghij", 4, &w);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.line[0], "abcd");
	assert_string_equal(w.line[2], "ij");
	wrap_release(&w);
}

static void
cjk_and_emoji_count_two_columns(void **state)
{
	struct wrap_lines w;
	size_t i;

	(void)state;
	/* five CJK characters of two columns each in six columns */
	wrap_text("\xe4\xb8\xad\xe6\x96\x87\xe6\xb5\x8b\xe8\xaf\x95\xe5\xad\x97",
	    6, &w);
	assert_int_equal(w.n, 2);
	assert_int_equal(wrap_width(w.line[0]), 6);
	assert_int_equal(wrap_width(w.line[1]), 4);
	wrap_release(&w);
	assert_int_equal(wrap_width("\xf0\x9f\x98\x80"), 2);	/* emoji */
	assert_int_equal(wrap_width("caf\xc3\xa9"), 4);	/* accent */
	assert_int_equal(wrap_width("e\xcc\x81"), 1);	/* combining */
	/* an odd width never splits a wide character */
	wrap_text("\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 5, &w);
	for (i = 0; i < w.n; i++)
		assert_true(wrap_width(w.line[i]) <= 5);
	assert_int_equal(w.n, 2);
	wrap_release(&w);
}

static void
control_characters_are_harmless(void **state)
{
	struct wrap_lines w;
	char *s;

	(void)state;
	wrap_text("a\x1b[2Jb\tc\nd", 20, &w);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.line[0], "a\xef\xbf\xbd[2Jb c");
	assert_string_equal(w.line[1], "d");
	wrap_release(&w);
	s = wrap_fit("bad \xff byte", 20);
	assert_string_equal(s, "bad \xef\xbf\xbd byte");
	free(s);
}

static void
fit_cuts_to_the_width(void **state)
{
	char *s;

	(void)state;
	s = wrap_fit("hello world", 5);
	assert_string_equal(s, "hello");
	free(s);
	s = wrap_fit("\xe4\xb8\xad\xe6\x96\x87", 3);
	assert_string_equal(s, "\xe4\xb8\xad");
	free(s);
}

static void
empty_text_is_one_empty_line(void **state)
{
	struct wrap_lines w;

	(void)state;
	wrap_text("", 10, &w);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.line[0], "");
	wrap_release(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ascii_wraps_at_spaces),
		cmocka_unit_test(long_word_is_cut),
		cmocka_unit_test(cjk_and_emoji_count_two_columns),
		cmocka_unit_test(control_characters_are_harmless),
		cmocka_unit_test(fit_cuts_to_the_width),
		cmocka_unit_test(empty_text_is_one_empty_line),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
