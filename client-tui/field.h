/*
 * field.h: a line of text being typed (login, find, compose): UTF-8, with
 * a bound on its bytes. Pure logic, no curses.
 */
#ifndef CHIRP_TUI_FIELD_H
#define CHIRP_TUI_FIELD_H

#include <stdbool.h>
#include <stddef.h>

#define FIELD_MAX 2048		/* bytes: 280 code points of 4 bytes fit */

struct field {
	char text[FIELD_MAX + 1];	/* NUL-terminated UTF-8 */
	size_t len;
};

void field_clear(struct field *);
/* Append a character (a code point); false when it is not printable
 * text or the field is full. */
bool field_add(struct field *, int codepoint);
/* Remove the last character; false when empty. */
bool field_backspace(struct field *);
/* Remove the last word and the spaces after it (Ctrl-W). */
void field_delete_word(struct field *);

#endif
