/* cmd-whoami.c: chirp whoami: the user logged in, and on which server. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "text.h"
#include "xmalloc.h"

static int cmd_whoami_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_whoami_entry = {
	"whoami", "", "show the user logged in and the server",
	cmd_whoami_exec,
};

static int
cmd_whoami_exec(struct chirp *c, int argc, char **argv)
{
	struct api_error err;
	json_t *user = NULL;
	char *path;
	enum api_status st;

	(void)argv;
	if (argc != 1)
		return cmd_usage_error(&cmd_whoami_entry,
		    "whoami takes no arguments");
	if (cmd_need_login(c) == -1)
		return CHIRP_EXIT_AUTH;
	path = xasprintf("/users/%" PRId64, c->cred.user_id);
	st = api_call(c->api, "GET", path, NULL, NULL, &user, &err);
	free(path);
	if (st == API_NOT_FOUND) {
		fprintf(stderr, "chirp: the account of '%s' is gone from "
		    "'%s' (log in again)\n", c->cred.username, c->server);
		return CHIRP_EXIT_AUTH;
	}
	if (st != API_OK)
		return cmd_api_failure(c, &err);
	if (c->json)
		cmd_print_json(user);
	else {
		text_fputs(cmd_str(user, "username"), stdout, 0);
		printf(" (id %" PRId64 ") on '%s'\n", c->cred.user_id,
		    c->server);
	}
	json_decref(user);
	return CHIRP_EXIT_OK;
}
