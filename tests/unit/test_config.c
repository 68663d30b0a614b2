/* test_config.c: the config table's precedence, type and range checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

/* An argv of string literals (config_load takes main's char **). */
#define ARGV(...) ((char **)(const char *[]){ __VA_ARGS__, NULL })

static const struct config_entry table[] = {
	CONFIG_INT_ROW("port", "8000", 1, 65535, "port to listen on"),
	CONFIG_INT_ROW("queue", "-1", -1, 64, "waiting; -1: automatic"),
	CONFIG_STR_ROW("database_url", NULL, "database"),
	CONFIG_BOOL_ROW("verbose", "false", "more logs"),
	CONFIG_SECRET_ROW("token_secret", "secret"),
	CONFIG_END,
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

/*
 * config_load in a child, as a process would start: its exit status (or
 * 100 when it returned) and what it printed on stdout and stderr.
 */
static int
load_in_child(int argc, char **argv, char *out, size_t outlen)
{
	int fds[2], status;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		config_free(config_load("chirp-test", table, argc, argv));
		exit(100);
	}
	assert_true(pid > 0);
	close(fds[1]);
	while (n + 1 < outlen &&
	    (r = read(fds[0], out + n, outlen - n - 1)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
ranges_are_checked_at_load_and_name_the_setting(void **state)
{
	char out[4096];

	(void)state;
	unsetenv("CHIRP_PORT");
	unsetenv("CHIRP_TEST_PORT");
	unsetenv("CHIRP_QUEUE");
	unsetenv("CHIRP_TEST_QUEUE");
	assert_int_equal(load_in_child(3, ARGV("chirp-test", "--port",
	    "65536"), out, sizeof(out)), 2);
	assert_string_equal(out,
	    "chirp-test: port: 65536 is out of range (1 to 65535)\n");
	assert_int_equal(load_in_child(2, ARGV("chirp-test", "--port=0"),
	    out, sizeof(out)), 2);
	assert_non_null(strstr(out, "port: 0 is out of range (1 to 65535)"));

	/* Each bound is in; every setting outside is named, not the first. */
	assert_int_equal(load_in_child(3, ARGV("chirp-test", "--port=65535",
	    "--queue=-1"), out, sizeof(out)), 100);
	assert_int_equal(load_in_child(3, ARGV("chirp-test", "--port=1",
	    "--queue=64"), out, sizeof(out)), 100);
	assert_int_equal(load_in_child(3, ARGV("chirp-test", "--port=-3",
	    "--queue=-2"), out, sizeof(out)), 2);
	assert_non_null(strstr(out, "port: -3 is out of range (1 to 65535)"));
	assert_non_null(strstr(out, "queue: -2 is out of range (-1 to 64)"));

	/* -n refuses what a start would refuse. */
	assert_int_equal(load_in_child(3, ARGV("chirp-test", "-n",
	    "--queue=65"), out, sizeof(out)), 2);
	assert_non_null(strstr(out, "queue: 65 is out of range (-1 to 64)"));
	assert_int_equal(load_in_child(2, ARGV("chirp-test", "-n"), out,
	    sizeof(out)), 0);
	assert_non_null(strstr(out, "configuration OK"));

	/* The environment is checked like a flag. */
	setenv("CHIRP_TEST_QUEUE", "1000", 1);
	assert_int_equal(load_in_child(1, ARGV("chirp-test"), out,
	    sizeof(out)), 2);
	assert_non_null(strstr(out, "queue: 1000 is out of range"));
	unsetenv("CHIRP_TEST_QUEUE");
}

static void
a_flag_mends_a_file_value_out_of_range(void **state)
{
	char path[] = "/tmp/chirp-config-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	char out[4096];

	(void)state;
	fprintf(f, "port = 99999\n");
	fclose(f);
	assert_int_equal(load_in_child(3, ARGV("chirp-test", "--config",
	    path), out, sizeof(out)), 2);
	assert_non_null(strstr(out, "port: 99999 is out of range"));
	assert_int_equal(load_in_child(5, ARGV("chirp-test", "--config", path,
	    "--port", "8080"), out, sizeof(out)), 100);
	unlink(path);
}

static void
help_shows_the_range(void **state)
{
	char out[4096];

	(void)state;
	assert_int_equal(load_in_child(2, ARGV("chirp-test", "--help"), out,
	    sizeof(out)), 0);
	assert_non_null(strstr(out,
	    "port to listen on (1 to 65535, default: 8000)\n"));
	assert_non_null(strstr(out,
	    "waiting; -1: automatic (-1 to 64, default: -1)\n"));
	assert_non_null(strstr(out, "more logs (default: false)\n"));
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
		cmocka_unit_test(
		    ranges_are_checked_at_load_and_name_the_setting),
		cmocka_unit_test(a_flag_mends_a_file_value_out_of_range),
		cmocka_unit_test(help_shows_the_range),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
