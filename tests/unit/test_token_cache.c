/*
 * test_token_cache.c: token_verify remembered. A kept token answers as
 * token_verify would: the same claims, expired when its time is up, and
 * nothing that differs by a byte or was signed with another secret gets
 * a kept token's answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "token.h"
#include "token_cache.h"

static const unsigned char secret[] = "0123456789abcdef0123456789abcdef!";
#define SECRET_LEN (sizeof(secret) - 1)
static const unsigned char other[] = "fedcba9876543210fedcba9876543210!";

#define NOW 1000000

static char *
sign(const unsigned char *key, int64_t user_id, int64_t exp)
{
	struct token_claims c = { .user_id = user_id, .username = "alice",
		.issued_at = NOW, .expires_at = exp, .gen = 3 };
	char *t = token_sign(key, SECRET_LEN, &c);

	assert_non_null(t);
	return t;
}

static void
kept_tokens_answer_as_token_verify(void **state)
{
	struct token_cache *c = token_cache_new(16);
	struct token_claims got, want;
	char *t = sign(secret, 42, NOW + 60);
	int i;

	(void)state;
	assert_int_equal(token_verify(secret, SECRET_LEN, t, NOW, &want),
	    TOKEN_OK);
	for (i = 0; i < 3; i++) {
		memset(&got, 0xff, sizeof(got));
		assert_int_equal(token_cache_verify(c, secret, SECRET_LEN, t,
		    NOW, &got), TOKEN_OK);
		assert_memory_equal(&got, &want, sizeof(got));
	}
	/* its time is up: expired, kept or not */
	assert_int_equal(token_cache_verify(c, secret, SECRET_LEN, t,
	    NOW + 60, &got), TOKEN_EXPIRED);
	assert_int_equal(got.user_id, 42);
	assert_int_equal(token_cache_verify(c, secret, SECRET_LEN, t,
	    NOW + 61, NULL), TOKEN_EXPIRED);
	free(t);
	token_cache_free(c);
}

static void
a_byte_off_is_refused_after_the_good_one_is_kept(void **state)
{
	struct token_cache *c = token_cache_new(16);
	struct token_claims got;
	char *t = sign(secret, 42, NOW + 60), *bad;
	size_t len = strlen(t), i;

	(void)state;
	assert_int_equal(token_cache_verify(c, secret, SECRET_LEN, t, NOW,
	    &got), TOKEN_OK);
	for (i = 0; i < len; i++) {
		bad = strdup(t);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		assert_int_equal(token_cache_verify(c, secret, SECRET_LEN,
		    bad, NOW, &got), TOKEN_BAD);
		assert_int_equal(got.user_id, 0);
		free(bad);
	}
	/* a prefix and a longer one */
	bad = strndup(t, len - 1);
	assert_int_equal(token_cache_verify(c, secret, SECRET_LEN, bad, NOW,
	    NULL), TOKEN_BAD);
	free(bad);
	bad = malloc(len + 2);
	memcpy(bad, t, len);
	memcpy(bad + len, "A", 2);
	assert_int_equal(token_cache_verify(c, secret, SECRET_LEN, bad, NOW,
	    NULL), TOKEN_BAD);
	free(bad);
	free(t);
	token_cache_free(c);
}

static void
another_secret_forgets_the_kept_tokens(void **state)
{
	struct token_cache *c = token_cache_new(16);
	char *t = sign(secret, 42, NOW + 60), *u = sign(other, 7, NOW + 60);

	(void)state;
	assert_int_equal(token_cache_verify(c, secret, SECRET_LEN, t, NOW,
	    NULL), TOKEN_OK);
	assert_int_equal(token_cache_verify(c, other, SECRET_LEN, t, NOW,
	    NULL), TOKEN_BAD);
	assert_int_equal(token_cache_verify(c, other, SECRET_LEN, u, NOW,
	    NULL), TOKEN_OK);
	assert_int_equal(token_cache_verify(c, secret, SECRET_LEN, u, NOW,
	    NULL), TOKEN_BAD);
	assert_int_equal(token_cache_verify(c, secret, SECRET_LEN, t, NOW,
	    NULL), TOKEN_OK);
	free(t);
	free(u);
	token_cache_free(c);
}

static void
a_full_cache_still_answers_right(void **state)
{
	struct token_cache *c = token_cache_new(2);
	struct token_claims got;
	char *t[5];
	int i, round;

	(void)state;
	for (i = 0; i < 5; i++)
		t[i] = sign(secret, 100 + i, NOW + 60);
	for (round = 0; round < 3; round++)
		for (i = 0; i < 5; i++) {
			assert_int_equal(token_cache_verify(c, secret,
			    SECRET_LEN, t[i], NOW, &got), TOKEN_OK);
			assert_int_equal(got.user_id, 100 + i);
		}
	for (i = 0; i < 5; i++)
		free(t[i]);
	token_cache_free(c);
	/* no cache: token_verify alone */
	assert_null(token_cache_new(0));
	t[0] = sign(secret, 9, NOW + 60);
	assert_int_equal(token_cache_verify(NULL, secret, SECRET_LEN, t[0],
	    NOW, &got), TOKEN_OK);
	assert_int_equal(got.user_id, 9);
	free(t[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kept_tokens_answer_as_token_verify),
		cmocka_unit_test(a_byte_off_is_refused_after_the_good_one_is_kept),
		cmocka_unit_test(another_secret_forgets_the_kept_tokens),
		cmocka_unit_test(a_full_cache_still_answers_right),
	};

	return cmocka_run_group_tests_name("token_cache", tests, NULL, NULL);
}
