/*
 * test_jsonw.c: the JSON writer writes what jansson's json_dumps
 * (JSON_COMPACT) writes for the same values, byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "jsonw.h"

/* What jansson writes for the string of these bytes; NULL if it refuses. */
static char *
jansson_string(const char *s, size_t len)
{
	json_t *a = json_array(), *j = json_stringn(s, len);
	char *text, *out;
	size_t n;

	if (j == NULL) {
		json_decref(a);
		return NULL;
	}
	/* json_dumps writes arrays and objects only: strip the brackets */
	json_array_append_new(a, j);
	text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	assert_non_null(text);
	n = strlen(text);
	out = strndup(text + 1, n - 2);
	free(text);
	return out;
}

static void
check_same(const char *s, size_t len)
{
	struct jsonw w;
	char *want = jansson_string(s, len), *got;
	bool ok;

	jsonw_init(&w);
	jsonw_lit(&w, "x");
	ok = jsonw_string(&w, s, len);
	got = jsonw_take(&w, NULL);
	if (want == NULL) {
		assert_false(ok);
		assert_string_equal(got, "x");	/* nothing written */
	} else {
		assert_true(ok);
		assert_string_equal(got + 1, want);
	}
	free(want);
	free(got);
}

static void
every_byte_is_escaped_as_jansson_does(void **state)
{
	char b[3];
	int c;

	(void)state;
	for (c = 0; c < 256; c++) {
		b[0] = 'a';
		b[1] = (char)c;
		b[2] = 'z';
		check_same(b, 3);
	}
	check_same("", 0);
	check_same("say \"hi\" \\ back/slash\n\t\r\b\f",
	    strlen("say \"hi\" \\ back/slash\n\t\r\b\f"));
	check_same("\0nul", 4);
}

static void
utf8_passes_through_and_bad_utf8_is_refused(void **state)
{
	static const char *const cases[] = {
		"caf\xc3\xa9", "\xe2\x80\xa8 line sep", "\xf0\x9f\x90\xa6 bird",
		"\xef\xbb\xbf", "\xc3", "\xc0\x80", "\xed\xa0\x80",
		"\xf4\x90\x80\x80", "\xe2\x82", "ok\xff", "\x80",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_same(cases[i], strlen(cases[i]));
}

static void
random_text_matches_jansson(void **state)
{
	static const char pool[] = "ab \"\\/\x01\x1f\n\x7f\xc3\xa9\xe2\x82\xac"
	    "\xf0\x9f\x98\x80\x80\xff";
	char s[300];
	size_t len, i;
	int round;

	(void)state;
	srand(7);
	for (round = 0; round < 5000; round++) {
		len = (size_t)(rand() % 300);
		/* half the rounds mostly plain, for runs of 8 plain bytes */
		for (i = 0; i < len; i++)
			s[i] = round % 2 && rand() % 16 ? "xyz ~!"[rand() % 6] :
			    pool[rand() % (int)(sizeof(pool) - 1)];
		check_same(s, len);
	}
}

static void
ids_are_decimal_strings(void **state)
{
	struct jsonw w;
	char *got;
	size_t len;

	(void)state;
	jsonw_init(&w);
	jsonw_id(&w, 0);
	jsonw_lit(&w, ",");
	jsonw_id(&w, INT64_MAX);
	jsonw_lit(&w, ",");
	jsonw_id(&w, INT64_MIN);
	got = jsonw_take(&w, &len);
	assert_string_equal(got,
	    "\"0\",\"9223372036854775807\",\"-9223372036854775808\"");
	assert_int_equal(len, strlen(got));
	free(got);
	/* taken: empty again, and an empty take is "" */
	got = jsonw_take(&w, &len);
	assert_string_equal(got, "");
	assert_int_equal(len, 0);
	free(got);
	jsonw_release(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_byte_is_escaped_as_jansson_does),
		cmocka_unit_test(utf8_passes_through_and_bad_utf8_is_refused),
		cmocka_unit_test(random_text_matches_jansson),
		cmocka_unit_test(ids_are_decimal_strings),
	};

	return cmocka_run_group_tests_name("jsonw", tests, NULL, NULL);
}
