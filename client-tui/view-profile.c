/*
 * view-profile.c: 'p' edits your display name and bio (PATCH
 * /users/{userId}) in a small form: Tab or the arrows move between the two
 * fields, each with its characters left; Enter saves, Esc cancels. Text
 * the server would refuse is refused here with the same words, and a
 * refusal of the server shows on the status line, the form staying open.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "text.h"
#include "tui.h"
#include "validate.h"
#include "xmalloc.h"

struct view_profile {
	struct field name;
	struct field bio;
	int at;			/* 0: the name, 1: the bio */
	bool loaded;
};

static struct field *
view_profile_field(struct view_profile *vp)
{
	return vp->at == 0 ? &vp->name : &vp->bio;
}

/* A field from the server's text, cut (at a character) if too long. */
static void
view_profile_set(struct field *f, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	field_clear(f);
	if (n > FIELD_MAX) {
		n = FIELD_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(f->text, s, n);
	f->text[n] = '\0';
	f->len = n;
}

static const char *
view_profile_problem(enum profile_error e, const char *what)
{
	static char buf[96];

	switch (e) {
	case PROFILE_TOO_LONG:
		snprintf(buf, sizeof buf, "the %s is too long", what);
		break;
	case PROFILE_BAD_UTF8:
		snprintf(buf, sizeof buf, "the %s is not valid UTF-8", what);
		break;
	case PROFILE_CONTROL:
		snprintf(buf, sizeof buf, "the %s holds a control character",
		    what);
		break;
	default:
		return NULL;
	}
	return buf;
}

static void
view_profile_save(struct view *v, struct tui *tui)
{
	struct view_profile *vp = v->data;
	struct api_error err;
	json_t *answer = NULL;
	const char *problem;

	problem = view_profile_problem(validate_display_name(vp->name.text,
	    vp->name.len), "display name");
	if (problem == NULL)
		problem = view_profile_problem(validate_bio(vp->bio.text,
		    vp->bio.len), "bio");
	if (problem != NULL) {
		tui_error(tui, "%s", problem);
		return;
	}
	if (api_patch_user(tui->api, tui->cred.user_id, vp->name.text,
	    vp->bio.text, &answer, &err) != API_OK) {
		tui_api_error(tui, "cannot save the profile", &err);
		return;
	}
	json_decref(answer);
	tui_pop(tui);		/* frees this view */
	tui_message(tui, "profile saved");
}

static void
view_profile_cancel(struct view *v, struct tui *tui)
{
	(void)v;
	tui_pop(tui);
	tui_message(tui, "cancelled");
}

static void
view_profile_next(struct view *v, struct tui *tui)
{
	struct view_profile *vp = v->data;

	(void)tui;
	vp->at = !vp->at;
}

static void
view_profile_backspace(struct view *v, struct tui *tui)
{
	(void)tui;
	field_backspace(view_profile_field(v->data));
}

static void
view_profile_word(struct view *v, struct tui *tui)
{
	(void)tui;
	field_delete_word(view_profile_field(v->data));
}

static void
view_profile_clear(struct view *v, struct tui *tui)
{
	(void)tui;
	field_clear(view_profile_field(v->data));
}

static const struct tui_binding view_profile_keys[] = {
	{ '\r', "Enter", "save", view_profile_save },
	{ '\n', NULL, NULL, view_profile_save },
	{ TUI_KEY_FN | KEY_ENTER, NULL, NULL, view_profile_save },
	{ TUI_KEY_ESC, "Esc", "cancel", view_profile_cancel },
	{ '\t', "Tab, up, down", "the other field", view_profile_next },
	{ TUI_KEY_FN | KEY_BTAB, NULL, NULL, view_profile_next },
	{ TUI_KEY_FN | KEY_UP, NULL, NULL, view_profile_next },
	{ TUI_KEY_FN | KEY_DOWN, NULL, NULL, view_profile_next },
	{ TUI_KEY_FN | KEY_BACKSPACE, "Backspace", "delete a character",
	    view_profile_backspace },
	{ 127, NULL, NULL, view_profile_backspace },
	{ 8, NULL, NULL, view_profile_backspace },
	{ TUI_KEY_CTRL('w'), "^W", "delete a word", view_profile_word },
	{ TUI_KEY_CTRL('u'), "^U", "clear the field", view_profile_clear },
	{ 0, NULL, NULL, NULL },
};

static void
view_profile_key(struct view *v, struct tui *tui, int key)
{
	if (key & TUI_KEY_FN)
		return;
	if (!field_add(view_profile_field(v->data), key) && key >= 0x20)
		tui_error(tui, "the text cannot grow any longer");
}

/* One field: its label with the characters left, its text wrapped. */
static int
view_profile_draw_field(struct tui *tui, int y, int last, const char *label,
    const struct field *f, long max, bool active)
{
	long n = validate_utf8_count(f->text, f->len);
	long left = max - (n < 0 ? 0 : n);
	int width = COLS - 6 > 8 ? COLS - 6 : 8;
	struct text_lines w;
	char buf[96], *shown;
	size_t i;

	snprintf(buf, sizeof buf, "%s%s  (%ld characters left)",
	    active ? "> " : "  ", label, left);
	tui_put(y++, 2, COLS - 4, buf, (active ? A_BOLD : 0) | (left < 0 ?
	    tui_attr(tui, TUI_COLOR_ERROR, A_BOLD) : 0));
	shown = xasprintf("%s%s", f->text, active ? "_" : "");
	text_wrap(shown, width, &w);
	free(shown);
	for (i = 0; i < w.n && y <= last; i++, y++)
		tui_put(y, 4, width, w.line[i], 0);
	text_lines_release(&w);
	return y + 1;
}

static void
view_profile_draw(struct view *v, struct tui *tui)
{
	struct view_profile *vp = v->data;
	int y = 2, last = LINES - 4;

	snprintf(v->title, sizeof v->title, " chirp: your profile (@%s)",
	    tui->cred.username);
	y = view_profile_draw_field(tui, y, last, "Display name", &vp->name,
	    DISPLAY_NAME_MAX, vp->at == 0);
	view_profile_draw_field(tui, y, last, "Bio", &vp->bio, BIO_MAX,
	    vp->at == 1);
	tui_put(LINES - 2, 2, COLS - 4,
	    "Tab: other field   Enter: save   Esc: cancel",
	    tui_attr(tui, TUI_COLOR_DIM, A_DIM));
}

const struct view_type view_profile_type = {
	.name = "profile editor",
	.keys = view_profile_keys,
	.text_input = true,
	.draw = view_profile_draw,
	.key = view_profile_key,
};

void
view_profile_open(struct tui *tui)
{
	struct view_profile *vp = xcalloc(1, sizeof *vp);
	struct api_error err;
	json_t *answer = NULL;
	char path[64];

	/* start from what is stored, so that Enter changes only the edit */
	snprintf(path, sizeof path, "/users/%lld",
	    (long long)tui->cred.user_id);
	if (api_call(tui->api, "GET", path, NULL, NULL, &answer, &err) !=
	    API_OK) {
		free(vp);
		tui_api_error(tui, "cannot read your profile", &err);
		return;
	}
	view_profile_set(&vp->name, json_string_value(json_object_get(answer,
	    "displayName")));
	view_profile_set(&vp->bio, json_string_value(json_object_get(answer,
	    "bio")));
	json_decref(answer);
	vp->loaded = true;
	tui_push(tui, tui_view_new(&view_profile_type, vp));
}
