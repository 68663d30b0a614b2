/*
 * entry.h: one tweet drawn in a list (timelines, threads): who reposted
 * it, its author and age, whom it replies to, its text wrapped, and its
 * counts under it, then a blank line. A repost shows the original.
 */
#ifndef CHIRP_TUI_ENTRY_H
#define CHIRP_TUI_ENTRY_H

#include <stdbool.h>

#include "model.h"

struct tui;

/* The tweet shown for t: the original of a repost, else t itself. */
const struct tweet *entry_shown(const struct tweet *t);
/* Rows t takes with its text in width columns (the blank line too). */
int entry_height(const struct tweet *t, int width);
/*
 * Draw t from row y at column x with its text in width columns, never
 * below row last; sel reverses its first row. Returns the rows used
 * (those past last included, as entry_height counts them).
 */
int entry_draw(struct tui *, const struct tweet *t, int y, int x, int width,
    int last, bool sel);
/*
 * Take the counts and flags of u (an answer of the server) into dst when
 * dst is u's tweet or a repost of it; true when it was.
 */
bool entry_apply(struct tweet *dst, const struct tweet *u);

#endif
