/*
 * test_cli_args.c: chirp's argument handling (client-cli/cmd.c, prompt.c):
 * global options, the command table, ids, help, stdin text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../client-cli/cmd.h"
#include "../../client-cli/prompt.h"

/* argv strings are writable in a real main(); these are not written */
#define S(lit) ((char *)(lit))
#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static void
global_options_come_before_the_command(void **state)
{
	char *a[] = { S("chirp"), S("--server"), S("http://x:1"), S("--json"), S("post"),
	    S("--json"), NULL };
	char *b[] = { S("chirp"), S("--server=http://y:2"), S("timeline"), NULL };
	struct cmd_global g;

	(void)state;
	assert_int_equal(cmd_parse_global(ARGC(a), a, &g), 0);
	assert_string_equal(g.server, "http://x:1");
	assert_true(g.json);
	assert_int_equal(g.command, 4);
	assert_int_equal(cmd_parse_global(ARGC(b), b, &g), 0);
	assert_string_equal(g.server, "http://y:2");
	assert_false(g.json);
	assert_int_equal(g.command, 2);
}

static void
bad_global_options_are_usage_errors(void **state)
{
	char *a[] = { S("chirp"), S("--bogus"), S("post"), NULL };
	char *b[] = { S("chirp"), S("--server"), NULL };
	char *c[] = { S("chirp"), S("--server="), S("whoami"), NULL };
	struct cmd_global g;

	(void)state;
	assert_int_equal(cmd_parse_global(ARGC(a), a, &g), -1);
	assert_int_equal(cmd_parse_global(ARGC(b), b, &g), -1);
	assert_int_equal(cmd_parse_global(ARGC(c), c, &g), -1);
}

static void
table_has_every_command_of_the_api(void **state)
{
	static const char *names[] = { "register", "login", "logout",
	    "whoami", "post", "delete", "follow", "unfollow", "followers",
	    "following", "timeline", "user", "watch", "delete-account",
	    "help" };
	const struct cmd_entry *e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		e = cmd_find(names[i]);
		assert_non_null(e);
		assert_string_equal(e->name, names[i]);
		assert_non_null(e->exec);
		assert_true(strlen(e->help) > 0);
	}
	assert_null(cmd_find("tweet"));
	assert_null(cmd_find("pos"));
}

static void
help_is_seen_before_double_dash_only(void **state)
{
	char *a[] = { S("post"), S("hello"), S("--help"), NULL };
	char *b[] = { S("post"), S("--"), S("-h"), NULL };
	char *c[] = { S("timeline"), S("-h"), NULL };

	(void)state;
	assert_true(cmd_wants_help(ARGC(a), a));
	assert_false(cmd_wants_help(ARGC(b), b));
	assert_true(cmd_wants_help(ARGC(c), c));
}

static void
unknown_command_option_is_refused(void **state)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	char *a[] = { S("timeline"), S("--limit"), S("5"), S("alice"), NULL };
	char *b[] = { S("timeline"), S("--frobnicate"), NULL };
	char *c[] = { S("timeline"), S("--limit"), NULL };
	int opt;

	(void)state;
	optind = 0;
	opt = cmd_getopt(&cmd_timeline_entry, ARGC(a), a, "n:", opts);
	assert_int_equal(opt, 'n');
	assert_string_equal(optarg, "5");
	assert_int_equal(cmd_getopt(&cmd_timeline_entry, ARGC(a), a, "n:",
	    opts), -1);
	assert_string_equal(a[optind], "alice");
	optind = 0;
	assert_int_equal(cmd_getopt(&cmd_timeline_entry, ARGC(b), b, "n:",
	    opts), '?');
	optind = 0;
	assert_int_equal(cmd_getopt(&cmd_timeline_entry, ARGC(c), c, "n:",
	    opts), '?');
}

static void
stdin_text_loses_only_trailing_newlines(void **state)
{
	const char in[] = "héllo wörld 日本 🎉\n  second line\n\n";
	FILE *fp = fmemopen((void *)in, strlen(in), "r");
	char *s = prompt_read_all(fp, 1000);

	(void)state;
	assert_string_equal(s, "héllo wörld 日本 🎉\n  second line");
	free(s);
	fclose(fp);
	fp = fmemopen((void *)in, strlen(in), "r");
	assert_null(prompt_read_all(fp, 10));
	fclose(fp);
}

static void
password_line_is_stripped(void **state)
{
	const char in[] = "s3cret pass\r\nnext\n";
	FILE *fp = fmemopen((void *)in, strlen(in), "r");
	char buf[64];

	(void)state;
	assert_int_equal(prompt_line(fp, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "s3cret pass");
	fclose(fp);
	fp = fmemopen((void *)"", 0, "r");
	assert_int_equal(prompt_line(fp, buf, sizeof(buf)), -1);
	fclose(fp);
}

static void
one_flag_commands_take_it_long_or_short(void **state)
{
	char *a[] = { S("delete-account"), S("--yes"), NULL };
	char *b[] = { S("delete-account"), S("-y"), S("extra"), NULL };
	char *c[] = { S("delete-account"), NULL };
	char *d[] = { S("delete-account"), S("--no"), NULL };
	char *e[] = { S("login"), S("-y"), S("bob"), NULL };
	int set = -1;

	(void)state;
	assert_int_equal(cmd_getopt_flag(&cmd_delete_account_entry, ARGC(a),
	    a, "yes", 'y', &set), CHIRP_EXIT_OK);
	assert_int_equal(set, 1);
	assert_int_equal(optind, 2);
	assert_int_equal(cmd_getopt_flag(&cmd_delete_account_entry, ARGC(b),
	    b, "yes", 'y', &set), CHIRP_EXIT_OK);
	assert_int_equal(set, 1);
	assert_string_equal(b[optind], "extra");
	assert_int_equal(cmd_getopt_flag(&cmd_delete_account_entry, ARGC(c),
	    c, "yes", 'y', &set), CHIRP_EXIT_OK);
	assert_int_equal(set, 0);
	assert_int_equal(cmd_getopt_flag(&cmd_delete_account_entry, ARGC(d),
	    d, "yes", 'y', &set), CHIRP_EXIT_USAGE);
	/* without a short form, no letter is the flag */
	assert_int_equal(cmd_getopt_flag(&cmd_login_entry, ARGC(e), e,
	    "password-stdin", 0, &set), CHIRP_EXIT_USAGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(global_options_come_before_the_command),
		cmocka_unit_test(bad_global_options_are_usage_errors),
		cmocka_unit_test(table_has_every_command_of_the_api),
		cmocka_unit_test(help_is_seen_before_double_dash_only),
		cmocka_unit_test(unknown_command_option_is_refused),
		cmocka_unit_test(one_flag_commands_take_it_long_or_short),
		cmocka_unit_test(stdin_text_loses_only_trailing_newlines),
		cmocka_unit_test(password_line_is_stripped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
