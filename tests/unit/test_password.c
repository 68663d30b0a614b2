/* test_password.c: argon2id hashes through libsodium. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "password.h"

#define S(lit) lit, sizeof(lit) - 1

static int
cheap(void **state)
{
	(void)state;
	/* the minimum cost: tests spend no real time hashing */
	password_set_cost(1, 8);
	return 0;
}

static void
hash_verifies_the_right_password_only(void **state)
{
	char h[PASSWORD_HASH_MAX];

	(void)state;
	assert_int_equal(password_hash(S("correct horse"), h), 0);
	assert_true(password_verify(h, S("correct horse")));
	assert_false(password_verify(h, S("correct horsf")));
	assert_false(password_verify(h, S("correct hors")));
	assert_false(password_verify(h, S("correct horse ")));
	assert_false(password_verify(h, S("Correct horse")));
	assert_false(password_verify(h, S("")));
}

static void
hash_is_argon2id_salted_and_never_the_password(void **state)
{
	char a[PASSWORD_HASH_MAX], b[PASSWORD_HASH_MAX];

	(void)state;
	assert_int_equal(password_hash(S("samepassword"), a), 0);
	assert_int_equal(password_hash(S("samepassword"), b), 0);
	assert_true(strncmp(a, "$argon2id$", 10) == 0);
	assert_true(strlen(a) < PASSWORD_HASH_MAX);
	assert_null(strstr(a, "samepassword"));
	/* a new salt each time, yet both verify */
	assert_string_not_equal(a, b);
	assert_true(password_verify(a, S("samepassword")));
	assert_true(password_verify(b, S("samepassword")));
}

static void
cost_is_written_into_the_hash(void **state)
{
	char h[PASSWORD_HASH_MAX];

	(void)state;
	password_set_cost(2, 64);
	assert_int_equal(password_hash(S("password1"), h), 0);
	assert_non_null(strstr(h, "m=64,t=2,"));
	/* a hash made at one cost still verifies at another */
	password_set_cost(1, 8);
	assert_true(password_verify(h, S("password1")));
	/* 0 is the default: 2 passes, 19 MiB */
	password_set_cost(0, 0);
	assert_int_equal(password_hash(S("password1"), h), 0);
	assert_non_null(strstr(h, "m=19456,t=2,"));
	assert_true(password_verify(h, S("password1")));
	password_set_cost(1, 8);
}

static void
any_bytes_are_a_password(void **state)
{
	static const char utf8[] = "p\xc3\xa4ssw\xc3\xb6rd \xf0\x9f\x94\x91";
	char h[PASSWORD_HASH_MAX], big[256];

	(void)state;
	/* a NUL inside counts: the length is what is hashed */
	assert_int_equal(password_hash(S("pass\0word"), h), 0);
	assert_true(password_verify(h, S("pass\0word")));
	assert_false(password_verify(h, S("pass\0wore")));
	assert_false(password_verify(h, "pass", 4));
	assert_int_equal(password_hash(utf8, strlen(utf8), h), 0);
	assert_true(password_verify(h, utf8, strlen(utf8)));
	memset(big, 'z', sizeof(big));
	assert_int_equal(password_hash(big, sizeof(big), h), 0);
	assert_true(password_verify(h, big, sizeof(big)));
	big[255] = 'y';
	assert_false(password_verify(h, big, sizeof(big)));
}

static void
bad_hashes_never_verify(void **state)
{
	char h[PASSWORD_HASH_MAX], unterminated[PASSWORD_HASH_MAX];

	(void)state;
	assert_false(password_verify("", S("password")));
	assert_false(password_verify("password", S("password")));
	assert_false(password_verify("$argon2id$", S("password")));
	assert_false(password_verify("$argon2id$v=19$m=8,t=1,p=1$xx$yy",
	    S("password")));
	assert_false(password_verify(NULL, S("password")));
	assert_int_equal(password_hash(S("password"), h), 0);
	assert_false(password_verify(h, NULL, 0));
	/* a damaged hash is refused */
	h[strlen(h) - 3] = h[strlen(h) - 3] == 'A' ? 'B' : 'A';
	assert_false(password_verify(h, S("password")));
	/* no NUL within PASSWORD_HASH_MAX bytes: not a hash */
	memset(unterminated, 'a', sizeof(unterminated));
	assert_false(password_verify(unterminated, S("password")));
}

static void
dummy_verify_runs_for_any_password(void **state)
{
	(void)state;
	/* nothing to return; it must not crash, leak or hold a lock */
	password_dummy_verify(S("whatever1"));
	password_dummy_verify(S(""));
	password_set_cost(2, 16);
	password_dummy_verify(S("whatever2"));
	password_set_cost(1, 8);
	password_dummy_verify(S("whatever3"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_verifies_the_right_password_only),
		cmocka_unit_test(hash_is_argon2id_salted_and_never_the_password),
		cmocka_unit_test(cost_is_written_into_the_hash),
		cmocka_unit_test(any_bytes_are_a_password),
		cmocka_unit_test(bad_hashes_never_verify),
		cmocka_unit_test(dummy_verify_runs_for_any_password),
	};

	return cmocka_run_group_tests(tests, cheap, NULL);
}
