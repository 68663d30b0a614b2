/*
 * wrap.h: UTF-8 text cut to terminal columns by display width (wcwidth in
 * the current locale: accents, CJK and emoji), with control characters
 * made harmless. Pure logic, no curses.
 */
#ifndef CHIRP_TUI_WRAP_H
#define CHIRP_TUI_WRAP_H

#include <stddef.h>

struct wrap_lines {
	char **line;		/* owned, each NUL-terminated UTF-8 */
	size_t n;
	size_t cap;
};

/*
 * Split text into lines of at most width columns (width >= 2), breaking
 * after a space when one is on the line, else inside a word. A newline
 * starts a line; tabs become one space; other control characters, bidi
 * controls and bytes that are not UTF-8 become U+FFFD (text_next in
 * common/text.h). Release with wrap_release.
 */
void wrap_text(const char *text, int width, struct wrap_lines *out);
void wrap_release(struct wrap_lines *);

/* The longest prefix of text that fits width columns, cleaned as above;
 * caller frees. */
char *wrap_fit(const char *text, int width);

/* Display columns of text, cleaned as above. */
int wrap_width(const char *text);

#endif
