/*
 * cmd-thread.c: chirp thread [--limit N] TWEET_ID: the conversation
 * around a tweet, indented by depth: its ancestors from the first tweet
 * down to its parent ("[deleted]" for one that is gone), the tweet, then
 * its direct replies oldest first. Every page of replies is read unless
 * --limit stops after N of them. --json gives the API's shape with every
 * page's replies in one object (nextCursor null when they are all there).
 * A reply's own replies are one "chirp thread REPLY_ID" away.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "validate.h"

#define CMD_THREAD_PAGE 100
#define CMD_THREAD_INDENT_MAX 10	/* depths past it stay at its column */

static int cmd_thread_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_thread_entry = {
	"thread", "[--limit N] TWEET_ID",
	"the conversation around a tweet, indented by depth",
	cmd_thread_exec,
};

/* Read the thread, every page of replies or the first limit of them. */
static int
cmd_thread_read(struct chirp *c, int64_t id, int64_t limit, json_t **out)
{
	struct api_error err;
	json_t *all = NULL, *page = NULL, *replies, *cursor;
	int64_t left = limit;
	int want;

	*out = NULL;
	for (;;) {
		want = limit > 0 && left < CMD_THREAD_PAGE ? (int)left :
		    CMD_THREAD_PAGE;
		cursor = all != NULL ? json_object_get(all, "nextCursor") :
		    NULL;
		if (api_get_thread(c->api, id, json_string_value(cursor),
		    want, &page, &err) != API_OK) {
			json_decref(all);
			return cmd_api_failure(c, &err);
		}
		replies = json_object_get(page, "replies");
		if (!json_is_array(replies) || !json_is_array(
		    json_object_get(page, "ancestors")) || !json_is_object(
		    json_object_get(page, "tweet"))) {
			fprintf(stderr, "chirp: '%s' answered a thread without "
			    "its tweets\n", c->server);
			json_decref(page);
			json_decref(all);
			return CHIRP_EXIT_FAILED;
		}
		left -= (int64_t)json_array_size(replies);
		if (all == NULL)
			all = json_incref(page);
		else {
			json_array_extend(json_object_get(all, "replies"),
			    replies);
			json_object_set(all, "nextCursor",
			    json_object_get(page, "nextCursor"));
		}
		cursor = json_object_get(page, "nextCursor");
		if (!json_is_string(cursor) || (limit > 0 && left <= 0) ||
		    json_array_size(replies) == 0)
			break;
		json_decref(page);
		page = NULL;
	}
	if (json_object_get(all, "nextCursor") == NULL)
		json_object_set_new(all, "nextCursor", json_null());
	json_decref(page);
	*out = all;
	return CHIRP_EXIT_OK;
}

/* One entry of the thread at depth (NULL: a deleted ancestor). */
static void
cmd_thread_entry_print(struct chirp *c, json_t *t, json_t *page, int depth,
    int first)
{
	char indent[2 * CMD_THREAD_INDENT_MAX + 1];
	int n = depth < CMD_THREAD_INDENT_MAX ? depth : CMD_THREAD_INDENT_MAX;

	memset(indent, ' ', (size_t)(2 * n));
	indent[2 * n] = '\0';
	if (!first)
		putchar('\n');
	if (!json_is_object(t))
		printf("%s%s[deleted]%s\n", indent, output_dim(&c->out),
		    output_reset(&c->out));
	else
		output_tweet(&c->out, stdout, t, page, indent,
		    OUTPUT_NO_REPLY_LINE);
}

static void
cmd_thread_print(struct chirp *c, json_t *th)
{
	json_t *ancestors = json_object_get(th, "ancestors");
	json_t *replies = json_object_get(th, "replies");
	json_t *first = json_array_get(ancestors, 0), *t;
	int depth = 0;
	size_t i;

	/* over 100 ancestors: the API gives the nearest; say so */
	if (json_is_object(first) &&
	    cmd_str(first, "replyTo")[0] != '\0') {
		printf("%s(earlier tweets of the conversation not shown)%s\n\n",
		    output_dim(&c->out), output_reset(&c->out));
	}
	json_array_foreach(ancestors, i, t)
		cmd_thread_entry_print(c, t, ancestors, depth++, i == 0);
	cmd_thread_entry_print(c, json_object_get(th, "tweet"), ancestors,
	    depth++, json_array_size(ancestors) == 0);
	json_array_foreach(replies, i, t)
		cmd_thread_entry_print(c, t, NULL, depth, 0);
	if (json_is_string(json_object_get(th, "nextCursor")))
		printf("\n%s(more replies: chirp thread without --limit)%s\n",
		    output_dim(&c->out), output_reset(&c->out));
}

static int
cmd_thread_exec(struct chirp *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	json_t *th = NULL;
	int64_t id, limit = 0;
	int opt, ret;

	optind = 0;
	while ((opt = cmd_getopt(&cmd_thread_entry, argc, argv, "n:",
	    opts)) != -1) {
		if (opt != 'n')
			return CHIRP_EXIT_USAGE;
		if (!validate_id(optarg, &limit))
			return cmd_usage_error(&cmd_thread_entry, "--limit "
			    "needs a positive number, not '%s'", optarg);
	}
	if (argc - optind != 1)
		return cmd_usage_error(&cmd_thread_entry,
		    "thread needs one tweet id");
	if ((ret = cmd_tweet_id(&cmd_thread_entry, argv[optind], &id)) !=
	    CHIRP_EXIT_OK)
		return ret;
	ret = cmd_thread_read(c, id, limit, &th);
	if (ret != CHIRP_EXIT_OK)
		return ret;
	if (c->json)
		cmd_print_json(th);
	else
		cmd_thread_print(c, th);
	json_decref(th);
	return CHIRP_EXIT_OK;
}
