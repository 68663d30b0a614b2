/* Unit tests of common/path_match.c: route patterns with {name} segments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "path_match.h"

static void
literal_segments_match_only_themselves(void **state)
{
	static const struct {
		const char *pattern, *path;
		bool match;
	} cases[] = {
		{ "/users", "/users", true },
		{ "/users/login", "/users/login", true },
		{ "/", "/", true },
		{ "", "", true },
		{ "/users", "/Users", false },
		{ "/users", "/users/", false },		/* trailing slash */
		{ "/users", "/user", false },
		{ "/user", "/users", false },
		{ "/users/login", "/users", false },
		{ "/users", "/users/login", false },
		{ "/users", "users", false },
		{ "users", "users", false },		/* no leading slash */
		{ "/users", "", false },
		{ "/a{b}", "/a{b}", true },		/* not a parameter */
		{ "/a{b}", "/ax", false },
		{ "/{b", "/x", false },
		{ "/{b", "/{b", true },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (path_match(cases[i].pattern, cases[i].path, NULL) !=
		    cases[i].match)
			fail_msg("'%s' against '%s': %d expected",
			    cases[i].pattern, cases[i].path, cases[i].match);
	}
}

static void
parameters_capture_one_whole_segment(void **state)
{
	struct path_match m;
	char out[16];

	(void)state;
	assert_true(path_match("/users/{userId}/follow", "/users/42/follow",
	    &m));
	assert_int_equal(m.nparams, 1);
	assert_int_equal(m.param[0].len, 2);
	assert_memory_equal(m.param[0].at, "42", 2);
	assert_true(path_match_copy(&m, 0, out, sizeof(out)));
	assert_string_equal(out, "42");

	assert_true(path_match("/{a}/x/{b}", "/one/x/two", &m));
	assert_int_equal(m.nparams, 2);
	assert_true(path_match_copy(&m, 1, out, sizeof(out)));
	assert_string_equal(out, "two");

	/* no decoding: the segment as sent */
	assert_true(path_match("/tweets/{id}", "/tweets/a%2Fb", &m));
	assert_true(path_match_copy(&m, 0, out, sizeof(out)));
	assert_string_equal(out, "a%2Fb");

	/* a parameter is never empty and never spans a '/' */
	assert_false(path_match("/users/{id}", "/users/", &m));
	assert_false(path_match("/users/{id}/follow", "/users//follow", &m));
	assert_false(path_match("/users/{id}", "/users/1/2", &m));
	assert_false(path_match("/users/{id}", "/users", &m));
}

static void
specificity_counts_literal_segments(void **state)
{
	struct path_match m;

	(void)state;
	assert_true(path_match("/users/register", "/users/register", &m));
	assert_int_equal(m.literal, 2);
	assert_int_equal(m.nparams, 0);
	assert_true(path_match("/users/{id}", "/users/register", &m));
	assert_int_equal(m.literal, 1);
	assert_true(path_match("/{a}/{b}", "/users/register", &m));
	assert_int_equal(m.literal, 0);
}

static void
too_many_parameters_match_nothing(void **state)
{
	struct path_match m;

	(void)state;
	assert_int_equal(PATH_MATCH_MAX, 4);
	assert_true(path_match("/{a}/{b}/{c}/{d}", "/1/2/3/4", &m));
	assert_int_equal(m.nparams, 4);
	assert_false(path_match("/{a}/{b}/{c}/{d}/{e}", "/1/2/3/4/5", &m));
	assert_false(path_match("/{a}/{b}/{c}/{d}/{e}", "/1/2/3/4/5", NULL));
}

static void
copy_is_bounded(void **state)
{
	struct path_match m;
	char out[4];

	(void)state;
	assert_true(path_match("/t/{id}", "/t/123", &m));
	assert_true(path_match_copy(&m, 0, out, sizeof(out)));
	assert_string_equal(out, "123");
	assert_true(path_match("/t/{id}", "/t/1234", &m));
	assert_false(path_match_copy(&m, 0, out, sizeof(out)));
	assert_false(path_match_copy(&m, 1, out, sizeof(out)));
	assert_false(path_match_copy(&m, -1, out, sizeof(out)));
	assert_true(path_match("/t", "/t", &m));
	assert_false(path_match_copy(&m, 0, out, sizeof(out)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(literal_segments_match_only_themselves),
		cmocka_unit_test(parameters_capture_one_whole_segment),
		cmocka_unit_test(specificity_counts_literal_segments),
		cmocka_unit_test(too_many_parameters_match_nothing),
		cmocka_unit_test(copy_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
