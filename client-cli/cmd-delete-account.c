/*
 * cmd-delete-account.c: chirp delete-account [--yes]: remove your account,
 * its follows and all its tweets, after you type your user name (on the
 * terminal) or with --yes. Then forget the login.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "cmd.h"
#include "prompt.h"
#include "xmalloc.h"

static int cmd_delete_account_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_delete_account_entry = {
	"delete-account", "[--yes]",
	"delete your account and all its tweets (asks first)",
	cmd_delete_account_exec,
};

static int
cmd_delete_account_exec(struct chirp *c, int argc, char **argv)
{
	struct api_error err;
	struct credentials stored;
	json_t *res = NULL;
	char answer[PROMPT_MAX], *path, *question;
	int yes, ret;
	enum api_status st;

	if ((ret = cmd_getopt_flag(&cmd_delete_account_entry, argc, argv,
	    "yes", 'y', &yes)) != CHIRP_EXIT_OK)
		return ret;
	if (optind != argc)
		return cmd_usage_error(&cmd_delete_account_entry,
		    "delete-account takes no arguments");
	if (cmd_need_login(c) == -1)
		return CHIRP_EXIT_AUTH;
	if (!yes) {
		question = xasprintf("This deletes the account '%s' on '%s' "
		    "and all its tweets.\nType the user name to confirm: ",
		    c->cred.username, c->server);
		ret = prompt_tty(question, 1, answer, sizeof(answer));
		free(question);
		if (ret == -1) {
			fprintf(stderr, "chirp: nothing deleted (--yes "
			    "deletes without asking)\n");
			return CHIRP_EXIT_USAGE;
		}
		if (c->cred.username[0] == '\0' ||
		    strcasecmp(answer, c->cred.username) != 0) {
			fprintf(stderr, "chirp: '%s' is not '%s': nothing "
			    "deleted\n", answer, c->cred.username);
			return CHIRP_EXIT_FAILED;
		}
	}
	path = xasprintf("/users/%" PRId64, c->cred.user_id);
	st = api_call(c->api, "DELETE", path, NULL, NULL, &res, &err);
	free(path);
	if (st != API_OK)
		return cmd_api_failure(c, &err);
	/* the stored login is for an account that is no more */
	if (credentials_load(&stored) == 0) {
		if (stored.user_id == c->cred.user_id)
			credentials_remove();
		credentials_release(&stored);
	}
	if (c->json)
		cmd_print_json(res);
	else
		printf("deleted the account '%s' on '%s'\n", c->cred.username,
		    c->server);
	json_decref(res);
	return CHIRP_EXIT_OK;
}
