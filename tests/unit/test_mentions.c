/* test_mentions.c: the @names of a tweet's content, as API.md says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mentions.h"

/* The names of s joined by spaces. */
static const char *
parse(const char *s)
{
	static char out[1024];
	struct mention_name names[MODEL_MENTIONS_MAX];
	int i, n;

	n = mentions_parse(s, strlen(s), names, MODEL_MENTIONS_MAX);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(out, " ");
		strcat(out, names[i].name);
	}
	return out;
}

static void
plain_mentions_in_order(void **state)
{
	(void)state;
	assert_string_equal(parse("hi @bob and @ann_1"), "bob ann_1");
	assert_string_equal(parse("@bob"), "bob");
	assert_string_equal(parse("(@bob), @ann!"), "bob ann");
	assert_string_equal(parse(""), "");
	assert_string_equal(parse("no mention"), "");
}

static void
each_name_once_ignoring_case(void **state)
{
	(void)state;
	assert_string_equal(parse("@Bob @bob @BOB @ann @bob"), "Bob ann");
}

static void
email_like_is_no_mention(void **state)
{
	(void)state;
	assert_string_equal(parse("mail a@bob.com or x_@bob or 9@bob"), "");
	/* A dot is no word character: "end.@bob" mentions bob. */
	assert_string_equal(parse("end.@bob"), "bob");
	/* A non-ASCII character does not stop a mention. */
	assert_string_equal(parse("caf\xc3\xa9@bob \xe2\x80\x94@ann"),
	    "bob ann");
}

static void
trailing_dots_are_dropped(void **state)
{
	(void)state;
	assert_string_equal(parse("thanks @bob. and @a.b.c..."), "bob a.b.c");
	assert_string_equal(parse("@bo."), "");
	assert_string_equal(parse("@..."), "");
}

static void
length_bounds(void **state)
{
	(void)state;
	assert_string_equal(parse("@ab @abc"), "abc");
	/* 32 is a name, 33 is none (not cut to 32). */
	assert_string_equal(parse("@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_string_equal(parse("@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), "");
}

static void
at_runs(void **state)
{
	(void)state;
	/* The second @ follows a name character; the first has no name. */
	assert_string_equal(parse("@@bob"), "bob");
	assert_string_equal(parse("@bob@ann"), "bob");
	assert_string_equal(parse("@"), "");
	assert_string_equal(parse("@ bob"), "");
}

static void
max_bounds_the_answer(void **state)
{
	struct mention_name names[2];
	const char *s = "@aaa @bbb @ccc";

	(void)state;
	assert_int_equal(mentions_parse(s, strlen(s), names, 2), 2);
	assert_string_equal(names[1].name, "bbb");
	/* len bounds the content: no NUL needed. */
	assert_int_equal(mentions_parse("@bobby", 4, names, 2), 1);
	assert_string_equal(names[0].name, "bob");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_mentions_in_order),
		cmocka_unit_test(each_name_once_ignoring_case),
		cmocka_unit_test(email_like_is_no_mention),
		cmocka_unit_test(trailing_dots_are_dropped),
		cmocka_unit_test(length_bounds),
		cmocka_unit_test(at_runs),
		cmocka_unit_test(max_bounds_the_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
