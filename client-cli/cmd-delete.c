/* cmd-delete.c: chirp delete TWEET_ID: delete one of your tweets. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "validate.h"
#include "xmalloc.h"

static int cmd_delete_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_delete_entry = {
	"delete", "TWEET_ID", "delete one of your tweets", cmd_delete_exec,
};

static int
cmd_delete_exec(struct chirp *c, int argc, char **argv)
{
	struct api_error err;
	json_t *res = NULL;
	int64_t id;
	char *path;
	enum api_status st;

	if (argc != 2)
		return cmd_usage_error(&cmd_delete_entry,
		    "delete needs one tweet id");
	if (!validate_id(argv[1], &id))
		return cmd_usage_error(&cmd_delete_entry,
		    "'%s' is not a tweet id", argv[1]);
	if (cmd_need_login(c) == -1)
		return CHIRP_EXIT_AUTH;
	path = xasprintf("/tweets/%s", argv[1]);
	st = api_call(c->api, "DELETE", path, NULL, NULL, &res, &err);
	free(path);
	if (st == API_NOT_FOUND) {
		fprintf(stderr, "chirp: no tweet '%s'\n", argv[1]);
		return CHIRP_EXIT_NOT_FOUND;
	}
	if (st != API_OK)
		return cmd_api_failure(c, &err);
	if (c->json)
		cmd_print_json(res);
	else
		printf("deleted %s\n", argv[1]);
	json_decref(res);
	return CHIRP_EXIT_OK;
}
