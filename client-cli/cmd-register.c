/*
 * cmd-register.c: chirp register USER: a new account, then a login, as a
 * person expects after signing up.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "prompt.h"
#include "text.h"

static int cmd_register_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_register_entry = {
	"register", "[--password-stdin] USER",
	"create an account and log in to it",
	cmd_register_exec,
};

static int
cmd_register_exec(struct chirp *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "password-stdin", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	char password[PROMPT_MAX];
	struct api_error err;
	json_t *req = NULL, *res = NULL;
	const char *user;
	int opt, from_stdin = 0, ret;

	optind = 0;
	while ((opt = cmd_getopt(&cmd_register_entry, argc, argv, "",
	    opts)) != -1) {
		if (opt != 'P')
			return CHIRP_EXIT_USAGE;
		from_stdin = 1;
	}
	if (argc - optind != 1)
		return cmd_usage_error(&cmd_register_entry,
		    "register needs one user name");
	user = argv[optind];
	if (prompt_password(from_stdin, 1, password, sizeof(password)) == -1)
		return CHIRP_EXIT_FAILED;
	req = json_pack("{s:s, s:s}", "username", user, "password", password);
	if (req == NULL) {
		fprintf(stderr, "chirp: the user name or password is not "
		    "valid UTF-8\n");
		ret = CHIRP_EXIT_USAGE;
		goto out;
	}
	if (api_call(c->api, "POST", "/users/register", req, NULL, &res,
	    &err) != API_OK) {
		ret = cmd_api_failure(c, &err);
		goto out;
	}
	if (c->json)
		cmd_print_json(res);
	else {
		fputs("registered '", stdout);
		text_fputs(cmd_str(res, "username"), stdout, 0);
		fputs("' (id ", stdout);
		text_fputs(cmd_str(res, "userId"), stdout, 0);
		fputs(")\n", stdout);
	}
	ret = cmd_login_as(c, user, password, NULL);
	if (ret == CHIRP_EXIT_OK && !c->json)
		printf("logged in as '%s' on '%s'\n", c->cred.username,
		    c->server);
out:
	explicit_bzero(password, sizeof(password));
	json_decref(res);
	json_decref(req);
	return ret;
}
