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

void
output_tweet(const struct output *o, FILE *fp, json_t *t)
{
	char when[32] = "";
	int64_t ms;

	if (time_parse_rfc3339(output_str(t, "timestamp"), &ms))
		time_format_age(o->now_ms, ms, when, sizeof(when));
	fprintf(fp, "%s", output_bold(o));
	text_fputs(output_str(t, "username"), fp, 0);
	fprintf(fp, "%s  %s%s%sid ", output_reset(o), output_dim(o), when,
	    when[0] != '\0' ? "  " : "");
	text_fputs(output_str(t, "tweetId"), fp, 0);
	fprintf(fp, "%s\n", output_reset(o));
	output_wrap(fp, output_str(t, "content"), o->width, "  ");
}

void
output_tweet_line(const struct output *o, FILE *fp, json_t *t)
{
	char when[16] = "";
	int64_t ms;
	time_t secs;
	struct tm tm;

	if (time_parse_rfc3339(output_str(t, "timestamp"), &ms)) {
		secs = (time_t)(ms / 1000);
		localtime_r(&secs, &tm);
		strftime(when, sizeof(when), "%H:%M ", &tm);
	}
	fprintf(fp, "%s%s%s%s", output_dim(o), when, output_reset(o),
	    output_bold(o));
	text_fputs(output_str(t, "username"), fp, 0);
	fprintf(fp, "%s: ", output_reset(o));
	text_fputs(output_str(t, "content"), fp, 0);
	fprintf(fp, "  %s(id ", output_dim(o));
	text_fputs(output_str(t, "tweetId"), fp, 0);
	fprintf(fp, ")%s\n", output_reset(o));
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
