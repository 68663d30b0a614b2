/* view-find.c: '/' find a user by name and open their timeline. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "tui.h"
#include "validate.h"
#include "xmalloc.h"

struct view_find {
	struct field name;
};

static void
view_find_go(struct view *v, struct tui *tui)
{
	struct view_find *vf = v->data;
	struct api_error err;
	json_t *answer = NULL;
	char name[33];
	const char *s;
	int64_t id;

	if (!validate_username(vf->name.text, vf->name.len)) {
		tui_error(tui, "'%s' is not a username (3 to 32 of A-Z a-z "
		    "0-9 _ .)", vf->name.text);
		return;
	}
	if (api_user_by_name(tui->api, vf->name.text, &answer, &err) !=
	    API_OK) {
		if (err.status == API_NOT_FOUND)
			tui_error(tui, "no user '%s'", vf->name.text);
		else
			tui_api_error(tui, "cannot find a user", &err);
		return;
	}
	s = json_string_value(json_object_get(answer, "username"));
	if (s == NULL || !model_get_id(answer, "userId", &id)) {
		json_decref(answer);
		tui_error(tui, "the server's answer is not understood");
		return;
	}
	snprintf(name, sizeof name, "%s", s);
	json_decref(answer);
	tui_pop(tui);		/* frees this view */
	view_timeline_open_user(tui, id, name);
}

static void
view_find_backspace(struct view *v, struct tui *tui)
{
	struct view_find *vf = v->data;

	(void)tui;
	field_backspace(&vf->name);
}

static const struct tui_binding view_find_keys[] = {
	{ '\r', "Enter", "open the user's timeline", view_find_go },
	{ '\n', NULL, NULL, view_find_go },
	{ TUI_KEY_FN | KEY_ENTER, NULL, NULL, view_find_go },
	{ TUI_KEY_ESC, "Esc", "cancel", tui_key_back },
	{ TUI_KEY_FN | KEY_BACKSPACE, "Backspace", "delete a character",
	    view_find_backspace },
	{ 127, NULL, NULL, view_find_backspace },
	{ 8, NULL, NULL, view_find_backspace },
	{ 0, NULL, NULL, NULL },
};

static void
view_find_key(struct view *v, struct tui *tui, int key)
{
	struct view_find *vf = v->data;

	(void)tui;
	if (key & TUI_KEY_FN)
		return;
	if (vf->name.len < 64)
		field_add(&vf->name, key);
}

static void
view_find_draw(struct view *v, struct tui *tui)
{
	struct view_find *vf = v->data;
	char *line;

	snprintf(v->title, sizeof v->title, " chirp: find a user");
	line = xasprintf("Username: %s_", vf->name.text);
	tui_put(2, 2, COLS - 4, line, A_BOLD);
	free(line);
	tui_put(4, 2, COLS - 4, "Enter: open their timeline   Esc: cancel",
	    tui_attr(tui, TUI_COLOR_DIM, A_DIM));
}

const struct view_type view_find_type = {
	.name = "find a user",
	.keys = view_find_keys,
	.text_input = true,
	.draw = view_find_draw,
	.key = view_find_key,
};

void
view_find_open(struct tui *tui)
{
	tui_push(tui, tui_view_new(&view_find_type,
	    xcalloc(1, sizeof(struct view_find))));
}
