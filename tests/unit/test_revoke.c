/* test_revoke.c: the revoked-token table (common/revoke.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "events.h"
#include "revoke.h"

static struct token_claims
tok(int64_t user, int64_t gen, int64_t iat)
{
	struct token_claims c;

	memset(&c, 0, sizeof(c));
	c.user_id = user;
	c.gen = gen;
	c.issued_at = iat;
	c.expires_at = iat + 1000;
	return c;
}

static bool
valid(struct revoke *rv, int64_t user, int64_t gen, int64_t iat)
{
	struct token_claims c = tok(user, gen, iat);

	return revoke_token_valid(rv, &c);
}

/* Decode payload and apply it, as the subscribers do; false when the
 * decoder refuses it (nothing applied). */
static bool
apply(struct revoke *rv, const char *payload, int64_t now)
{
	struct event ev;

	if (events_decode(payload, &ev) != 0)
		return false;
	revoke_on_event(rv, &ev, now);
	events_release(&ev);
	return true;
}

static void
unknown_users_tokens_are_valid(void **state)
{
	struct revoke *rv = revoke_new(10);

	(void)state;
	assert_true(valid(rv, 1, 0, 100));
	assert_false(revoke_loaded(rv));
	revoke_free(rv);
}

static void
revoke_event_kills_lower_generations_only(void **state)
{
	struct revoke *rv = revoke_new(10);

	(void)state;
	assert_true(apply(rv,
	    "{\"type\":\"revoke\",\"userId\":\"7\",\"gen\":2}", 200));
	assert_false(valid(rv, 7, 0, 100));
	assert_false(valid(rv, 7, 1, 100));
	assert_true(valid(rv, 7, 2, 300));
	assert_true(valid(rv, 7, 3, 300));
	assert_true(valid(rv, 8, 0, 100));
	/* generations only grow: an older event changes nothing */
	assert_true(apply(rv,
	    "{\"type\":\"revoke\",\"userId\":\"7\",\"gen\":1}", 300));
	assert_false(valid(rv, 7, 1, 100));
	assert_int_equal(revoke_count(rv), 1);
	revoke_free(rv);
}

static void
deleted_user_has_no_valid_token(void **state)
{
	struct revoke *rv = revoke_new(10);

	(void)state;
	assert_true(apply(rv,
	    "{\"type\":\"user_deleted\",\"userId\":\"5\"}", 200));
	assert_false(valid(rv, 5, 0, 100));
	assert_false(valid(rv, 5, 1000000, 300));
	revoke_free(rv);
}

static void
other_and_malformed_events_change_nothing(void **state)
{
	static const char *const bad[] = {
		"{\"type\":\"revoke\",\"userId\":\"7\"}",
		"{\"type\":\"revoke\",\"userId\":7,\"gen\":3}",
		"{\"type\":\"revoke\",\"userId\":\"7\",\"gen\":-3}",
		"{\"type\":\"revoke\",\"userId\":\"7\",\"gen\":\"3\"}",
		"{\"type\":\"user_deleted\"}",
		"{\"type\":\"user_deleted\",\"userId\":\"x\"}",
	};
	struct revoke *rv = revoke_new(10);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(apply(rv, bad[i], 100));
	assert_true(apply(rv,
	    "{\"type\":\"follow\",\"userId\":\"7\",\"targetId\":\"8\"}", 1));
	assert_false(apply(rv, "not json", 1));
	assert_int_equal(revoke_count(rv), 0);
	assert_true(valid(rv, 7, 0, 50));
	revoke_free(rv);
}

static void
load_applies_the_internal_list(void **state)
{
	static const char body[] = "{\"revocations\":["
	    "{\"userId\":\"1\",\"gen\":4},{\"userId\":\"2\",\"deleted\":true}]}";
	struct revoke *rv = revoke_new(10);

	(void)state;
	assert_int_equal(revoke_load(rv, body, strlen(body), 100), 0);
	assert_true(revoke_loaded(rv));
	assert_false(valid(rv, 1, 3, 50));
	assert_true(valid(rv, 1, 4, 50));
	assert_false(valid(rv, 2, 9, 50));
	assert_true(valid(rv, 3, 0, 50));
	revoke_free(rv);
}

static void
load_refuses_a_bad_body_whole(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{}",
		"{\"revocations\":{}}",
		"{\"revocations\":[{\"userId\":\"1\",\"gen\":4},{\"gen\":1}]}",
		"{\"revocations\":[{\"userId\":\"1\",\"gen\":4},"
		    "{\"userId\":\"2\"}]}",
		"{\"revocations\":[],\"floor\":\"10\"}",
	};
	struct revoke *rv = revoke_new(10);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(revoke_load(rv, bad[i], strlen(bad[i]), 1),
		    -1);
	assert_false(revoke_loaded(rv));
	assert_int_equal(revoke_count(rv), 0);
	assert_true(valid(rv, 1, 0, 50));
	revoke_free(rv);
}

static void
load_floor_refuses_older_tokens(void **state)
{
	static const char body[] = "{\"revocations\":[],\"floor\":1000}";
	struct revoke *rv = revoke_new(10);

	(void)state;
	assert_int_equal(revoke_load(rv, body, strlen(body), 2000), 0);
	assert_false(valid(rv, 1, 0, 999));
	assert_false(valid(rv, 1, 0, 1000));
	assert_true(valid(rv, 1, 0, 1001));
	revoke_free(rv);
}

/* A full table drops its oldest entry and refuses what it covered. */
static void
full_table_stays_bounded_and_fails_closed(void **state)
{
	struct revoke *rv = revoke_new(3);
	int64_t u;

	(void)state;
	for (u = 1; u <= 1000; u++)
		revoke_set(rv, u, 1, 100 + u);
	assert_int_equal(revoke_count(rv), 3);
	/* user 1's entry is gone, yet its old token stays dead */
	assert_false(valid(rv, 1, 0, 100));
	/* tokens issued after the dropped entries are judged as usual */
	assert_true(valid(rv, 1, 0, 1098));
	assert_false(valid(rv, 1000, 0, 1101));
	assert_true(valid(rv, 1000, 1, 1101));
	revoke_free(rv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_users_tokens_are_valid),
		cmocka_unit_test(revoke_event_kills_lower_generations_only),
		cmocka_unit_test(deleted_user_has_no_valid_token),
		cmocka_unit_test(other_and_malformed_events_change_nothing),
		cmocka_unit_test(load_applies_the_internal_list),
		cmocka_unit_test(load_refuses_a_bad_body_whole),
		cmocka_unit_test(load_floor_refuses_older_tokens),
		cmocka_unit_test(full_table_stays_bounded_and_fails_closed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
