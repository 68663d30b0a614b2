/*
 * test_client_settings.c: how chirp and chirp-tui choose their server and
 * login (common/client_settings.c): --server, CHIRP_SERVER, the stored
 * login, the default; CHIRP_TOKEN before the stored login.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "client_settings.h"
#include "xmalloc.h"

static char root[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/chirp-settings.XXXXXX");
	if (mkdtemp(root) == NULL)
		return -1;
	setenv("XDG_CONFIG_HOME", root, 1);
	unsetenv("CHIRP_SERVER");
	unsetenv("CHIRP_TOKEN");
	return 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", root);

	(void)state;
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
	free(cmd);
	return 0;
}

/* A stored login for server, as user 7 "alice". */
static void
store(const char *server)
{
	struct credentials c;

	memset(&c, 0, sizeof(c));
	c.server = xstrdup(server);
	c.token = xstrdup("stored-token");
	c.user_id = 7;
	snprintf(c.username, sizeof(c.username), "alice");
	assert_int_equal(credentials_save(&c), 0);
	credentials_release(&c);
}

/* "h.<claims>.s" with the claims {"sub":"1234","name":"bob"}. */
static char *
token(void)
{
	static const char claims[] = "{\"sub\":\"1234\",\"name\":\"bob\"}";
	char b64[128];

	sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)claims,
	    strlen(claims), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return xasprintf("h.%s.s", b64);
}

static void
nothing_set_is_the_default_server_and_no_login(void **state)
{
	struct client_settings s;

	(void)state;
	assert_int_equal(client_settings_load(&s, NULL), 0);
	assert_string_equal(s.server, CLIENT_SETTINGS_DEFAULT_SERVER);
	assert_string_equal(s.server, "http://localhost:8030");
	assert_null(s.cred.token);
	assert_false(s.from_env);
	client_settings_release(&s);
}

static void
flag_beats_environment_beats_stored_login(void **state)
{
	struct client_settings s;

	(void)state;
	store("http://stored:1/");
	assert_int_equal(client_settings_load(&s, NULL), 0);
	assert_string_equal(s.server, "http://stored:1");
	client_settings_release(&s);
	/* an empty variable is unset */
	setenv("CHIRP_SERVER", "", 1);
	assert_int_equal(client_settings_load(&s, NULL), 0);
	assert_string_equal(s.server, "http://stored:1");
	client_settings_release(&s);
	setenv("CHIRP_SERVER", "https://env:2//", 1);
	assert_int_equal(client_settings_load(&s, NULL), 0);
	assert_string_equal(s.server, "https://env:2");
	client_settings_release(&s);
	assert_int_equal(client_settings_load(&s, "http://flag:3/"), 0);
	assert_string_equal(s.server, "http://flag:3");
	client_settings_release(&s);
}

static void
stored_login_only_for_its_server(void **state)
{
	struct client_settings s;

	(void)state;
	store("http://stored:1/");
	assert_int_equal(client_settings_load(&s, "http://stored:1"), 0);
	assert_string_equal(s.cred.token, "stored-token");
	assert_string_equal(s.cred.username, "alice");
	assert_int_equal(s.cred.user_id, 7);
	assert_false(s.from_env);
	client_settings_release(&s);
	assert_int_equal(client_settings_load(&s, "http://other:1"), 0);
	assert_null(s.cred.token);
	assert_int_equal(s.cred.user_id, 0);
	client_settings_release(&s);
}

static void
token_variable_beats_stored_login(void **state)
{
	struct client_settings s;
	char *tok = token();

	(void)state;
	store("http://stored:1");
	setenv("CHIRP_TOKEN", tok, 1);
	assert_int_equal(client_settings_load(&s, NULL), 0);
	assert_string_equal(s.server, "http://stored:1");
	assert_string_equal(s.cred.token, tok);
	assert_int_equal(s.cred.user_id, 1234);
	assert_string_equal(s.cred.username, "bob");
	assert_string_equal(s.cred.server, "http://stored:1");
	assert_true(s.from_env);
	assert_false(s.opaque);
	client_settings_release(&s);
	/* one that is not ours is kept, its user unknown */
	setenv("CHIRP_TOKEN", "opaque", 1);
	assert_int_equal(client_settings_load(&s, NULL), 0);
	assert_string_equal(s.cred.token, "opaque");
	assert_int_equal(s.cred.user_id, 0);
	assert_true(s.from_env);
	assert_true(s.opaque);
	client_settings_release(&s);
	free(tok);
}

static void
server_must_be_http_or_https(void **state)
{
	struct client_settings s;

	(void)state;
	assert_int_equal(client_settings_load(&s, "ftp://x"), -1);
	assert_string_equal(s.server, "ftp://x");
	client_settings_release(&s);
	setenv("CHIRP_SERVER", "localhost:8030", 1);
	assert_int_equal(client_settings_load(&s, NULL), -1);
	client_settings_release(&s);
	assert_int_equal(client_settings_load(&s, "https://ok"), 0);
	client_settings_release(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    nothing_set_is_the_default_server_and_no_login, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    flag_beats_environment_beats_stored_login, setup, teardown),
		cmocka_unit_test_setup_teardown(stored_login_only_for_its_server,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    token_variable_beats_stored_login, setup, teardown),
		cmocka_unit_test_setup_teardown(server_must_be_http_or_https,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
