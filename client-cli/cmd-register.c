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
	char password[PROMPT_MAX];
	struct api_error err;
	json_t *req = NULL, *res = NULL;
	const char *user;
	int ret;

	if ((ret = cmd_login_args(&cmd_register_entry, argc, argv, 1, &user,
	    password, sizeof(password))) != CHIRP_EXIT_OK)
		return ret;
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
