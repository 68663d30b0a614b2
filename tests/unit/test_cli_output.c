/*
 * test_cli_output.c: chirp's plain output (client-cli/output.c): the
 * indent of wrapped text, and tweet blocks readable in 80 columns. The
 * wrapping, widths and ages themselves are common/'s (test_text.c,
 * test_log_time.c).
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
every_line_but_an_empty_one_is_indented(void **state)
{
	char *s = wrapped("one\ntwo\033[31mred\n\nfour\n", 80, "> ");

	(void)state;
	assert_string_equal(s, "> one\n> two\xef\xbf\xbd[31mred\n\n"
	    "> four\n");
	free(s);
	/* a narrow terminal still leaves ten columns for the text */
	s = wrapped("abcdefghijklmnop", 12, "        ");
	assert_string_equal(s, "        abcdefghij\n        klmnop\n");
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
	o.now_ms = 1795485960000LL + 3 * 60000;	/* 02:09, 3m after */
	output_tweet(&o, fp, t, NULL, "", 0);
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
	output_tweet_line(&o, fp, t, NULL);
	fclose(fp);
	assert_non_null(strstr(buf, "bob: two lines  (id 78)\n"));
	assert_int_equal(strchr(buf, '\n') - buf, (long)len - 1);
	free(buf);
	json_decref(t);
}


static void
repost_reply_and_counts_are_shown(void **state)
{
	struct output o = { 0, 80, 0 };
	json_t *orig = json_pack("{s:s, s:s, s:s, s:s, s:n, s:i, s:i, s:i, "
	    "s:b}", "tweetId", "5", "username", "ann", "content", "hi",
	    "timestamp", "x", "replyTo", "replyCount", 0, "likeCount", 2,
	    "repostCount", 1, "liked", 1);
	json_t *rp = json_pack("{s:s, s:s, s:s, s:s, s:O}", "tweetId", "9",
	    "username", "bob", "content", "", "timestamp", "x", "repostOf",
	    orig);
	json_t *reply = json_pack("{s:s, s:s, s:s, s:s, s:s}", "tweetId", "10",
	    "username", "cy", "content", "yes", "timestamp", "x", "replyTo",
	    "5");
	json_t *page = json_pack("[O, O]", rp, reply);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	output_tweet(&o, fp, rp, page, "", 0);
	output_tweet(&o, fp, reply, page, "", 0);
	output_tweet(&o, fp, reply, NULL, "  ", OUTPUT_NO_REPLY_LINE);
	json_object_set_new(reply, "replyTo", json_string("4"));
	output_tweet_line(&o, fp, reply, NULL);
	output_tweet_line(&o, fp, rp, NULL);
	fclose(fp);
	assert_string_equal(buf,
	    "↻ reposted by @bob\nann  id 5\n  hi\n"
	    "  2 likes · 1 repost · you liked\n"
	    "cy  id 10\n  ↳ replying to @ann\n  yes\n"
	    "  cy  id 10\n    yes\n"
	    "cy: yes  (id 10, replying to tweet 4)\n"
	    "ann: hi  (id 5, reposted by @bob)\n");
	free(buf);
	json_decref(page);
	json_decref(reply);
	json_decref(rp);
	json_decref(orig);
}

static void
notification_line_fits_the_width(void **state)
{
	struct output o = { 0, 40, 0 };
	json_t *n = json_pack("{s:s, s:{s:s}, s:{s:s, s:s}}", "type", "like",
	    "actor", "username", "bob", "tweet", "tweetId", "7", "content",
	    "a long text\033 that cannot fit in forty columns at all");
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	output_notification(&o, fp, n, "* ", 1);
	json_object_set_new(n, "type", json_string("follow"));
	json_object_set_new(n, "tweet", json_null());
	output_notification(&o, fp, n, "", 0);
	fclose(fp);
	assert_string_equal(buf,
	    "* @bob liked your tweet: a long…  (id 7)\n@bob followed you\n");
	free(buf);
	json_decref(n);
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
		cmocka_unit_test(every_line_fits_80_columns),
		cmocka_unit_test(every_line_but_an_empty_one_is_indented),
		cmocka_unit_test(tweet_block_has_author_time_id_and_text),
		cmocka_unit_test(tweet_line_is_one_line),
		cmocka_unit_test(repost_reply_and_counts_are_shown),
		cmocka_unit_test(notification_line_fits_the_width),
		cmocka_unit_test(no_colour_without_a_terminal),
	};

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
