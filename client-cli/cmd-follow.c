/*
 * cmd-follow.c: chirp follow USER and chirp unfollow USER: one logic, two
 * entries (the method, the path and the body's key differ).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "xmalloc.h"

static int cmd_follow_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_follow_entry = {
	"follow", "USER", "follow a user", cmd_follow_exec,
};

const struct cmd_entry cmd_unfollow_entry = {
	"unfollow", "USER", "stop following a user", cmd_follow_exec,
};

static int
cmd_follow_exec(struct chirp *c, int argc, char **argv)
{
	int follow = strcmp(argv[0], "follow") == 0;
	const struct cmd_entry *e = follow ? &cmd_follow_entry :
	    &cmd_unfollow_entry;
	struct api_error err;
	json_t *req = NULL, *res = NULL;
	char *path = NULL, sid[24];
	int64_t id;
	int ret;

	if (argc != 2)
		return cmd_usage_error(e, "%s needs one user name", e->name);
	if (cmd_need_login(c) == -1)
		return CHIRP_EXIT_AUTH;
	ret = cmd_resolve_user(c, argv[1], &id, NULL);
	if (ret != CHIRP_EXIT_OK)
		return ret;
	snprintf(sid, sizeof(sid), "%" PRId64, id);
	req = json_pack("{s:s}", follow ? "followUserId" : "unfollowUserId",
	    sid);
	path = xasprintf("/users/%" PRId64 "/%s", c->cred.user_id,
	    follow ? "follow" : "unfollow");
	if (api_call(c->api, follow ? "POST" : "DELETE", path, req, NULL,
	    &res, &err) != API_OK) {
		ret = cmd_api_failure(c, &err);
		goto out;
	}
	if (c->json)
		cmd_print_json(res);
	else if (follow)
		printf("following '%s'\n", argv[1]);
	else
		printf("not following '%s'\n", argv[1]);
	ret = CHIRP_EXIT_OK;
out:
	free(path);
	json_decref(res);
	json_decref(req);
	return ret;
}
