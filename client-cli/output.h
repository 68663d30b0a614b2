/*
 * output.h: chirp's plain output for people: tweets as blocks (author,
 * relative time, id, text wrapped to the terminal), users, lists. Colour
 * only when the stream is a terminal and NO_COLOR is unset. Text from the
 * server is user input: control characters never reach the terminal.
 */
#ifndef CHIRP_CLI_OUTPUT_H
#define CHIRP_CLI_OUTPUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OUTPUT_WIDTH_DEFAULT 80

struct output {
	int color;
	int width;		/* columns */
	int64_t now_ms;		/* "now" for ages (time_format_age) */
};

/* Colour and width for fp: a terminal's own width, else 80. */
void output_init(struct output *, FILE *fp);

/*
 * text wrapped to width columns by text_wrap (common/text.h), each line
 * but an empty one prefixed by indent (counted in the width; at least 10
 * columns are left for the text).
 */
void output_wrap(FILE *, const char *text, int width, const char *indent);

/* output_tweet's flags. */
#define OUTPUT_NO_REPLY_LINE 0x1u	/* a thread's indentation says it */

/*
 * A tweet as a block, every line after indent: for a repost "reposted by
 * @bob  5m" then the original; "alice  3m  id 123"; for a reply
 * "replying to @ann" (the parent's author when page, the array of tweets
 * the tweet came with or NULL, holds the parent, else the parent's id);
 * the text wrapped; the counts of replies, likes and reposts that are not
 * zero, and the caller's own like and repost.
 */
void output_tweet(const struct output *, FILE *, json_t *tweet, json_t *page,
    const char *indent, unsigned flags);
/*
 * A tweet on one line, for watch: "12:03 alice: text  (id 123)", with
 * ", replying to @ann" (parent_author, or the parent's id when NULL) or
 * ", reposted by @bob" inside the parentheses.
 */
void output_tweet_line(const struct output *, FILE *, json_t *tweet,
    const char *parent_author);
/*
 * A notification on one line: lead (for example "* 3m  "), then "@bob
 * liked your tweet: text  (id 123)"; when fit the text is cut with "…" so
 * that the line fits the width.
 */
void output_notification(const struct output *, FILE *, json_t *n,
    const char *lead, int fit);
/* The author of the tweet id in page (an array of tweets), or NULL. */
const char *output_author_of(json_t *page, const char *tweet_id);
/* A user's profile. */
void output_user(const struct output *, FILE *, json_t *user);

/* Colour helpers: the escape, or "" without colour. */
const char *output_bold(const struct output *);
const char *output_dim(const struct output *);
const char *output_reset(const struct output *);

#endif
