/* cmd-user.c: chirp user USER: a user's profile. */
#include <stdio.h>

#include "cmd.h"

static int cmd_user_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_user_entry = {
	"user", "USER", "show a user's profile", cmd_user_exec,
};

static int
cmd_user_exec(struct chirp *c, int argc, char **argv)
{
	json_t *user = NULL;
	int64_t id;
	int ret;

	if (argc != 2)
		return cmd_usage_error(&cmd_user_entry,
		    "user needs one user name");
	ret = cmd_resolve_user(c, argv[1], &id, &user);
	if (ret != CHIRP_EXIT_OK)
		return ret;
	if (c->json)
		cmd_print_json(user);
	else
		output_user(&c->out, stdout, user);
	json_decref(user);
	return CHIRP_EXIT_OK;
}
