/* test_feed.c: the live feed's fan-out (gateway/feed.c), without sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../gateway/feed.h"

struct owner {
	int wakes;
};

static void
wake(void *owner, void *arg)
{
	(void)arg;
	((struct owner *)owner)->wakes++;
}

static size_t
tweet(struct feed *f, int64_t author, int64_t id)
{
	char frame[64];

	snprintf(frame, sizeof frame, "{\"id\":%lld}", (long long)id);
	return feed_publish(f, author, id, id, true, frame, strlen(frame), wake,
	    NULL);
}

/* The ids queued on c, in order, popping them. */
static size_t
drain(struct feed_conn *c, int64_t *ids, size_t max)
{
	const struct feed_msg *m;
	size_t n = 0;

	while ((m = feed_conn_peek(c)) != NULL) {
		if (n < max)
			ids[n++] = m->id;
		feed_conn_pop(c);
	}
	return n;
}

static void
followers_and_author_get_a_tweet_others_do_not(void **state)
{
	struct feed *f = feed_new(16);
	struct owner oa = { 0 }, ob = { 0 }, oc = { 0 };
	struct feed_conn *a = feed_conn_new(f, 1, &oa);
	struct feed_conn *b = feed_conn_new(f, 2, &ob);
	struct feed_conn *c = feed_conn_new(f, 3, &oc);
	int64_t follows_b[] = { 2 }, none[1] = { 0 }, ids[8];

	(void)state;
	feed_conn_set_followings(f, a, follows_b, 1);
	feed_conn_set_followings(f, b, none, 0);
	feed_conn_set_followings(f, c, none, 0);
	assert_int_equal(tweet(f, 2, 100), 2);
	assert_int_equal(drain(a, ids, 8), 1);
	assert_int_equal(ids[0], 100);
	assert_int_equal(drain(b, ids, 8), 1);
	assert_int_equal(drain(c, ids, 8), 0);
	assert_int_equal(oa.wakes, 1);
	assert_int_equal(oc.wakes, 0);
	feed_conn_free(f, a);
	feed_conn_free(f, b);
	feed_conn_free(f, c);
	feed_free(f);
}

static void
loading_connection_keeps_only_what_it_follows(void **state)
{
	struct feed *f = feed_new(16);
	struct owner o = { 0 };
	struct feed_conn *a = feed_conn_new(f, 1, &o);
	int64_t follows[] = { 5 }, ids[8];

	(void)state;
	assert_true(feed_conn_loading(a));
	tweet(f, 5, 10);
	tweet(f, 6, 11);
	tweet(f, 1, 12);
	assert_int_equal(o.wakes, 0);	/* not live yet */
	feed_conn_set_followings(f, a, follows, 1);
	assert_false(feed_conn_loading(a));
	assert_int_equal(drain(a, ids, 8), 2);
	assert_int_equal(ids[0], 10);
	assert_int_equal(ids[1], 12);
	feed_conn_free(f, a);
	feed_free(f);
}

static void
follow_and_unfollow_change_what_comes_next(void **state)
{
	struct feed *f = feed_new(16);
	struct owner o = { 0 };
	struct feed_conn *a = feed_conn_new(f, 1, &o);
	int64_t ids[8];

	(void)state;
	feed_conn_set_followings(f, a, NULL, 0);
	tweet(f, 7, 1);
	feed_follow(f, 1, 7);
	assert_true(feed_conn_follows(a, 7));
	tweet(f, 7, 2);
	feed_unfollow(f, 1, 7);
	tweet(f, 7, 3);
	assert_int_equal(drain(a, ids, 8), 1);
	assert_int_equal(ids[0], 2);
	feed_conn_free(f, a);
	feed_free(f);
}

static void
follow_while_loading_is_applied_after_the_list(void **state)
{
	struct feed *f = feed_new(16);
	struct owner o = { 0 };
	struct feed_conn *a = feed_conn_new(f, 1, &o);
	int64_t old_list[] = { 8 }, ids[8];

	(void)state;
	feed_follow(f, 1, 7);		/* the list was read before this */
	feed_unfollow(f, 1, 8);
	feed_conn_set_followings(f, a, old_list, 1);
	assert_true(feed_conn_follows(a, 7));
	assert_false(feed_conn_follows(a, 8));
	tweet(f, 7, 1);
	tweet(f, 8, 2);
	assert_int_equal(drain(a, ids, 8), 1);
	assert_int_equal(ids[0], 1);
	feed_conn_free(f, a);
	feed_free(f);
}

static void
full_queue_overflows_one_connection_only(void **state)
{
	struct feed *f = feed_new(2);
	struct owner slow = { 0 }, fast = { 0 };
	struct feed_conn *s = feed_conn_new(f, 1, &slow);
	struct feed_conn *q = feed_conn_new(f, 2, &fast);
	int64_t follows[] = { 9 }, ids[8];
	int i;

	(void)state;
	feed_conn_set_followings(f, s, follows, 1);
	feed_conn_set_followings(f, q, follows, 1);
	for (i = 0; i < 5; i++) {
		tweet(f, 9, i + 1);
		drain(q, ids, 8);	/* the fast one keeps up */
	}
	assert_true(feed_conn_overflowed(s));
	assert_false(feed_conn_overflowed(q));
	assert_int_equal(feed_drops(f), 1);
	assert_int_equal(feed_conn_queued(s), 2);
	feed_conn_free(f, s);
	feed_conn_free(f, q);
	feed_free(f);
}

static void
user_lookup_and_counts(void **state)
{
	struct feed *f = feed_new(4);
	struct owner o1, o2, o3;
	struct feed_conn *c[3];
	void *owners[4];
	int i;

	(void)state;
	c[0] = feed_conn_new(f, 4, &o1);
	c[1] = feed_conn_new(f, 4, &o2);
	c[2] = feed_conn_new(f, 5, &o3);
	assert_int_equal(feed_conn_count(f), 3);
	assert_int_equal(feed_user_conns(f, 4, owners, 4), 2);
	assert_int_equal(feed_user_conns(f, 6, owners, 4), 0);
	for (i = 0; i < 3; i++)
		feed_conn_free(f, c[i]);
	assert_int_equal(feed_conn_count(f), 0);
	feed_free(f);
}

static void
many_connections_index_and_free(void **state)
{
	struct feed *f = feed_new(4);
	static struct feed_conn *c[2000];
	struct owner o = { 0 };
	int64_t follows[] = { 1, 2, 3 };
	int i;

	(void)state;
	for (i = 0; i < 2000; i++) {
		c[i] = feed_conn_new(f, 100 + i, &o);
		feed_conn_set_followings(f, c[i], follows, 3);
	}
	assert_int_equal(tweet(f, 2, 1), 2000);
	for (i = 0; i < 2000; i += 2)
		feed_conn_free(f, c[i]);
	assert_int_equal(tweet(f, 3, 2), 1000);
	for (i = 1; i < 2000; i += 2)
		feed_conn_free(f, c[i]);
	feed_free(f);
}

/* A queue that fills while the followings load is an overflow like any
 * other: the owner is woken so that it closes the connection. */
static void
overflow_while_loading_wakes_the_owner(void **state)
{
	struct feed *f = feed_new(2);
	struct owner o = { 0 };
	struct feed_conn *a = feed_conn_new(f, 1, &o);
	int64_t follows[] = { 9 };

	(void)state;
	tweet(f, 9, 1);
	tweet(f, 9, 2);
	assert_int_equal(o.wakes, 0);	/* buffered quietly */
	tweet(f, 9, 3);
	assert_true(feed_conn_overflowed(a));
	assert_int_equal(o.wakes, 1);
	tweet(f, 9, 4);
	assert_int_equal(o.wakes, 1);	/* once */
	feed_conn_set_followings(f, a, follows, 1);
	assert_true(feed_conn_overflowed(a));
	feed_conn_free(f, a);
	feed_free(f);
}

/* A connect with n followings costs about n log n steps, not n squared:
 * 5,000 followings (the cap) stay far below 5,000^2 / 2 steps. */
static void
connect_work_is_not_quadratic(void **state)
{
	enum { N = 5000 };
	static int64_t ids[N + 10];
	struct feed *f = feed_new(4);
	struct owner o = { 0 };
	struct feed_conn *a = feed_conn_new(f, 1, &o);
	size_t i;
	uint64_t before;

	(void)state;
	for (i = 0; i < N; i++)
		ids[i] = (int64_t)((i * 7919) % N) + 2;	/* shuffled */
	for (i = 0; i < 10; i++)
		ids[N + i] = ids[i];			/* duplicates */
	feed_conn_set_followings(f, a, ids, N + 10);
	assert_true(feed_work(f) < (uint64_t)N * 64);
	assert_true(feed_conn_follows(a, 2));
	assert_true(feed_conn_follows(a, N + 1));
	assert_false(feed_conn_follows(a, N + 2));
	assert_int_equal(tweet(f, N + 1, 1), 1);
	/* a follow event on a large list stays cheap too */
	before = feed_work(f);
	feed_follow(f, 1, N + 5);
	feed_unfollow(f, 1, 3);
	assert_true(feed_work(f) - before < 64);
	assert_true(feed_conn_follows(a, N + 5));
	assert_false(feed_conn_follows(a, 3));
	feed_conn_free(f, a);
	feed_free(f);
}

/* A reload replaces the list; follows seen during it apply at once and
 * again after the fresh list, which may predate them. */
static void
reload_replaces_the_list_and_keeps_changes_seen_meanwhile(void **state)
{
	struct feed *f = feed_new(16);
	struct owner o = { 0 };
	struct feed_conn *a = feed_conn_new(f, 1, &o);
	int64_t first[] = { 5, 6 }, fresh[] = { 6, 8 }, ids[8];

	(void)state;
	feed_conn_set_followings(f, a, first, 2);
	feed_conn_reload_begin(a);
	assert_true(feed_conn_reloading(a));
	feed_follow(f, 1, 7);		/* the fresh list predates it */
	assert_true(feed_conn_follows(a, 7));	/* at once */
	tweet(f, 5, 1);			/* still the old list meanwhile */
	feed_conn_set_followings(f, a, fresh, 2);
	assert_false(feed_conn_reloading(a));
	assert_false(feed_conn_follows(a, 5));
	assert_true(feed_conn_follows(a, 6));
	assert_true(feed_conn_follows(a, 7));
	assert_true(feed_conn_follows(a, 8));
	tweet(f, 5, 2);
	tweet(f, 8, 3);
	assert_int_equal(drain(a, ids, 8), 2);
	assert_int_equal(ids[0], 1);	/* queued before: kept */
	assert_int_equal(ids[1], 3);
	/* an aborted reload keeps the list */
	feed_conn_reload_begin(a);
	feed_conn_reload_abort(a);
	assert_true(feed_conn_follows(a, 8));
	feed_conn_set_followings(f, a, first, 2);	/* not reloading */
	assert_true(feed_conn_follows(a, 8));
	feed_conn_free(f, a);
	feed_free(f);
}

/* A notification goes to its recipient's connections alone, loading ones
 * included, and a loading one keeps it when its followings come. */
static void
notification_reaches_only_the_recipient(void **state)
{
	struct feed *f = feed_new(16);
	struct owner oa = { 0 }, ob = { 0 }, ol = { 0 };
	struct feed_conn *a = feed_conn_new(f, 1, &oa);
	struct feed_conn *b = feed_conn_new(f, 2, &ob);
	struct feed_conn *l = feed_conn_new(f, 1, &ol);	/* loading */
	int64_t follows_1[] = { 1 }, none[1] = { 0 };
	const struct feed_msg *m;
	const char frame[] = "{\"type\":\"notification\"}";

	(void)state;
	feed_conn_set_followings(f, a, none, 0);
	feed_conn_set_followings(f, b, follows_1, 1);	/* b follows 1 */
	assert_int_equal(feed_publish_user(f, 1, 7, frame, strlen(frame),
	    wake, NULL), 2);
	assert_int_equal(feed_publish_user(f, 9, 8, frame, strlen(frame),
	    wake, NULL), 0);
	assert_non_null(m = feed_conn_peek(a));
	assert_true(m->notify);
	assert_false(m->is_tweet);
	assert_int_equal(m->seq, 7);
	assert_string_equal(m->data, frame);
	assert_null(feed_conn_peek(b));	/* a follower gets none of it */
	assert_int_equal(oa.wakes, 1);
	assert_int_equal(ol.wakes, 0);	/* loading: nothing to send yet */
	feed_conn_set_followings(f, l, none, 0);
	assert_non_null(m = feed_conn_peek(l));
	assert_true(m->notify);
	feed_conn_free(f, a);
	feed_conn_free(f, b);
	feed_conn_free(f, l);
	feed_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    followers_and_author_get_a_tweet_others_do_not),
		cmocka_unit_test(loading_connection_keeps_only_what_it_follows),
		cmocka_unit_test(follow_and_unfollow_change_what_comes_next),
		cmocka_unit_test(
		    follow_while_loading_is_applied_after_the_list),
		cmocka_unit_test(full_queue_overflows_one_connection_only),
		cmocka_unit_test(user_lookup_and_counts),
		cmocka_unit_test(many_connections_index_and_free),
		cmocka_unit_test(overflow_while_loading_wakes_the_owner),
		cmocka_unit_test(connect_work_is_not_quadratic),
		cmocka_unit_test(
		    reload_replaces_the_list_and_keeps_changes_seen_meanwhile),
		cmocka_unit_test(notification_reaches_only_the_recipient),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
