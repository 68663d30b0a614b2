/*
 * test_credentials.c: the stored login (common/credentials.c): where it
 * lives, its modes, that a save replaces it whole, and CHIRP_TOKEN claims.
 */
#include <dirent.h>
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
#include <sodium.h>

#include "credentials.h"
#include "xmalloc.h"

struct fixture {
	char root[64];
};

/*
 * fsync, interposed for the whole binary: counts the folders synced, and
 * whether the file watched was already in the folder then.
 */
static int dir_syncs;
static int dir_syncs_with_file;
static const char *watched;

int
fsync(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		dir_syncs++;
		if (watched != NULL && access(watched, F_OK) == 0)
			dir_syncs_with_file++;
	}
	return (int)syscall(SYS_fsync, fd);
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	snprintf(f->root, sizeof(f->root), "/tmp/chirp-cred.XXXXXX");
	if (mkdtemp(f->root) == NULL)
		return -1;
	setenv("XDG_CONFIG_HOME", f->root, 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->root);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", f->root);
	free(cmd);
	free(f);
	return 0;
}

static void
fill(struct credentials *c, const char *token, int64_t id)
{
	memset(c, 0, sizeof(*c));
	c->server = xstrdup("http://localhost:8030");
	c->token = xstrdup(token);
	c->user_id = id;
	snprintf(c->username, sizeof(c->username), "alice");
	c->expires_at = xstrdup("2026-12-24T02:06:00.123Z");
}

static void
dir_follows_xdg_config_home(void **state)
{
	struct fixture *f = *state;
	char *dir = credentials_dir(), *want;

	want = xasprintf("%s/chirp", f->root);
	assert_string_equal(dir, want);
	free(dir);
	free(want);
}

static void
dir_falls_back_to_home_config(void **state)
{
	char *dir;

	(void)state;
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/someone", 1);
	dir = credentials_dir();
	assert_string_equal(dir, "/home/someone/.config/chirp");
	free(dir);
	/* a relative XDG_CONFIG_HOME is invalid by the spec */
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	dir = credentials_dir();
	assert_string_equal(dir, "/home/someone/.config/chirp");
	free(dir);
}

static void
saved_login_loads_back(void **state)
{
	struct credentials c, got;

	(void)state;
	fill(&c, "tok.en.one", 42);
	assert_int_equal(credentials_save(&c), 0);
	assert_int_equal(credentials_load(&got), 0);
	assert_string_equal(got.server, "http://localhost:8030");
	assert_string_equal(got.token, "tok.en.one");
	assert_int_equal(got.user_id, 42);
	assert_string_equal(got.username, "alice");
	assert_string_equal(got.expires_at, "2026-12-24T02:06:00.123Z");
	credentials_release(&got);
	credentials_release(&c);
}

static void
token_file_is_0600_in_a_0700_folder(void **state)
{
	struct fixture *f = *state;
	struct credentials c;
	struct stat st;
	char *path;

	fill(&c, "secret", 7);
	assert_int_equal(credentials_save(&c), 0);
	path = xasprintf("%s/chirp/token", f->root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(path);
	path = xasprintf("%s/chirp", f->root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(path);
	credentials_release(&c);
}

static void
save_replaces_whole_and_leaves_no_temporary(void **state)
{
	struct fixture *f = *state;
	struct credentials c, got;
	struct dirent *d;
	char *path;
	DIR *dir;
	int files = 0;

	fill(&c, "first-token-that-is-rather-long-indeed", 1);
	assert_int_equal(credentials_save(&c), 0);
	credentials_release(&c);
	fill(&c, "second", 2);
	assert_int_equal(credentials_save(&c), 0);
	credentials_release(&c);
	assert_int_equal(credentials_load(&got), 0);
	assert_string_equal(got.token, "second");
	assert_int_equal(got.user_id, 2);
	credentials_release(&got);

	path = xasprintf("%s/chirp", f->root);
	dir = opendir(path);
	assert_non_null(dir);
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.' || strncmp(d->d_name, ".token", 6) == 0)
			files++;
	closedir(dir);
	free(path);
	assert_int_equal(files, 1);
}

/* A save lasts a crash: the folder is synced after the rename. */
static void
save_syncs_the_folder_after_the_rename(void **state)
{
	struct fixture *f = *state;
	struct credentials c;
	char *path = xasprintf("%s/chirp/token", f->root);

	watched = path;
	dir_syncs = dir_syncs_with_file = 0;
	fill(&c, "a-token", 1);
	assert_int_equal(credentials_save(&c), 0);
	credentials_release(&c);
	assert_true(dir_syncs_with_file >= 1);
	watched = NULL;
	free(path);
}

static void
unreadable_or_broken_file_is_no_login(void **state)
{
	struct fixture *f = *state;
	struct credentials got;
	char *path;
	FILE *fp;

	assert_int_equal(credentials_load(&got), -1);
	path = xasprintf("%s/chirp", f->root);
	mkdir(path, 0700);
	free(path);
	path = xasprintf("%s/chirp/token", f->root);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("{\"server\":\"x\",\"userId\":\"abc\",\"username\":\"a\","
	    "\"accessToken\":\"t\"}", fp);
	fclose(fp);
	free(path);
	assert_int_equal(credentials_load(&got), -1);
	assert_null(got.token);
}

static void
remove_forgets_and_is_fine_when_absent(void **state)
{
	struct credentials c, got;

	(void)state;
	assert_int_equal(credentials_remove(), 0);
	fill(&c, "t", 3);
	assert_int_equal(credentials_save(&c), 0);
	credentials_release(&c);
	assert_int_equal(credentials_remove(), 0);
	assert_int_equal(credentials_load(&got), -1);
}

static char *
b64(const char *s)
{
	size_t n = sodium_base64_encoded_len(strlen(s),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = xmalloc(n);

	sodium_bin2base64(out, n, (const unsigned char *)s, strlen(s),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

static void
token_claims_give_user(void **state)
{
	struct credentials c;
	char *h = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
	char *p = b64("{\"sub\":\"1234\",\"name\":\"bob\",\"iat\":1,"
	    "\"exp\":1790000000}");
	char *tok = xasprintf("%s.%s.sig", h, p);

	(void)state;
	assert_int_equal(credentials_from_token("http://s", tok, &c), 0);
	assert_int_equal(c.user_id, 1234);
	assert_string_equal(c.username, "bob");
	assert_string_equal(c.token, tok);
	assert_string_equal(c.server, "http://s");
	assert_non_null(c.expires_at);
	credentials_release(&c);
	assert_int_equal(credentials_from_token("http://s", "opaque", &c), -1);
	assert_int_equal(credentials_from_token("http://s", "a.!!!.b", &c),
	    -1);
	free(tok);
	free(p);
	free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(dir_follows_xdg_config_home,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(dir_falls_back_to_home_config,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(saved_login_loads_back,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    token_file_is_0600_in_a_0700_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    save_syncs_the_folder_after_the_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    save_replaces_whole_and_leaves_no_temporary, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    unreadable_or_broken_file_is_no_login, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    remove_forgets_and_is_fine_when_absent, setup, teardown),
		cmocka_unit_test(token_claims_give_user),
	};

	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
