/* Unit tests of common/deletion_id.c: the ids it makes and accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "deletion_id.h"
#include "rand.h"

static void
id_of_a_user_parses(void **state)
{
	int64_t uid = 0;

	(void)state;
	assert_true(deletion_id_parse("chirp_del_42_0123456789abcdef", &uid));
	assert_int_equal(uid, 42);
	assert_true(deletion_id_parse(
	    "chirp_del_9223372036854775807_ffffffffffffffff", &uid));
	assert_int_equal(uid, INT64_MAX);
}

static void
malformed_id_is_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"chirp_del_",
		"chirp_del_42",
		"chirp_del_42_",
		"chirp_del__0123456789abcdef",
		"chirp_del_0_0123456789abcdef",		/* id 0 */
		"chirp_del_042_0123456789abcdef",	/* leading zero */
		"chirp_del_-1_0123456789abcdef",
		"chirp_del_4x2_0123456789abcdef",
		"chirp_del_9223372036854775808_0123456789abcdef",
		"chirp_del_99999999999999999999_0123456789abcdef",
		"chirp_del_42_0123456789ABCDEF",	/* upper case */
		"chirp_del_42_0123456789abcde",		/* 15 digits */
		"chirp_del_42_0123456789abcdef0",	/* 17 digits */
		"chirp_del_42_0123456789abcdeg",
		"chirp_del_42_0123456789abcde'",
		"chirp_del_42_01234567'; DROP",
		"chirp_del_42_0123456789abcdef/commit",
		"other_del_42_0123456789abcdef",
		"chirp_xx_42_0123456789abcdef",
		"CHIRP_DEL_42_0123456789abcdef",
	};
	int64_t uid;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(deletion_id_parse(bad[i], &uid));
}

static void
made_id_parses_back(void **state)
{
	char a[DELETION_ID_MAX], b[DELETION_ID_MAX];
	int64_t uid = 0;

	(void)state;
	rand_init();
	deletion_id_format(a, 42);
	assert_true(deletion_id_parse(a, &uid));
	assert_int_equal(uid, 42);
	assert_int_equal(strlen(a), strlen("chirp_del_42_0123456789abcdef"));
	deletion_id_format(b, 42);
	assert_string_not_equal(a, b);
	deletion_id_format(a, INT64_MAX);
	assert_true(deletion_id_parse(a, &uid));
	assert_int_equal(uid, INT64_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(id_of_a_user_parses),
		cmocka_unit_test(malformed_id_is_refused),
		cmocka_unit_test(made_id_parses_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
