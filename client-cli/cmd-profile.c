/*
 * cmd-profile.c: chirp profile [--name TEXT] [--bio TEXT]: your own
 * profile; with either option, set your display name or bio first
 * (PATCH /users/{userId}) and show the result.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "validate.h"
#include "xmalloc.h"

static int cmd_profile_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_profile_entry = {
	"profile", "[--name TEXT] [--bio TEXT]",
	"show or set your display name and bio", cmd_profile_exec,
};

/* Check one option's text here, so that a typo costs no round trip. */
static int
check_text(const char *opt, enum profile_error e, int max)
{
	switch (e) {
	case PROFILE_OK:
		return CHIRP_EXIT_OK;
	case PROFILE_TOO_LONG:
		return cmd_usage_error(&cmd_profile_entry,
		    "--%s is longer than %d characters", opt, max);
	case PROFILE_BAD_UTF8:
		return cmd_usage_error(&cmd_profile_entry,
		    "--%s is not valid UTF-8 text", opt);
	case PROFILE_CONTROL:
		break;
	}
	return cmd_usage_error(&cmd_profile_entry,
	    "--%s must not hold control characters%s", opt,
	    strcmp(opt, "bio") == 0 ? " other than line feeds" :
	    " or line breaks");
}

static int
cmd_profile_exec(struct chirp *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "bio", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = NULL, *bio = NULL;
	struct api_error err;
	json_t *body = NULL, *res = NULL;
	enum api_status st;
	char *path;
	int opt, ret;

	optind = 0;
	while ((opt = cmd_getopt(&cmd_profile_entry, argc, argv, "",
	    opts)) != -1) {
		switch (opt) {
		case 'n':
			name = optarg;
			break;
		case 'b':
			bio = optarg;
			break;
		default:
			return CHIRP_EXIT_USAGE;
		}
	}
	if (argc - optind > 0)
		return cmd_usage_error(&cmd_profile_entry,
		    "profile takes no arguments; to see another user's, "
		    "use chirp user USER");
	if (name != NULL && (ret = check_text("name",
	    validate_display_name(name, strlen(name)), DISPLAY_NAME_MAX)) !=
	    CHIRP_EXIT_OK)
		return ret;
	if (bio != NULL && (ret = check_text("bio",
	    validate_bio(bio, strlen(bio)), BIO_MAX)) != CHIRP_EXIT_OK)
		return ret;
	if (cmd_need_login(c) == -1)
		return CHIRP_EXIT_AUTH;
	path = xasprintf("/users/%" PRId64, c->cred.user_id);
	if (name != NULL || bio != NULL) {
		body = json_object();
		if (name != NULL)
			json_object_set_new(body, "displayName",
			    json_string(name));
		if (bio != NULL)
			json_object_set_new(body, "bio", json_string(bio));
		st = api_call(c->api, "PATCH", path, body, NULL, &res, &err);
	} else
		st = api_call(c->api, "GET", path, NULL, NULL, &res, &err);
	free(path);
	json_decref(body);
	if (st != API_OK)
		return cmd_api_failure(c, &err);
	if (c->json)
		cmd_print_json(res);
	else
		output_user(&c->out, stdout, res);
	json_decref(res);
	return CHIRP_EXIT_OK;
}
