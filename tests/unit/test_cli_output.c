/*
 * test_cli_output.c: chirp's plain output (client-cli/output.c): relative
 * times, RFC 3339 parsing, wrapping by display width, harmless control
 * characters, and a tweet block readable in 80 columns.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../client-cli/output.h"

/* What output_wrap prints, as one string the caller frees. */
static char *
wrapped(const char *text, int width, const char *indent)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	output_wrap(fp, text, width, indent);
	fclose(fp);
	return buf;
}

static void
relative_times_are_short(void **state)
{
	int64_t now = 1795000000000LL;
	char b[32];

	(void)state;
	output_relative_time(now, now - 1000, b, sizeof(b));
	assert_string_equal(b, "now");
	output_relative_time(now, now - 42000, b, sizeof(b));
	assert_string_equal(b, "42s");
	output_relative_time(now, now - 3 * 60000 - 5000, b, sizeof(b));
	assert_string_equal(b, "3m");
	output_relative_time(now, now - 5 * 3600000LL, b, sizeof(b));
	assert_string_equal(b, "5h");
	output_relative_time(now, now - 2 * 86400000LL, b, sizeof(b));
	assert_string_equal(b, "2d");
	/* a clock a little behind the server's is "now", not negative */
	output_relative_time(now, now + 3000, b, sizeof(b));
	assert_string_equal(b, "now");
}

static void
old_times_are_dates(void **state)
{
	/* 2026-11-24T02:06:00Z and a year before it */
	int64_t now = output_parse_time("2026-11-24T02:06:00.000Z");
	int64_t then = output_parse_time("2026-10-01T00:00:00.000Z");
	int64_t last_year = output_parse_time("2025-10-01T00:00:00.000Z");
	char b[32];

	(void)state;
	output_relative_time(now, then, b, sizeof(b));
	assert_string_equal(b, "Oct 01");
	output_relative_time(now, last_year, b, sizeof(b));
	assert_string_equal(b, "Oct 01 2025");
}

static void
rfc3339_parses_with_millis_and_offsets(void **state)
{
	(void)state;
	assert_int_equal(output_parse_time("1970-01-01T00:00:01.234Z"), 1234);
	assert_int_equal(output_parse_time("1970-01-01T00:00:01Z"), 1000);
	assert_int_equal(output_parse_time("1970-01-01T01:00:00.000+01:00"),
	    0);
	assert_int_equal(output_parse_time("2026-11-24T02:06:00.123Z"),
	    1795485960123LL);
	assert_int_equal(output_parse_time("yesterday"), -1);
	assert_int_equal(output_parse_time("2026-11-24T02:06:00.123"), -1);
	assert_int_equal(output_parse_time(NULL), -1);
}

static void
text_wraps_at_spaces_within_width(void **state)
{
	char *s = wrapped("the quick brown fox jumps over the lazy dog", 20,
	    "  ");

	(void)state;
	assert_string_equal(s, "  the quick brown\n  fox jumps over the\n"
	    "  lazy dog\n");
	free(s);
}

static void
every_line_fits_80_columns(void **state)
{
	char text[2000], *s, *line, *save = NULL;
	size_t i;

	(void)state;
	for (i = 0; i + 6 < sizeof(text); i += 6)
		memcpy(text + i, "word. ", 6);
	text[i] = '\0';
	s = wrapped(text, 80, "  ");
	for (line = strtok_r(s, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		assert_true(strlen(line) <= 80);
	free(s);
}

static void
wide_characters_count_two_columns(void **state)
{
	/* ten CJK characters are 20 columns: 12 columns hold six each */
	char *s = wrapped("日本語日本語日本語日", 12, "");

	(void)state;
	assert_string_equal(s, "日本語日本語\n日本語日\n");
	free(s);
	s = wrapped("héllo wörld 🎉", 80, "");
	assert_string_equal(s, "héllo wörld 🎉\n");
	free(s);
}

static void
long_word_is_cut_at_the_width(void **state)
{
	char *s = wrapped("abcdefghijklmnopqrstuvwxyz", 10, "");

	(void)state;
	assert_string_equal(s, "abcdefghij\nklmnopqrst\nuvwxyz\n");
	free(s);
}

static void
newlines_start_lines_and_controls_are_harmless(void **state)
{
	char *s = wrapped("one\ntwo\033[31mred\a\n\nfour\n", 80, "> ");

	(void)state;
	assert_string_equal(s, "> one\n> two\xef\xbf\xbd[31mred\xef\xbf\xbd\n\n"
	    "> four\n");
	assert_null(strchr(s, '\033'));
	free(s);
	s = wrapped("bad \xff\xfe utf8", 80, "");
	assert_string_equal(s, "bad \xef\xbf\xbd\xef\xbf\xbd utf8\n");
	free(s);
}

static void
tweet_block_has_author_time_id_and_text(void **state)
{
	struct output o = { 0, 80, 0 };
	json_t *t = json_pack("{s:s, s:s, s:s, s:s, s:s}", "tweetId", "77",
	    "userId", "1", "username", "alice", "content", "hello\033 world",
	    "timestamp", "2026-11-24T02:06:00.000Z");
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	o.now_ms = output_parse_time("2026-11-24T02:09:00.000Z");
	output_tweet(&o, fp, t);
	fclose(fp);
	assert_string_equal(buf,
	    "alice  3m  id 77\n  hello\xef\xbf\xbd world\n");
	free(buf);
	json_decref(t);
}

static void
tweet_line_is_one_line(void **state)
{
	struct output o = { 0, 80, 0 };
	json_t *t = json_pack("{s:s, s:s, s:s, s:s}", "tweetId", "78",
	    "username", "bob", "content", "two\nlines", "timestamp",
	    "2026-11-24T02:06:00.000Z");
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	output_tweet_line(&o, fp, t);
	fclose(fp);
	assert_non_null(strstr(buf, "bob: two lines  (id 78)\n"));
	assert_int_equal(strchr(buf, '\n') - buf, (long)len - 1);
	free(buf);
	json_decref(t);
}

static void
no_colour_without_a_terminal(void **state)
{
	struct output o;
	FILE *fp = tmpfile();

	(void)state;
	output_init(&o, fp);
	assert_int_equal(o.color, 0);
	assert_int_equal(o.width, 80);
	assert_string_equal(output_bold(&o), "");
	fclose(fp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(relative_times_are_short),
		cmocka_unit_test(old_times_are_dates),
		cmocka_unit_test(rfc3339_parses_with_millis_and_offsets),
		cmocka_unit_test(text_wraps_at_spaces_within_width),
		cmocka_unit_test(every_line_fits_80_columns),
		cmocka_unit_test(wide_characters_count_two_columns),
		cmocka_unit_test(long_word_is_cut_at_the_width),
		cmocka_unit_test(newlines_start_lines_and_controls_are_harmless),
		cmocka_unit_test(tweet_block_has_author_time_id_and_text),
		cmocka_unit_test(tweet_line_is_one_line),
		cmocka_unit_test(no_colour_without_a_terminal),
	};

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
