/* test_cursor.c: the opaque nextCursor of follow lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "cursor.h"

static void
cursor_round_trips(void **state)
{
	static const int64_t cases[][2] = {
		{ 0, 1 },
		{ 1, 1 },
		{ 1764000000123456LL, 42 },
		{ 1764000000123456LL, INT64_MAX },
		{ CURSOR_TIME_MAX, INT64_MAX },
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

/* Values a made-up cursor could carry to upset the database. */
static void
extreme_positions_are_refused(void **state)
{
	static const int64_t cases[][2] = {
		{ INT64_MAX, 1 }, { CURSOR_TIME_MAX + 1, 1 }, { -1, 1 },
		{ INT64_MIN, 1 }, { 1000, 0 }, { 1000, -1 },
		{ 1000, INT64_MIN }, { INT64_MIN, INT64_MIN },
	};
	char c[CURSOR_MAX];
	int64_t t = -7, id = -7;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cursor_encode(cases[i][0], cases[i][1], c);
		assert_false(cursor_decode(c, &t, &id));
	}
	assert_true(t == -7 && id == -7);
}

/* The old unkeyed layout: anyone could compute its check. */
static void
forge_v1(int64_t t, int64_t id, char out[CURSOR_MAX])
{
	unsigned char b[21], d[crypto_generichash_BYTES_MIN];
	int i;

	b[0] = 1;
	for (i = 0; i < 8; i++) {
		b[1 + i] = (unsigned char)((uint64_t)t >> (56 - 8 * i));
		b[9 + i] = (unsigned char)((uint64_t)id >> (56 - 8 * i));
	}
	crypto_generichash(d, sizeof(d), b, 17, NULL, 0);
	memcpy(b + 17, d, 4);
	sodium_bin2base64(out, CURSOR_MAX, b, sizeof(b),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Without the key nobody makes a cursor: not by hash, not by other key. */
static void
forged_cursor_is_refused(void **state)
{
	static const unsigned char k1[] = "first-secret-first-secret-first-s";
	static const unsigned char k2[] = "other-secret-other-secret-other-s";
	char c[CURSOR_MAX];
	int64_t t, id;

	(void)state;
	assert_true(sodium_init() >= 0);
	forge_v1(1764000000123456LL, 42, c);
	assert_false(cursor_decode(c, &t, &id));
	forge_v1(INT64_MAX, INT64_MAX, c);
	assert_false(cursor_decode(c, &t, &id));
	cursor_init(k1, sizeof(k1) - 1);
	cursor_encode(1764000000123456LL, 42, c);
	assert_true(cursor_decode(c, &t, &id));
	cursor_init(k2, sizeof(k2) - 1);
	assert_false(cursor_decode(c, &t, &id));
	/* another process with the same secret reads it */
	cursor_init(k1, sizeof(k1) - 1);
	assert_true(cursor_decode(c, &t, &id));
	assert_true(t == 1764000000123456LL && id == 42);
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
		cmocka_unit_test(extreme_positions_are_refused),
		cmocka_unit_test(forged_cursor_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
