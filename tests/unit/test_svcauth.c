/*
 * test_svcauth.c: service credentials, sealed bus events
 * (common/svcauth.c) and the checks on secret files (common/secret.c).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "secret.h"
#include "svcauth.h"
#include "token.h"
#include "xmalloc.h"

#define SECRET "the service secret of this test, 32+ bytes"
#define NOW 1800000000

static struct svcauth *
make(const char *self, const char *secret)
{
	struct svcauth *a = svcauth_new(self, (const unsigned char *)secret,
	    strlen(secret));

	assert_non_null(a);
	return a;
}

static void
a_good_credential_names_its_caller(void **state)
{
	struct svcauth *tweetd = make("tweetd", SECRET);
	struct svcauth *userd = make("userd", SECRET);
	char iss[SVCAUTH_NAME_MAX], *tok;

	(void)state;
	tok = svcauth_mint(tweetd, "userd", NOW);
	assert_int_equal(svcauth_verify(userd, tok, "userd", NOW + 60, iss),
	    SVCAUTH_OK);
	assert_string_equal(iss, "tweetd");
	assert_true(svcauth_allowed("tweetd gateway", iss));
	assert_true(svcauth_allowed("gateway tweetd", iss));
	assert_false(svcauth_allowed("gateway", iss));
	assert_false(svcauth_allowed("tweet", iss));
	assert_false(svcauth_allowed("tweetdx", iss));
	assert_false(svcauth_allowed(NULL, iss));
	free(tok);
	tok = svcauth_header(tweetd, "discovery");
	assert_int_equal(strncmp(tok, "X-Chirp-Service: ", 17), 0);
	free(tok);
	svcauth_free(tweetd);
	svcauth_free(userd);
}

static void
an_expired_credential_is_refused(void **state)
{
	struct svcauth *a = make("gateway", SECRET);
	char iss[SVCAUTH_NAME_MAX], *tok;

	(void)state;
	tok = svcauth_mint(a, "userd", NOW);
	assert_int_equal(svcauth_verify(a, tok, "userd",
	    NOW + SVCAUTH_TTL_S, iss), SVCAUTH_EXPIRED);
	assert_string_equal(iss, "");
	assert_int_equal(svcauth_verify(a, tok, "userd", NOW + 10000, iss),
	    SVCAUTH_EXPIRED);
	/* issued far in the future: not one of ours either */
	assert_int_equal(svcauth_verify(a, tok, "userd", NOW - 3600, iss),
	    SVCAUTH_EXPIRED);
	free(tok);
	svcauth_free(a);
}

static void
a_credential_for_another_audience_is_refused(void **state)
{
	struct svcauth *a = make("gateway", SECRET);
	char iss[SVCAUTH_NAME_MAX], *tok;

	(void)state;
	tok = svcauth_mint(a, "tweetd", NOW);
	assert_int_equal(svcauth_verify(a, tok, "userd", NOW, iss),
	    SVCAUTH_BAD);
	assert_int_equal(svcauth_verify(a, tok, "tweetd", NOW, iss),
	    SVCAUTH_OK);
	free(tok);
	svcauth_free(a);
}

static void
a_credential_under_another_key_is_refused(void **state)
{
	struct svcauth *ours = make("userd", SECRET);
	struct svcauth *theirs = make("tweetd",
	    "another installation's secret, 32+ bytes");
	char iss[SVCAUTH_NAME_MAX], *tok;

	(void)state;
	tok = svcauth_mint(theirs, "userd", NOW);
	assert_int_equal(svcauth_verify(ours, tok, "userd", NOW, iss),
	    SVCAUTH_BAD);
	free(tok);
	svcauth_free(ours);
	svcauth_free(theirs);
}

/* Even under the same secret, a user's token is never a credential, nor
 * a credential a user's token. */
static void
a_user_token_is_not_a_credential(void **state)
{
	struct svcauth *a = make("userd", SECRET);
	struct token_claims c = { .user_id = 5, .username = "amy",
		.issued_at = NOW, .expires_at = NOW + 600 };
	struct token_claims out;
	char iss[SVCAUTH_NAME_MAX], *tok;

	(void)state;
	tok = token_sign((const unsigned char *)SECRET, strlen(SECRET), &c);
	assert_int_equal(svcauth_verify(a, tok, "userd", NOW, iss),
	    SVCAUTH_BAD);
	free(tok);
	tok = svcauth_mint(a, "userd", NOW);
	assert_int_equal(token_verify((const unsigned char *)SECRET,
	    strlen(SECRET), tok, NOW, &out), TOKEN_BAD);
	free(tok);
	svcauth_free(a);
}

static void
garbage_is_refused(void **state)
{
	static const char *const bad[] = {
		"", ".", "..", "a.b.c", "a.b.c.d", "eyJhbGciOiJub25lIn0.e30.",
		"eyJhbGciOiJub25lIn0.eyJ0eXAiOiJzZXJ2aWNlIn0.AAAA",
		"\x01\x02.\x03.\x04", NULL,
	};
	struct svcauth *a = make("userd", SECRET);
	char iss[SVCAUTH_NAME_MAX], *big;
	size_t i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++)
		assert_int_equal(svcauth_verify(a, bad[i], "userd", NOW, iss),
		    SVCAUTH_BAD);
	assert_int_equal(svcauth_verify(a, NULL, "userd", NOW, iss),
	    SVCAUTH_BAD);
	big = xmalloc(100000);
	memset(big, 'a', 99999);
	big[99999] = '\0';
	big[10] = '.';
	big[20] = '.';
	assert_int_equal(svcauth_verify(a, big, "userd", NOW, iss),
	    SVCAUTH_BAD);
	free(big);
	assert_null(svcauth_new("userd", (const unsigned char *)"short", 5));
	svcauth_free(a);
}

static void
sealed_events_open_only_for_their_channel_and_key(void **state)
{
	struct svcauth *a = make("tweetd", SECRET);
	struct svcauth *other = make("tweetd",
	    "another installation's secret, 32+ bytes");
	const char *p;
	char *s, *t;

	(void)state;
	s = svcauth_seal(a, "chirp_tweet_events", "{\"type\":\"tweet\"}", NOW);
	p = svcauth_open(a, "chirp_tweet_events", s, NOW + 1);
	assert_non_null(p);
	assert_string_equal(p, "{\"type\":\"tweet\"}");
	assert_null(svcauth_open(a, "chirp_user_events", s, NOW));
	assert_null(svcauth_open(other, "chirp_tweet_events", s, NOW));
	/* a replay long after is refused */
	assert_null(svcauth_open(a, "chirp_tweet_events", s,
	    NOW + SVCAUTH_SEAL_WINDOW_S + 1));
	/* any change of the payload or the time breaks the seal */
	t = xstrdup(s);
	t[strlen(t) - 2] = 'X';
	assert_null(svcauth_open(a, "chirp_tweet_events", t, NOW));
	free(t);
	t = xstrdup(s);
	t[4] = t[4] == '9' ? '8' : '9';
	assert_null(svcauth_open(a, "chirp_tweet_events", t, NOW));
	free(t);
	assert_null(svcauth_open(a, "chirp_tweet_events",
	    "{\"type\":\"tweet\"}", NOW));
	assert_null(svcauth_open(a, "chirp_tweet_events", "v1.", NOW));
	assert_null(svcauth_open(a, "chirp_tweet_events", "v1.1.", NOW));
	assert_null(svcauth_open(a, "chirp_tweet_events", NULL, NOW));
	free(s);
	svcauth_free(a);
	svcauth_free(other);
}

/* --- secret files ---------------------------------------------------- */

static int dir_syncs_with_file;
static const char *watched;

/* fsync, interposed: were folders synced once the file was there? */
int
fsync(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && watched != NULL &&
	    access(watched, F_OK) == 0)
		dir_syncs_with_file++;
	return (int)syscall(SYS_fsync, fd);
}

static char *
tmpdir(void)
{
	char *d = xstrdup("/tmp/chirp-svcauth.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static void
rm_rf(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

static void
write_file(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, SECRET "\n", strlen(SECRET) + 1),
	    (ssize_t)strlen(SECRET) + 1);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
a_new_secret_file_is_private_and_synced(void **state)
{
	char *d = tmpdir(), *path = xasprintf("%s/state/service_secret", d);
	struct svcauth *a;
	struct stat st;

	(void)state;
	watched = path;
	dir_syncs_with_file = 0;
	a = svcauth_load("userd", NULL, path);
	assert_non_null(a);
	assert_true(dir_syncs_with_file >= 1);
	watched = NULL;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	svcauth_free(a);
	free(path);
	rm_rf(d);
}

static void
a_secret_file_others_may_read_is_refused(void **state)
{
	char *d = tmpdir(), *path = xasprintf("%s/secret", d);
	size_t len;
	char *s;

	(void)state;
	write_file(path, 0644);
	assert_null(secret_load("service secret", NULL, path, &len));
	assert_null(svcauth_load("userd", NULL, path));
	assert_int_equal(chmod(path, 0640), 0);
	assert_null(secret_load("service secret", NULL, path, &len));
	assert_int_equal(chmod(path, 0600), 0);
	s = secret_load("service secret", NULL, path, &len);
	assert_non_null(s);
	assert_string_equal(s, SECRET);
	free(s);
	/* the token secret has the same checks */
	assert_int_equal(chmod(path, 0604), 0);
	assert_null(token_secret_load(NULL, path, &len));
	free(path);
	rm_rf(d);
}

static void
a_symlinked_secret_file_is_refused(void **state)
{
	char *d = tmpdir(), *path = xasprintf("%s/real", d);
	char *link = xasprintf("%s/link", d), *s;
	size_t len;

	(void)state;
	write_file(path, 0600);
	assert_int_equal(symlink(path, link), 0);
	assert_null(secret_load("service secret", NULL, link, &len));
	assert_null(token_secret_load(NULL, link, &len));
	s = secret_load("service secret", NULL, path, &len);
	assert_non_null(s);
	free(s);
	free(link);
	free(path);
	rm_rf(d);
}

static void
a_secret_file_of_another_user_is_refused(void **state)
{
	char *d = tmpdir(), *path = xasprintf("%s/secret", d);
	size_t len;

	(void)state;
	write_file(path, 0600);
	if (chown(path, 65534, 65534) != 0) {
		free(path);
		rm_rf(d);
		skip();		/* not root: cannot make such a file */
	}
	assert_null(secret_load("service secret", NULL, path, &len));
	free(path);
	rm_rf(d);
}

static void
a_relative_path_outside_the_state_folder_is_refused(void **state)
{
	size_t len;

	(void)state;
	assert_null(secret_load("service secret", NULL, "service_secret",
	    &len));
	assert_null(secret_load("service secret", NULL, "etc/secret", &len));
	assert_null(secret_load("service secret", NULL,
	    ".chirp/../secret", &len));
	assert_null(secret_load("service secret", NULL,
	    ".chirp/a/../../secret", &len));
	assert_null(secret_load("service secret", NULL, ".chirpx/secret",
	    &len));
	assert_null(token_secret_load(NULL, "secret", &len));
	/* nothing was created by the refusals */
	assert_int_equal(access("service_secret", F_OK), -1);
	assert_int_equal(access("secret", F_OK), -1);
}

static void
a_directory_is_not_a_secret_file(void **state)
{
	char *d = tmpdir();
	size_t len;

	(void)state;
	assert_int_equal(chmod(d, 0700), 0);
	assert_null(secret_load("service secret", NULL, d, &len));
	rm_rf(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_good_credential_names_its_caller),
		cmocka_unit_test(an_expired_credential_is_refused),
		cmocka_unit_test(a_credential_for_another_audience_is_refused),
		cmocka_unit_test(a_credential_under_another_key_is_refused),
		cmocka_unit_test(a_user_token_is_not_a_credential),
		cmocka_unit_test(garbage_is_refused),
		cmocka_unit_test(
		    sealed_events_open_only_for_their_channel_and_key),
		cmocka_unit_test(a_new_secret_file_is_private_and_synced),
		cmocka_unit_test(a_secret_file_others_may_read_is_refused),
		cmocka_unit_test(a_symlinked_secret_file_is_refused),
		cmocka_unit_test(a_secret_file_of_another_user_is_refused),
		cmocka_unit_test(
		    a_relative_path_outside_the_state_folder_is_refused),
		cmocka_unit_test(a_directory_is_not_a_secret_file),
	};

	return cmocka_run_group_tests_name("svcauth", tests, NULL, NULL);
}
