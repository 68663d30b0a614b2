/*
 * cmd-timeline.c: chirp timeline [USER] [--limit N] [--before ID]: your
 * home timeline, or USER's own tweets; newest first.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "validate.h"
#include "xmalloc.h"

static int cmd_timeline_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_timeline_entry = {
	"timeline", "[--limit N] [--before ID] [USER]",
	"your home timeline, or USER's tweets", cmd_timeline_exec,
};

static int
cmd_timeline_exec(struct chirp *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "before", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	struct api_error err;
	json_t *res = NULL, *tweets;
	const char *before = NULL;
	char *path, query[64] = "";
	int64_t id, limit = 0, b;
	size_t i;
	int opt, ret, home;
	enum api_status st;

	optind = 0;
	while ((opt = cmd_getopt(&cmd_timeline_entry, argc, argv, "n:b:",
	    opts)) != -1) {
		switch (opt) {
		case 'n':
			if (!validate_id(optarg, &limit))
				return cmd_usage_error(&cmd_timeline_entry,
				    "--limit needs a positive number, not "
				    "'%s'", optarg);
			break;
		case 'b':
			if (!validate_id(optarg, &b))
				return cmd_usage_error(&cmd_timeline_entry,
				    "'%s' is not a tweet id", optarg);
			before = optarg;
			break;
		default:
			return CHIRP_EXIT_USAGE;
		}
	}
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_timeline_entry,
		    "timeline takes at most one user name");
	home = argc - optind == 0;
	if (home) {
		if (cmd_need_login(c) == -1)
			return CHIRP_EXIT_AUTH;
		id = c->cred.user_id;
	} else {
		ret = cmd_resolve_user(c, argv[optind], &id, NULL);
		if (ret != CHIRP_EXIT_OK)
			return ret;
	}
	if (limit > 0 && before != NULL)
		snprintf(query, sizeof(query), "?limit=%" PRId64 "&before=%s",
		    limit, before);
	else if (limit > 0)
		snprintf(query, sizeof(query), "?limit=%" PRId64, limit);
	else if (before != NULL)
		snprintf(query, sizeof(query), "?before=%s", before);
	path = xasprintf("/tweets/%s/%" PRId64 "%s", home ? "homeTimeline" :
	    "userTimeline", id, query);
	st = api_call(c->api, "GET", path, NULL, NULL, &res, &err);
	free(path);
	if (st != API_OK)
		return cmd_api_failure(c, &err);
	tweets = json_object_get(res, "tweets");
	if (c->json)
		cmd_print_json(res);
	else if (!json_is_array(tweets)) {
		fprintf(stderr, "chirp: '%s' answered a timeline without "
		    "tweets\n", c->server);
		json_decref(res);
		return CHIRP_EXIT_FAILED;
	} else {
		for (i = 0; i < json_array_size(tweets); i++) {
			if (i > 0)
				putchar('\n');
			output_tweet(&c->out, stdout,
			    json_array_get(tweets, i), tweets, "", 0);
		}
	}
	json_decref(res);
	return CHIRP_EXIT_OK;
}
