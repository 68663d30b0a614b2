/*
 * view-notifications.c: the caller's notifications, newest first, one a
 * line ("@bob liked your tweet: ..."), older pages as the selection
 * reaches the end. Opening it marks them read; those that were unread
 * keep a mark while it is open. A notification arriving live while it is
 * the view on screen goes to the top and is marked read too (it was
 * seen); under another view it only counts in the status line.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "timeutil.h"
#include "tui.h"
#include "xmalloc.h"

#define VIEW_NOTIFICATIONS_PAGE 40
#define VIEW_NOTIFICATIONS_MAX 5000	/* kept in memory */

struct notification {
	int64_t id;
	char type[16];
	int64_t created_ms;
	bool unread;		/* when it arrived or the view opened */
	int64_t actor_id;
	char actor[33];
	bool has_tweet;
	struct tweet tweet;	/* owned when has_tweet */
};

struct view_notifications {
	struct notification *items;	/* newest first, ids decreasing */
	size_t len;
	size_t cap;
	size_t selected;
	size_t top;
	bool at_end;
	bool loaded;
};

/* A notification object of the API into n; false when it is not one. */
static bool
view_notifications_parse(const json_t *o, struct notification *n)
{
	const json_t *actor = json_object_get(o, "actor");
	const json_t *tw = json_object_get(o, "tweet");
	const char *type = json_string_value(json_object_get(o, "type"));
	const char *created = json_string_value(json_object_get(o,
	    "createdAt"));
	const char *name = json_string_value(json_object_get(actor,
	    "username"));

	memset(n, 0, sizeof *n);
	if (!model_get_id(o, "notificationId", &n->id) || type == NULL ||
	    strlen(type) >= sizeof n->type || name == NULL ||
	    !model_get_id(actor, "userId", &n->actor_id))
		return false;
	snprintf(n->type, sizeof n->type, "%s", type);
	snprintf(n->actor, sizeof n->actor, "%s", name);
	if (created == NULL || !time_parse_rfc3339(created, &n->created_ms))
		n->created_ms = 0;
	n->unread = !json_is_true(json_object_get(o, "read"));
	if (json_is_object(tw) && model_tweet_parse(tw, &n->tweet))
		n->has_tweet = true;
	return true;
}

static void
view_notifications_release(struct notification *n)
{
	if (n->has_tweet)
		model_tweet_release(&n->tweet);
	n->has_tweet = false;
}

/* Put n (taken) in id order; false (and n released) when present. */
static bool
view_notifications_insert(struct view_notifications *vn,
    struct notification *n)
{
	size_t p = 0;

	while (p < vn->len && vn->items[p].id > n->id)
		p++;
	if ((p < vn->len && vn->items[p].id == n->id) ||
	    vn->len == VIEW_NOTIFICATIONS_MAX) {
		view_notifications_release(n);
		return false;
	}
	if (vn->len == vn->cap) {
		vn->cap = vn->cap ? vn->cap * 2 : 64;
		vn->items = xrealloc(vn->items, vn->cap * sizeof *vn->items);
	}
	memmove(&vn->items[p + 1], &vn->items[p],
	    (vn->len - p) * sizeof *vn->items);
	vn->items[p] = *n;
	vn->len++;
	/* the selection stays on the same one, unless it is on the newest */
	if (p <= vn->selected && vn->len > 1 && vn->selected > 0)
		vn->selected++;
	return true;
}

/* A page older than before (0: the newest); -1 when it failed. */
static int
view_notifications_fetch(struct view_notifications *vn, struct tui *tui,
    int64_t before)
{
	struct api_error err;
	json_t *answer = NULL, *arr, *n;
	struct notification item;
	size_t i;

	if (api_get_notifications(tui->api, VIEW_NOTIFICATIONS_PAGE, before,
	    &answer, &err) != API_OK) {
		tui_api_error(tui, "cannot load the notifications", &err);
		return -1;
	}
	arr = json_object_get(answer, "notifications");
	json_array_foreach(arr, i, n) {
		if (view_notifications_parse(n, &item))
			view_notifications_insert(vn, &item);
	}
	if (json_array_size(arr) < VIEW_NOTIFICATIONS_PAGE)
		vn->at_end = true;
	n = json_object_get(answer, "unread");
	if (before == 0 && json_is_integer(n)) {
		tui->unread = json_integer_value(n);
		tui->have_unread = true;
	}
	json_decref(answer);
	vn->loaded = true;
	return 0;
}

static void
view_notifications_clear(struct view_notifications *vn)
{
	size_t i;

	for (i = 0; i < vn->len; i++)
		view_notifications_release(&vn->items[i]);
	vn->len = 0;
	vn->at_end = false;
}

/* Load the newest page again and mark everything in it read. */
static void
view_notifications_refresh(struct view *v, struct tui *tui)
{
	struct view_notifications *vn = v->data;

	view_notifications_clear(vn);
	if (view_notifications_fetch(vn, tui, 0) < 0)
		return;
	if (vn->selected >= vn->len)
		vn->selected = vn->len > 0 ? vn->len - 1 : 0;
	if (vn->len > 0 && tui->unread > 0)
		tui->notify_mark = vn->items[0].id;
	tui->dirty = true;
}

static void
view_notifications_move(struct view *v, struct tui *tui, long delta)
{
	struct view_notifications *vn = v->data;
	long s = (long)vn->selected + delta;

	if (vn->len > 0 && s >= (long)vn->len - 1 && !vn->at_end)
		view_notifications_fetch(vn, tui, vn->items[vn->len - 1].id);
	if (s < 0 || vn->len == 0)
		s = 0;
	else if (s >= (long)vn->len)
		s = (long)vn->len - 1;
	vn->selected = (size_t)s;
}

static void
view_notifications_down(struct view *v, struct tui *tui)
{
	view_notifications_move(v, tui, 1);
}

static void
view_notifications_up(struct view *v, struct tui *tui)
{
	view_notifications_move(v, tui, -1);
}

static void
view_notifications_page_down(struct view *v, struct tui *tui)
{
	view_notifications_move(v, tui, LINES - 3);
}

static void
view_notifications_page_up(struct view *v, struct tui *tui)
{
	view_notifications_move(v, tui, -(LINES - 3));
}

static void
view_notifications_first(struct view *v, struct tui *tui)
{
	view_notifications_move(v, tui, -(long)SIZE_MAX / 2);
}

static void
view_notifications_last(struct view *v, struct tui *tui)
{
	struct view_notifications *vn = v->data;

	view_notifications_move(v, tui, (long)vn->len);
}

/* Enter: the tweet's thread, or the follower's timeline. */
static void
view_notifications_open_selected(struct view *v, struct tui *tui)
{
	struct view_notifications *vn = v->data;
	const struct notification *n;

	if (vn->len == 0)
		return;
	n = &vn->items[vn->selected];
	if (n->has_tweet)
		view_thread_open(tui, n->tweet.id);
	else
		view_timeline_open_user(tui, n->actor_id, n->actor);
}

static void
view_notifications_reload(struct view *v, struct tui *tui)
{
	view_notifications_refresh(v, tui);
	tui_message(tui, "refreshed");
}

static const struct tui_binding view_notifications_keys[] = {
	{ 'j', "j, down", "next (older) notification",
	    view_notifications_down },
	{ TUI_KEY_FN | KEY_DOWN, NULL, NULL, view_notifications_down },
	{ 'k', "k, up", "previous (newer) notification",
	    view_notifications_up },
	{ TUI_KEY_FN | KEY_UP, NULL, NULL, view_notifications_up },
	{ 'g', "g, Home", "newest", view_notifications_first },
	{ TUI_KEY_FN | KEY_HOME, NULL, NULL, view_notifications_first },
	{ 'G', "G, End", "oldest loaded", view_notifications_last },
	{ TUI_KEY_FN | KEY_END, NULL, NULL, view_notifications_last },
	{ TUI_KEY_FN | KEY_NPAGE, "PgDn", "a screen down",
	    view_notifications_page_down },
	{ TUI_KEY_FN | KEY_PPAGE, "PgUp", "a screen up",
	    view_notifications_page_up },
	{ '\r', "Enter", "the tweet's thread, or the follower's timeline",
	    view_notifications_open_selected },
	{ '\n', NULL, NULL, view_notifications_open_selected },
	{ TUI_KEY_FN | KEY_ENTER, NULL, NULL,
	    view_notifications_open_selected },
	{ 'R', "R", "refresh", view_notifications_reload },
	{ 0, NULL, NULL, NULL },
};

/* "@bob liked your tweet: text" for one line. */
static void
view_notifications_line(const struct notification *n, char *out,
    size_t size)
{
	const char *what = strcmp(n->type, "follow") == 0 ? "followed you" :
	    strcmp(n->type, "like") == 0 ? "liked your tweet" :
	    strcmp(n->type, "repost") == 0 ? "reposted your tweet" :
	    strcmp(n->type, "reply") == 0 ? "replied" :
	    strcmp(n->type, "mention") == 0 ? "mentioned you" : n->type;

	/* the text is made safe when drawn (tui_put) */
	if (n->has_tweet)
		snprintf(out, size, "@%s %s: %s", n->actor, what,
		    n->tweet.content != NULL ? n->tweet.content : "");
	else
		snprintf(out, size, "@%s %s", n->actor, what);
}

static void
view_notifications_draw(struct view *v, struct tui *tui)
{
	struct view_notifications *vn = v->data;
	unsigned dim = tui_attr(tui, TUI_COLOR_DIM, A_DIM);
	int rows = LINES - 2, y, aw;
	char line[1400], when[32];
	size_t i;
	int64_t now = time_now_ms();

	snprintf(v->title, sizeof v->title, " chirp: notifications");
	if (vn->len == 0) {
		tui_put(2, 2, COLS - 4, vn->loaded ? "No notifications yet." :
		    "Not loaded: R to try again", dim);
		return;
	}
	if (vn->selected < vn->top)
		vn->top = vn->selected;
	if (rows > 0 && vn->selected >= vn->top + (size_t)rows)
		vn->top = vn->selected - (size_t)rows + 1;
	for (i = vn->top, y = 1; i < vn->len && y <= rows; i++, y++) {
		const struct notification *n = &vn->items[i];
		bool sel = i == vn->selected;

		time_format_age(now, n->created_ms, when, sizeof when);
		aw = text_width(when) + 1;
		view_notifications_line(n, line, sizeof line);
		if (sel)
			tui_put_selected(y);
		if (n->unread)
			tui_put(y, 1, 1, tui->utf8 ? "\xe2\x80\xa2" : "*",
			    (sel ? A_REVERSE : tui_attr(tui, TUI_COLOR_NAME,
			    0)) | A_BOLD);
		tui_put(y, 2, COLS - 3 - aw, line, sel ? A_REVERSE :
		    n->unread ? A_BOLD : 0);
		tui_put(y, COLS - aw, aw, when, sel ? A_REVERSE : dim);
	}
}

static void
view_notifications_on_notification(struct view *v, struct tui *tui,
    const json_t *o)
{
	struct view_notifications *vn = v->data;
	struct notification n;

	if (!vn->loaded || !view_notifications_parse(o, &n))
		return;
	if (!view_notifications_insert(vn, &n))
		return;
	/* seen at once when this view is the one on screen */
	if (tui_top(tui) == v && n.unread)
		tui->notify_mark = vn->items[0].id;
}

static void
view_notifications_on_notification_delete(struct view *v, struct tui *tui,
    int64_t id)
{
	struct view_notifications *vn = v->data;
	size_t i;

	(void)tui;
	for (i = 0; i < vn->len; i++) {
		if (vn->items[i].id != id)
			continue;
		view_notifications_release(&vn->items[i]);
		memmove(&vn->items[i], &vn->items[i + 1],
		    (vn->len - i - 1) * sizeof *vn->items);
		vn->len--;
		if (vn->selected >= vn->len && vn->selected > 0)
			vn->selected--;
		return;
	}
}

/* A deleted tweet takes its notifications with it (the server's do). */
static void
view_notifications_on_delete(struct view *v, struct tui *tui, int64_t id)
{
	struct view_notifications *vn = v->data;
	size_t i;

	for (i = vn->len; i-- > 0;)
		if (vn->items[i].has_tweet && vn->items[i].tweet.id == id)
			view_notifications_on_notification_delete(v, tui,
			    vn->items[i].id);
}

static void
view_notifications_free(struct view *v)
{
	struct view_notifications *vn = v->data;

	view_notifications_clear(vn);
	free(vn->items);
	free(vn);
}

const struct view_type view_notifications_type = {
	.name = "notifications",
	.keys = view_notifications_keys,
	.free = view_notifications_free,
	.draw = view_notifications_draw,
	.on_delete = view_notifications_on_delete,
	.reload = view_notifications_refresh,
	.on_notification = view_notifications_on_notification,
	.on_notification_delete = view_notifications_on_notification_delete,
};

void
view_notifications_open(struct tui *tui)
{
	struct view_notifications *vn = xcalloc(1, sizeof *vn);
	struct view *v = tui_view_new(&view_notifications_type, vn);

	tui_push(tui, v);
	view_notifications_refresh(v, tui);
}
