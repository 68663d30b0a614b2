/* test_model.c: the JSON shapes of docs/API.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"

/* The keys of object o, sorted and joined by commas, into buf. */
static void
keys(const json_t *o, char *buf, size_t cap)
{
	const char *k[16];
	const char *key;
	json_t *v;
	size_t n = 0, i, j;

	json_object_foreach((json_t *)o, key, v) {
		assert_true(n < 16);
		k[n++] = key;
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(k[j - 1], k[j]) > 0; j--) {
			const char *t = k[j];

			k[j] = k[j - 1];
			k[j - 1] = t;
		}
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strncat(buf, ",", cap - strlen(buf) - 1);
		strncat(buf, k[i], cap - strlen(buf) - 1);
	}
}

static const char *
str(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_true(json_is_string(v));
	return json_string_value(v);
}

static void
user_has_the_api_shape(void **state)
{
	struct user u = {
		.id = 9223372036854775807LL,
		.username = "Alice.B",
		.created_ms = 1795485960123LL,
		.followers = 3,
		.followings = 0,
		.tweets = 7,
		.display_name = "Al\xc3\xa9",
		.bio = "line\nfeed",
	};
	json_t *j = model_user_json(&u);
	char k[256];

	(void)state;
	assert_true(json_is_object(j));
	keys(j, k, sizeof(k));
	assert_string_equal(k, "bio,createdAt,displayName,followersCount,"
	    "followingsCount,tweetsCount,userId,username");
	assert_string_equal(str(j, "displayName"), "Al\xc3\xa9");
	assert_string_equal(str(j, "bio"), "line\nfeed");
	assert_int_equal(json_integer_value(json_object_get(j,
	    "tweetsCount")), 7);
	/* ids as strings, counts as integers */
	assert_string_equal(str(j, "userId"), "9223372036854775807");
	assert_string_equal(str(j, "username"), "Alice.B");
	assert_string_equal(str(j, "createdAt"), "2026-11-24T02:06:00.123Z");
	assert_true(json_is_integer(json_object_get(j, "followersCount")));
	assert_int_equal(json_integer_value(json_object_get(j,
	    "followersCount")), 3);
	assert_true(json_is_integer(json_object_get(j, "followingsCount")));
	assert_int_equal(json_integer_value(json_object_get(j,
	    "followingsCount")), 0);
	json_decref(j);
}

static void
tweet_has_the_api_shape(void **state)
{
	char content[] = "hello \xe4\xb8\x96\xe7\x95\x8c \xf0\x9f\x98\x80";
	struct tweet t = {
		.id = 1234567890123LL,
		.user_id = 42,
		.username = "bob",
		.content = content,
		.created_ms = 5,
	};
	json_t *j = model_tweet_json(&t);
	char k[256];

	(void)state;
	keys(j, k, sizeof(k));
	assert_string_equal(k, "content,conversationId,likeCount,mentions,"
	    "replyCount,replyTo,repostCount,repostOf,timestamp,tweetId,userId,"
	    "username");
	assert_true(json_is_null(json_object_get(j, "replyTo")));
	assert_true(json_is_null(json_object_get(j, "repostOf")));
	assert_string_equal(str(j, "conversationId"), "1234567890123");
	assert_string_equal(str(j, "tweetId"), "1234567890123");
	assert_string_equal(str(j, "userId"), "42");
	assert_string_equal(str(j, "username"), "bob");
	assert_string_equal(str(j, "content"), content);
	assert_string_equal(str(j, "timestamp"), "1970-01-01T00:00:00.005Z");
	json_decref(j);
}

/* Text goes out byte for byte: no normalisation, escapes undone. */
static void
tweet_content_is_kept_byte_for_byte(void **state)
{
	static const char *const texts[] = {
		"e\xcc\x81 vs \xc3\xa9",	/* NFD and NFC stay apart */
		"quotes \" and \\ and </script> and \t tab \n newline",
		"\xef\xbb\xbf" "bom, \xe2\x80\xae" "rtl, \xe2\x80\x8b zwsp",
		"\x01\x1f control \x7f",
		"\xf4\x8f\xbf\xbf last code point",
	};
	struct tweet t = { .id = 1, .user_id = 2, .username = "abc" }, back;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char *dump;
		json_t *j, *again;

		t.content = (char *)texts[i];
		j = model_tweet_json(&t);
		dump = json_dumps(j, JSON_COMPACT);
		assert_non_null(dump);
		again = json_loads(dump, 0, NULL);
		assert_non_null(again);
		assert_true(model_tweet_parse(again, &back));
		assert_int_equal(strlen(back.content), strlen(texts[i]));
		assert_memory_equal(back.content, texts[i], strlen(texts[i]));
		model_tweet_release(&back);
		json_decref(again);
		free(dump);
		json_decref(j);
	}
}

static void
tweet_parse_round_trips(void **state)
{
	struct tweet t = {
		.id = 9223372036854775807LL,
		.user_id = 77,
		.username = "user_with_32_characters_exactly",
		.content = (char *)"round trip",
		.created_ms = 1795485960123LL,
	}, back;
	json_t *j;

	(void)state;
	assert_int_equal(strlen(t.username), 31);
	strcat(t.username, "x");
	j = model_tweet_json(&t);
	memset(&back, 0x55, sizeof(back));
	assert_true(model_tweet_parse(j, &back));
	assert_true(back.id == t.id);
	assert_int_equal(back.user_id, 77);
	assert_string_equal(back.username, t.username);
	assert_string_equal(back.content, "round trip");
	assert_int_equal(back.created_ms, 1795485960123LL);
	/* the copy is the parser's own: the JSON can go first */
	json_decref(j);
	assert_string_equal(back.content, "round trip");
	model_tweet_release(&back);
	assert_null(back.content);
	model_tweet_release(&back);	/* twice is harmless */
}

static void
tweet_parse_accepts_other_rfc3339_fractions(void **state)
{
	static const struct {
		const char *ts;
		int64_t ms;
	} cases[] = {
		{ "2026-11-24T02:06:00Z", 1795485960000LL },
		{ "2026-11-24T02:06:00.1Z", 1795485960100LL },
		{ "2026-11-24T02:06:00.123456Z", 1795485960123LL },
		{ "1970-01-01T00:00:00.000Z", 0 },
	};
	struct tweet back;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}",
		    "tweetId", "5", "userId", "6", "username", "bob",
		    "content", "x", "timestamp", cases[i].ts);

		assert_true(model_tweet_parse(j, &back));
		assert_int_equal(back.created_ms, cases[i].ms);
		model_tweet_release(&back);
		json_decref(j);
	}
}

static void
tweet_parse_refuses_other_shapes(void **state)
{
	static const char *const bad[] = {
		"[]",
		"\"tweet\"",
		"{}",
		/* ids as numbers, not strings */
		"{\"tweetId\":5,\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":\"x\",\"timestamp\":\"2026-11-24T02:06:00.123Z\"}",
		"{\"tweetId\":\"5\",\"userId\":6,\"username\":\"bob\","
		    "\"content\":\"x\",\"timestamp\":\"2026-11-24T02:06:00.123Z\"}",
		"{\"tweetId\":\"05\",\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":\"x\",\"timestamp\":\"2026-11-24T02:06:00.123Z\"}",
		"{\"tweetId\":\"-5\",\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":\"x\",\"timestamp\":\"2026-11-24T02:06:00.123Z\"}",
		/* a member missing */
		"{\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":\"x\",\"timestamp\":\"2026-11-24T02:06:00.123Z\"}",
		"{\"tweetId\":\"5\",\"userId\":\"6\",\"username\":\"bob\","
		    "\"timestamp\":\"2026-11-24T02:06:00.123Z\"}",
		"{\"tweetId\":\"5\",\"userId\":\"6\","
		    "\"content\":\"x\",\"timestamp\":\"2026-11-24T02:06:00.123Z\"}",
		"{\"tweetId\":\"5\",\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":\"x\"}",
		/* wrong types and values */
		"{\"tweetId\":\"5\",\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":7,\"timestamp\":\"2026-11-24T02:06:00.123Z\"}",
		"{\"tweetId\":\"5\",\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":null,\"timestamp\":\"2026-11-24T02:06:00.123Z\"}",
		"{\"tweetId\":\"5\",\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":\"x\",\"timestamp\":1795485960123}",
		"{\"tweetId\":\"5\",\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":\"x\",\"timestamp\":\"yesterday\"}",
		"{\"tweetId\":\"5\",\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":\"x\",\"timestamp\":\"2026-11-24 02:06:00\"}",
		"{\"tweetId\":\"5\",\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":\"x\",\"timestamp\":\"2026-13-24T02:06:00Z\"}",
		"{\"tweetId\":\"5\",\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":\"x\",\"timestamp\":\"2026-11-24T02:06:00.Z\"}",
		"{\"tweetId\":\"5\",\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":\"x\",\"timestamp\":\"2026-11-24T02:06:00.123\"}",
		/* a username longer than 32 */
		"{\"tweetId\":\"5\",\"userId\":\"6\",\"username\":"
		    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
		    "\"content\":\"x\",\"timestamp\":\"2026-11-24T02:06:00.123Z\"}",
		/* a NUL inside content or an id */
		"{\"tweetId\":\"5\",\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":\"a\\u0000b\","
		    "\"timestamp\":\"2026-11-24T02:06:00.123Z\"}",
		"{\"tweetId\":\"5\\u00009\",\"userId\":\"6\",\"username\":\"bob\","
		    "\"content\":\"x\",\"timestamp\":\"2026-11-24T02:06:00.123Z\"}",
	};
	struct tweet back;
	size_t i;

	(void)state;
	assert_false(model_tweet_parse(NULL, &back));
	assert_null(back.content);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *j = json_loads(bad[i], JSON_DECODE_ANY |
		    JSON_ALLOW_NUL, NULL);

		assert_non_null(j);
		memset(&back, 0x55, sizeof(back));
		if (model_tweet_parse(j, &back)) {
			print_error("accepted: %s\n", bad[i]);
			fail();
		}
		/* nothing is left to free after a refusal */
		assert_null(back.content);
		json_decref(j);
	}
}

static void
error_has_code_and_message(void **state)
{
	json_t *j = model_error_json("not_found", "no user 'bob'");
	char k[64];

	(void)state;
	keys(j, k, sizeof(k));
	assert_string_equal(k, "error,message");
	assert_string_equal(str(j, "error"), "not_found");
	assert_string_equal(str(j, "message"), "no user 'bob'");
	json_decref(j);
}

static void
ids_travel_as_decimal_strings(void **state)
{
	json_t *o = json_object();
	int64_t id = -1;

	(void)state;
	json_object_set_new(o, "max", model_id_json(INT64_MAX));
	json_object_set_new(o, "one", model_id_json(1));
	json_object_set_new(o, "number", json_integer(5));
	json_object_set_new(o, "zero", json_string("0"));
	json_object_set_new(o, "big", json_string("9223372036854775808"));
	json_object_set_new(o, "word", json_string("five"));
	json_object_set_new(o, "space", json_string(" 5"));
	json_object_set_new(o, "null", json_null());
	assert_string_equal(str(o, "max"), "9223372036854775807");
	assert_true(model_get_id(o, "max", &id));
	assert_true(id == INT64_MAX);
	assert_true(model_get_id(o, "one", &id));
	assert_int_equal(id, 1);
	id = -1;
	assert_false(model_get_id(o, "number", &id));
	assert_false(model_get_id(o, "zero", &id));
	assert_false(model_get_id(o, "big", &id));
	assert_false(model_get_id(o, "word", &id));
	assert_false(model_get_id(o, "space", &id));
	assert_false(model_get_id(o, "null", &id));
	assert_false(model_get_id(o, "absent", &id));
	assert_false(model_get_id(NULL, "one", &id));
	assert_int_equal(id, -1);
	json_decref(o);
}

/* model_tweet_write's text is json_dumps(model_tweet_json) exactly. */
static void
tweet_write_matches_the_object(void **state)
{
	static const char *const contents[] = {
		"hello", "", "quote \" back \\ slash / tab\t nl\n \x01 \x7f",
		"caf\xc3\xa9 \xf0\x9f\x90\xa6 \xe2\x80\xa8", "bad \xff utf8",
	};
	static const char *const names[] = { "alice", "Bob.b_9", "\xc3" };
	static const int64_t times[] = { 0, -1, 1795485960123LL, 951782400000LL,
		-62135596800000LL, 253402300799999LL };
	struct jsonw w;
	struct tweet t;
	json_t *o;
	char *want, *got;
	size_t i, j, k;

	(void)state;
	for (i = 0; i < sizeof(contents) / sizeof(contents[0]); i++)
		for (j = 0; j < sizeof(names) / sizeof(names[0]); j++)
			for (k = 0; k < sizeof(times) / sizeof(times[0]); k++) {
				memset(&t, 0, sizeof(t));
				t.id = (int64_t)(i * 1000 + k);
				t.user_id = INT64_MAX - (int64_t)j;
				snprintf(t.username, sizeof(t.username), "%s",
				    names[j]);
				t.content = (char *)contents[i];
				t.created_ms = times[k];
				o = model_tweet_json(&t);
				want = json_dumps(o, JSON_COMPACT);
				json_decref(o);
				jsonw_init(&w);
				model_tweet_write(&w, &t);
				got = jsonw_take(&w, NULL);
				assert_string_equal(got, want);
				free(got);
				free(want);
			}
}

/*
 * The members of conversations: a reply with mentions and counts that
 * reposts, written the same both ways, parsed back the same; malformed
 * ones refused.
 */
static void
tweet_conversation_members(void **state)
{
	char content[] = "@ann hi", empty[] = "";
	char mentions[] = "[{\"userId\":\"7\",\"username\":\"ann\"}]";
	struct tweet orig = { .id = 10, .user_id = 7, .username = "ann",
	    .content = content, .created_ms = 5, .reply_to = 9,
	    .conversation_id = 3, .mentions = mentions, .reply_count = 2,
	    .like_count = 4, .repost_count = 1 };
	struct tweet t = { .id = 11, .user_id = 8, .username = "bob",
	    .content = empty, .created_ms = 6, .repost_of = &orig,
	    .has_flags = true, .liked = true };
	static const char *const bad[] = {
		"{\"replyTo\":7}", "{\"conversationId\":\"x\"}",
		"{\"mentions\":{}}", "{\"mentions\":[{\"userId\":\"1\"}]}",
		"{\"mentions\":[{\"userId\":1,\"username\":\"a\"}]}",
		"{\"likeCount\":-1}", "{\"replyCount\":\"1\"}",
		"{\"liked\":true}", "{\"liked\":1,\"reposted\":false}",
		"{\"repostOf\":{}}", "{\"repostOf\":7}",
	};
	struct tweet back;
	struct jsonw w;
	json_t *o, *b;
	char *want, *got, *again;
	int64_t ids[4];
	size_t i;

	(void)state;
	o = model_tweet_json(&t);
	want = json_dumps(o, JSON_COMPACT);
	jsonw_init(&w);
	model_tweet_write(&w, &t);
	got = jsonw_take(&w, NULL);
	assert_string_equal(got, want);
	assert_non_null(strstr(want, "\"liked\":true,\"reposted\":false}"));
	assert_non_null(strstr(want, "\"replyTo\":\"9\",\"conversationId\":"
	    "\"3\",\"mentions\":[{\"userId\":\"7\",\"username\":\"ann\"}],"
	    "\"replyCount\":2,\"likeCount\":4,\"repostCount\":1,"
	    "\"repostOf\":null}"));
	assert_true(model_tweet_parse(o, &back));
	assert_non_null(back.repost_of);
	assert_int_equal(back.repost_of->reply_to, 9);
	assert_int_equal(back.repost_of->like_count, 4);
	assert_int_equal(model_tweet_mention_ids(back.repost_of, ids, 4), 1);
	assert_int_equal(ids[0], 7);
	assert_true(back.has_flags && back.liked && !back.reposted);
	b = model_tweet_json(&back);
	again = json_dumps(b, JSON_COMPACT);
	assert_string_equal(again, want);
	json_decref(b);
	free(again);
	model_tweet_release(&back);
	assert_null(back.repost_of);
	/* a repost of a repost is no tweet of ours */
	json_object_set_new(json_object_get(o, "repostOf"), "repostOf",
	    json_deep_copy(o));
	assert_false(model_tweet_parse(o, &back));
	json_decref(o);
	free(want);
	free(got);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = model_tweet_json(&orig);
		b = json_loads(bad[i], 0, NULL);
		assert_non_null(b);
		json_object_update(o, b);
		assert_false(model_tweet_parse(o, &back));
		assert_null(back.content);
		json_decref(b);
		json_decref(o);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(user_has_the_api_shape),
		cmocka_unit_test(tweet_has_the_api_shape),
		cmocka_unit_test(tweet_content_is_kept_byte_for_byte),
		cmocka_unit_test(tweet_parse_round_trips),
		cmocka_unit_test(tweet_parse_accepts_other_rfc3339_fractions),
		cmocka_unit_test(tweet_parse_refuses_other_shapes),
		cmocka_unit_test(error_has_code_and_message),
		cmocka_unit_test(ids_travel_as_decimal_strings),
		cmocka_unit_test(tweet_write_matches_the_object),
		cmocka_unit_test(tweet_conversation_members),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
