/*
 * output.c: chirp's plain output for people. Every string from the server
 * passes common/text.h (text_fputs, text_wrap: display columns by
 * wcwidth), so no control, escape sequence or bidi override reaches the
 * terminal; times are common/timeutil.h's.
 */
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "text.h"
#include "timeutil.h"
#include "xmalloc.h"

#define OUTPUT_WIDTH_MIN 20
#define OUTPUT_WIDTH_MAX 200

void
output_init(struct output *o, FILE *fp)
{
	struct winsize ws;
	const char *nc = getenv("NO_COLOR");
	const char *cols = getenv("COLUMNS");
	int tty = isatty(fileno(fp));
	long n;

	memset(o, 0, sizeof(*o));
	o->color = tty && (nc == NULL || nc[0] == '\0');
	o->width = OUTPUT_WIDTH_DEFAULT;
	if (tty && ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		o->width = ws.ws_col;
	else if (tty && cols != NULL && (n = strtol(cols, NULL, 10)) > 0)
		o->width = (int)n;
	if (o->width < OUTPUT_WIDTH_MIN)
		o->width = OUTPUT_WIDTH_MIN;
	if (o->width > OUTPUT_WIDTH_MAX)
		o->width = OUTPUT_WIDTH_MAX;
	o->now_ms = (int64_t)time(NULL) * 1000;
}

const char *
output_bold(const struct output *o)
{
	return o->color ? "\033[1m" : "";
}

const char *
output_dim(const struct output *o)
{
	return o->color ? "\033[2m" : "";
}

const char *
output_reset(const struct output *o)
{
	return o->color ? "\033[0m" : "";
}

void
output_wrap(FILE *fp, const char *text, int width, const char *indent)
{
	struct text_lines l;
	int avail = width - (int)strlen(indent);
	size_t i;

	text_wrap(text, avail < 10 ? 10 : avail, &l);
	for (i = 0; i < l.n; i++)
		if (l.line[i][0] != '\0')
			fprintf(fp, "%s%s\n", indent, l.line[i]);
		else
			fputc('\n', fp);
	text_lines_release(&l);
}

static const char *
output_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

const char *
output_author_of(json_t *page, const char *tweet_id)
{
	json_t *t, *orig;
	size_t i;

	if (tweet_id == NULL || tweet_id[0] == '\0')
		return NULL;
	json_array_foreach(page, i, t) {
		if (strcmp(output_str(t, "tweetId"), tweet_id) == 0)
			return output_str(t, "username");
		orig = json_object_get(t, "repostOf");
		if (json_is_object(orig) &&
		    strcmp(output_str(orig, "tweetId"), tweet_id) == 0)
			return output_str(orig, "username");
	}
	return NULL;
}

/* "2 replies · 1 like · you liked", or nothing when there is nothing. */
static void
output_counts(const struct output *o, FILE *fp, json_t *t,
    const char *indent)
{
	static const struct {
		const char *key, *one, *many;
	} counts[] = {
		{ "replyCount", "reply", "replies" },
		{ "likeCount", "like", "likes" },
		{ "repostCount", "repost", "reposts" },
	};
	json_int_t n;
	size_t i;
	int any = 0;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		n = json_integer_value(json_object_get(t, counts[i].key));
		if (n <= 0)
			continue;
		fprintf(fp, "%s%s%lld %s", any ? "" : indent,
		    any ? " · " : output_dim(o), (long long)n,
		    n == 1 ? counts[i].one : counts[i].many);
		any = 1;
	}
	if (json_is_true(json_object_get(t, "liked"))) {
		fprintf(fp, "%s%syou liked", any ? "" : indent,
		    any ? " · " : output_dim(o));
		any = 1;
	}
	if (json_is_true(json_object_get(t, "reposted"))) {
		fprintf(fp, "%s%syou reposted", any ? "" : indent,
		    any ? " · " : output_dim(o));
		any = 1;
	}
	if (any)
		fprintf(fp, "%s\n", output_reset(o));
}

void
output_tweet(const struct output *o, FILE *fp, json_t *t, json_t *page,
    const char *indent, unsigned flags)
{
	char when[32] = "", inner[64];
	json_t *orig = json_object_get(t, "repostOf");
	const char *parent, *who;
	int64_t ms;

	if (time_parse_rfc3339(output_str(t, "timestamp"), &ms))
		time_format_age(o->now_ms, ms, when, sizeof(when));
	if (json_is_object(orig)) {
		/* the original is what is read; who reposted it, and when */
		fprintf(fp, "%s%s↻ reposted by @", indent, output_dim(o));
		text_fputs(output_str(t, "username"), fp, 0);
		fprintf(fp, "%s%s%s\n", when[0] != '\0' ? "  " : "", when,
		    output_reset(o));
		t = orig;
		when[0] = '\0';
		if (time_parse_rfc3339(output_str(t, "timestamp"), &ms))
			time_format_age(o->now_ms, ms, when, sizeof(when));
	}
	fprintf(fp, "%s%s", indent, output_bold(o));
	text_fputs(output_str(t, "username"), fp, 0);
	fprintf(fp, "%s  %s%s%sid ", output_reset(o), output_dim(o), when,
	    when[0] != '\0' ? "  " : "");
	text_fputs(output_str(t, "tweetId"), fp, 0);
	fprintf(fp, "%s\n", output_reset(o));
	snprintf(inner, sizeof(inner), "%s  ", indent);
	parent = output_str(t, "replyTo");
	if (parent[0] != '\0' && !(flags & OUTPUT_NO_REPLY_LINE)) {
		who = output_author_of(page, parent);
		fprintf(fp, "%s%s↳ replying to %s", inner, output_dim(o),
		    who != NULL ? "@" : "tweet ");
		text_fputs(who != NULL ? who : parent, fp, 0);
		fprintf(fp, "%s\n", output_reset(o));
	}
	output_wrap(fp, output_str(t, "content"), o->width, inner);
	output_counts(o, fp, t, inner);
}

void
output_tweet_line(const struct output *o, FILE *fp, json_t *t,
    const char *parent_author)
{
	char when[16] = "";
	json_t *orig = json_object_get(t, "repostOf");
	const char *reposter = NULL, *parent;
	int64_t ms;
	time_t secs;
	struct tm tm;

	if (time_parse_rfc3339(output_str(t, "timestamp"), &ms)) {
		secs = (time_t)(ms / 1000);
		localtime_r(&secs, &tm);
		strftime(when, sizeof(when), "%H:%M ", &tm);
	}
	if (json_is_object(orig)) {
		reposter = output_str(t, "username");
		t = orig;
	}
	fprintf(fp, "%s%s%s%s", output_dim(o), when, output_reset(o),
	    output_bold(o));
	text_fputs(output_str(t, "username"), fp, 0);
	fprintf(fp, "%s: ", output_reset(o));
	text_fputs(output_str(t, "content"), fp, 0);
	fprintf(fp, "  %s(id ", output_dim(o));
	text_fputs(output_str(t, "tweetId"), fp, 0);
	parent = output_str(t, "replyTo");
	if (parent[0] != '\0') {
		fprintf(fp, ", replying to %s",
		    parent_author != NULL ? "@" : "tweet ");
		text_fputs(parent_author != NULL ? parent_author : parent, fp,
		    0);
	}
	if (reposter != NULL) {
		fputs(", reposted by @", fp);
		text_fputs(reposter, fp, 0);
	}
	fprintf(fp, ")%s\n", output_reset(o));
}

/* What a notification says, after "@actor ". */
static const char *
output_notification_says(const char *type)
{
	static const struct {
		const char *type, *says;
	} says[] = {
		{ "follow", "followed you" },
		{ "like", "liked your tweet" },
		{ "repost", "reposted your tweet" },
		{ "reply", "replied" },
		{ "mention", "mentioned you" },
	};
	size_t i;

	for (i = 0; i < sizeof(says) / sizeof(says[0]); i++)
		if (strcmp(type, says[i].type) == 0)
			return says[i].says;
	return NULL;
}

void
output_notification(const struct output *o, FILE *fp, json_t *n,
    const char *lead, int fit)
{
	json_t *tweet = json_object_get(n, "tweet");
	const char *actor = output_str(json_object_get(n, "actor"),
	    "username");
	const char *says = output_notification_says(output_str(n, "type"));
	const char *content = output_str(tweet, "content");
	char *text = NULL, *id = NULL;
	int used, avail;

	fputs(lead, fp);
	fprintf(fp, "%s@", output_bold(o));
	text_fputs(actor, fp, 0);
	fputs(output_reset(o), fp);
	if (says != NULL)
		fprintf(fp, " %s", says);
	else {
		/* a type newer than this client: named, made safe */
		fputs(" (", fp);
		text_fputs(output_str(n, "type"), fp, 0);
		fputc(')', fp);
	}
	if (!json_is_object(tweet)) {
		fputc('\n', fp);
		return;
	}
	id = text_sanitize(output_str(tweet, "tweetId"), 0);
	/* lead, "@actor says: ", "  (id N)" */
	used = text_width(lead) + 1 + text_width(actor) + 1 +
	    (says != NULL ? (int)strlen(says) : text_width(output_str(n,
	    "type")) + 2) + 2 + 6 + text_width(id) + 1;
	avail = o->width - used;
	if (!fit || text_width(content) <= avail)
		text = text_sanitize(content, 0);
	else if (avail > 1) {
		char *cut = text_fit(content, avail - 1);

		text = xasprintf("%s…", cut);
		free(cut);
	} else
		text = xstrdup("…");
	fprintf(fp, ": %s  %s(id %s)%s\n", text, output_dim(o), id,
	    output_reset(o));
	free(text);
	free(id);
}

void
output_user(const struct output *o, FILE *fp, json_t *u)
{
	char when[32] = "", date[16] = "";
	int64_t ms;
	json_int_t followers = json_integer_value(
	    json_object_get(u, "followersCount"));
	json_int_t followings = json_integer_value(
	    json_object_get(u, "followingsCount"));
	time_t secs;
	struct tm tm;
	const char *name = output_str(u, "displayName");
	const char *bio = output_str(u, "bio");
	json_int_t tweets = json_integer_value(
	    json_object_get(u, "tweetsCount"));

	/* "Display Name  @username  id N", the name only when set */
	fprintf(fp, "%s", output_bold(o));
	if (*name != '\0') {
		text_fputs(name, fp, 0);
		fprintf(fp, "%s  @", output_reset(o));
	}
	text_fputs(output_str(u, "username"), fp, 0);
	fprintf(fp, "%s  %sid ", output_reset(o), output_dim(o));
	text_fputs(output_str(u, "userId"), fp, 0);
	fprintf(fp, "%s\n", output_reset(o));
	if (*bio != '\0') {
		/* made safe; its own line feeds kept */
		text_fputs(bio, fp, TEXT_KEEP_NEWLINE);
		fputc('\n', fp);
	}
	if (time_parse_rfc3339(output_str(u, "createdAt"), &ms)) {
		time_format_age(o->now_ms, ms, when, sizeof(when));
		secs = (time_t)(ms / 1000);
		gmtime_r(&secs, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		fprintf(fp, "joined %s (%s%s)\n", date, when,
		    strcmp(when, "now") == 0 || strchr(when, ' ') != NULL ?
		    "" : " ago");
	}
	fprintf(fp, "%lld follower%s, %lld following, %lld tweet%s\n",
	    (long long)followers, followers == 1 ? "" : "s",
	    (long long)followings, (long long)tweets, tweets == 1 ? "" : "s");
}
