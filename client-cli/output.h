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

/* A tweet as a block: "alice  3m  id 123" then its text, indented. */
void output_tweet(const struct output *, FILE *, json_t *tweet);
/* A tweet on one line, for watch: "12:03 alice: text  (123)". */
void output_tweet_line(const struct output *, FILE *, json_t *tweet);
/* A user's profile. */
void output_user(const struct output *, FILE *, json_t *user);

/* Colour helpers: the escape, or "" without colour. */
const char *output_bold(const struct output *);
const char *output_dim(const struct output *);
const char *output_reset(const struct output *);

#endif
