/*
 * view-users.c: a user's followers or whom they follow, newest follow
 * first, paged with the server's cursor as the selection reaches the end.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_client.h"
#include "follow.h"
#include "tui.h"
#include "xmalloc.h"

#define VIEW_USERS_PAGE 100

struct view_users_entry {
	int64_t id;
	char username[33];
};

struct view_users {
	int64_t user_id;
	char username[33];
	bool followers;		/* else followings */
	struct view_users_entry *items;
	size_t len;
	size_t cap;
	size_t selected;
	size_t top;
	char *cursor;		/* next page, NULL at the end */
	bool loaded;
};

static void
view_users_load(struct view_users *vu, struct tui *tui)
{
	struct api_error err;
	json_t *answer = NULL, *users;
	char *path, *esc = NULL;
	const char *next, *name;
	size_t i;
	int64_t id;

	if (vu->cursor != NULL)
		esc = http_client_escape(vu->cursor);
	path = xasprintf("/users/%lld/%s?limit=%d%s%s",
	    (long long)vu->user_id, vu->followers ? "followers" : "followings",
	    VIEW_USERS_PAGE, esc != NULL ? "&cursor=" : "",
	    esc != NULL ? esc : "");
	free(esc);
	if (api_call(tui->api, "GET", path, NULL, NULL, &answer, &err) !=
	    API_OK) {
		free(path);
		tui_api_error(tui, "cannot load the list", &err);
		return;
	}
	free(path);
	users = json_object_get(answer, "users");
	for (i = 0; i < json_array_size(users); i++) {
		json_t *u = json_array_get(users, i);

		name = json_string_value(json_object_get(u, "username"));
		if (name == NULL || !model_get_id(u, "userId", &id))
			continue;
		if (vu->len == vu->cap) {
			vu->cap = vu->cap ? vu->cap * 2 : 64;
			vu->items = xrealloc(vu->items,
			    vu->cap * sizeof *vu->items);
		}
		vu->items[vu->len].id = id;
		snprintf(vu->items[vu->len].username,
		    sizeof vu->items[vu->len].username, "%s", name);
		vu->len++;
	}
	free(vu->cursor);
	vu->cursor = NULL;
	next = json_string_value(json_object_get(answer, "nextCursor"));
	if (next != NULL)
		vu->cursor = xstrdup(next);
	vu->loaded = true;
	json_decref(answer);
}

static void
view_users_move(struct view *v, struct tui *tui, long delta)
{
	struct view_users *vu = v->data;
	long s = (long)vu->selected + delta;

	if (s < 0)
		s = 0;
	if (vu->len > 0 && (size_t)s >= vu->len - 1 && vu->cursor != NULL)
		view_users_load(vu, tui);
	if (vu->len == 0)
		s = 0;
	else if ((size_t)s >= vu->len)
		s = (long)vu->len - 1;
	vu->selected = (size_t)s;
}

static void
view_users_down(struct view *v, struct tui *tui)
{
	view_users_move(v, tui, 1);
}

static void
view_users_up(struct view *v, struct tui *tui)
{
	view_users_move(v, tui, -1);
}

static void
view_users_page_down(struct view *v, struct tui *tui)
{
	view_users_move(v, tui, LINES - 3);
}

static void
view_users_page_up(struct view *v, struct tui *tui)
{
	view_users_move(v, tui, -(LINES - 3));
}

static void
view_users_first(struct view *v, struct tui *tui)
{
	struct view_users *vu = v->data;

	(void)tui;
	vu->selected = 0;
}

static void
view_users_last(struct view *v, struct tui *tui)
{
	struct view_users *vu = v->data;

	view_users_move(v, tui, (long)vu->len);
}

static void
view_users_open_selected(struct view *v, struct tui *tui)
{
	struct view_users *vu = v->data;

	if (vu->len == 0)
		return;
	view_timeline_open_user(tui, vu->items[vu->selected].id,
	    vu->items[vu->selected].username);
}

static void
view_users_follow(struct view *v, struct tui *tui)
{
	struct view_users *vu = v->data;

	if (vu->len == 0)
		return;
	follow_toggle(tui, vu->items[vu->selected].id,
	    vu->items[vu->selected].username);
}

static void
view_users_refresh(struct view *v, struct tui *tui)
{
	struct view_users *vu = v->data;

	free(vu->cursor);
	vu->cursor = NULL;
	vu->len = 0;
	view_users_load(vu, tui);
	if (vu->selected >= vu->len)
		vu->selected = vu->len > 0 ? vu->len - 1 : 0;
}

static const struct tui_binding view_users_keys[] = {
	{ 'j', "j, down", "next user", view_users_down },
	{ TUI_KEY_FN | KEY_DOWN, NULL, NULL, view_users_down },
	{ 'k', "k, up", "previous user", view_users_up },
	{ TUI_KEY_FN | KEY_UP, NULL, NULL, view_users_up },
	{ 'g', "g, Home", "first", view_users_first },
	{ TUI_KEY_FN | KEY_HOME, NULL, NULL, view_users_first },
	{ 'G', "G, End", "last", view_users_last },
	{ TUI_KEY_FN | KEY_END, NULL, NULL, view_users_last },
	{ TUI_KEY_FN | KEY_NPAGE, "PgDn", "a screen down",
	    view_users_page_down },
	{ TUI_KEY_FN | KEY_PPAGE, "PgUp", "a screen up", view_users_page_up },
	{ '\r', "Enter", "the selected user's timeline",
	    view_users_open_selected },
	{ '\n', NULL, NULL, view_users_open_selected },
	{ TUI_KEY_FN | KEY_ENTER, NULL, NULL, view_users_open_selected },
	{ 'f', "f", "follow or unfollow the selected user",
	    view_users_follow },
	{ 'R', "R", "refresh", view_users_refresh },
	{ 'r', NULL, NULL, view_users_refresh },
	{ 0, NULL, NULL, NULL },
};

static void
view_users_draw(struct view *v, struct tui *tui)
{
	struct view_users *vu = v->data;
	int rows = LINES - 2, y;
	char line[96];
	size_t i;

	snprintf(v->title, sizeof v->title, " %s @%s", vu->followers ?
	    "followers of" : "followed by", vu->username);
	if (vu->cursor != NULL)
		snprintf(v->title_right, sizeof v->title_right, "%zu+",
		    vu->len);
	else
		snprintf(v->title_right, sizeof v->title_right, "%zu",
		    vu->len);
	if (vu->len == 0) {
		tui_put(2, 2, COLS - 4, vu->loaded ? "Nobody yet." :
		    "Not loaded: r to try again",
		    tui_attr(tui, TUI_COLOR_DIM, A_DIM));
		return;
	}
	if (vu->selected < vu->top)
		vu->top = vu->selected;
	if (rows > 0 && vu->selected >= vu->top + (size_t)rows)
		vu->top = vu->selected - (size_t)rows + 1;
	for (i = vu->top, y = 1; i < vu->len && y <= rows; i++, y++) {
		bool sel = i == vu->selected;
		const char *mark = vu->items[i].id == tui->cred.user_id ?
		    "  (you)" : follow_contains(tui, vu->items[i].id) ?
		    "  (followed)" : "";

		snprintf(line, sizeof line, "@%s%s", vu->items[i].username,
		    mark);
		if (sel)
			tui_put_selected(y);
		tui_put(y, 2, COLS - 2, line, sel ? A_REVERSE | A_BOLD :
		    tui_attr(tui, TUI_COLOR_NAME, 0));
	}
}

static void
view_users_free(struct view *v)
{
	struct view_users *vu = v->data;

	free(vu->items);
	free(vu->cursor);
	free(vu);
}

const struct view_type view_users_type = {
	.name = "followers and following",
	.keys = view_users_keys,
	.free = view_users_free,
	.draw = view_users_draw,
	.reload = view_users_refresh,
};

void
view_users_open(struct tui *tui, int64_t user_id, const char *username,
    bool followers)
{
	struct view_users *vu = xcalloc(1, sizeof *vu);

	vu->user_id = user_id;
	snprintf(vu->username, sizeof vu->username, "%s", username);
	vu->followers = followers;
	tui_push(tui, tui_view_new(&view_users_type, vu));
	view_users_load(vu, tui);
}
