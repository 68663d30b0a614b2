/*
 * view-thread.c: the conversation around a tweet (GET /tweets/{id}/thread):
 * its ancestors from the first tweet down to the parent, the tweet itself
 * marked, then its direct replies oldest first, each indented by its depth
 * (capped, so that 80 columns keep room for the text). A deleted ancestor
 * shows as "[deleted]". Replies page in as the selection reaches the end;
 * new replies arrive live.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "social.h"
#include "text.h"
#include "tui.h"
#include "xmalloc.h"

#define VIEW_THREAD_PAGE 20
#define VIEW_THREAD_DEPTH_MAX 6	/* indent levels drawn */
#define VIEW_THREAD_MAX 2000	/* entries kept: ancestors and replies */

struct thread_entry {
	struct tweet t;		/* owned; only t.id when missing */
	bool missing;		/* deleted: "[deleted]" */
	int depth;
};

struct view_thread {
	int64_t id;		/* the tweet the thread is about */
	struct thread_entry *items;
	size_t len;
	size_t cap;
	size_t focus;		/* index of the tweet itself */
	size_t selected;
	size_t top;
	char *cursor;		/* replies' next page; NULL at the end */
	bool loaded;
};

static void
view_thread_clear(struct view_thread *vh)
{
	size_t i;

	for (i = 0; i < vh->len; i++)
		model_tweet_release(&vh->items[i].t);
	vh->len = 0;
	free(vh->cursor);
	vh->cursor = NULL;
}

static struct thread_entry *
view_thread_add(struct view_thread *vh)
{
	struct thread_entry *e;

	if (vh->len == VIEW_THREAD_MAX)
		return NULL;
	if (vh->len == vh->cap) {
		vh->cap = vh->cap ? vh->cap * 2 : 32;
		vh->items = xrealloc(vh->items, vh->cap * sizeof *vh->items);
	}
	e = &vh->items[vh->len++];
	memset(e, 0, sizeof *e);
	return e;
}

static int
view_thread_indent(int depth)
{
	return 2 + 2 * (depth < VIEW_THREAD_DEPTH_MAX ? depth :
	    VIEW_THREAD_DEPTH_MAX);
}

/* Append the replies of a thread answer at depth; keeps nextCursor. */
static void
view_thread_take_replies(struct view_thread *vh, const json_t *answer,
    int depth)
{
	const json_t *replies = json_object_get(answer, "replies");
	const char *next;
	struct thread_entry *e;
	struct tweet t;
	size_t i;

	for (i = 0; i < json_array_size(replies); i++) {
		if (!model_tweet_parse(json_array_get(replies, i), &t))
			continue;
		e = view_thread_add(vh);
		if (e == NULL) {
			model_tweet_release(&t);
			break;
		}
		e->t = t;
		e->depth = depth;
	}
	free(vh->cursor);
	vh->cursor = NULL;
	next = json_string_value(json_object_get(answer, "nextCursor"));
	if (next != NULL && next[0] != '\0')
		vh->cursor = xstrdup(next);
}

/* The whole thread again: ancestors, the tweet, the first replies. */
static void
view_thread_load(struct view *v, struct tui *tui)
{
	struct view_thread *vh = v->data;
	struct api_error err;
	json_t *answer = NULL, *anc;
	struct thread_entry *e;
	struct tweet t;
	int64_t sel_id = vh->len > 0 ? vh->items[vh->selected].t.id : 0;
	size_t i;

	if (api_get_thread(tui->api, vh->id, NULL, VIEW_THREAD_PAGE, &answer,
	    &err) != API_OK) {
		tui_api_error(tui, "cannot load the thread", &err);
		return;
	}
	if (!model_tweet_parse(json_object_get(answer, "tweet"), &t)) {
		tui_error(tui, "the thread came without its tweet");
		json_decref(answer);
		return;
	}
	view_thread_clear(vh);
	anc = json_object_get(answer, "ancestors");
	for (i = 0; i < json_array_size(anc); i++) {
		e = view_thread_add(vh);
		e->depth = (int)i;
		/* a deleted ancestor is null in its place */
		if (!model_tweet_parse(json_array_get(anc, i), &e->t))
			e->missing = true;
	}
	e = view_thread_add(vh);
	e->t = t;
	e->depth = (int)json_array_size(anc);
	vh->focus = vh->len - 1;
	view_thread_take_replies(vh, answer, e->depth + 1);
	json_decref(answer);
	vh->loaded = true;
	vh->selected = vh->focus;
	for (i = 0; sel_id != 0 && i < vh->len; i++)
		if (!vh->items[i].missing && vh->items[i].t.id == sel_id)
			vh->selected = i;
	tui->dirty = true;
}

/* The next page of replies, when there is one. */
static void
view_thread_more(struct view_thread *vh, struct tui *tui)
{
	struct api_error err;
	json_t *answer = NULL;

	if (vh->cursor == NULL)
		return;
	if (api_get_thread(tui->api, vh->id, vh->cursor, VIEW_THREAD_PAGE,
	    &answer, &err) != API_OK) {
		tui_api_error(tui, "cannot load more replies", &err);
		return;
	}
	view_thread_take_replies(vh, answer, vh->items[vh->focus].depth + 1);
	json_decref(answer);
}

static const struct tweet *
view_thread_selected(struct view_thread *vh, struct tui *tui)
{
	if (vh->len == 0)
		return NULL;
	if (vh->items[vh->selected].missing) {
		tui_error(tui, "that tweet was deleted");
		return NULL;
	}
	return &vh->items[vh->selected].t;
}

static void
view_thread_move(struct view *v, struct tui *tui, long delta)
{
	struct view_thread *vh = v->data;
	long s = (long)vh->selected + delta;

	if (vh->len > 0 && s >= (long)vh->len - 1)
		view_thread_more(vh, tui);
	if (s < 0)
		s = 0;
	if (vh->len == 0)
		s = 0;
	else if (s >= (long)vh->len)
		s = (long)vh->len - 1;
	vh->selected = (size_t)s;
}

static void
view_thread_down(struct view *v, struct tui *tui)
{
	view_thread_move(v, tui, 1);
}

static void
view_thread_up(struct view *v, struct tui *tui)
{
	view_thread_move(v, tui, -1);
}

static void
view_thread_first(struct view *v, struct tui *tui)
{
	struct view_thread *vh = v->data;

	(void)tui;
	vh->selected = 0;
}

static void
view_thread_last(struct view *v, struct tui *tui)
{
	struct view_thread *vh = v->data;

	view_thread_move(v, tui, (long)vh->len);
}

static void
view_thread_open_selected(struct view *v, struct tui *tui)
{
	struct view_thread *vh = v->data;
	const struct tweet *t = view_thread_selected(vh, tui);

	if (t == NULL)
		return;
	if (vh->selected == vh->focus) {
		tui_message(tui, "this is its thread");
		return;
	}
	view_thread_open(tui, t->id);
}

static void
view_thread_reply(struct view *v, struct tui *tui)
{
	const struct tweet *t = view_thread_selected(v->data, tui);

	if (t != NULL)
		view_compose_open_reply(tui, entry_shown(t));
}

static void
view_thread_like(struct view *v, struct tui *tui)
{
	const struct tweet *t = view_thread_selected(v->data, tui);

	if (t != NULL)
		social_like(tui, t);
}

static void
view_thread_repost(struct view *v, struct tui *tui)
{
	const struct tweet *t = view_thread_selected(v->data, tui);

	if (t != NULL)
		social_repost(tui, t);
}

static void
view_thread_author(struct view *v, struct tui *tui)
{
	const struct tweet *t = view_thread_selected(v->data, tui);

	if (t != NULL)
		view_timeline_open_user(tui, t->user_id, t->username);
}

static void
view_thread_refresh(struct view *v, struct tui *tui)
{
	view_thread_load(v, tui);
}

static const struct tui_binding view_thread_keys[] = {
	{ 'j', "j, down", "next tweet of the thread", view_thread_down },
	{ TUI_KEY_FN | KEY_DOWN, NULL, NULL, view_thread_down },
	{ 'k', "k, up", "previous tweet of the thread", view_thread_up },
	{ TUI_KEY_FN | KEY_UP, NULL, NULL, view_thread_up },
	{ 'g', "g, Home", "the first tweet", view_thread_first },
	{ TUI_KEY_FN | KEY_HOME, NULL, NULL, view_thread_first },
	{ 'G', "G, End", "the last reply", view_thread_last },
	{ TUI_KEY_FN | KEY_END, NULL, NULL, view_thread_last },
	{ '\r', "Enter", "the selected tweet's own thread",
	    view_thread_open_selected },
	{ '\n', NULL, NULL, view_thread_open_selected },
	{ TUI_KEY_FN | KEY_ENTER, NULL, NULL, view_thread_open_selected },
	{ 'r', "r", "reply to the selected tweet", view_thread_reply },
	{ 'l', "l", "like or unlike the selected tweet", view_thread_like },
	{ 't', "t", "repost or unrepost the selected tweet",
	    view_thread_repost },
	{ 'a', "a", "the selected author's timeline", view_thread_author },
	{ 'R', "R", "refresh", view_thread_refresh },
	{ 0, NULL, NULL, NULL },
};

static int
view_thread_height(const struct thread_entry *e)
{
	int width = COLS - view_thread_indent(e->depth) - 2;

	if (e->missing)
		return 2;
	return entry_height(&e->t, width > 8 ? width : 8);
}

/* Keep the selected entry on screen. */
static void
view_thread_scroll(struct view_thread *vh, int rows)
{
	size_t top = vh->top, i;
	int sum = 0, h;

	if (vh->selected < top)
		top = vh->selected;
	for (i = top; i <= vh->selected && i < vh->len; i++)
		sum += view_thread_height(&vh->items[i]);
	if (sum > rows) {
		top = vh->selected;
		sum = view_thread_height(&vh->items[top]);
		while (top > 0) {
			h = view_thread_height(&vh->items[top - 1]);
			if (sum + h > rows)
				break;
			sum += h;
			top--;
		}
	}
	vh->top = top;
}

static void
view_thread_draw(struct view *v, struct tui *tui)
{
	struct view_thread *vh = v->data;
	unsigned dim = tui_attr(tui, TUI_COLOR_DIM, A_DIM);
	int y = 1, last = LINES - 2, x, width, k, h;
	size_t i;

	if (vh->loaded && !vh->items[vh->focus].missing)
		snprintf(v->title, sizeof v->title, " thread of @%s's tweet",
		    vh->items[vh->focus].t.username);
	else
		snprintf(v->title, sizeof v->title, " thread");
	if (vh->len == 0) {
		tui_put(2, 2, COLS - 4, "Not loaded: R to try again", dim);
		return;
	}
	snprintf(v->title_right, sizeof v->title_right, "%zu repl%s%s",
	    vh->len - vh->focus - 1, vh->len - vh->focus - 1 == 1 ? "y" :
	    "ies", vh->cursor != NULL ? "+" : "");
	view_thread_scroll(vh, last);
	for (i = vh->top; i < vh->len && y <= last; i++) {
		const struct thread_entry *e = &vh->items[i];
		bool sel = i == vh->selected;

		x = view_thread_indent(e->depth);
		width = COLS - x - 2 > 8 ? COLS - x - 2 : 8;
		if (e->missing) {
			if (sel)
				tui_put_selected(y);
			tui_put(y, x, COLS - x, "[deleted]", sel ? A_REVERSE :
			    dim);
			y += 2;
			continue;
		}
		h = entry_draw(tui, &e->t, y, x, width, last, sel);
		/* the tweet of the thread: a bar beside it */
		if (i == vh->focus)
			for (k = 0; k < h - 1; k++)
				if (y + k <= last && !(sel && k == 0))
					tui_put(y + k, x - 2, 1, tui->utf8 ?
					    "\xe2\x94\x83" : "|",
					    tui_attr(tui, TUI_COLOR_NAME, 0) |
					    A_BOLD);
		y += h;
	}
	if (i == vh->len && y <= last)
		tui_put(y, 2, COLS - 4, vh->cursor != NULL ?
		    "- j for more replies -" : "- end of the thread -", dim);
}

/* A new reply to the tweet arrives at the end, once every page is in. */
static void
view_thread_on_tweet(struct view *v, struct tui *tui, const struct tweet *t)
{
	struct view_thread *vh = v->data;
	struct thread_entry *e;
	size_t i;

	(void)tui;
	if (!vh->loaded || t->reply_to != vh->id || vh->cursor != NULL)
		return;
	for (i = vh->focus + 1; i < vh->len; i++)
		if (vh->items[i].t.id == t->id)
			return;
	e = view_thread_add(vh);
	if (e == NULL)
		return;
	model_tweet_copy(&e->t, t);
	e->depth = vh->items[vh->focus].depth + 1;
}

static void
view_thread_on_delete(struct view *v, struct tui *tui, int64_t id)
{
	struct view_thread *vh = v->data;
	size_t i;

	(void)tui;
	for (i = 0; i < vh->len; i++) {
		struct thread_entry *e = &vh->items[i];

		if (e->missing || e->t.id != id)
			continue;
		if (i <= vh->focus) {
			/* the tweet or an ancestor: its place stays */
			model_tweet_release(&e->t);
			e->t.id = id;
			e->missing = true;
			return;
		}
		model_tweet_release(&e->t);
		memmove(e, e + 1, (vh->len - i - 1) * sizeof *e);
		vh->len--;
		if (vh->selected >= vh->len)
			vh->selected = vh->len - 1;
		if (vh->top > vh->selected)
			vh->top = vh->selected;
		return;
	}
}

static void
view_thread_on_update(struct view *v, struct tui *tui, const struct tweet *u)
{
	struct view_thread *vh = v->data;
	size_t i;

	(void)tui;
	for (i = 0; i < vh->len; i++)
		if (!vh->items[i].missing)
			entry_apply(&vh->items[i].t, u);
}

static const struct tweet *
view_thread_find(struct view *v, int64_t id)
{
	struct view_thread *vh = v->data;
	size_t i;

	for (i = 0; i < vh->len; i++)
		if (!vh->items[i].missing && vh->items[i].t.id == id)
			return &vh->items[i].t;
	return NULL;
}

static void
view_thread_free(struct view *v)
{
	struct view_thread *vh = v->data;

	view_thread_clear(vh);
	free(vh->items);
	free(vh);
}

const struct view_type view_thread_type = {
	.name = "thread",
	.keys = view_thread_keys,
	.free = view_thread_free,
	.draw = view_thread_draw,
	.on_tweet = view_thread_on_tweet,
	.on_delete = view_thread_on_delete,
	.reload = view_thread_load,
	.on_update = view_thread_on_update,
	.find = view_thread_find,
};

void
view_thread_open(struct tui *tui, int64_t tweet_id)
{
	struct view_thread *vh = xcalloc(1, sizeof *vh);
	struct view *v = tui_view_new(&view_thread_type, vh);

	vh->id = tweet_id;
	tui_push(tui, v);
	view_thread_load(v, tui);
}
