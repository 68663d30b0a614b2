/*
 * output.c: chirp's plain output for people. Widths are display columns
 * of UTF-8 (wcwidth in the current locale), so accents, CJK and emoji
 * wrap where the terminal would; every string from the server passes
 * text_next (common/text.h), so no control, escape sequence or bidi
 * override reaches the terminal.
 */
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "text.h"
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

int64_t
output_parse_time(const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, n = 0, ms = 0, digits = 0, oh, om;
	const char *p;
	int64_t t;

	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d,
	    &h, &mi, &sec, &n) != 6 || n != 19)
		return -1;
	p = s + n;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 3)
				ms = ms * 10 + (*p - '0');
		if (digits == 0)
			return -1;
		for (; digits < 3; digits++)
			ms *= 10;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = (int64_t)timegm(&tm) * 1000 + ms;
	if (*p == 'Z' || *p == 'z')
		return p[1] == '\0' ? t : -1;
	if ((*p == '+' || *p == '-') &&
	    sscanf(p + 1, "%2d:%2d", &oh, &om) == 2 && strlen(p) == 6) {
		int64_t off = ((int64_t)oh * 60 + om) * 60000;
		return *p == '+' ? t - off : t + off;
	}
	return -1;
}

void
output_relative_time(int64_t now_ms, int64_t then_ms, char *buf,
    size_t size)
{
	int64_t s = (now_ms - then_ms) / 1000;
	time_t then = (time_t)(then_ms / 1000), now = (time_t)(now_ms / 1000);
	struct tm tthen, tnow;

	if (s < 0)
		s = 0;
	if (s < 5)
		snprintf(buf, size, "now");
	else if (s < 60)
		snprintf(buf, size, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, size, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, size, "%lldh", (long long)(s / 3600));
	else if (s < 7 * 86400)
		snprintf(buf, size, "%lldd", (long long)(s / 86400));
	else {
		gmtime_r(&then, &tthen);
		gmtime_r(&now, &tnow);
		strftime(buf, size, tthen.tm_year == tnow.tm_year ?
		    "%b %d" : "%b %d %Y", &tthen);
	}
}

static int
output_cp_width(unsigned int cp)
{
	int w = wcwidth((wchar_t)cp);

	return w < 0 ? 1 : w;
}

/*
 * One character made safe (text_next): its bytes into out (5 bytes), its
 * code point ('\n' and ' ' kept as such) and its width returned.
 */
static int
output_next_clean(const char **p, const char *end, char *out,
    unsigned int *cp)
{
	struct text_char c;

	*p += text_next(*p, (size_t)(end - *p), &c);
	memcpy(out, c.bytes, c.len + 1);
	*cp = c.cp;
	if (c.kind == TEXT_NEWLINE)
		return 0;
	return output_cp_width(c.cp);
}

void
output_clean(FILE *fp, const char *text)
{
	const char *p = text, *end = text + strlen(text);
	char ch[5];
	unsigned int cp;

	while (p < end) {
		output_next_clean(&p, end, ch, &cp);
		fputs(cp == '\n' ? " " : ch, fp);
	}
}

/* A growing line of text. */
struct output_buf {
	char *s;
	size_t len, cap;
	int width;
};

static void
output_buf_add(struct output_buf *b, const char *s, size_t n, int w)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	b->width += w;
}

static void
output_buf_clear(struct output_buf *b)
{
	b->len = 0;
	b->width = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

struct output_wrapper {
	FILE *fp;
	const char *indent;
	int avail;		/* columns for text */
	struct output_buf line, word;
	int spaces;		/* spaces pending before the next word */
	int para_start;		/* nothing emitted in this paragraph yet */
};

static void
output_emit(struct output_wrapper *w)
{
	if (w->line.len > 0)
		fprintf(w->fp, "%s%s\n", w->indent, w->line.s);
	else
		fputc('\n', w->fp);
	output_buf_clear(&w->line);
	w->para_start = 0;
}

/* Put the pending word on the line, wrapping before it when needed. */
static void
output_end_word(struct output_wrapper *w)
{
	const char *p, *end;
	char ch[5];
	unsigned int cp;
	int cw, i;

	if (w->word.len == 0)
		return;
	if (w->line.width > 0 &&
	    w->line.width + w->spaces + w->word.width > w->avail) {
		output_emit(w);
		w->spaces = 0;
	}
	if (w->line.width == 0 && !w->para_start)
		w->spaces = 0;
	if (w->line.width + w->spaces + w->word.width <= w->avail) {
		for (i = 0; i < w->spaces; i++)
			output_buf_add(&w->line, " ", 1, 1);
		output_buf_add(&w->line, w->word.s, w->word.len,
		    w->word.width);
	} else {
		/* longer than a line: cut it where the columns run out */
		for (i = 0; i < w->spaces && w->line.width < w->avail; i++)
			output_buf_add(&w->line, " ", 1, 1);
		p = w->word.s;
		end = p + w->word.len;
		while (p < end) {
			const char *start = p;

			cw = output_next_clean(&p, end, ch, &cp);
			if (w->line.width + cw > w->avail &&
			    w->line.width > 0)
				output_emit(w);
			output_buf_add(&w->line, start, (size_t)(p - start),
			    cw);
		}
	}
	w->para_start = 0;
	w->spaces = 0;
	output_buf_clear(&w->word);
}

void
output_wrap(FILE *fp, const char *text, int width, const char *indent)
{
	struct output_wrapper w;
	const char *p = text, *end = text + strlen(text);
	char ch[5];
	unsigned int cp;
	int cw;

	/* trailing newlines are not lines of the text */
	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	memset(&w, 0, sizeof(w));
	w.fp = fp;
	w.indent = indent;
	w.avail = width - (int)strlen(indent);
	if (w.avail < 10)
		w.avail = 10;
	w.para_start = 1;
	while (p < end) {
		cw = output_next_clean(&p, end, ch, &cp);
		if (cp == '\n') {
			output_end_word(&w);
			output_emit(&w);
			w.spaces = 0;
			w.para_start = 1;
		} else if (cp == ' ') {
			output_end_word(&w);
			w.spaces++;
		} else
			output_buf_add(&w.word, ch, strlen(ch), cw);
	}
	output_end_word(&w);
	if (w.line.len > 0 || w.para_start)
		output_emit(&w);
	free(w.line.s);
	free(w.word.s);
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
	int64_t ms = output_parse_time(output_str(t, "timestamp"));

	if (ms >= 0)
		output_relative_time(o->now_ms, ms, when, sizeof(when));
	fprintf(fp, "%s", output_bold(o));
	output_clean(fp, output_str(t, "username"));
	fprintf(fp, "%s  %s%s%sid ", output_reset(o), output_dim(o), when,
	    when[0] != '\0' ? "  " : "");
	output_clean(fp, output_str(t, "tweetId"));
	fprintf(fp, "%s\n", output_reset(o));
	output_wrap(fp, output_str(t, "content"), o->width, "  ");
}

void
output_tweet_line(const struct output *o, FILE *fp, json_t *t)
{
	char when[16] = "";
	int64_t ms = output_parse_time(output_str(t, "timestamp"));
	time_t secs;
	struct tm tm;

	if (ms >= 0) {
		secs = (time_t)(ms / 1000);
		localtime_r(&secs, &tm);
		strftime(when, sizeof(when), "%H:%M ", &tm);
	}
	fprintf(fp, "%s%s%s%s", output_dim(o), when, output_reset(o),
	    output_bold(o));
	output_clean(fp, output_str(t, "username"));
	fprintf(fp, "%s: ", output_reset(o));
	output_clean(fp, output_str(t, "content"));
	fprintf(fp, "  %s(id ", output_dim(o));
	output_clean(fp, output_str(t, "tweetId"));
	fprintf(fp, ")%s\n", output_reset(o));
}

void
output_user(const struct output *o, FILE *fp, json_t *u)
{
	char when[32] = "", date[16] = "";
	int64_t ms = output_parse_time(output_str(u, "createdAt"));
	json_int_t followers = json_integer_value(
	    json_object_get(u, "followersCount"));
	json_int_t followings = json_integer_value(
	    json_object_get(u, "followingsCount"));
	time_t secs;
	struct tm tm;

	fprintf(fp, "%s", output_bold(o));
	output_clean(fp, output_str(u, "username"));
	fprintf(fp, "%s  %sid ", output_reset(o), output_dim(o));
	output_clean(fp, output_str(u, "userId"));
	fprintf(fp, "%s\n", output_reset(o));
	if (ms >= 0) {
		output_relative_time(o->now_ms, ms, when, sizeof(when));
		secs = (time_t)(ms / 1000);
		gmtime_r(&secs, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		fprintf(fp, "joined %s (%s%s)\n", date, when,
		    strcmp(when, "now") == 0 || strchr(when, ' ') != NULL ?
		    "" : " ago");
	}
	fprintf(fp, "%lld follower%s, %lld following\n", (long long)followers,
	    followers == 1 ? "" : "s", (long long)followings);
}
