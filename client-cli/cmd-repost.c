/*
 * cmd-repost.c: chirp repost TWEET_ID and chirp unrepost TWEET_ID: one
 * logic, two entries. Reposting a repost reposts its original; unrepost
 * takes the original's id or the repost's. Both are idempotent.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "text.h"

static int cmd_repost_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_repost_entry = {
	"repost", "TWEET_ID", "repost a tweet to your followers; prints the "
	    "repost's id", cmd_repost_exec,
};

const struct cmd_entry cmd_unrepost_entry = {
	"unrepost", "TWEET_ID", "take your repost of a tweet back",
	cmd_repost_exec,
};

static int
cmd_repost_exec(struct chirp *c, int argc, char **argv)
{
	int repost = strcmp(argv[0], "repost") == 0;
	const struct cmd_entry *e = repost ? &cmd_repost_entry :
	    &cmd_unrepost_entry;
	struct api_error err;
	json_t *res = NULL;
	int64_t id;
	int ret;
	enum api_status st;

	if (argc != 2)
		return cmd_usage_error(e, "%s needs one tweet id", e->name);
	if ((ret = cmd_tweet_id(e, argv[1], &id)) != CHIRP_EXIT_OK)
		return ret;
	if (cmd_need_login(c) == -1)
		return CHIRP_EXIT_AUTH;
	st = repost ? api_repost_tweet(c->api, id, &res, &err) :
	    api_unrepost_tweet(c->api, id, &res, &err);
	if (st != API_OK)
		return cmd_api_failure(c, &err);
	if (c->json)
		cmd_print_json(res);
	else if (repost) {
		/* the repost's id, as post prints the new tweet's */
		text_fputs(cmd_str(res, "tweetId"), stdout, 0);
		putchar('\n');
	} else
		printf("unreposted %s\n", argv[1]);
	json_decref(res);
	return CHIRP_EXIT_OK;
}
