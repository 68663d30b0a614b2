/*
 * view-help.c: the keys, drawn from the views' own key tables (so the help
 * cannot drift from what the keys do): the view it was opened from first,
 * then the keys of every view, then the others.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"
#include "xmalloc.h"

struct view_help {
	const struct view_type *from;	/* the view help was opened on */
	int scroll;
	int lines;		/* lines of help, from the last draw */
};

static void
view_help_down(struct view *v, struct tui *tui)
{
	struct view_help *vh = v->data;

	(void)tui;
	if (vh->scroll + (LINES - 2) < vh->lines)
		vh->scroll++;
}

static void
view_help_up(struct view *v, struct tui *tui)
{
	struct view_help *vh = v->data;

	(void)tui;
	if (vh->scroll > 0)
		vh->scroll--;
}

static void
view_help_page_down(struct view *v, struct tui *tui)
{
	int i;

	for (i = 0; i < LINES - 3; i++)
		view_help_down(v, tui);
}

static void
view_help_page_up(struct view *v, struct tui *tui)
{
	int i;

	for (i = 0; i < LINES - 3; i++)
		view_help_up(v, tui);
}

static const struct tui_binding view_help_keys[] = {
	{ 'j', "j, down", "scroll down", view_help_down },
	{ TUI_KEY_FN | KEY_DOWN, NULL, NULL, view_help_down },
	{ 'k', "k, up", "scroll up", view_help_up },
	{ TUI_KEY_FN | KEY_UP, NULL, NULL, view_help_up },
	{ TUI_KEY_FN | KEY_NPAGE, "PgDn", "a screen down",
	    view_help_page_down },
	{ ' ', NULL, NULL, view_help_page_down },
	{ TUI_KEY_FN | KEY_PPAGE, "PgUp", "a screen up", view_help_page_up },
	{ 'q', "q, ?, Esc", "close the help", tui_key_back },
	{ '?', NULL, NULL, tui_key_back },
	{ TUI_KEY_ESC, NULL, NULL, tui_key_back },
	{ 0, NULL, NULL, NULL },
};

/* One section: a heading and the named keys of a table. */
static void
view_help_section(struct view_help *vh, int *line, const char *heading,
    const struct tui_binding *keys, unsigned bold)
{
	int top = 1, bottom = LINES - 2, y;
	char buf[160];
	size_t i;

	y = top + *line - vh->scroll;
	if (y >= top && y <= bottom)
		tui_put(y, 1, COLS - 2, heading, bold);
	(*line)++;
	for (i = 0; keys != NULL && keys[i].key != 0; i++) {
		if (keys[i].name == NULL)
			continue;
		y = top + *line - vh->scroll;
		snprintf(buf, sizeof buf, "%-11s %s", keys[i].name,
		    keys[i].help);
		if (y >= top && y <= bottom)
			tui_put(y, 3, COLS - 4, buf, 0);
		(*line)++;
	}
	(*line)++;
}

static void
view_help_draw(struct view *v, struct tui *tui)
{
	struct view_help *vh = v->data;
	int line = 0;
	unsigned bold = tui_attr(tui, TUI_COLOR_NAME, 0) | A_BOLD;
	char heading[96];
	size_t i;

	snprintf(v->title, sizeof v->title, " chirp: keys");
	snprintf(v->title_right, sizeof v->title_right, "q closes");
	if (vh->from != NULL) {
		snprintf(heading, sizeof heading, "In %s", vh->from->name);
		view_help_section(vh, &line, heading, vh->from->keys, bold);
	}
	if (vh->from == NULL || !vh->from->text_input)
		view_help_section(vh, &line, "Everywhere but in text",
		    tui_global_keys, bold);
	for (i = 0; view_table[i] != NULL; i++) {
		if (view_table[i] == vh->from || view_table[i] == v->type)
			continue;
		snprintf(heading, sizeof heading, "In %s", view_table[i]->name);
		view_help_section(vh, &line, heading, view_table[i]->keys,
		    bold);
	}
	if (vh->from != NULL && vh->from->text_input)
		view_help_section(vh, &line, "Everywhere but in text",
		    tui_global_keys, bold);
	vh->lines = line;
}

const struct view_type view_help_type = {
	.name = "help",
	.keys = view_help_keys,
	.draw = view_help_draw,
};

void
view_help_open(struct tui *tui)
{
	struct view_help *vh = xcalloc(1, sizeof *vh);
	struct view *top = tui_top(tui);

	if (top != NULL && top->type == &view_help_type)
		return;
	vh->from = top != NULL ? top->type : NULL;
	tui_push(tui, tui_view_new(&view_help_type, vh));
}
