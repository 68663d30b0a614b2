/* timeline.c: the TUI's timeline buffer (see timeline.h); no curses here. */
#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "xmalloc.h"

void
timeline_init(struct timeline *tl)
{
	memset(tl, 0, sizeof *tl);
}

void
timeline_release(struct timeline *tl)
{
	size_t i;

	for (i = 0; i < tl->len; i++)
		model_tweet_release(&tl->items[i]);
	free(tl->items);
	timeline_init(tl);
}

/* Index of the first entry older than id (ids decrease with the index). */
static size_t
timeline_position(const struct timeline *tl, int64_t id)
{
	size_t lo = 0, hi = tl->len, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (tl->items[mid].id > id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long
timeline_find(const struct timeline *tl, int64_t id)
{
	size_t p = timeline_position(tl, id);

	if (p < tl->len && tl->items[p].id == id)
		return (long)p;
	return -1;
}

/* Copy t into place p, shifting the selection and the view to stay put. */
static void
timeline_insert_at(struct timeline *tl, size_t p, const struct tweet *t)
{
	struct tweet *e;
	bool was_empty = tl->len == 0;

	if (tl->len == tl->cap) {
		tl->cap = tl->cap ? tl->cap * 2 : 64;
		tl->items = xrealloc(tl->items, tl->cap * sizeof *tl->items);
	}
	memmove(&tl->items[p + 1], &tl->items[p],
	    (tl->len - p) * sizeof *tl->items);
	e = &tl->items[p];
	model_tweet_copy(e, t);
	if (e->content == NULL)
		e->content = xstrdup("");
	tl->len++;
	if (was_empty)
		return;
	/* Above the first entry drawn while scrolled down: unseen. */
	if (tl->top > 0 && p <= tl->top) {
		tl->top++;
		tl->new_count++;
	}
	/* at the very top the selection follows the newest entry */
	if (p <= tl->selected && !(p == 0 && tl->selected == 0 &&
	    tl->top == 0))
		tl->selected++;
}

bool
timeline_insert(struct timeline *tl, const struct tweet *t)
{
	size_t p = timeline_position(tl, t->id);

	if (p < tl->len && tl->items[p].id == t->id)
		return false;
	if (p == tl->len && tl->len > 0 && !tl->at_end)
		return false;
	timeline_insert_at(tl, p, t);
	return true;
}

bool
timeline_remove(struct timeline *tl, int64_t id)
{
	long found = timeline_find(tl, id);
	size_t i;

	if (found < 0)
		return false;
	i = (size_t)found;
	model_tweet_release(&tl->items[i]);
	memmove(&tl->items[i], &tl->items[i + 1],
	    (tl->len - i - 1) * sizeof *tl->items);
	tl->len--;
	if (i < tl->top)
		tl->top--;
	if (tl->new_count > tl->top)
		tl->new_count = tl->top;
	if (i < tl->selected)
		tl->selected--;
	if (tl->len == 0) {
		tl->selected = tl->top = 0;
	} else {
		if (tl->selected >= tl->len)
			tl->selected = tl->len - 1;
		if (tl->top > tl->selected)
			tl->top = tl->selected;
	}
	return true;
}

size_t
timeline_append_older(struct timeline *tl, const struct tweet *items,
    size_t n, size_t limit)
{
	size_t i, p, added = 0;

	for (i = 0; i < n; i++) {
		p = timeline_position(tl, items[i].id);
		if (p < tl->len && tl->items[p].id == items[i].id)
			continue;
		timeline_insert_at(tl, p, &items[i]);
		added++;
	}
	if (n < limit)
		tl->at_end = true;
	return added;
}

void
timeline_replace(struct timeline *tl, const struct tweet *items, size_t n,
    bool more)
{
	int64_t sel_id = 0;
	size_t offset = 0, i;

	if (tl->len > 0) {
		sel_id = tl->items[tl->selected].id;
		offset = tl->selected >= tl->top ? tl->selected - tl->top : 0;
	}
	timeline_release(tl);
	/* Keep the order even if the page came unsorted. */
	for (i = 0; i < n; i++) {
		size_t p = timeline_position(tl, items[i].id);

		if (p < tl->len && tl->items[p].id == items[i].id)
			continue;
		timeline_insert_at(tl, p, &items[i]);
	}
	tl->selected = tl->top = 0;
	tl->new_count = 0;
	tl->at_end = !more;
	if (tl->len == 0)
		return;
	if (sel_id == 0)
		return;
	/* the selected tweet, or where it was: the nearest older one */
	tl->selected = timeline_position(tl, sel_id);
	if (tl->selected >= tl->len)
		tl->selected = tl->len - 1;
	tl->top = tl->selected -
	    (offset < tl->selected ? offset : tl->selected);
}

int64_t
timeline_newest_id(const struct timeline *tl)
{
	return tl->len > 0 ? tl->items[0].id : 0;
}

int64_t
timeline_oldest_id(const struct timeline *tl)
{
	return tl->len > 0 ? tl->items[tl->len - 1].id : 0;
}

const struct tweet *
timeline_selected(const struct timeline *tl)
{
	return tl->len > 0 ? &tl->items[tl->selected] : NULL;
}

void
timeline_select(struct timeline *tl, size_t index)
{
	if (tl->len == 0) {
		tl->selected = 0;
		return;
	}
	tl->selected = index < tl->len ? index : tl->len - 1;
}

void
timeline_move(struct timeline *tl, long delta)
{
	size_t s = tl->selected;

	if (delta < 0)
		s = (size_t)-delta > s ? 0 : s - (size_t)-delta;
	else
		s += (size_t)delta;
	timeline_select(tl, s);
}

void
timeline_set_top(struct timeline *tl, size_t top)
{
	if (tl->len == 0)
		top = 0;
	else if (top >= tl->len)
		top = tl->len - 1;
	tl->top = top;
	if (tl->new_count > top)
		tl->new_count = top;
}
