/* Unit tests of gateway/upstream_parse.c: one HTTP/1.1 answer, in pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../gateway/upstream_parse.h"

/* Feed s one byte at a time when bytewise, else whole. */
static enum upstream_parse_result
feed(struct upstream_parse *p, const char *s, bool bytewise, size_t *total)
{
	enum upstream_parse_result r = UPSTREAM_PARSE_MORE;
	size_t len = strlen(s), i, used;

	*total = 0;
	if (!bytewise) {
		r = upstream_parse_feed(p, s, len, &used);
		*total = used;
		return r;
	}
	for (i = 0; i < len && r == UPSTREAM_PARSE_MORE; i++) {
		r = upstream_parse_feed(p, s + i, 1, &used);
		*total += used;
	}
	return r;
}

static void
content_length(void **state)
{
	static const char a[] = "HTTP/1.1 201 Created\r\n"
	    "Content-Type: application/json\r\nContent-Length: 7\r\n"
	    "Retry-After: 3\r\n\r\n{\"a\":1}";
	struct upstream_parse p;
	size_t used;
	int bytewise;

	(void)state;
	for (bytewise = 0; bytewise < 2; bytewise++) {
		upstream_parse_init(&p);
		assert_int_equal(feed(&p, a, bytewise, &used),
		    UPSTREAM_PARSE_DONE);
		assert_int_equal(used, strlen(a));
		assert_int_equal(p.status, 201);
		assert_string_equal(p.content_type, "application/json");
		assert_string_equal(p.retry_after, "3");
		assert_int_equal(p.blen, 7);
		assert_string_equal(p.body, "{\"a\":1}");
		assert_false(p.close);
		upstream_parse_release(&p);
	}
}

static void
chunked_with_trailer(void **state)
{
	static const char a[] = "HTTP/1.1 200 OK\r\n"
	    "transfer-encoding: chunked\r\n\r\n"
	    "4\r\nabcd\r\nA;ext=1\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n";
	struct upstream_parse p;
	size_t used;
	int bytewise;

	(void)state;
	for (bytewise = 0; bytewise < 2; bytewise++) {
		upstream_parse_init(&p);
		assert_int_equal(feed(&p, a, bytewise, &used),
		    UPSTREAM_PARSE_DONE);
		assert_int_equal(used, strlen(a));
		assert_string_equal(p.body, "abcd0123456789");
		upstream_parse_release(&p);
	}
}

static void
stops_at_the_end_of_the_answer(void **state)
{
	static const char a[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
	    "\r\nokHTTP/1.1 200 OK\r\n";
	struct upstream_parse p;
	size_t used;

	(void)state;
	upstream_parse_init(&p);
	assert_int_equal(feed(&p, a, false, &used), UPSTREAM_PARSE_DONE);
	assert_int_equal(used, strlen(a) - strlen("HTTP/1.1 200 OK\r\n"));
	upstream_parse_release(&p);
}

static void
no_length_reads_until_close(void **state)
{
	static const char a[] = "HTTP/1.1 200 OK\r\n\r\nsome body";
	struct upstream_parse p;
	size_t used;

	(void)state;
	upstream_parse_init(&p);
	assert_int_equal(feed(&p, a, false, &used), UPSTREAM_PARSE_MORE);
	assert_true(p.close);
	assert_true(upstream_parse_eof(&p));
	assert_string_equal(p.body, "some body");
	upstream_parse_release(&p);
}

static void
connection_close_and_no_content(void **state)
{
	static const char a[] = "HTTP/1.1 100 Continue\r\n\r\n"
	    "HTTP/1.1 204 No Content\r\nConnection: Close\r\n\r\n";
	struct upstream_parse p;
	size_t used;

	(void)state;
	upstream_parse_init(&p);
	assert_int_equal(feed(&p, a, false, &used), UPSTREAM_PARSE_DONE);
	assert_int_equal(p.status, 204);
	assert_true(p.close);
	assert_int_equal(p.blen, 0);
	upstream_parse_release(&p);
}

static void
cut_short_is_not_whole(void **state)
{
	static const char a[] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n"
	    "\r\nabc";
	struct upstream_parse p;
	size_t used;

	(void)state;
	upstream_parse_init(&p);
	assert_int_equal(feed(&p, a, false, &used), UPSTREAM_PARSE_MORE);
	assert_true(p.any);
	assert_false(upstream_parse_eof(&p));
	upstream_parse_release(&p);
}

static void
garbage_is_an_error(void **state)
{
	static const char *const bad[] = {
		"SSH-2.0-OpenSSH\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
		    "Content-Length: 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "1\r\nab\r\n",
	};
	struct upstream_parse p;
	size_t used, i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		upstream_parse_init(&p);
		assert_int_equal(feed(&p, bad[i], false, &used),
		    UPSTREAM_PARSE_ERROR);
		upstream_parse_release(&p);
	}
}

static void
head_too_long_is_an_error(void **state)
{
	static char a[UPSTREAM_PARSE_HEAD_MAX + 64];
	struct upstream_parse p;
	size_t used;

	(void)state;
	memset(a, 'x', sizeof(a) - 1);
	memcpy(a, "HTTP/1.1 200 OK\r\nX: ", 20);
	upstream_parse_init(&p);
	assert_int_equal(feed(&p, a, false, &used), UPSTREAM_PARSE_ERROR);
	upstream_parse_release(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(content_length),
		cmocka_unit_test(chunked_with_trailer),
		cmocka_unit_test(stops_at_the_end_of_the_answer),
		cmocka_unit_test(no_length_reads_until_close),
		cmocka_unit_test(connection_close_and_no_content),
		cmocka_unit_test(cut_short_is_not_whole),
		cmocka_unit_test(garbage_is_an_error),
		cmocka_unit_test(head_too_long_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
