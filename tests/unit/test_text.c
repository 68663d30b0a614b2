/* test_text.c: server-controlled text made safe for a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

#define R TEXT_REPLACEMENT

static void
expect_clean(const char *in, unsigned flags, const char *want)
{
	char *s = text_sanitize(in, flags);

	assert_string_equal(s, want);
	free(s);
}

static void
plain_text_is_kept(void **state)
{
	(void)state;
	expect_clean("hello world", 0, "hello world");
	expect_clean("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89", 0,
	    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89");
	expect_clean("", 0, "");
	expect_clean(NULL, 0, "");
}

static void
escape_sequences_never_pass(void **state)
{
	(void)state;
	/* a window title, a screen clear, a bell */
	expect_clean("\x1b]0;pwned\x07", 0, R "]0;pwned" R);
	expect_clean("\x1b[2J", 0, R "[2J");
	expect_clean("a\rb\bc\x7f", 0, "a" R "b" R "c" R);
	/* C1 controls as UTF-8: CSI U+009B, OSC U+009D, NEL U+0085 */
	expect_clean("\xc2\x9b" "2J\xc2\x9d" "0;x\xc2\x85", 0,
	    R "2J" R "0;x" R);
}

static void
bidi_controls_are_replaced(void **state)
{
	static const char *const bidi[] = {
		"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad",
		"\xe2\x80\xae", "\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8",
		"\xe2\x81\xa9", "\xe2\x80\x8e", "\xe2\x80\x8f", "\xd8\x9c",
	};
	char in[32], want[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++) {
		snprintf(in, sizeof(in), "a%sb", bidi[i]);
		snprintf(want, sizeof(want), "a%sb", R);
		expect_clean(in, 0, want);
	}
	assert_true(text_is_unsafe(0x202E));
	assert_true(text_is_unsafe(0x2066));
	assert_true(text_is_unsafe(0x9F));
	assert_false(text_is_unsafe(0xA0));
	assert_false(text_is_unsafe(0x2065));
	assert_false(text_is_unsafe('a'));
}

static void
bad_utf8_is_replaced(void **state)
{
	(void)state;
	expect_clean("bad \xff\xfe", 0, "bad " R R);
	/* overlong, surrogate, truncated */
	expect_clean("\xc0\xaf", 0, R R);
	expect_clean("\xed\xa0\x80", 0, R R R);
	expect_clean("x\xe6\x97", 0, "x" R R);
}

static void
newlines_and_tabs(void **state)
{
	(void)state;
	expect_clean("a\nb\tc", 0, "a b c");
	expect_clean("a\nb\tc", TEXT_KEEP_NEWLINE, "a\nb c");
	expect_clean("a\xe2\x80\xa8" "b", TEXT_KEEP_NEWLINE, "a b");
}

static void
bounded_copy_never_splits_a_character(void **state)
{
	char buf[6];

	(void)state;
	text_sanitize_buf(buf, sizeof(buf), "ab\x1b" "cdef", 0);
	/* "ab" then U+FFFD (3 bytes) fits 5, "c" does not */
	assert_string_equal(buf, "ab" R);
	text_sanitize_buf(buf, sizeof(buf), "abcd\xe6\x97\xa5", 0);
	assert_string_equal(buf, "abcd");
	text_sanitize_buf(buf, 1, "abc", 0);
	assert_string_equal(buf, "");
}

static void
every_byte_string_comes_out_safe(void **state)
{
	unsigned char in[4];
	unsigned a, b;
	size_t i, len;
	char *s;
	const unsigned char *p;

	(void)state;
	/* Every pair of bytes after a lead: no control ever survives. */
	for (a = 1; a < 256; a++) {
		for (b = 1; b < 256; b += 7) {
			in[0] = (unsigned char)a;
			in[1] = (unsigned char)b;
			in[2] = 0x80;
			in[3] = '\0';
			s = text_sanitize((char *)in, TEXT_KEEP_NEWLINE);
			len = strlen(s);
			p = (const unsigned char *)s;
			for (i = 0; i < len; i++) {
				assert_false(p[i] < 0x20 && p[i] != '\n');
				assert_false(p[i] == 0x7f);
				/* C1 as UTF-8 */
				assert_false(p[i] == 0xc2 && i + 1 < len &&
				    p[i + 1] >= 0x80 && p[i + 1] < 0xa0);
			}
			free(s);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_text_is_kept),
		cmocka_unit_test(escape_sequences_never_pass),
		cmocka_unit_test(bidi_controls_are_replaced),
		cmocka_unit_test(bad_utf8_is_replaced),
		cmocka_unit_test(newlines_and_tabs),
		cmocka_unit_test(bounded_copy_never_splits_a_character),
		cmocka_unit_test(every_byte_string_comes_out_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
