/* test_validate.c: the input rules of docs/API.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "validate.h"

/* A string literal and its length (it may hold NUL bytes). */
#define S(lit) lit, sizeof(lit) - 1

/* n copies of the UTF-8 sequence unit, a new string. */
static char *
repeat(const char *unit, size_t n)
{
	size_t ulen = strlen(unit), i;
	char *s = malloc(ulen * n + 1);

	assert_non_null(s);
	for (i = 0; i < n; i++)
		memcpy(s + i * ulen, unit, ulen);
	s[ulen * n] = '\0';
	return s;
}

static void
utf8_accepts_well_formed_text(void **state)
{
	(void)state;
	assert_true(validate_utf8(S("")));
	assert_true(validate_utf8(S("plain ascii")));
	assert_true(validate_utf8(S("caf\xc3\xa9")));		/* é */
	assert_true(validate_utf8(S("\xe6\x97\xa5\xe6\x9c\xac")));	/* 日本 */
	assert_true(validate_utf8(S("\xf0\x9f\x98\x80")));	/* 😀 */
	/* the edges: U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF */
	assert_true(validate_utf8(S("\xc2\x80\xdf\xbf\xe0\xa0\x80")));
	assert_true(validate_utf8(S("\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf")));
	/* U+10000 and U+10FFFF */
	assert_true(validate_utf8(S("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf")));
	/* NUL is well formed UTF-8 (content refuses it separately) */
	assert_true(validate_utf8(S("a\0b")));
}

static void
utf8_refuses_overlongs(void **state)
{
	(void)state;
	assert_false(validate_utf8(S("\xc0\xaf")));	/* '/' in 2 bytes */
	assert_false(validate_utf8(S("\xc1\xbf")));
	assert_false(validate_utf8(S("\xc0\x80")));	/* modified UTF-8 NUL */
	assert_false(validate_utf8(S("\xe0\x80\xaf")));
	assert_false(validate_utf8(S("\xe0\x9f\xbf")));	/* U+07FF in 3 */
	assert_false(validate_utf8(S("\xf0\x80\x80\xaf")));
	assert_false(validate_utf8(S("\xf0\x8f\xbf\xbf")));	/* U+FFFF in 4 */
}

static void
utf8_refuses_surrogates_and_beyond_unicode(void **state)
{
	(void)state;
	assert_false(validate_utf8(S("\xed\xa0\x80")));	/* U+D800 */
	assert_false(validate_utf8(S("\xed\xbf\xbf")));	/* U+DFFF */
	/* a CESU-8 pair for U+1F600 */
	assert_false(validate_utf8(S("\xed\xa0\xbd\xed\xb8\x80")));
	assert_false(validate_utf8(S("\xf4\x90\x80\x80")));	/* U+110000 */
	assert_false(validate_utf8(S("\xf5\x80\x80\x80")));
	assert_false(validate_utf8(S("\xf7\xbf\xbf\xbf")));
	assert_false(validate_utf8(S("\xf8\x88\x80\x80\x80")));	/* 5 bytes */
	assert_false(validate_utf8(S("\xfc\x84\x80\x80\x80\x80")));
	assert_false(validate_utf8(S("\xfe")));
	assert_false(validate_utf8(S("\xff")));
}

static void
utf8_refuses_truncated_and_stray_bytes(void **state)
{
	(void)state;
	assert_false(validate_utf8(S("\xc3")));
	assert_false(validate_utf8(S("abc\xc3")));
	assert_false(validate_utf8(S("\xe6\x97")));
	assert_false(validate_utf8(S("\xf0\x9f\x98")));
	assert_false(validate_utf8(S("\xf0\x9f\x98" "a")));
	assert_false(validate_utf8(S("\x80")));		/* lone continuation */
	assert_false(validate_utf8(S("a\xbf" "b")));
	assert_false(validate_utf8(S("\xc3\xc3\xa9")));	/* lead, lead */
	assert_false(validate_utf8(S("\xe6" "a" "\x97")));
	/* the length given is what counts, not a NUL terminator */
	assert_false(validate_utf8("\xe6\x97\xa5", 2));
	assert_true(validate_utf8("\xe6\x97\xa5\xff", 3));
}

static void
utf8_count_counts_code_points(void **state)
{
	(void)state;
	assert_int_equal(validate_utf8_count(S("")), 0);
	assert_int_equal(validate_utf8_count(S("abc")), 3);
	assert_int_equal(validate_utf8_count(S("caf\xc3\xa9")), 4);
	assert_int_equal(validate_utf8_count(S("\xe6\x97\xa5\xe6\x9c\xac")),
	    2);
	assert_int_equal(validate_utf8_count(S("\xf0\x9f\x98\x80!")), 2);
	/* e + combining acute: two code points */
	assert_int_equal(validate_utf8_count(S("e\xcc\x81")), 2);
	assert_int_equal(validate_utf8_count(S("ok\xc0\xaf")), -1);
	assert_int_equal(validate_utf8_count(S("\xed\xa0\x80")), -1);
}

static void
username_allows_letters_digits_underscore_dot(void **state)
{
	(void)state;
	assert_true(validate_username(S("abc")));
	assert_true(validate_username(S("Alice_B.99")));
	assert_true(validate_username(S("___")));
	assert_true(validate_username(S("...")));
	assert_true(validate_username(S("ZZZ")));
	assert_false(validate_username(S("bad-name")));
	assert_false(validate_username(S("with space")));
	assert_false(validate_username(S("at@sign")));
	assert_false(validate_username(S("slash/")));
	assert_false(validate_username(S("caf\xc3\xa9")));
	assert_false(validate_username(S("nul\0byte")));
	assert_false(validate_username(S("tab\there")));
	assert_false(validate_username(NULL, 5));
}

static void
username_length_is_3_to_32(void **state)
{
	char name[40];

	(void)state;
	memset(name, 'a', sizeof(name));
	assert_false(validate_username(name, 0));
	assert_false(validate_username(name, 2));
	assert_true(validate_username(name, 3));
	assert_true(validate_username(name, 32));
	assert_false(validate_username(name, 33));
	assert_false(validate_username(name, 40));
}

static void
password_length_is_8_to_256_bytes(void **state)
{
	char pw[300];

	(void)state;
	memset(pw, 'x', sizeof(pw));
	assert_false(validate_password(pw, 0));
	assert_false(validate_password(pw, 7));
	assert_true(validate_password(pw, 8));
	assert_true(validate_password(pw, 256));
	assert_false(validate_password(pw, 257));
	assert_false(validate_password(NULL, 10));
	/* bytes, not characters: 4 two-byte characters are 8 bytes */
	assert_true(validate_password(S("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9")));
}

static void
content_accepts_1_to_280_code_points(void **state)
{
	char *s;

	(void)state;
	assert_int_equal(validate_content(S("x")), CONTENT_OK);
	assert_int_equal(validate_content(S("  hi  ")), CONTENT_OK);
	s = repeat("a", 280);
	assert_int_equal(validate_content(s, strlen(s)), CONTENT_OK);
	free(s);
	s = repeat("a", 281);
	assert_int_equal(validate_content(s, strlen(s)), CONTENT_TOO_LONG);
	free(s);
	/* characters, not bytes: 280 emoji are 1120 bytes and fit */
	s = repeat("\xf0\x9f\x98\x80", 280);
	assert_int_equal(strlen(s), 1120);
	assert_int_equal(validate_content(s, strlen(s)), CONTENT_OK);
	free(s);
	s = repeat("\xf0\x9f\x98\x80", 281);
	assert_int_equal(validate_content(s, strlen(s)), CONTENT_TOO_LONG);
	free(s);
	s = repeat("\xe6\x97\xa5", 280);
	assert_int_equal(validate_content(s, strlen(s)), CONTENT_OK);
	free(s);
	s = repeat("\xc3\xa9", 281);
	assert_int_equal(validate_content(s, strlen(s)), CONTENT_TOO_LONG);
	free(s);
	/* combining marks count as code points of their own */
	s = repeat("e\xcc\x81", 140);
	assert_int_equal(validate_content(s, strlen(s)), CONTENT_OK);
	free(s);
	s = repeat("e\xcc\x81", 141);
	assert_int_equal(validate_content(s, strlen(s)), CONTENT_TOO_LONG);
	free(s);
}

static void
content_refuses_empty_and_white_space(void **state)
{
	char *s;

	(void)state;
	assert_int_equal(validate_content(S("")), CONTENT_EMPTY);
	assert_int_equal(validate_content(NULL, 0), CONTENT_EMPTY);
	assert_int_equal(validate_content(S(" ")), CONTENT_EMPTY);
	assert_int_equal(validate_content(S(" \t\r\n\v\f")), CONTENT_EMPTY);
	assert_int_equal(validate_content(S("\xc2\x85")), CONTENT_EMPTY);
	assert_int_equal(validate_content(S("\xc2\xa0")), CONTENT_EMPTY);
	assert_int_equal(validate_content(S("\xe1\x9a\x80")), CONTENT_EMPTY);
	assert_int_equal(validate_content(S("\xe2\x80\x80\xe2\x80\x8a")),
	    CONTENT_EMPTY);
	assert_int_equal(validate_content(S("\xe2\x80\xa8\xe2\x80\xa9")),
	    CONTENT_EMPTY);
	assert_int_equal(validate_content(S("\xe2\x80\xaf\xe2\x81\x9f")),
	    CONTENT_EMPTY);
	/* ideographic space U+3000 */
	assert_int_equal(validate_content(S("\xe3\x80\x80")), CONTENT_EMPTY);
	assert_int_equal(validate_content(S("\xe3\x80\x80 \xe3\x80\x80")),
	    CONTENT_EMPTY);
	/* one visible character among spaces is enough */
	assert_int_equal(validate_content(S("\xe3\x80\x80.\xe3\x80\x80")),
	    CONTENT_OK);
	assert_int_equal(validate_content(S("\xe3\x80\x81")), CONTENT_OK);
	/* too much white space is still empty, not too long */
	s = repeat(" ", 400);
	assert_int_equal(validate_content(s, strlen(s)), CONTENT_EMPTY);
	free(s);
}

static void
content_refuses_bad_utf8_and_nul(void **state)
{
	(void)state;
	assert_int_equal(validate_content(S("a\0b")), CONTENT_BAD_UTF8);
	assert_int_equal(validate_content(S("\0")), CONTENT_BAD_UTF8);
	assert_int_equal(validate_content(S("hi \xc0\xaf")), CONTENT_BAD_UTF8);
	assert_int_equal(validate_content(S("\xed\xa0\x80")),
	    CONTENT_BAD_UTF8);
	assert_int_equal(validate_content(S("\xf4\x90\x80\x80")),
	    CONTENT_BAD_UTF8);
	assert_int_equal(validate_content(S("ok\xe6\x97")), CONTENT_BAD_UTF8);
	assert_int_equal(validate_content(S(" \xff")), CONTENT_BAD_UTF8);
}

static void
content_messages_are_distinct_lines(void **state)
{
	const enum content_error all[] = { CONTENT_OK, CONTENT_EMPTY,
		CONTENT_TOO_LONG, CONTENT_BAD_UTF8 };
	size_t i, j;

	(void)state;
	for (i = 0; i < 4; i++) {
		const char *m = validate_content_message(all[i]);

		assert_non_null(m);
		assert_true(strlen(m) > 0);
		assert_null(strchr(m, '\n'));
		for (j = 0; j < i; j++)
			assert_string_not_equal(m,
			    validate_content_message(all[j]));
	}
	assert_non_null(strstr(validate_content_message(CONTENT_TOO_LONG),
	    "280"));
}

static void
idempotency_key_is_1_to_64_printable_ascii(void **state)
{
	char key[70];

	(void)state;
	assert_true(validate_idempotency_key("a"));
	assert_true(validate_idempotency_key("3f2a-Key_~!{}"));
	assert_true(validate_idempotency_key("with space"));
	assert_false(validate_idempotency_key(""));
	assert_false(validate_idempotency_key(NULL));
	assert_false(validate_idempotency_key("tab\there"));
	assert_false(validate_idempotency_key("del\x7f"));
	assert_false(validate_idempotency_key("caf\xc3\xa9"));
	assert_false(validate_idempotency_key("new\nline"));
	memset(key, 'k', sizeof(key));
	key[64] = '\0';
	assert_true(validate_idempotency_key(key));
	key[64] = 'k';
	key[65] = '\0';
	assert_false(validate_idempotency_key(key));
}

static void
id_is_decimal_1_to_int64_max(void **state)
{
	int64_t v = -7;

	(void)state;
	assert_true(validate_id("1", &v));
	assert_int_equal(v, 1);
	assert_true(validate_id("1234567890", &v));
	assert_int_equal(v, 1234567890);
	assert_true(validate_id("9223372036854775807", &v));
	assert_true(v == INT64_MAX);
	assert_true(validate_id("42", NULL));

	v = -7;
	assert_false(validate_id("9223372036854775808", &v));
	assert_false(validate_id("9999999999999999999", &v));
	assert_false(validate_id("10000000000000000000", &v));	/* 20 */
	assert_false(validate_id("0", &v));
	assert_false(validate_id("007", &v));
	assert_false(validate_id("", &v));
	assert_false(validate_id(NULL, &v));
	assert_false(validate_id("-1", &v));
	assert_false(validate_id("+1", &v));
	assert_false(validate_id(" 1", &v));
	assert_false(validate_id("1 ", &v));
	assert_false(validate_id("12a", &v));
	assert_false(validate_id("1.0", &v));
	assert_false(validate_id("0x10", &v));
	assert_false(validate_id("1e3", &v));
	/* a failed parse leaves the output alone */
	assert_int_equal(v, -7);
}

static void
limit_defaults_and_range(void **state)
{
	int v = -1;

	(void)state;
	assert_true(validate_limit(NULL, 20, 1, 100, &v));
	assert_int_equal(v, 20);
	assert_true(validate_limit("1", 20, 1, 100, &v));
	assert_int_equal(v, 1);
	assert_true(validate_limit("100", 20, 1, 100, &v));
	assert_int_equal(v, 100);
	assert_true(validate_limit("1000", 100, 1, 1000, &v));
	assert_int_equal(v, 1000);

	v = -1;
	assert_false(validate_limit("0", 20, 1, 100, &v));
	assert_false(validate_limit("101", 20, 1, 100, &v));
	assert_false(validate_limit("", 20, 1, 100, &v));
	assert_false(validate_limit("-5", 20, 1, 100, &v));
	assert_false(validate_limit("+5", 20, 1, 100, &v));
	assert_false(validate_limit(" 5", 20, 1, 100, &v));
	assert_false(validate_limit("5 ", 20, 1, 100, &v));
	assert_false(validate_limit("5.0", 20, 1, 100, &v));
	assert_false(validate_limit("ten", 20, 1, 100, &v));
	assert_false(validate_limit("99999999999999999999999", 20, 1, 100,
	    &v));
	assert_int_equal(v, -1);
}

static void
header_value_refuses_control_bytes(void **state)
{
	(void)state;
	assert_true(validate_header_value("application/json", 16));
	assert_true(validate_header_value("a\tb", 3));
	assert_true(validate_header_value("", 0));
	assert_false(validate_header_value("a\r\nX: y", 8));
	assert_false(validate_header_value("a\nb", 3));
	assert_false(validate_header_value("a\0b", 3));
	assert_false(validate_header_value("a\x7f", 2));
	assert_false(validate_header_value("\x1b[2J", 4));
	assert_true(validate_header_value("caf\xc3\xa9", 5));
}

static void
request_id_is_1_to_128_visible_characters(void **state)
{
	char id[REQUEST_ID_MAX + 2];

	(void)state;
	assert_true(validate_request_id("abc-123"));
	assert_false(validate_request_id(""));
	assert_false(validate_request_id(NULL));
	assert_false(validate_request_id("a b"));
	assert_false(validate_request_id("a\rb"));
	memset(id, 'x', REQUEST_ID_MAX);
	id[REQUEST_ID_MAX] = '\0';
	assert_true(validate_request_id(id));
	id[REQUEST_ID_MAX] = 'x';
	id[REQUEST_ID_MAX + 1] = '\0';
	assert_false(validate_request_id(id));
}

static void
feed_cursor_is_1_to_128_url_safe_characters(void **state)
{
	static const char *const bad[] = {
		"t1 ", "t1&since=1", "t1%20", "t1/2", "t1.2", "t+1", "t1\n",
		"t\xc3\xa9", "t1=",
	};
	char c[FEED_CURSOR_MAX + 1];
	size_t i;

	(void)state;
	assert_true(validate_feed_cursor("t42", 3));
	assert_true(validate_feed_cursor("t42-n7_Az09", 11));
	assert_false(validate_feed_cursor("", 0));
	assert_false(validate_feed_cursor(NULL, 0));
	/* an embedded NUL: len counts it */
	assert_false(validate_feed_cursor("t1\0x", 4));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(validate_feed_cursor(bad[i], strlen(bad[i])));
	memset(c, 'a', sizeof(c));
	assert_true(validate_feed_cursor(c, FEED_CURSOR_MAX));
	assert_false(validate_feed_cursor(c, FEED_CURSOR_MAX + 1));
}

static void
profile_text_counts_code_points_and_refuses_controls(void **state)
{
	char buf[4 * 162];
	size_t i;

	(void)state;
	assert_int_equal(validate_display_name(S("")), PROFILE_OK);
	assert_int_equal(validate_bio(S("")), PROFILE_OK);
	/* 50 two-byte characters is 50, not 100 */
	for (i = 0; i < 50; i++)
		memcpy(buf + 2 * i, "\xc3\xa9", 2);
	assert_int_equal(validate_display_name(buf, 100), PROFILE_OK);
	memcpy(buf + 100, "x", 1);
	assert_int_equal(validate_display_name(buf, 101), PROFILE_TOO_LONG);
	memset(buf, 'b', 161);
	assert_int_equal(validate_bio(buf, 160), PROFILE_OK);
	assert_int_equal(validate_bio(buf, 161), PROFILE_TOO_LONG);
	assert_int_equal(validate_bio(S("a\nb")), PROFILE_OK);
	assert_int_equal(validate_display_name(S("a\nb")), PROFILE_CONTROL);
	assert_int_equal(validate_bio(S("a\rb")), PROFILE_CONTROL);
	assert_int_equal(validate_bio(S("a\tb")), PROFILE_CONTROL);
	assert_int_equal(validate_bio("a\0b", 3), PROFILE_CONTROL);
	assert_int_equal(validate_bio(S("a\x7f")), PROFILE_CONTROL);
	assert_int_equal(validate_bio(S("\xc2\x80")), PROFILE_CONTROL);
	assert_int_equal(validate_bio(S("\xc2\x9f")), PROFILE_CONTROL);
	assert_int_equal(validate_bio(S("\xc2\xa0")), PROFILE_OK);
	assert_int_equal(validate_bio(S("\xff")), PROFILE_BAD_UTF8);
	assert_int_equal(validate_display_name(S("\xed\xa0\x80")),
	    PROFILE_BAD_UTF8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_accepts_well_formed_text),
		cmocka_unit_test(utf8_refuses_overlongs),
		cmocka_unit_test(utf8_refuses_surrogates_and_beyond_unicode),
		cmocka_unit_test(utf8_refuses_truncated_and_stray_bytes),
		cmocka_unit_test(utf8_count_counts_code_points),
		cmocka_unit_test(username_allows_letters_digits_underscore_dot),
		cmocka_unit_test(username_length_is_3_to_32),
		cmocka_unit_test(password_length_is_8_to_256_bytes),
		cmocka_unit_test(content_accepts_1_to_280_code_points),
		cmocka_unit_test(content_refuses_empty_and_white_space),
		cmocka_unit_test(content_refuses_bad_utf8_and_nul),
		cmocka_unit_test(content_messages_are_distinct_lines),
		cmocka_unit_test(idempotency_key_is_1_to_64_printable_ascii),
		cmocka_unit_test(id_is_decimal_1_to_int64_max),
		cmocka_unit_test(limit_defaults_and_range),
		cmocka_unit_test(header_value_refuses_control_bytes),
		cmocka_unit_test(request_id_is_1_to_128_visible_characters),
		cmocka_unit_test(feed_cursor_is_1_to_128_url_safe_characters),
		cmocka_unit_test(
		    profile_text_counts_code_points_and_refuses_controls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
