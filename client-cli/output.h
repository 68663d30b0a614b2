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
	int64_t now_ms;		/* "now" for relative times */
};

/* Colour and width for fp: a terminal's own width, else 80. */
void output_init(struct output *, FILE *fp);

/* RFC 3339 ("2026-11-24T02:06:00.123Z", any offset) to ms; -1 if bad. */
int64_t output_parse_time(const char *);

/* "now", "42s", "3m", "5h", "2d", then "Nov 24" or "Nov 24 2025". */
void output_relative_time(int64_t now_ms, int64_t then_ms, char *buf,
    size_t size);

/*
 * text wrapped to width columns (display width of UTF-8), each line
 * prefixed by indent (counted in the width). A newline in text starts a
 * line; tabs become a space; other controls, bidi controls and bad
 * UTF-8 become U+FFFD (text_next in common/text.h).
 */
void output_wrap(FILE *, const char *text, int width, const char *indent);

/* text cleaned as output_wrap does, on one line (newlines as spaces). */
void output_clean(FILE *, const char *text);

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
