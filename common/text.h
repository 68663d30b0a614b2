/*
 * text.h: server-controlled text made safe for a terminal. Whatever the
 * server or the network sends (tweets, usernames, ids, error messages)
 * may hold escape sequences, C1 controls, bidirectional overrides or
 * bytes that are not UTF-8; printed raw they could retitle the window,
 * clear the screen or reorder what the reader sees. Every place a client
 * writes such text goes through text_next (one character at a time, for
 * wrapping by width) or the helpers built on it. JSON output (--json) is
 * not for a terminal and stays as the server wrote it.
 *
 * Widths are display columns in the process's locale (wcwidth), so
 * accents, CJK and emoji wrap where the terminal would; the clients set
 * their locale first (chirp a UTF-8 one whatever LANG says).
 */
#ifndef CHIRP_TEXT_H
#define CHIRP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What replaces a character that must not reach a terminal: U+FFFD. */
#define TEXT_REPLACEMENT "\xEF\xBF\xBD"
#define TEXT_REPLACEMENT_CP 0xFFFDu

/* Keep newlines (a tweet body); without it a newline becomes a space. */
#define TEXT_KEEP_NEWLINE 0x1u

enum text_kind {
	TEXT_PRINTABLE,		/* bytes as received */
	TEXT_NEWLINE,		/* "\n" */
	TEXT_SPACE,		/* a space, tab or line separator: " " */
	TEXT_REPLACED,		/* a control, bidi control or bad UTF-8 */
};

struct text_char {
	char bytes[5];		/* what to print, NUL-terminated */
	size_t len;		/* strlen(bytes) */
	uint32_t cp;		/* the code point of bytes */
	enum text_kind kind;
	int width;		/* columns; set by text_next_cell only */
};

/* Lines of wrapped text. */
struct text_lines {
	char **line;		/* owned, each NUL-terminated, made safe */
	size_t n;
	size_t cap;
};

/*
 * True for a code point that must not reach a terminal: C0 controls, DEL,
 * C1 controls (U+0080..U+009F) and the bidirectional formatting controls
 * (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069).
 */
bool text_is_unsafe(uint32_t cp);

/*
 * The next character of s (len > 0 bytes left) made safe: its bytes in
 * c. Returns the bytes of s consumed (at least 1). A newline is
 * TEXT_NEWLINE (the caller decides), tab and U+2028/U+2029 are a space,
 * anything unsafe or not well-formed UTF-8 is U+FFFD.
 */
size_t text_next(const char *s, size_t len, struct text_char *c);

/*
 * text_next, and the columns the character takes on a terminal in this
 * locale in c->width: 0 for a newline, 1 for a space or U+FFFD. A
 * character the locale cannot measure (wcwidth -1: unassigned, or a
 * locale that is not UTF-8) becomes U+FFFD, so that what is measured is
 * what is drawn.
 */
size_t text_next_cell(const char *s, size_t len, struct text_char *c);

/* Columns of s made safe (NULL is 0); a newline counts as a space. */
int text_width(const char *s);

/*
 * The longest prefix of s (NULL is "") that fits width columns, made safe,
 * newlines as spaces; never splits a character. The caller frees.
 */
char *text_fit(const char *s, int width);

/*
 * Split s (NULL is "") into lines of at most width columns (at least 2),
 * made safe. Lines break at spaces; the spaces at a break are dropped,
 * those leading a paragraph are kept; a word longer than a line is cut
 * where the columns run out, never inside a character. A newline starts
 * a line (an empty line for an empty paragraph); newlines at the very end
 * are not lines; empty text is one empty line. Release with
 * text_lines_release.
 */
void text_wrap(const char *s, int width, struct text_lines *out);
void text_lines_release(struct text_lines *);

/* A safe copy of s (NULL gives ""); the caller frees. */
char *text_sanitize(const char *s, unsigned flags);

/*
 * A safe copy of s into out (size > 0 bytes, always NUL-terminated),
 * cut before a character that would not fit.
 */
void text_sanitize_buf(char *out, size_t size, const char *s,
    unsigned flags);

/* fputs of the safe form of s (NULL prints nothing). */
void text_fputs(const char *s, FILE *fp, unsigned flags);

#endif
