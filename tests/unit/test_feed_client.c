/*
 * test_feed_client.c: the live feed client's own loop (common/
 * feed_client.c) without a server: a caller's fd is served in the same
 * loop, a server that is not there means "reconnecting" with the backoff
 * of the contract, and stop ends the loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "feed_client.h"

struct seen {
	int reads;
	char got[16];
	int reconnecting;
	int first_retry;
	int closed;
};

static void
on_fd(int fd, void *arg)
{
	struct seen *s = arg;
	ssize_t n = read(fd, s->got, sizeof(s->got) - 1);

	if (n > 0)
		s->got[n] = '\0';
	s->reads++;
}

static void
on_state(enum feed_state st, int retry_in_s, void *arg)
{
	struct seen *s = arg;

	if (st == FEED_RECONNECTING) {
		if (s->reconnecting++ == 0)
			s->first_retry = retry_in_s;
	}
	if (st == FEED_CLOSED)
		s->closed++;
}

static struct feed_client *
unreachable(struct seen *s)
{
	struct feed_client_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	/* port 1 on loopback: refused at once */
	cfg.server = "http://127.0.0.1:1";
	cfg.token = "t";
	cfg.since = 42;
	cfg.on_state = on_state;
	cfg.arg = s;
	return feed_client_new(&cfg);
}

static void
watched_fd_is_served_in_the_loop(void **state)
{
	struct seen s;
	struct feed_client *fc;
	int p[2], i;

	(void)state;
	memset(&s, 0, sizeof(s));
	fc = unreachable(&s);
	assert_non_null(fc);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(feed_client_watch_fd(fc, p[0], on_fd, &s), 0);
	assert_int_equal(write(p[1], "key", 3), 3);
	for (i = 0; i < 50 && s.reads == 0; i++)
		assert_int_equal(feed_client_service(fc, 100), 0);
	assert_int_equal(s.reads, 1);
	assert_string_equal(s.got, "key");
	feed_client_free(fc);
	/* the caller's fd is still the caller's */
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(read(p[0], s.got, 1), 1);
	close(p[0]);
	close(p[1]);
}

static void
unreachable_server_means_reconnecting_after_1s(void **state)
{
	struct seen s;
	struct feed_client *fc;
	int i;

	(void)state;
	memset(&s, 0, sizeof(s));
	fc = unreachable(&s);
	for (i = 0; i < 50 && s.reconnecting == 0; i++)
		feed_client_service(fc, 100);
	assert_int_equal(s.reconnecting, 1);
	assert_int_equal(s.first_retry, 1);
	/* since is kept for the next try */
	assert_int_equal(feed_client_since(fc), 42);
	feed_client_free(fc);
}

static void
stop_ends_the_loop(void **state)
{
	struct seen s;
	struct feed_client *fc;

	(void)state;
	memset(&s, 0, sizeof(s));
	fc = unreachable(&s);
	feed_client_stop(fc);
	assert_int_equal(s.closed, 1);
	assert_int_equal(feed_client_service(fc, 10), -1);
	feed_client_free(fc);
}

/* Frames from the server: only well-formed events are handed on. */
static void
frames_are_parsed_strictly(void **state)
{
	static const char *const bad[] = {
		"", "null", "[]", "{}", "{\"type\":1}", "{\"type\":\"tweet\"}",
		"{\"type\":\"tweet\",\"tweet\":{\"tweetId\":\" +7\"}}",
		"{\"type\":\"tweet\",\"tweet\":{\"tweetId\":\"0\"}}",
		"{\"type\":\"tweet\",\"tweet\":{\"tweetId\":\"-7\"}}",
		"{\"type\":\"tweet\",\"tweet\":{\"tweetId\":"
		    "\"99999999999999999999\"}}",
		"{\"type\":\"ready\",\"type\":\"tweet\"}",
	};
	const char *ok = "{\"type\":\"tweet\",\"tweet\":{\"tweetId\":\"7\"}}";
	json_t *ev;
	int64_t id;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(feed_client_parse(bad[i], strlen(bad[i]), &ev,
		    &id), FEED_EVENT_BAD);
		assert_null(ev);
	}
	assert_int_equal(feed_client_parse(ok, strlen(ok), &ev, &id),
	    FEED_EVENT_TWEET);
	assert_true(id == 7);
	json_decref(ev);
	assert_int_equal(feed_client_parse("{\"type\":\"ready\"}", 16, &ev,
	    &id), FEED_EVENT_READY);
	json_decref(ev);
	assert_int_equal(feed_client_parse("{\"type\":\"notification\"}", 23,
	    &ev, &id), FEED_EVENT_OTHER);
	json_decref(ev);
}

/* A delete names a tweet by a well-formed id, or it is dropped. */
static void
deletes_and_resets_are_events_of_their_own(void **state)
{
	static const char *const bad[] = {
		"{\"type\":\"delete\"}",
		"{\"type\":\"delete\",\"tweetId\":7}",
		"{\"type\":\"delete\",\"tweetId\":\"07\"}",
		"{\"type\":\"delete\",\"tweetId\":\"x\"}",
	};
	const char *del = "{\"type\":\"delete\",\"tweetId\":\"9\","
	    "\"cursor\":\"t3\"}";
	json_t *ev;
	int64_t id;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(feed_client_parse(bad[i], strlen(bad[i]), &ev,
		    &id), FEED_EVENT_BAD);
		assert_null(ev);
	}
	assert_int_equal(feed_client_parse(del, strlen(del), &ev, &id),
	    FEED_EVENT_DELETE);
	assert_true(id == 9);
	json_decref(ev);
	assert_int_equal(feed_client_parse("{\"type\":\"reset\"}", 16, &ev, &id),
	    FEED_EVENT_RESET);
	json_decref(ev);
}

/* What a frame's cursor is worth: only a well-formed one is kept. */
static int
cursor_of(const char *raw, const char **c, json_t **ev)
{
	int64_t id;

	if (feed_client_parse(raw, strlen(raw), ev, &id) == FEED_EVENT_BAD)
		return -2;
	return feed_client_event_cursor(*ev, c);
}

static void
only_well_formed_cursors_are_kept(void **state)
{
	static const char *const bad[] = {
		"{\"type\":\"ready\",\"cursor\":\"\"}",
		"{\"type\":\"ready\",\"cursor\":5}",
		"{\"type\":\"ready\",\"cursor\":null}",
		"{\"type\":\"ready\",\"cursor\":\"t1&since=2\"}",
		"{\"type\":\"ready\",\"cursor\":\"t1 HTTP/1.1\\r\\nX: y\"}",
		"{\"type\":\"ready\",\"cursor\":\"t%31\"}",
		"{\"type\":\"ready\",\"cursor\":\"t\u00e9\"}",
	};
	char big[256];
	const char *c;
	json_t *ev;
	size_t i;

	(void)state;
	assert_int_equal(cursor_of("{\"type\":\"ready\"}", &c, &ev), 0);
	assert_null(c);
	json_decref(ev);
	assert_int_equal(cursor_of("{\"type\":\"tweet\",\"tweet\":"
	    "{\"tweetId\":\"7\"},\"cursor\":\"t42-n7_X\"}", &c, &ev), 1);
	assert_string_equal(c, "t42-n7_X");
	json_decref(ev);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cursor_of(bad[i], &c, &ev), -1);
		assert_null(c);
		json_decref(ev);
	}
	/* 128 characters are a cursor, 129 are not */
	snprintf(big, sizeof(big), "{\"type\":\"ready\",\"cursor\":\"%0128d\"}",
	    0);
	assert_int_equal(cursor_of(big, &c, &ev), 1);
	json_decref(ev);
	snprintf(big, sizeof(big), "{\"type\":\"ready\",\"cursor\":\"%0129d\"}",
	    0);
	assert_int_equal(cursor_of(big, &c, &ev), -1);
	json_decref(ev);
}

static void
a_new_client_has_no_cursor(void **state)
{
	struct seen s;
	struct feed_client *fc;

	(void)state;
	memset(&s, 0, sizeof(s));
	fc = unreachable(&s);
	assert_string_equal(feed_client_cursor(fc), "");
	feed_client_free(fc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(watched_fd_is_served_in_the_loop),
		cmocka_unit_test(unreachable_server_means_reconnecting_after_1s),
		cmocka_unit_test(stop_ends_the_loop),
		cmocka_unit_test(frames_are_parsed_strictly),
		cmocka_unit_test(deletes_and_resets_are_events_of_their_own),
		cmocka_unit_test(only_well_formed_cursors_are_kept),
		cmocka_unit_test(a_new_client_has_no_cursor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
