/*
 * cmd-notifications.c: chirp notifications [--unread] [--limit N]
 * [--keep-unread]: your newest notifications, one line each ("* " marks
 * an unread one), then every one up to the newest shown is marked read
 * (POST /notifications/read) unless --keep-unread. --unread shows only the
 * unread ones of the page read; --json prints the API's answer (less the
 * read ones with --unread).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "timeutil.h"
#include "validate.h"

#define CMD_NOTIFICATIONS_MAX 100	/* the API's largest page */

static int cmd_notifications_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_notifications_entry = {
	"notifications", "[--unread] [--limit N] [--keep-unread]",
	"your notifications, newest first; marks them read unless "
	    "--keep-unread", cmd_notifications_exec,
};

/* Keep only the unread notifications of the answer res. */
static void
cmd_notifications_unread(json_t *res)
{
	json_t *list = json_object_get(res, "notifications"), *kept, *n;
	size_t i;

	kept = json_array();
	json_array_foreach(list, i, n)
		if (!json_is_true(json_object_get(n, "read")))
			json_array_append(kept, n);
	json_object_set_new(res, "notifications", kept);
}

/*
 * One line each: "* ", the age padded to the widest of the page (so that
 * the names line up: "now", "7s", "12m", "Nov 03"), then the notification.
 */
static void
cmd_notifications_print(struct chirp *c, json_t *list)
{
	char lead[48], when[32];
	json_t *n;
	int64_t ms;
	size_t i;
	int w, widest = 0;

	json_array_foreach(list, i, n) {
		if (!time_parse_rfc3339(cmd_str(n, "createdAt"), &ms))
			continue;
		time_format_age(c->out.now_ms, ms, when, sizeof(when));
		if ((w = (int)strlen(when)) > widest)
			widest = w;
	}
	json_array_foreach(list, i, n) {
		when[0] = '\0';
		if (time_parse_rfc3339(cmd_str(n, "createdAt"), &ms))
			time_format_age(c->out.now_ms, ms, when,
			    sizeof(when));
		snprintf(lead, sizeof(lead), "%s%-*s%s",
		    json_is_true(json_object_get(n, "read")) ? "  " : "* ",
		    widest, when, widest > 0 ? "  " : "");
		output_notification(&c->out, stdout, n, lead, 1);
	}
}

/* Mark every notification up to the newest of list read, if need be. */
static int
cmd_notifications_mark(struct chirp *c, json_t *list)
{
	struct api_error err;
	json_t *res = NULL, *n;
	int64_t newest = 0, id;
	size_t i;
	int unread = 0;

	json_array_foreach(list, i, n) {
		if (validate_id(cmd_str(n, "notificationId"), &id) &&
		    id > newest)
			newest = id;
		if (!json_is_true(json_object_get(n, "read")))
			unread = 1;
	}
	if (!unread || newest == 0)
		return CHIRP_EXIT_OK;
	if (api_read_notifications(c->api, newest, &res, &err) != API_OK)
		return cmd_api_failure(c, &err);
	json_decref(res);
	return CHIRP_EXIT_OK;
}

static int
cmd_notifications_exec(struct chirp *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "unread", no_argument, NULL, 'u' },
		{ "limit", required_argument, NULL, 'n' },
		{ "keep-unread", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	struct api_error err;
	json_t *res = NULL, *list;
	int64_t limit = 0;
	int opt, ret, only_unread = 0, keep = 0;

	optind = 0;
	while ((opt = cmd_getopt(&cmd_notifications_entry, argc, argv, "n:",
	    opts)) != -1) {
		switch (opt) {
		case 'u':
			only_unread = 1;
			break;
		case 'k':
			keep = 1;
			break;
		case 'n':
			if (!validate_id(optarg, &limit) ||
			    limit > CMD_NOTIFICATIONS_MAX)
				return cmd_usage_error(
				    &cmd_notifications_entry, "--limit needs "
				    "a number from 1 to %d, not '%s'",
				    CMD_NOTIFICATIONS_MAX, optarg);
			break;
		default:
			return CHIRP_EXIT_USAGE;
		}
	}
	if (argc - optind > 0)
		return cmd_usage_error(&cmd_notifications_entry,
		    "notifications takes no arguments");
	if (cmd_need_login(c) == -1)
		return CHIRP_EXIT_AUTH;
	if (api_get_notifications(c->api, (int)limit, 0, &res, &err) !=
	    API_OK)
		return cmd_api_failure(c, &err);
	if (!json_is_array(json_object_get(res, "notifications"))) {
		fprintf(stderr, "chirp: '%s' answered without notifications\n",
		    c->server);
		ret = CHIRP_EXIT_FAILED;
		goto out;
	}
	if (only_unread)
		cmd_notifications_unread(res);
	list = json_object_get(res, "notifications");
	if (c->json)
		cmd_print_json(res);
	else
		cmd_notifications_print(c, list);
	ret = keep ? CHIRP_EXIT_OK : cmd_notifications_mark(c, list);
out:
	json_decref(res);
	return ret;
}
