/* Unit tests of server/tweet/deletion.c: which gids it takes part in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../server/tweet/deletion.h"

static void
takes_the_coordinators_gids(void **state)
{
	int64_t uid = 0;

	(void)state;
	assert_true(deletion_parse_gid("chirp_del_42_0123456789abcdef", &uid));
	assert_int_equal(uid, 42);
	assert_true(deletion_parse_gid(
	    "chirp_del_9223372036854775807_ffffffffffffffff", &uid));
	assert_int_equal(uid, INT64_MAX);
}

static void
refuses_anything_else(void **state)
{
	static const char *const bad[] = {
		"",
		"chirp_del_",
		"chirp_del_42",
		"chirp_del_42_",
		"chirp_del__0123456789abcdef",
		"chirp_del_0_0123456789abcdef",		/* id 0 */
		"chirp_del_042_0123456789abcdef",	/* leading zero */
		"chirp_del_-4_0123456789abcdef",
		"chirp_del_42_0123456789ABCDEF",	/* upper case */
		"chirp_del_42_0123456789abcde",		/* 15 digits */
		"chirp_del_42_0123456789abcdef0",	/* 17 digits */
		"chirp_del_42_0123456789abcdeg",
		"chirp_del_42_0123456789abcde'",
		"chirp_del_42_01234567'; DROP",
		"chirp_xx_42_0123456789abcdef",
		"CHIRP_DEL_42_0123456789abcdef",
		"chirp_del_99999999999999999999_0123456789abcdef",
		NULL,
	};
	int64_t uid;
	size_t i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++)
		assert_false(deletion_parse_gid(bad[i], &uid));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(takes_the_coordinators_gids),
		cmocka_unit_test(refuses_anything_else),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
