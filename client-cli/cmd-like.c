/*
 * cmd-like.c: chirp like TWEET_ID and chirp unlike TWEET_ID: one logic,
 * two entries. Both are idempotent on the server; the tweet comes back
 * with its counts after the change.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "text.h"

static int cmd_like_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_like_entry = {
	"like", "TWEET_ID", "like a tweet", cmd_like_exec,
};

const struct cmd_entry cmd_unlike_entry = {
	"unlike", "TWEET_ID", "take your like of a tweet back",
	cmd_like_exec,
};

static int
cmd_like_exec(struct chirp *c, int argc, char **argv)
{
	int like = strcmp(argv[0], "like") == 0;
	const struct cmd_entry *e = like ? &cmd_like_entry : &cmd_unlike_entry;
	struct api_error err;
	json_t *res = NULL;
	json_int_t n;
	int64_t id;
	int ret;
	enum api_status st;

	if (argc != 2)
		return cmd_usage_error(e, "%s needs one tweet id", e->name);
	if ((ret = cmd_tweet_id(e, argv[1], &id)) != CHIRP_EXIT_OK)
		return ret;
	if (cmd_need_login(c) == -1)
		return CHIRP_EXIT_AUTH;
	st = like ? api_like_tweet(c->api, id, &res, &err) :
	    api_unlike_tweet(c->api, id, &res, &err);
	if (st != API_OK)
		return cmd_api_failure(c, &err);
	if (c->json)
		cmd_print_json(res);
	else {
		/* liking a repost likes its original: say which */
		n = json_integer_value(json_object_get(res, "likeCount"));
		printf("%s ", like ? "liked" : "unliked");
		text_fputs(cmd_str(res, "tweetId"), stdout, 0);
		printf(" (%lld like%s)\n", (long long)n, n == 1 ? "" : "s");
	}
	json_decref(res);
	return CHIRP_EXIT_OK;
}
