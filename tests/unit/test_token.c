/* test_token.c: JWT HS256 access tokens and the installation secret. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "token.h"

static const unsigned char secret[] = "0123456789abcdef0123456789abcdef!";
#define SECRET_LEN (sizeof(secret) - 1)
static const unsigned char other[] = "fedcba9876543210fedcba9876543210!";

static const struct token_claims alice = {
	.user_id = 42,
	.username = "alice_B.1",
	.issued_at = 1000000,
	.expires_at = 1000000 + 30 * 86400,
};

static char *
sign(void)
{
	char *t = token_sign(secret, SECRET_LEN, &alice);

	assert_non_null(t);
	return t;
}

/* base64url without padding of s, a new string. */
static char *
b64(const char *s)
{
	size_t cap = sodium_base64_ENCODED_LEN(strlen(s),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = malloc(cap);

	assert_non_null(out);
	sodium_bin2base64(out, cap, (const unsigned char *)s, strlen(s),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

/* A token of these header and payload texts, signed with secret. */
static char *
forge(const char *header, const char *payload, const unsigned char *key)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	char *h = b64(header), *p = b64(payload), *body, *s, *t;
	size_t cap = sodium_base64_ENCODED_LEN(sizeof(mac),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);

	assert_true(asprintf(&body, "%s.%s", h, p) > 0);
	crypto_auth_hmacsha256_init(&st, key, SECRET_LEN);
	crypto_auth_hmacsha256_update(&st, (unsigned char *)body,
	    strlen(body));
	crypto_auth_hmacsha256_final(&st, mac);
	s = malloc(cap);
	assert_non_null(s);
	sodium_bin2base64(s, cap, mac, sizeof(mac),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_true(asprintf(&t, "%s.%s", body, s) > 0);
	free(h);
	free(p);
	free(body);
	free(s);
	return t;
}

static void
signed_token_verifies_with_its_claims(void **state)
{
	struct token_claims c;
	char *t = sign();

	(void)state;
	memset(&c, 0xAA, sizeof(c));
	assert_int_equal(token_verify(secret, SECRET_LEN, t,
	    alice.issued_at + 10, &c), TOKEN_OK);
	assert_int_equal(c.user_id, 42);
	assert_string_equal(c.username, "alice_B.1");
	assert_int_equal(c.issued_at, alice.issued_at);
	assert_int_equal(c.expires_at, alice.expires_at);
	/* three base64url parts, no padding, nothing else */
	assert_int_equal(strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno"
	    "pqrstuvwxyz0123456789-_."), strlen(t));
	assert_non_null(strchr(strchr(t, '.') + 1, '.'));
	free(t);
}

static void
token_is_a_standard_hs256_jwt(void **state)
{
	char *t = sign(), *dot1 = strchr(t, '.'), *dot2 = strchr(dot1 + 1, '.');
	unsigned char buf[512];
	size_t n;
	json_t *j;

	(void)state;
	assert_int_equal(sodium_base642bin(buf, sizeof(buf), t,
	    (size_t)(dot1 - t), NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	j = json_loadb((char *)buf, n, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "alg")),
	    "HS256");
	json_decref(j);
	assert_int_equal(sodium_base642bin(buf, sizeof(buf), dot1 + 1,
	    (size_t)(dot2 - dot1 - 1), NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	j = json_loadb((char *)buf, n, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "sub")),
	    "42");
	assert_string_equal(json_string_value(json_object_get(j, "name")),
	    "alice_B.1");
	assert_int_equal(json_integer_value(json_object_get(j, "exp")),
	    alice.expires_at);
	assert_int_equal(json_integer_value(json_object_get(j, "iat")),
	    alice.issued_at);
	json_decref(j);
	free(t);
}

static void
expired_token_is_told_apart(void **state)
{
	struct token_claims c;
	char *t = sign();

	(void)state;
	assert_int_equal(token_verify(secret, SECRET_LEN, t,
	    alice.expires_at - 1, &c), TOKEN_OK);
	assert_int_equal(token_verify(secret, SECRET_LEN, t,
	    alice.expires_at, &c), TOKEN_EXPIRED);
	assert_int_equal(token_verify(secret, SECRET_LEN, t,
	    alice.expires_at + 86400, &c), TOKEN_EXPIRED);
	/* an expired token with a bad signature is just bad */
	t[strlen(t) - 2] = t[strlen(t) - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(token_verify(secret, SECRET_LEN, t,
	    alice.expires_at + 86400, &c), TOKEN_BAD);
	free(t);
}

static void
wrong_secret_is_refused(void **state)
{
	struct token_claims c;
	char *t = sign();

	(void)state;
	assert_int_equal(token_verify(other, SECRET_LEN, t,
	    alice.issued_at, &c), TOKEN_BAD);
	/* a prefix of the right secret is not the secret */
	assert_int_equal(token_verify(secret, SECRET_LEN - 1, t,
	    alice.issued_at, &c), TOKEN_BAD);
	free(t);
}

static void
short_secret_is_refused(void **state)
{
	struct token_claims c;
	char *t = sign();

	(void)state;
	assert_null(token_sign(secret, TOKEN_SECRET_MIN - 1, &alice));
	assert_null(token_sign(NULL, 0, &alice));
	assert_int_equal(token_verify(secret, TOKEN_SECRET_MIN - 1, t,
	    alice.issued_at, &c), TOKEN_BAD);
	free(t);
}

/* Every byte of every part, changed, makes the token bad. */
static void
any_changed_byte_is_refused(void **state)
{
	struct token_claims c;
	char *t = sign();
	size_t i, len = strlen(t), parts[3] = { 0, 0, 0 }, part = 0;

	(void)state;
	for (i = 0; i < len; i++) {
		char saved = t[i];

		if (saved == '.') {
			part++;
			continue;
		}
		t[i] = saved == 'x' ? 'y' : 'x';
		assert_int_equal(token_verify(secret, SECRET_LEN, t,
		    alice.issued_at, &c), TOKEN_BAD);
		t[i] = saved;
		parts[part]++;
	}
	assert_true(parts[0] > 0 && parts[1] > 0 && parts[2] > 0);
	assert_int_equal(token_verify(secret, SECRET_LEN, t, alice.issued_at,
	    &c), TOKEN_OK);
	free(t);
}

static void
changed_claims_are_refused(void **state)
{
	struct token_claims c;
	char *t = sign(), *dot1 = strchr(t, '.'), *dot2 = strchr(dot1 + 1, '.');
	char *p = b64("{\"sub\":\"1\",\"name\":\"alice_B.1\",\"iat\":1000000,"
	    "\"exp\":9999999999}"), *forged;

	(void)state;
	/* the original header and signature around another payload */
	*dot1 = '\0';
	assert_true(asprintf(&forged, "%s.%s.%s", t, p, dot2 + 1) > 0);
	assert_int_equal(token_verify(secret, SECRET_LEN, forged,
	    alice.issued_at, &c), TOKEN_BAD);
	free(forged);
	free(p);
	free(t);
}

static void
alg_none_and_other_algs_are_refused(void **state)
{
	static const char payload[] = "{\"sub\":\"42\",\"name\":\"alice\","
	    "\"iat\":1000000,\"exp\":9999999999}";
	struct token_claims c;
	char *h = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}"), *p = b64(payload);
	char *t;

	(void)state;
	/* unsigned: "alg":"none" with an empty signature */
	assert_true(asprintf(&t, "%s.%s.", h, p) > 0);
	assert_int_equal(token_verify(secret, SECRET_LEN, t, 1000000, &c),
	    TOKEN_BAD);
	free(t);
	assert_true(asprintf(&t, "%s.%s", h, p) > 0);
	assert_int_equal(token_verify(secret, SECRET_LEN, t, 1000000, &c),
	    TOKEN_BAD);
	free(t);
	/* even with a valid MAC, a header not saying HS256 is refused */
	t = forge("{\"alg\":\"none\",\"typ\":\"JWT\"}", payload, secret);
	assert_int_equal(token_verify(secret, SECRET_LEN, t, 1000000, &c),
	    TOKEN_BAD);
	free(t);
	t = forge("{\"alg\":\"HS512\"}", payload, secret);
	assert_int_equal(token_verify(secret, SECRET_LEN, t, 1000000, &c),
	    TOKEN_BAD);
	free(t);
	t = forge("{\"typ\":\"JWT\"}", payload, secret);
	assert_int_equal(token_verify(secret, SECRET_LEN, t, 1000000, &c),
	    TOKEN_BAD);
	free(t);
	/* the same forging with a good header is accepted: forge() works */
	t = forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, secret);
	assert_int_equal(token_verify(secret, SECRET_LEN, t, 1000000, &c),
	    TOKEN_OK);
	assert_int_equal(c.user_id, 42);
	free(t);
	free(h);
	free(p);
}

static void
signed_but_malformed_claims_are_refused(void **state)
{
	static const char hdr[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	static const char *const payloads[] = {
		"{\"sub\":42,\"name\":\"alice\",\"iat\":1,\"exp\":9999999999}",
		"{\"sub\":\"0\",\"name\":\"alice\",\"iat\":1,\"exp\":9999999999}",
		"{\"sub\":\"-4\",\"name\":\"alice\",\"iat\":1,\"exp\":9999999999}",
		"{\"name\":\"alice\",\"iat\":1,\"exp\":9999999999}",
		"{\"sub\":\"42\",\"iat\":1,\"exp\":9999999999}",
		"{\"sub\":\"42\",\"name\":\"a b\",\"iat\":1,\"exp\":9999999999}",
		"{\"sub\":\"42\",\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
		    "\"iat\":1,\"exp\":9999999999}",
		"{\"sub\":\"42\",\"name\":\"alice\",\"iat\":1}",
		"{\"sub\":\"42\",\"name\":\"alice\",\"iat\":1,\"exp\":\"9999\"}",
		"{\"sub\":\"42\",\"name\":\"alice\",\"exp\":9999999999}",
		"[\"sub\",\"42\"]",
		"not json",
		"",
	};
	struct token_claims c;
	size_t i;
	char *t;

	(void)state;
	for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		t = forge(hdr, payloads[i], secret);
		assert_int_equal(token_verify(secret, SECRET_LEN, t, 1000, &c),
		    TOKEN_BAD);
		free(t);
	}
	t = forge("not json", "{\"sub\":\"42\",\"name\":\"alice\",\"iat\":1,"
	    "\"exp\":9999999999}", secret);
	assert_int_equal(token_verify(secret, SECRET_LEN, t, 1000, &c),
	    TOKEN_BAD);
	free(t);
}

/* "gen" round trips; a token without it is generation 0; a bad one fails. */
static void
token_generation_is_carried(void **state)
{
	static const char hdr[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	struct token_claims in = alice, c;
	char *t;

	(void)state;
	in.gen = 7;
	t = token_sign(secret, SECRET_LEN, &in);
	assert_non_null(t);
	assert_int_equal(token_verify(secret, SECRET_LEN, t, 1000001, &c),
	    TOKEN_OK);
	assert_int_equal(c.gen, 7);
	free(t);
	t = forge(hdr, "{\"sub\":\"42\",\"name\":\"alice\",\"iat\":1,"
	    "\"exp\":9999999999}", secret);
	c.gen = 99;
	assert_int_equal(token_verify(secret, SECRET_LEN, t, 1000, &c),
	    TOKEN_OK);
	assert_int_equal(c.gen, 0);
	free(t);
	t = forge(hdr, "{\"sub\":\"42\",\"name\":\"alice\",\"iat\":1,"
	    "\"exp\":9999999999,\"gen\":-1}", secret);
	assert_int_equal(token_verify(secret, SECRET_LEN, t, 1000, &c),
	    TOKEN_BAD);
	free(t);
	t = forge(hdr, "{\"sub\":\"42\",\"name\":\"alice\",\"iat\":1,"
	    "\"exp\":9999999999,\"gen\":\"3\"}", secret);
	assert_int_equal(token_verify(secret, SECRET_LEN, t, 1000, &c),
	    TOKEN_BAD);
	free(t);
}

static void
garbage_is_refused(void **state)
{
	static const char *const junk[] = {
		"", ".", "..", "...", "a.b", "a.b.c", "a.b.c.d",
		"Bearer x.y.z", "eyJhbGciOiJIUzI1NiJ9..",
		"\xff\xfe.\x01.\x80", "====.====.====",
		"eyJ.eyJ.sig with space",
	};
	struct token_claims c;
	size_t i;
	char *big, *t = sign(), *padded;

	(void)state;
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		assert_int_equal(token_verify(secret, SECRET_LEN, junk[i], 0,
		    &c), TOKEN_BAD);
	assert_int_equal(token_verify(secret, SECRET_LEN, NULL, 0, &c),
	    TOKEN_BAD);
	/* a good token with something around it */
	assert_true(asprintf(&padded, " %s", t) > 0);
	assert_int_equal(token_verify(secret, SECRET_LEN, padded, 0, &c),
	    TOKEN_BAD);
	free(padded);
	assert_true(asprintf(&padded, "%s=", t) > 0);
	assert_int_equal(token_verify(secret, SECRET_LEN, padded, 0, &c),
	    TOKEN_BAD);
	free(padded);
	assert_true(asprintf(&padded, "%s.", t) > 0);
	assert_int_equal(token_verify(secret, SECRET_LEN, padded, 0, &c),
	    TOKEN_BAD);
	free(padded);
	/* a huge string is refused, not read */
	big = malloc(1 << 20);
	assert_non_null(big);
	memset(big, 'a', (1 << 20) - 1);
	big[100] = '.';
	big[200] = '.';
	big[(1 << 20) - 1] = '\0';
	assert_int_equal(token_verify(secret, SECRET_LEN, big, 0, &c),
	    TOKEN_BAD);
	free(big);
	free(t);
}

/* A fresh directory under /tmp; the caller removes it. */
static char *
tmpdir(void)
{
	char *d = strdup("/tmp/chirp-token-XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

static void
rm_rf(const char *dir)
{
	char *cmd;

	assert_true(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void
secret_value_wins_when_long_enough(void **state)
{
	size_t len = 0;
	char *s, *d = tmpdir(), *path;

	(void)state;
	assert_true(asprintf(&path, "%s/secret", d) > 0);
	s = token_secret_load("0123456789abcdef0123456789abcdef", path,
	    &len);
	assert_non_null(s);
	assert_string_equal(s, "0123456789abcdef0123456789abcdef");
	assert_int_equal(len, 32);
	free(s);
	/* a value does not touch the file */
	assert_int_equal(access(path, F_OK), -1);
	/* too short: refused, not padded, and no fallback to the file */
	assert_null(token_secret_load("short", path, &len));
	assert_int_equal(access(path, F_OK), -1);
	free(path);
	rm_rf(d);
	free(d);
}

static void
secret_file_is_created_once_mode_0600(void **state)
{
	size_t len1 = 0, len2 = 0, i;
	char *s1, *s2, *d = tmpdir(), *path;
	struct stat st;

	(void)state;
	/* missing parent directories are made */
	assert_true(asprintf(&path, "%s/sub/dir/secret", d) > 0);
	s1 = token_secret_load(NULL, path, &len1);
	assert_non_null(s1);
	assert_int_equal(len1, 96);
	for (i = 0; i < len1; i++)
		assert_non_null(strchr("0123456789abcdef", s1[i]));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	s2 = token_secret_load(NULL, path, &len2);
	assert_non_null(s2);
	assert_int_equal(len2, len1);
	assert_string_equal(s1, s2);
	free(s1);
	free(s2);
	free(path);
	rm_rf(d);
	free(d);
}

static void
secret_file_written_by_hand_is_read(void **state)
{
	size_t len = 0;
	char *s, *d = tmpdir(), *path;
	FILE *f;

	(void)state;
	assert_true(asprintf(&path, "%s/secret", d) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("my own secret that is long enough!!\n", f);
	fclose(f);
	/* a secret file that others may read is refused (secret.h) */
	assert_null(token_secret_load(NULL, path, &len));
	assert_int_equal(chmod(path, 0600), 0);
	s = token_secret_load(NULL, path, &len);
	assert_non_null(s);
	assert_string_equal(s, "my own secret that is long enough!!");
	assert_int_equal(len, strlen(s));
	free(s);
	/* a short file is an error, and is left as it was */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("tiny\n", f);
	fclose(f);
	assert_null(token_secret_load(NULL, path, &len));
	f = fopen(path, "r");
	assert_non_null(f);
	{
		char buf[16] = "";

		assert_non_null(fgets(buf, sizeof(buf), f));
		assert_string_equal(buf, "tiny\n");
	}
	fclose(f);
	free(path);
	rm_rf(d);
	free(d);
}

/* Processes racing to create the file all end up with the same secret. */
static void
racing_processes_share_one_secret(void **state)
{
	enum { N = 8 };
	char *d = tmpdir(), *path, *mine;
	int fds[N][2], go[2], i, status;
	pid_t pids[N];
	size_t len;

	(void)state;
	assert_true(asprintf(&path, "%s/secret", d) > 0);
	/* the children start together when go closes */
	assert_int_equal(pipe(go), 0);
	for (i = 0; i < N; i++) {
		assert_int_equal(pipe(fds[i]), 0);
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			char c, *s;

			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(1);
			s = token_secret_load(NULL, path, &len);

			if (s == NULL)
				_exit(1);
			if (write(fds[i][1], s, len) != (ssize_t)len)
				_exit(1);
			_exit(0);
		}
		close(fds[i][1]);
	}
	close(go[0]);
	close(go[1]);
	mine = token_secret_load(NULL, path, &len);
	assert_non_null(mine);
	for (i = 0; i < N; i++) {
		char buf[200];
		ssize_t n = read(fds[i][0], buf, sizeof(buf) - 1);

		assert_true(n > 0);
		buf[n] = '\0';
		assert_string_equal(buf, mine);
		close(fds[i][0]);
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	free(mine);
	free(path);
	/* no temporary files are left behind */
	{
		char *cmd;

		assert_true(asprintf(&cmd, "test $(ls -A '%s' | wc -l) = 1",
		    d) > 0);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	rm_rf(d);
	free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signed_token_verifies_with_its_claims),
		cmocka_unit_test(token_is_a_standard_hs256_jwt),
		cmocka_unit_test(expired_token_is_told_apart),
		cmocka_unit_test(wrong_secret_is_refused),
		cmocka_unit_test(short_secret_is_refused),
		cmocka_unit_test(any_changed_byte_is_refused),
		cmocka_unit_test(changed_claims_are_refused),
		cmocka_unit_test(alg_none_and_other_algs_are_refused),
		cmocka_unit_test(signed_but_malformed_claims_are_refused),
		cmocka_unit_test(token_generation_is_carried),
		cmocka_unit_test(garbage_is_refused),
		cmocka_unit_test(secret_value_wins_when_long_enough),
		cmocka_unit_test(secret_file_is_created_once_mode_0600),
		cmocka_unit_test(secret_file_written_by_hand_is_read),
		cmocka_unit_test(racing_processes_share_one_secret),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
