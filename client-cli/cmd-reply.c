/*
 * cmd-reply.c: chirp reply TWEET_ID TEXT... | chirp reply TWEET_ID -: a
 * reply to a tweet, posted as chirp post posts (the same retries with an
 * Idempotency-Key); prints the new id.
 */
#include <stdio.h>

#include "cmd.h"

static int cmd_reply_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_reply_entry = {
	"reply", "TWEET_ID TEXT... | TWEET_ID -",
	"reply to a tweet (- reads the text from stdin); prints its id",
	cmd_reply_exec,
};

static int
cmd_reply_exec(struct chirp *c, int argc, char **argv)
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };
	int64_t id;
	int opt, ret;

	optind = 0;
	/* "+": options end at the tweet id */
	while ((opt = cmd_getopt(&cmd_reply_entry, argc, argv, "+", opts)) !=
	    -1)
		return CHIRP_EXIT_USAGE;
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return cmd_usage_error(&cmd_reply_entry,
		    "reply needs a tweet id and a text");
	if ((ret = cmd_tweet_id(&cmd_reply_entry, argv[0], &id)) !=
	    CHIRP_EXIT_OK)
		return ret;
	if (argc == 1)
		return cmd_usage_error(&cmd_reply_entry, "nothing to reply");
	return cmd_post_send(c, argc - 1, argv + 1, id);
}
