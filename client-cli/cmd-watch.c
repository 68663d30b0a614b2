/*
 * cmd-watch.c: chirp watch: the live feed, one entry a line (--json: one
 * event a line, as received) until Ctrl-C. feed_client reconnects with
 * backoff and resumes after the last event received (its cursor), so
 * nothing is missed or repeated, deletes made meanwhile included; when the
 * server cannot resume ("reset") a line says that entries may be missing.
 * What it is doing goes to stderr. Notifications come on the same feed
 * and are shown as "[notification] ..." lines; a removed one
 * (notification_delete) is shown only in --json. A reply names its
 * parent's author when the parent came on this feed lately (a bounded
 * memory of recent tweets, no request per tweet), else the parent's id.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "feed_client.h"
#include "text.h"
#include "timeutil.h"
#include "validate.h"

#define CMD_WATCH_TICK_MS 200
#define CMD_WATCH_AUTHORS 256	/* recent tweets whose author is known */

static int cmd_watch_exec(struct chirp *, int, char **);

const struct cmd_entry cmd_watch_entry = {
	"watch", "", "follow your home timeline and notifications live, until "
	    "interrupted",
	cmd_watch_exec,
};

static volatile sig_atomic_t cmd_watch_stop;

/* A tweet seen on the feed and its author, for the replies to it. */
struct cmd_watch_author {
	int64_t id;
	char username[40];
};

struct cmd_watch {
	struct chirp *c;
	struct cmd_watch_author authors[CMD_WATCH_AUTHORS];	/* a ring */
	size_t next_author;
	enum feed_state state;
	int was_live;
	int write_failed;
};

static void
cmd_watch_on_signal(int sig)
{
	(void)sig;
	cmd_watch_stop = 1;
}

/* Remember who wrote tweet t (the oldest memory makes room). */
static void
cmd_watch_remember(struct cmd_watch *w, json_t *t)
{
	struct cmd_watch_author *a;
	int64_t id;

	if (!validate_id(cmd_str(t, "tweetId"), &id))
		return;
	a = &w->authors[w->next_author];
	w->next_author = (w->next_author + 1) % CMD_WATCH_AUTHORS;
	a->id = id;
	snprintf(a->username, sizeof(a->username), "%s",
	    cmd_str(t, "username"));
}

/* The author of the tweet that t replies to, when it was seen; or NULL. */
static const char *
cmd_watch_parent_author(const struct cmd_watch *w, json_t *t)
{
	json_t *orig = json_object_get(t, "repostOf");
	int64_t id;
	size_t i;

	if (json_is_object(orig))
		t = orig;
	if (!validate_id(cmd_str(t, "replyTo"), &id))
		return NULL;
	for (i = 0; i < CMD_WATCH_AUTHORS; i++)
		if (w->authors[i].id == id)
			return w->authors[i].username;
	return NULL;
}

/* A tweet event: its line, and its authors remembered. */
static void
cmd_watch_tweet(struct cmd_watch *w, json_t *t)
{
	json_t *orig = json_object_get(t, "repostOf");

	output_tweet_line(&w->c->out, stdout, t,
	    cmd_watch_parent_author(w, t));
	cmd_watch_remember(w, t);
	if (json_is_object(orig))
		cmd_watch_remember(w, orig);
}

/* "12:03 [notification] @bob liked your tweet: ...", as a tweet line. */
static void
cmd_watch_notification(struct cmd_watch *w, json_t *n)
{
	char lead[64] = "[notification] ";
	int64_t ms;
	time_t secs;
	struct tm tm;

	if (time_parse_rfc3339(cmd_str(n, "createdAt"), &ms)) {
		secs = (time_t)(ms / 1000);
		localtime_r(&secs, &tm);
		strftime(lead, sizeof(lead), "%H:%M [notification] ", &tm);
	}
	output_notification(&w->c->out, stdout, n, lead, 0);
}

static void
cmd_watch_on_event(json_t *ev, const char *raw, void *arg)
{
	struct cmd_watch *w = arg;
	struct chirp *c = w->c;
	const char *type = cmd_str(ev, "type");

	if (c->json)
		printf("%s\n", raw);
	else if (strcmp(type, "tweet") == 0)
		cmd_watch_tweet(w, json_object_get(ev, "tweet"));
	else if (strcmp(type, "notification") == 0)
		cmd_watch_notification(w, json_object_get(ev,
		    "notification"));
	else if (strcmp(type, "delete") == 0) {
		printf("%s(deleted ", output_dim(&c->out));
		text_fputs(cmd_str(ev, "tweetId"), stdout, 0);
		printf(")%s\n", output_reset(&c->out));
	} else if (strcmp(type, "reset") == 0)
		printf("%s(the feed could not resume where it was: entries "
		    "from while it was lost may be missing; 'chirp timeline' "
		    "shows them)%s\n",
		    output_dim(&c->out), output_reset(&c->out));
	/* notification_delete: its action was undone; nothing to show */
	if (fflush(stdout) != 0)
		w->write_failed = 1;
}

static void
cmd_watch_on_state(enum feed_state st, int retry_in_s, void *arg)
{
	struct cmd_watch *w = arg;
	const char *server = w->c->server;

	switch (st) {
	case FEED_LIVE:
		if (w->was_live)
			fprintf(stderr, "chirp: live again on '%s'\n", server);
		else
			fprintf(stderr, "chirp: watching '%s' (Ctrl-C "
			    "ends)\n", server);
		w->was_live = 1;
		break;
	case FEED_RECONNECTING:
		if (w->state == FEED_LIVE)
			fprintf(stderr, "chirp: lost the live feed from '%s', "
			    "trying again in %d s\n", server, retry_in_s);
		else
			fprintf(stderr, "chirp: cannot reach '%s' for the "
			    "live feed, trying again in %d s\n", server,
			    retry_in_s);
		break;
	case FEED_CONNECTING:
	case FEED_REFUSED:
	case FEED_CLOSED:
		break;
	}
	w->state = st;
}

static int
cmd_watch_exec(struct chirp *c, int argc, char **argv)
{
	struct feed_client_config cfg;
	struct feed_client *fc;
	struct sigaction sa, old_int, old_term;
	struct cmd_watch w;
	int ret = CHIRP_EXIT_OK;

	(void)argv;
	if (argc != 1)
		return cmd_usage_error(&cmd_watch_entry,
		    "watch takes no arguments");
	/* the token is all the feed needs: whose it is, the server knows */
	if (c->cred.token == NULL && cmd_need_login(c) == -1)
		return CHIRP_EXIT_AUTH;

	memset(&w, 0, sizeof(w));
	w.c = c;
	memset(&cfg, 0, sizeof(cfg));
	cfg.server = c->server;
	cfg.token = c->cred.token;
	cfg.on_event = cmd_watch_on_event;
	cfg.on_state = cmd_watch_on_state;
	cfg.arg = &w;
	fc = feed_client_new(&cfg);
	if (fc == NULL) {
		fprintf(stderr, "chirp: cannot watch '%s'\n", c->server);
		return CHIRP_EXIT_FAILED;
	}

	/* no SA_RESTART: a signal ends the wait in poll() at once */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cmd_watch_on_signal;
	sigemptyset(&sa.sa_mask);
	cmd_watch_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	while (!cmd_watch_stop && !w.write_failed &&
	    w.state != FEED_REFUSED) {
		if (feed_client_service(fc, CMD_WATCH_TICK_MS) == -1)
			break;
	}
	if (w.state == FEED_REFUSED) {
		fprintf(stderr, "chirp: '%s' refused the token (log in again "
		    "with 'chirp login USER')\n", c->server);
		ret = CHIRP_EXIT_AUTH;
	} else if (w.write_failed)
		ret = CHIRP_EXIT_FAILED;
	feed_client_stop(fc);
	feed_client_free(fc);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return ret;
}
