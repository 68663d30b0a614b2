/*
 * test_text.c: server-controlled text made safe for a terminal, measured
 * in display columns and wrapped to a width (both clients' wrapping).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <locale.h>

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

/* text wrapped to width, its lines joined by "|". */
static char *
wrapped(const char *text, int width)
{
	struct text_lines l;
	size_t i, len = 0;
	char *out;

	text_wrap(text, width, &l);
	for (i = 0; i < l.n; i++)
		len += strlen(l.line[i]) + 1;
	out = calloc(1, len + 1);
	assert_non_null(out);
	for (i = 0; i < l.n; i++) {
		if (i > 0)
			strcat(out, "|");
		strcat(out, l.line[i]);
	}
	text_lines_release(&l);
	return out;
}

static void
expect_wrap(const char *text, int width, const char *want)
{
	char *s = wrapped(text, width);

	assert_string_equal(s, want);
	free(s);
}

static void
text_wraps_at_spaces_within_width(void **state)
{
	(void)state;
	expect_wrap("the quick brown fox jumps over the lazy dog", 18,
	    "the quick brown|fox jumps over the|lazy dog");
	/* the spaces at a break are dropped, inner ones kept */
	expect_wrap("the quick brown fox jumps", 10,
	    "the quick|brown fox|jumps");
	expect_wrap("aaaaaaaaaa   b  c", 10, "aaaaaaaaaa|b  c");
	/* those leading a paragraph are the author's */
	expect_wrap("  indented\nflush", 20, "  indented|flush");
}

static void
every_line_fits_the_width(void **state)
{
	char text[2000];
	struct text_lines l;
	size_t i;

	(void)state;
	for (i = 0; i + 6 < sizeof(text); i += 6)
		memcpy(text + i, "word. ", 6);
	text[i] = '\0';
	text_wrap(text, 78, &l);
	assert_true(l.n > 20);
	for (i = 0; i < l.n; i++)
		assert_true(text_width(l.line[i]) <= 78);
	text_lines_release(&l);
}

static void
long_word_is_cut_at_the_width(void **state)
{
	(void)state;
	expect_wrap("abcdefghijklmnopqrstuvwxyz", 10,
	    "abcdefghij|klmnopqrst|uvwxyz");
	expect_wrap("ab cdefghijklmnop", 10, "ab|cdefghijkl|mnop");
}

static void
wide_characters_count_two_columns(void **state)
{
	struct text_lines l;
	size_t i;

	(void)state;
	/* ten CJK characters are 20 columns: 12 columns hold six each */
	expect_wrap("日本語日本語日本語日", 12, "日本語日本語|日本語日");
	expect_wrap("héllo wörld 🎉", 80, "héllo wörld 🎉");
	assert_int_equal(text_width("\xf0\x9f\x98\x80"), 2);	/* emoji */
	assert_int_equal(text_width("caf\xc3\xa9"), 4);	/* accent */
	assert_int_equal(text_width("e\xcc\x81"), 1);	/* combining */
	/* Hangul, fullwidth forms, the ideographic space: 2 columns */
	assert_int_equal(text_width("\xed\x95\x9c\xef\xbc\xa1\xe3\x80\x80"),
	    6);
	assert_int_equal(text_width("\xe2\x80\x8d"), 0);	/* ZWJ */
	assert_int_equal(text_width("\xe2\x82\xac\xd0\x96"), 2);	/* € Ж */
	assert_int_equal(text_width("a\nb"), 3);
	assert_int_equal(text_width(NULL), 0);
	/* an odd width never splits a wide character */
	text_wrap("\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 5, &l);
	assert_int_equal(l.n, 2);
	for (i = 0; i < l.n; i++)
		assert_true(text_width(l.line[i]) <= 5);
	text_lines_release(&l);
}

static void
wrapped_controls_are_harmless(void **state)
{
	(void)state;
	expect_wrap("one\ntwo\033[31mred\a\n\nfour\n", 80,
	    "one|two" R "[31mred" R "||four");
	expect_wrap("a\x1b[2Jb\tc\nd", 20, "a" R "[2Jb c|d");
	expect_wrap("bad \xff\xfe utf8", 80, "bad " R R " utf8");
}

static void
empty_text_is_one_empty_line(void **state)
{
	(void)state;
	expect_wrap("", 10, "");
	expect_wrap(NULL, 10, "");
	/* newlines at the end are not lines */
	expect_wrap("a\n\n", 10, "a");
}

static void
fit_cuts_to_the_width(void **state)
{
	char *s;

	(void)state;
	s = text_fit("hello world", 5);
	assert_string_equal(s, "hello");
	free(s);
	s = text_fit("\xe4\xb8\xad\xe6\x96\x87", 3);
	assert_string_equal(s, "\xe4\xb8\xad");
	free(s);
	s = text_fit("bad \xff\nbyte", 20);
	assert_string_equal(s, "bad " R " byte");
	free(s);
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
		cmocka_unit_test(text_wraps_at_spaces_within_width),
		cmocka_unit_test(every_line_fits_the_width),
		cmocka_unit_test(long_word_is_cut_at_the_width),
		cmocka_unit_test(wide_characters_count_two_columns),
		cmocka_unit_test(wrapped_controls_are_harmless),
		cmocka_unit_test(empty_text_is_one_empty_line),
		cmocka_unit_test(fit_cuts_to_the_width),
	};

	/* widths are the locale's (wcwidth): the clients' UTF-8 one */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
