/* test_config.c: the config table's precedence and type checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

/* An argv of string literals (config_load takes main's char **). */
#define ARGV(...) ((char **)(const char *[]){ __VA_ARGS__, NULL })

static const struct config_entry table[] = {
	{ "port", CONFIG_INT, "8000", "port to listen on", false },
	{ "database_url", CONFIG_STRING, NULL, "database", false },
	{ "verbose", CONFIG_BOOL, "false", "more logs", false },
	{ "token_secret", CONFIG_STRING, NULL, "secret", true },
	{ NULL, 0, NULL, NULL, false },
};

static void
defaults_apply_when_nothing_is_set(void **state)
{
	char **argv = ARGV("chirp-test");
	struct config *c;

	(void)state;
	unsetenv("CHIRP_PORT");
	unsetenv("CHIRP_TEST_PORT");
	c = config_load("chirp-test", table, 1, argv);
	assert_int_equal(config_int(c, "port"), 8000);
	assert_null(config_str(c, "database_url"));
	assert_false(config_bool(c, "verbose"));
	assert_null(config_str(c, "no_such_setting"));
	config_free(c);
}

static void
environment_beats_file_and_flags_beat_environment(void **state)
{
	char path[] = "/tmp/chirp-config-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	char **argv1 = ARGV("chirp-test", "--config", path);
	char **argv2 = ARGV("chirp-test", "--config", path, "--port=9001");
	char **argv3 = ARGV("chirp-test", "--config", path, "--port", "9002",
	    "--verbose");
	struct config *c;

	(void)state;
	fprintf(f, "# a comment\nport = 7000\n database_url = postgresql:///x "
	    "\n");
	fclose(f);
	unsetenv("CHIRP_PORT");
	unsetenv("CHIRP_TEST_PORT");
	c = config_load("chirp-test", table, 3, argv1);
	assert_int_equal(config_int(c, "port"), 7000);
	assert_string_equal(config_str(c, "database_url"), "postgresql:///x");
	config_free(c);

	setenv("CHIRP_PORT", "7100", 1);
	c = config_load("chirp-test", table, 3, argv1);
	assert_int_equal(config_int(c, "port"), 7100);
	config_free(c);

	/* The program's own variable beats the shared one. */
	setenv("CHIRP_TEST_PORT", "7200", 1);
	c = config_load("chirp-test", table, 3, argv1);
	assert_int_equal(config_int(c, "port"), 7200);
	config_free(c);

	c = config_load("chirp-test", table, 4, argv2);
	assert_int_equal(config_int(c, "port"), 9001);
	config_free(c);

	c = config_load("chirp-test", table, 6, argv3);
	assert_int_equal(config_int(c, "port"), 9002);
	assert_true(config_bool(c, "verbose"));
	config_free(c);
	unsetenv("CHIRP_PORT");
	unsetenv("CHIRP_TEST_PORT");
	unlink(path);
}

static void
parse_int_accepts_whole_numbers_in_range_only(void **state)
{
	long long v;

	(void)state;
	assert_true(config_parse_int("42", 0, 100, &v));
	assert_int_equal(v, 42);
	assert_true(config_parse_int("-5", -10, 10, &v));
	assert_false(config_parse_int("", 0, 100, &v));
	assert_false(config_parse_int(" 4", 0, 100, &v));
	assert_false(config_parse_int("4x", 0, 100, &v));
	assert_false(config_parse_int("101", 0, 100, &v));
	assert_false(config_parse_int("99999999999999999999", 0, 100, &v));
	assert_false(config_parse_int(NULL, 0, 100, &v));
}

static void
set_overrides_a_value(void **state)
{
	char **argv = ARGV("chirp-test");
	struct config *c;

	(void)state;
	c = config_load("chirp-test", table, 1, argv);
	config_set(c, "database_url", "postgresql:///y");
	assert_string_equal(config_str(c, "database_url"), "postgresql:///y");
	config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_apply_when_nothing_is_set),
		cmocka_unit_test(
		    environment_beats_file_and_flags_beat_environment),
		cmocka_unit_test(parse_int_accepts_whole_numbers_in_range_only),
		cmocka_unit_test(set_overrides_a_value),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
