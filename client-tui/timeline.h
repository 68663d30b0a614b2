/*
 * timeline.h: the TUI's timeline buffer, pure logic with no curses. It keeps
 * tweets newest first by id, without duplicates, with a selected entry and
 * a scroll position (the index of the first entry drawn) that stay on the
 * same tweets when live entries arrive above them, and counts the entries
 * that arrived above the view ("N new") until the user scrolls up to them.
 */
#ifndef CHIRP_TUI_TIMELINE_H
#define CHIRP_TUI_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct timeline {
	struct tweet *items;	/* owned; newest first, ids decreasing */
	size_t len;
	size_t cap;
	size_t selected;	/* index of the selected entry (0 if empty) */
	size_t top;		/* index of the first entry on screen */
	size_t new_count;	/* entries arrived above the view, unseen */
	bool at_end;		/* no older page left on the server */
};

void timeline_init(struct timeline *);
/* Frees every entry; the timeline is empty and usable again. */
void timeline_release(struct timeline *);

/*
 * A live entry (t borrowed, copied). Kept in id order; the selected entry
 * and the scroll position stay on the same tweets, except that a selection
 * on the newest entry with the view at the top moves to the new newest
 * entry (the user is watching the head). An entry above the view
 * while scrolled away from the top counts as new. Returns false when the
 * id is already there, or when it is older than the oldest entry while
 * older pages remain (the page load will bring it, in its place).
 */
bool timeline_insert(struct timeline *, const struct tweet *t);

/* Remove a tweet by id; false when absent. Selection and view stay put. */
bool timeline_remove(struct timeline *, int64_t id);

/*
 * An older page (before= the oldest id), newest first, borrowed. Entries
 * already present are skipped. When the page held fewer than limit
 * entries, there is nothing older: at_end is set. Returns how many were
 * added.
 */
size_t timeline_append_older(struct timeline *, const struct tweet *items,
    size_t n, size_t limit);

/*
 * A fresh first page (refresh, or a reload after the live feed could not
 * resume): replaces the contents, keeping the selected tweet selected when
 * it is still there, else the nearest older one (else the oldest), at the
 * same place on screen. more: whether older pages may exist.
 */
void timeline_replace(struct timeline *, const struct tweet *items, size_t n,
    bool more);

/* Ids of the newest and the oldest entries; 0 when empty. */
int64_t timeline_newest_id(const struct timeline *);
int64_t timeline_oldest_id(const struct timeline *);
/* Index of an id, or -1. */
long timeline_find(const struct timeline *, int64_t id);
/* The selected entry, or NULL when empty. */
const struct tweet *timeline_selected(const struct timeline *);

/* Move the selection by delta entries, clamped to the entries. */
void timeline_move(struct timeline *, long delta);
/* Select an index, clamped; SIZE_MAX selects the last entry. */
void timeline_select(struct timeline *, size_t index);
/*
 * Set the first entry drawn (clamped). Scrolling up over new entries
 * marks them seen: new_count never exceeds top.
 */
void timeline_set_top(struct timeline *, size_t top);

#endif
