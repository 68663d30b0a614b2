/*
 * cmd.c: the command table and what every command shares: option
 * parsing, usage errors, and turning an API failure into a message and an
 * exit status.
 */
#include "cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "validate.h"
#include "xmalloc.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_register_entry,
	&cmd_login_entry,
	&cmd_logout_entry,
	&cmd_whoami_entry,
	&cmd_post_entry,
	&cmd_delete_entry,
	&cmd_reply_entry,
	&cmd_thread_entry,
	&cmd_like_entry,
	&cmd_unlike_entry,
	&cmd_repost_entry,
	&cmd_unrepost_entry,
	&cmd_follow_entry,
	&cmd_unfollow_entry,
	&cmd_followers_entry,
	&cmd_following_entry,
	&cmd_timeline_entry,
	&cmd_user_entry,
	&cmd_profile_entry,
	&cmd_notifications_entry,
	&cmd_watch_entry,
	&cmd_delete_account_entry,
	&cmd_help_entry,
	NULL
};

const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; cmd_table[i] != NULL; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

int
cmd_parse_global(int argc, char **argv, struct cmd_global *g)
{
	int i;

	memset(g, 0, sizeof(*g));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--json") == 0)
			g->json = 1;
		else if (strcmp(a, "--server") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0') {
				fprintf(stderr, "chirp: option '--server' "
				    "needs a URL\n");
				return -1;
			}
			g->server = argv[++i];
		} else if (strncmp(a, "--server=", 9) == 0) {
			if (a[9] == '\0') {
				fprintf(stderr, "chirp: option '--server' "
				    "needs a URL\n");
				return -1;
			}
			g->server = a + 9;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			g->help = 1;
		else if (strcmp(a, "--version") == 0)
			g->version = 1;
		else if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "chirp: unknown option '%s'\n", a);
			return -1;
		} else
			break;
	}
	g->command = i;
	return 0;
}

int
cmd_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

void
cmd_print_usage(const struct cmd_entry *e, FILE *fp)
{
	fprintf(fp, "usage: chirp %s%s%s\n", e->name,
	    e->usage[0] != '\0' ? " " : "", e->usage);
}

int
cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
{
	va_list ap;

	fputs("chirp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cmd_print_usage(e, stderr);
	return CHIRP_EXIT_USAGE;
}

int
cmd_getopt(const struct cmd_entry *e, int argc, char **argv,
    const char *shortopts, const struct option *longopts)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == '?') {
		if (optopt != 0 && strchr(shortopts, optopt) != NULL)
			cmd_usage_error(e, "option '%s' needs a value",
			    argv[optind - 1]);
		else if (optopt != 0)
			cmd_usage_error(e, "unknown option '-%c'", optopt);
		else
			cmd_usage_error(e, "unknown option '%s'",
			    argv[optind - 1]);
	} else if (c == ':')
		c = '?';
	return c;
}

int
cmd_getopt_flag(const struct cmd_entry *e, int argc, char **argv,
    const char *name, int c, int *set)
{
	const struct option opts[] = {
		{ name, no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	char shortopts[2] = { (char)c, '\0' };
	int opt;

	*set = 0;
	optind = 0;
	while ((opt = cmd_getopt(e, argc, argv, shortopts, opts)) != -1) {
		if (opt != 'f' && (c == 0 || opt != c))
			return CHIRP_EXIT_USAGE;
		*set = 1;
	}
	return CHIRP_EXIT_OK;
}

int
cmd_api_failure(const struct chirp *c, const struct api_error *err)
{
	switch (err->status) {
	case API_OK:
		return CHIRP_EXIT_OK;
	case API_NETWORK:
		fprintf(stderr, "chirp: %s\n", err->message);
		return CHIRP_EXIT_FAILED;
	case API_UNAUTHORIZED:
		fprintf(stderr, "chirp: '%s' refused the token: %s "
		    "(log in again with 'chirp login USER')\n", c->server,
		    err->message);
		return CHIRP_EXIT_AUTH;
	case API_NOT_FOUND:
		fprintf(stderr, "chirp: %s\n", err->message);
		return CHIRP_EXIT_NOT_FOUND;
	case API_REFUSED:
	case API_SERVER:
		break;
	}
	if (err->code[0] != '\0')
		fprintf(stderr, "chirp: '%s' answered %ld %s: %s\n", c->server,
		    err->http_status, err->code, err->message);
	else
		fprintf(stderr, "chirp: %s\n", err->message);
	return CHIRP_EXIT_FAILED;
}

int
cmd_need_login(const struct chirp *c)
{
	if (c->cred.token != NULL && c->cred.user_id > 0)
		return 0;
	if (c->from_env)
		fprintf(stderr, "chirp: cannot read the user from "
		    "CHIRP_TOKEN\n");
	else
		fprintf(stderr, "chirp: not logged in to '%s' (use 'chirp "
		    "login USER')\n", c->server);
	return -1;
}

int
cmd_resolve_user(struct chirp *c, const char *username, int64_t *id,
    json_t **user)
{
	struct api_error err;
	json_t *u = NULL;
	int ret;

	if (user != NULL)
		*user = NULL;
	if (api_user_by_name(c->api, username, &u, &err) != API_OK)
		return cmd_api_failure(c, &err);
	if (!model_get_id(u, "userId", id)) {
		fprintf(stderr, "chirp: '%s' answered a user without an "
		    "id\n", c->server);
		ret = CHIRP_EXIT_FAILED;
		json_decref(u);
		return ret;
	}
	if (user != NULL)
		*user = u;
	else
		json_decref(u);
	return CHIRP_EXIT_OK;
}

int
cmd_tweet_id(const struct cmd_entry *e, const char *arg, int64_t *id)
{
	if (validate_id(arg, id))
		return CHIRP_EXIT_OK;
	return cmd_usage_error(e, "'%s' is not a tweet id", arg);
}

void
cmd_print_json(json_t *v)
{
	char *s;

	if (v == NULL)
		return;
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY |
	    JSON_PRESERVE_ORDER);
	if (s == NULL)
		return;
	puts(s);
	free(s);
}

const char *
cmd_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}
