/*
 * test_jsonw.c: the JSON writer writes what jansson's json_dumps
 * (JSON_COMPACT) writes for the same values, byte for byte; jsonw_escape
 * (log lines) makes valid JSON of any bytes at all.
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

/* The inside of "..." that jsonw_escape makes of s, parsed back by
 * jansson: it must parse, whatever s holds. Caller frees. */
static char *
escape_roundtrip(const char *s, size_t len, size_t cap, size_t *outlen)
{
	char *out = malloc(cap), *doc;
	json_error_t err;
	json_t *j;
	size_t n, i;

	assert_non_null(out);
	n = jsonw_escape(out, cap, s, len);
	assert_true(n < cap);
	assert_int_equal(strlen(out), n);
	for (i = 0; i < n; i++)		/* no raw control byte: one line */
		assert_true((unsigned char)out[i] >= 0x20);
	doc = malloc(n + 3);
	assert_non_null(doc);
	snprintf(doc, n + 3, "\"%s\"", out);
	j = json_loads(doc, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (j == NULL)
		fail_msg("not JSON: %s (%s)", doc, err.text);
	*outlen = json_string_length(j);
	free(out);
	out = malloc(*outlen + 1);
	assert_non_null(out);
	memcpy(out, json_string_value(j), *outlen);
	out[*outlen] = '\0';
	json_decref(j);
	free(doc);
	return out;
}

static void
escape_is_jsonw_string_for_utf8(void **state)
{
	char in[256], out[2048];
	struct jsonw w;
	char *want;
	int c;

	(void)state;
	for (c = 0; c < 128; c++)
		in[c] = (char)c;
	memcpy(in + 128, "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x90\xa6", 16);
	jsonw_init(&w);
	assert_true(jsonw_string(&w, in, 144));
	want = jsonw_take(&w, NULL);
	jsonw_escape(out, sizeof(out), in, 144);
	/* the same, without the quotes */
	assert_int_equal(strlen(out), strlen(want) - 2);
	assert_memory_equal(out, want + 1, strlen(out));
	free(want);
}

static void
escape_takes_any_bytes(void **state)
{
	char in[64], *got;
	size_t len, n, i;
	int round;

	(void)state;
	/* each byte alone, then random runs */
	for (i = 0; i < 256; i++) {
		in[0] = (char)i;
		got = escape_roundtrip(in, 1, 16, &n);
		if (i < 0x80) {
			assert_int_equal(n, 1);
			assert_int_equal((unsigned char)got[0], i);
		} else {
			char want[8];

			snprintf(want, sizeof(want), "\\x%02zx", i);
			assert_string_equal(got, want);
		}
		free(got);
	}
	srand(13);
	for (round = 0; round < 20000; round++) {
		len = (size_t)rand() % sizeof(in);
		for (i = 0; i < len; i++)
			in[i] = (char)(rand() % 4 == 0 ? rand() % 0x20 :
			    rand() % 256);
		got = escape_roundtrip(in, len, 6 * sizeof(in) + 1, &n);
		free(got);
	}
	/* a forged line stays one line, its quote a quote */
	got = escape_roundtrip("x\n{\"level\":\"fatal\"}\r\xff", 21, 128, &n);
	assert_string_equal(got, "x\n{\"level\":\"fatal\"}\r\\xff");
	free(got);
}

static void
escape_stops_before_what_does_not_fit(void **state)
{
	char out[8];
	size_t n;

	(void)state;
	/* "ab" then é (2 bytes) then \n (2): cap 5 takes "ab" and é only */
	n = jsonw_escape(out, 5, "ab\xc3\xa9\n", 5);
	assert_int_equal(n, 4);
	assert_string_equal(out, "ab\xc3\xa9");
	n = jsonw_escape(out, 4, "ab\xc3\xa9\n", 5);
	assert_string_equal(out, "ab");	/* é not split */
	assert_int_equal(n, 2);
	n = jsonw_escape(out, 3, "\"\"", 2);
	assert_string_equal(out, "\\\"");	/* one whole escape */
	assert_int_equal(n, 2);
	assert_int_equal(jsonw_escape(out, 1, "x", 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(jsonw_escape(out, 0, "x", 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_byte_is_escaped_as_jansson_does),
		cmocka_unit_test(utf8_passes_through_and_bad_utf8_is_refused),
		cmocka_unit_test(random_text_matches_jansson),
		cmocka_unit_test(ids_are_decimal_strings),
		cmocka_unit_test(escape_is_jsonw_string_for_utf8),
		cmocka_unit_test(escape_takes_any_bytes),
		cmocka_unit_test(escape_stops_before_what_does_not_fit),
	};

	return cmocka_run_group_tests_name("jsonw", tests, NULL, NULL);
}
