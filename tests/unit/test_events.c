/* test_events.c: the one encoder and decoder of the bus events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "events.h"

/* Encode ev, check the text, decode it back and compare. */
static void
round_trip(const struct event *ev, const char *want)
{
	struct event back;
	char *s = events_encode(ev);

	assert_string_equal(s, want);
	assert_int_equal(events_decode(s, &back), 0);
	assert_int_equal(back.type, ev->type);
	assert_int_equal(back.user_id, ev->user_id);
	assert_int_equal(back.target_id, ev->target_id);
	assert_int_equal(back.tweet_id, ev->tweet_id);
	assert_int_equal(back.gen, ev->gen);
	assert_int_equal(back.seq, ev->seq);
	assert_int_equal(back.parent_user_id, ev->parent_user_id);
	assert_int_equal(back.repost, ev->repost);
	assert_int_equal(back.notification_id, ev->notification_id);
	assert_string_equal(back.username, ev->username);
	if (ev->notification != NULL)
		assert_string_equal(back.notification, ev->notification);
	if (ev->type == EVENT_TWEET || ev->type == EVENT_LIKE) {
		assert_int_equal(back.tweet.id, ev->tweet.id);
		assert_int_equal(back.tweet.user_id, ev->tweet.user_id);
		assert_string_equal(back.tweet.username, ev->tweet.username);
		assert_string_equal(back.tweet.content, ev->tweet.content);
		assert_int_equal(back.tweet.created_ms, ev->tweet.created_ms);
	}
	events_release(&back);
	free(s);
}

static void
every_type_round_trips(void **state)
{
	char content[] = "h\xc3\xa9llo \"you\"";
	char note[] = "{\"notificationId\":\"7\",\"type\":\"follow\"}";
	struct event ev;

	(void)state;
	ev = (struct event){ .type = EVENT_FOLLOW, .user_id = 1,
	    .target_id = INT64_MAX };
	round_trip(&ev, "{\"type\":\"follow\",\"userId\":\"1\","
	    "\"targetId\":\"9223372036854775807\"}");
	ev.type = EVENT_UNFOLLOW;
	round_trip(&ev, "{\"type\":\"unfollow\",\"userId\":\"1\","
	    "\"targetId\":\"9223372036854775807\"}");
	ev = (struct event){ .type = EVENT_USER_DELETED, .user_id = 5 };
	round_trip(&ev, "{\"type\":\"user_deleted\",\"userId\":\"5\"}");
	ev = (struct event){ .type = EVENT_REVOKE, .user_id = 7, .gen = 2 };
	round_trip(&ev, "{\"type\":\"revoke\",\"userId\":\"7\",\"gen\":2}");
	ev = (struct event){ .type = EVENT_DELETE, .user_id = 1,
	    .tweet_id = 9 };
	round_trip(&ev, "{\"type\":\"delete\",\"tweetId\":\"9\","
	    "\"userId\":\"1\"}");
	ev = (struct event){ .type = EVENT_TWEET, .user_id = 3,
	    .tweet_id = 12, .tweet = { .id = 12, .user_id = 3,
	    .username = "bob", .content = content,
	    .created_ms = 1795485960123LL } };
	round_trip(&ev, "{\"type\":\"tweet\",\"tweet\":{\"tweetId\":\"12\","
	    "\"userId\":\"3\",\"username\":\"bob\",\"content\":"
	    "\"h\xc3\xa9llo \\\"you\\\"\",\"timestamp\":"
	    "\"2026-11-24T02:06:00.123Z\",\"replyTo\":null,"
	    "\"conversationId\":\"12\",\"mentions\":[],\"replyCount\":0,"
	    "\"likeCount\":0,\"repostCount\":0,\"repostOf\":null}}");
	/* a reply, with its parent's author */
	ev.tweet.reply_to = 11;
	ev.tweet.conversation_id = 10;
	ev.parent_user_id = 4;
	ev.seq = 8;
	round_trip(&ev, "{\"type\":\"tweet\",\"tweet\":{\"tweetId\":\"12\","
	    "\"userId\":\"3\",\"username\":\"bob\",\"content\":"
	    "\"h\xc3\xa9llo \\\"you\\\"\",\"timestamp\":"
	    "\"2026-11-24T02:06:00.123Z\",\"replyTo\":\"11\","
	    "\"conversationId\":\"10\",\"mentions\":[],\"replyCount\":0,"
	    "\"likeCount\":0,\"repostCount\":0,\"repostOf\":null},"
	    "\"replyToUserId\":\"4\",\"seq\":8}");
	ev = (struct event){ .type = EVENT_FOLLOW, .user_id = 1,
	    .target_id = 2, .username = "ann" };
	round_trip(&ev, "{\"type\":\"follow\",\"userId\":\"1\","
	    "\"targetId\":\"2\",\"username\":\"ann\"}");
	ev = (struct event){ .type = EVENT_DELETE, .user_id = 1,
	    .tweet_id = 9, .repost = true };
	round_trip(&ev, "{\"type\":\"delete\",\"tweetId\":\"9\","
	    "\"userId\":\"1\",\"repost\":true}");
	ev = (struct event){ .type = EVENT_LIKE, .user_id = 5,
	    .username = "cyd", .tweet_id = 12, .tweet = { .id = 12,
	    .user_id = 3, .username = "bob", .content = content,
	    .created_ms = 1795485960123LL, .like_count = 1 } };
	round_trip(&ev, "{\"type\":\"like\",\"userId\":\"5\","
	    "\"username\":\"cyd\",\"tweet\":{\"tweetId\":\"12\","
	    "\"userId\":\"3\",\"username\":\"bob\",\"content\":"
	    "\"h\xc3\xa9llo \\\"you\\\"\",\"timestamp\":"
	    "\"2026-11-24T02:06:00.123Z\",\"replyTo\":null,"
	    "\"conversationId\":\"12\",\"mentions\":[],\"replyCount\":0,"
	    "\"likeCount\":1,\"repostCount\":0,\"repostOf\":null}}");
	ev = (struct event){ .type = EVENT_UNLIKE, .user_id = 5,
	    .tweet_id = 12 };
	round_trip(&ev, "{\"type\":\"unlike\",\"userId\":\"5\","
	    "\"tweetId\":\"12\"}");
	ev = (struct event){ .type = EVENT_NOTIFICATION, .user_id = 3,
	    .notification_id = 7,
	    .notification = note };
	round_trip(&ev, "{\"type\":\"notification\",\"userId\":\"3\","
	    "\"notification\":{\"notificationId\":\"7\","
	    "\"type\":\"follow\"}}");
	ev = (struct event){ .type = EVENT_NOTIFICATION_DELETE, .user_id = 3,
	    .notification_id = 7 };
	round_trip(&ev, "{\"type\":\"notification_delete\",\"userId\":\"3\","
	    "\"notificationId\":\"7\"}");
}

static void
malformed_events_are_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"not json",
		"[]",
		"\"follow\"",
		"{}",
		"{\"type\":7}",
		"{\"type\":\"nonsense\",\"userId\":\"1\"}",
		/* missing fields */
		"{\"type\":\"follow\",\"userId\":\"1\"}",
		"{\"type\":\"unfollow\",\"targetId\":\"1\"}",
		"{\"type\":\"user_deleted\"}",
		"{\"type\":\"revoke\",\"userId\":\"7\"}",
		"{\"type\":\"delete\",\"tweetId\":\"9\"}",
		"{\"type\":\"tweet\"}",
		"{\"type\":\"like\",\"userId\":\"1\",\"tweet\":{}}",
		"{\"type\":\"unlike\",\"userId\":\"1\"}",
		"{\"type\":\"notification\",\"userId\":\"1\","
		    "\"notification\":{}}",
		"{\"type\":\"notification_delete\",\"userId\":\"1\"}",
		/* wrong types */
		"{\"type\":\"delete\",\"tweetId\":\"9\",\"userId\":\"1\","
		    "\"repost\":1}",
		"{\"type\":\"follow\",\"userId\":\"1\",\"targetId\":\"2\","
		    "\"username\":\"a b\"}",
		"{\"type\":\"follow\",\"userId\":1,\"targetId\":\"2\"}",
		"{\"type\":\"revoke\",\"userId\":\"7\",\"gen\":\"3\"}",
		"{\"type\":\"revoke\",\"userId\":\"7\",\"gen\":2.5}",
		"{\"type\":\"revoke\",\"userId\":\"7\",\"gen\":-3}",
		"{\"type\":\"tweet\",\"tweet\":\"12\"}",
		"{\"type\":\"tweet\",\"tweet\":{\"tweetId\":\"12\","
		    "\"userId\":\"3\",\"username\":\"bob\",\"content\":\"x\"}}",
		/* ids that are not ids */
		"{\"type\":\"user_deleted\",\"userId\":\"x\"}",
		"{\"type\":\"user_deleted\",\"userId\":\"0\"}",
		"{\"type\":\"user_deleted\",\"userId\":\"-1\"}",
		"{\"type\":\"user_deleted\",\"userId\":\"01\"}",
		"{\"type\":\"user_deleted\",\"userId\":\"1\\u00002\"}",
		"{\"type\":\"user_deleted\","
		    "\"userId\":\"9223372036854775808\"}",
		"{\"type\":\"follow\",\"userId\":\"1\",\"targetId\":"
		    "\"99999999999999999999999\"}",
		/* the same member twice */
		"{\"type\":\"user_deleted\",\"userId\":\"1\",\"userId\":\"2\"}",
	};
	struct event ev;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&ev, 0x55, sizeof(ev));
		assert_int_equal(events_decode(bad[i], &ev), -1);
		assert_int_equal(ev.type, 0);
		assert_null(ev.tweet.content);
	}
	/* members of no use are ignored */
	assert_int_equal(events_decode("{\"type\":\"user_deleted\","
	    "\"userId\":\"4\",\"more\":[1]}", &ev), 0);
	assert_int_equal(ev.user_id, 4);
}

/* The publisher's "seq": encoded when set, checked when read. */
static void
seq_round_trips_and_is_checked(void **state)
{
	struct event ev;

	(void)state;
	round_trip(&(struct event){ .type = EVENT_DELETE, .user_id = 1,
	    .tweet_id = 9, .seq = 42 },
	    "{\"type\":\"delete\",\"tweetId\":\"9\",\"userId\":\"1\","
	    "\"seq\":42}");
	assert_int_equal(events_decode("{\"type\":\"user_deleted\","
	    "\"userId\":\"1\",\"seq\":0}", &ev), -1);
	assert_int_equal(events_decode("{\"type\":\"user_deleted\","
	    "\"userId\":\"1\",\"seq\":\"3\"}", &ev), -1);
	assert_int_equal(events_decode("{\"type\":\"user_deleted\","
	    "\"userId\":\"1\",\"seq\":1.5}", &ev), -1);
	assert_int_equal(events_author("{\"type\":\"follow\","
	    "\"userId\":\"4\",\"targetId\":\"5\"}"), 4);
	assert_int_equal(events_author("{\"n\":1}"), -1);
}

/* A tweet's event is the bytes jansson writes for the same object. */
static void
tweet_events_are_written_as_jansson_writes_them(void **state)
{
	static const char *const contents[] = { "hi", "q \" b \\ / \x01\n",
		"caf\xc3\xa9 \xf0\x9f\x90\xa6", "" };
	static const int64_t seqs[] = { 0, 1, 9223372036854775807LL };
	struct event ev;
	json_t *j;
	char *want, *got;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(contents) / sizeof(contents[0]); i++)
		for (k = 0; k < sizeof(seqs) / sizeof(seqs[0]); k++) {
			memset(&ev, 0, sizeof(ev));
			ev.type = EVENT_TWEET;
			ev.tweet.id = 7 + (int64_t)i;
			ev.tweet.user_id = 3;
			strcpy(ev.tweet.username, "amy");
			ev.tweet.content = (char *)contents[i];
			ev.tweet.created_ms = 1795485960123LL;
			ev.seq = seqs[k];
			j = json_pack("{s:s, s:o}", "type", "tweet", "tweet",
			    model_tweet_json(&ev.tweet));
			if (ev.seq > 0)
				json_object_set_new(j, "seq",
				    json_integer(ev.seq));
			want = json_dumps(j, JSON_COMPACT);
			json_decref(j);
			got = events_encode(&ev);
			assert_string_equal(got, want);
			free(got);
			free(want);
		}
}

/* The seq a full parse finds, as events_seq promises it. */
static int64_t
parsed_seq(const char *payload)
{
	json_t *o = json_loads(payload, 0, NULL), *v;
	int64_t seq = 0;

	v = json_object_get(o, "seq");
	if (json_is_integer(v) && json_integer_value(v) > 0)
		seq = (int64_t)json_integer_value(v);
	json_decref(o);
	return seq;
}

static void
seq_is_read_from_the_end_as_a_parse_reads_it(void **state)
{
	static const char *const cases[] = {
		"{\"type\":\"follow\",\"userId\":\"1\",\"seq\":42}",
		"{\"seq\":7}",
		"{\"seq\":7,\"type\":\"x\"}",
		"{\"a\":{\"seq\":5}}",
		"{\"a\":{\"b\":1,\"seq\":5},\"seq\":9}",
		"{\"a\":\"x,\\\"seq\\\":5\"}",
		"{\"xseq\":5}",
		"{\"a\":1,\"xseq\":5}",
		"{\"seq\":0}",
		"{\"seq\":-3}",
		"{\"seq\" : 8}",
		"{\"seq\":1.5}",
		"{\"seq\":\"3\"}",
		"{\"seq\":9223372036854775807}",
		"{\"seq\":123456789012345678}",
		"{\"seq\":3,\"seq\":4}",
		"[1,{\"seq\":2}]",
		"{}", "", "}", "5}", "\"seq\":5}",
	};
	char *text;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(events_seq(cases[i]), parsed_seq(cases[i]));
	/* what the publisher writes */
	text = events_encode(&(struct event){ .type = EVENT_FOLLOW,
	    .user_id = 3, .target_id = 4, .seq = 77 });
	assert_int_equal(events_seq(text), 77);
	assert_int_equal(events_seq(text), parsed_seq(text));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_type_round_trips),
		cmocka_unit_test(malformed_events_are_refused),
		cmocka_unit_test(seq_round_trips_and_is_checked),
		cmocka_unit_test(seq_is_read_from_the_end_as_a_parse_reads_it),
		cmocka_unit_test(tweet_events_are_written_as_jansson_writes_them),
	};

	return cmocka_run_group_tests_name("events", tests, NULL, NULL);
}
