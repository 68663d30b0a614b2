/*
 * cmd-followers.c: chirp followers [USER] and chirp following [USER]: the
 * whole list, page after page with the cursor, or the first --limit N.
 * --json gives the API's shape with every page's entries in one object
 * (nextCursor null when the list is whole).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "http_client.h"
#include "text.h"
#include "validate.h"
#include "xmalloc.h"

#define CMD_FOLLOWERS_PAGE 1000

static int cmd_followers_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_followers_entry = {
	"followers", "[--limit N] [USER]",
	"list who follows USER (default: you)", cmd_followers_exec,
};

const struct cmd_entry cmd_following_entry = {
	"following", "[--limit N] [USER]",
	"list whom USER follows (default: you)", cmd_followers_exec,
};

static int
cmd_followers_exec(struct chirp *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	int followers = strcmp(argv[0], "followers") == 0;
	const struct cmd_entry *e = followers ? &cmd_followers_entry :
	    &cmd_following_entry;
	const char *key = followers ? "followers" : "followings";
	struct api_error err;
	json_t *all = NULL, *page = NULL, *ids, *users, *cursor;
	char *path = NULL, *esc = NULL;
	int64_t id, limit = 0, left;
	size_t i, n;
	int opt, ret;

	optind = 0;
	while ((opt = cmd_getopt(e, argc, argv, "n:", opts)) != -1) {
		if (opt != 'n')
			return CHIRP_EXIT_USAGE;
		if (!validate_id(optarg, &limit))
			return cmd_usage_error(e, "--limit needs a positive "
			    "number, not '%s'", optarg);
	}
	if (argc - optind > 1)
		return cmd_usage_error(e, "%s takes at most one user name",
		    e->name);
	if (argc - optind == 1) {
		ret = cmd_resolve_user(c, argv[optind], &id, NULL);
		if (ret != CHIRP_EXIT_OK)
			return ret;
	} else {
		if (cmd_need_login(c) == -1)
			return CHIRP_EXIT_AUTH;
		id = c->cred.user_id;
	}

	all = json_pack("{s:[], s:[], s:n}", key, "users", "nextCursor");
	left = limit;
	for (;;) {
		int64_t want = limit > 0 && left < CMD_FOLLOWERS_PAGE ? left :
		    CMD_FOLLOWERS_PAGE;

		free(path);
		if (esc != NULL)
			path = xasprintf("/users/%" PRId64 "/%s?limit=%" PRId64
			    "&cursor=%s", id, key, want, esc);
		else
			path = xasprintf("/users/%" PRId64 "/%s?limit=%" PRId64,
			    id, key, want);
		free(esc);
		esc = NULL;
		if (api_call(c->api, "GET", path, NULL, NULL, &page, &err) !=
		    API_OK) {
			ret = cmd_api_failure(c, &err);
			goto out;
		}
		ids = json_object_get(page, key);
		users = json_object_get(page, "users");
		cursor = json_object_get(page, "nextCursor");
		if (!json_is_array(ids) || !json_is_array(users)) {
			fprintf(stderr, "chirp: '%s' answered a list without "
			    "'%s'\n", c->server, key);
			ret = CHIRP_EXIT_FAILED;
			goto out;
		}
		json_array_extend(json_object_get(all, key), ids);
		json_array_extend(json_object_get(all, "users"), users);
		json_object_set(all, "nextCursor", cursor != NULL ? cursor :
		    json_null());
		n = json_array_size(users);
		for (i = 0; !c->json && i < n; i++) {
			text_fputs(cmd_str(json_array_get(users, i),
			    "username"), stdout, 0);
			putchar('\n');
		}
		left -= (int64_t)json_array_size(ids);
		if (!json_is_string(cursor) || (limit > 0 && left <= 0) ||
		    json_array_size(ids) == 0)
			break;
		esc = http_client_escape(json_string_value(cursor));
		json_decref(page);
		page = NULL;
	}
	if (c->json)
		cmd_print_json(all);
	ret = CHIRP_EXIT_OK;
out:
	free(esc);
	free(path);
	json_decref(page);
	json_decref(all);
	return ret;
}
