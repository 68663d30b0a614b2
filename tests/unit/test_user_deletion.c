/* Unit tests of server/user/deletion.c: the transaction ids it accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../server/user/deletion.h"

static void
gid_of_a_user_parses(void **state)
{
	int64_t uid = 0;

	(void)state;
	assert_true(deletion_gid_parse("chirp_del_42_0123456789abcdef",
	    &uid));
	assert_int_equal(uid, 42);
	assert_true(deletion_gid_parse(
	    "chirp_del_9223372036854775807_ffffffffffffffff", &uid));
	assert_int_equal(uid, INT64_MAX);
}

static void
gid_malformed_is_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"chirp_del_",
		"chirp_del_42",
		"chirp_del_42_",
		"chirp_del__0123456789abcdef",
		"chirp_del_0_0123456789abcdef",
		"chirp_del_042_0123456789abcdef",
		"chirp_del_-1_0123456789abcdef",
		"chirp_del_42_0123456789ABCDEF",
		"chirp_del_42_0123456789abcde",
		"chirp_del_42_0123456789abcdef0",
		"chirp_del_42_0123456789abcdeg",
		"chirp_del_42_0123456789abcdef/commit",
		"chirp_del_9223372036854775808_0123456789abcdef",
		"other_del_42_0123456789abcdef",
		"chirp_del_4x2_0123456789abcdef",
	};
	int64_t uid;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(deletion_gid_parse(bad[i], &uid));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gid_of_a_user_parses),
		cmocka_unit_test(gid_malformed_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
