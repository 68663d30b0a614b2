/* test_cursor.c: the opaque nextCursor of follow lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cursor.h"

static void
cursor_round_trips(void **state)
{
	static const int64_t cases[][2] = {
		{ 0, 1 },
		{ 1, 1 },
		{ 1764000000123456LL, 42 },
		{ 1764000000123456LL, INT64_MAX },
		{ INT64_MAX, INT64_MAX },
		{ 255, 256 },
	};
	char c[CURSOR_MAX];
	int64_t t, id;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cursor_encode(cases[i][0], cases[i][1], c);
		assert_true(strlen(c) > 0 && strlen(c) < CURSOR_MAX);
		t = id = -1;
		assert_true(cursor_decode(c, &t, &id));
		assert_true(t == cases[i][0]);
		assert_true(id == cases[i][1]);
	}
}

static void
cursor_is_url_safe_and_opaque(void **state)
{
	char c[CURSOR_MAX];

	(void)state;
	cursor_encode(1764000000123456LL, 12345, c);
	assert_int_equal(strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
	    "opqrstuvwxyz0123456789-_"), strlen(c));
	/* the numbers are not written out in the clear */
	assert_null(strstr(c, "12345"));
}

static void
different_positions_give_different_cursors(void **state)
{
	char a[CURSOR_MAX], b[CURSOR_MAX], c[CURSOR_MAX];

	(void)state;
	cursor_encode(1000, 7, a);
	cursor_encode(1000, 8, b);
	cursor_encode(1001, 7, c);
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(b, c);
}

static void
garbage_is_refused(void **state)
{
	static const char *const junk[] = {
		"", "a", "null", "0", "12345", "AQ", "====", "!!!!",
		"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"AQAAAAAHW80VAAAAAAAAAE27LnWs=",
		"cursor with spaces", "\xff\xfe\xfd",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	};
	int64_t t = -1, id = -1;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		assert_false(cursor_decode(junk[i], &t, &id));
	assert_false(cursor_decode(NULL, &t, &id));
	assert_true(t == -1 && id == -1);
}

/* Changing, dropping or adding any character makes it not a cursor. */
static void
tampered_cursor_is_refused(void **state)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
	    "mnopqrstuvwxyz0123456789-_";
	char c[CURSOR_MAX], m[CURSOR_MAX + 2];
	int64_t t, id;
	size_t i, j, len;

	(void)state;
	cursor_encode(1764000000123456LL, 42, c);
	len = strlen(c);
	for (i = 0; i < len; i++) {
		for (j = 0; j < sizeof(alphabet) - 1; j++) {
			if (alphabet[j] == c[i])
				continue;
			memcpy(m, c, len + 1);
			m[i] = alphabet[j];
			assert_false(cursor_decode(m, &t, &id));
		}
	}
	memcpy(m, c, len + 1);
	m[len - 1] = '\0';
	assert_false(cursor_decode(m, &t, &id));
	memcpy(m, c, len + 1);
	m[len] = 'A';
	m[len + 1] = '\0';
	assert_false(cursor_decode(m, &t, &id));
	assert_true(cursor_decode(c, &t, &id));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cursor_round_trips),
		cmocka_unit_test(cursor_is_url_safe_and_opaque),
		cmocka_unit_test(different_positions_give_different_cursors),
		cmocka_unit_test(garbage_is_refused),
		cmocka_unit_test(tampered_cursor_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
