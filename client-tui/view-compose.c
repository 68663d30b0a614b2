/*
 * view-compose.c: write a tweet. Shows the characters left of 280 (code
 * points, as the server counts them); refuses empty, blank or too long
 * text with a message. Enter sends with an Idempotency-Key kept for the
 * whole compose, so that a retry after a lost answer posts nothing twice;
 * Esc cancels. In reply mode it says to whom, and sends with replyTo.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "rand.h"
#include "text.h"
#include "tui.h"
#include "validate.h"
#include "xmalloc.h"

struct view_compose {
	struct field text;
	char key[33];		/* Idempotency-Key of this tweet */
	int64_t reply_to;	/* the parent's id; 0: a new tweet */
	char reply_name[33];	/* the parent's author */
};

static void
view_compose_send(struct view *v, struct tui *tui)
{
	struct view_compose *vc = v->data;
	struct api_error err;
	enum content_error ce;
	json_t *answer = NULL;
	struct tweet t;
	enum api_status st;
	bool reply;

	ce = validate_content(vc->text.text, vc->text.len);
	if (ce != CONTENT_OK) {
		tui_error(tui, "%s", validate_content_message(ce));
		return;
	}
	st = api_post_tweet(tui->api, tui->cred.user_id, vc->text.text,
	    vc->reply_to, vc->key, &answer, &err);
	if (st != API_OK) {
		/* the text stays: Enter again retries with the same key */
		tui_api_error(tui, vc->reply_to > 0 ? "cannot reply" :
		    "cannot post", &err);
		return;
	}
	/* show it now; the live feed's copy of it is then a duplicate */
	if (model_tweet_parse(answer, &t)) {
		tui_broadcast_tweet(tui, &t);
		model_tweet_release(&t);
	}
	json_decref(answer);
	if (vc->reply_to > 0) {
		/* the parent's replyCount grew: read it again */
		answer = NULL;
		if (api_get_tweet(tui->api, vc->reply_to, &answer, &err) ==
		    API_OK && model_tweet_parse(answer, &t)) {
			tui_broadcast_update(tui, &t);
			model_tweet_release(&t);
		}
		json_decref(answer);
	}
	reply = vc->reply_to > 0;
	tui_pop(tui);		/* frees this view */
	tui_message(tui, reply ? "replied" : "posted");
}

static void
view_compose_cancel(struct view *v, struct tui *tui)
{
	(void)v;
	tui_pop(tui);
	tui_message(tui, "cancelled");
}

static void
view_compose_backspace(struct view *v, struct tui *tui)
{
	struct view_compose *vc = v->data;

	(void)tui;
	field_backspace(&vc->text);
}

static void
view_compose_word(struct view *v, struct tui *tui)
{
	struct view_compose *vc = v->data;

	(void)tui;
	field_delete_word(&vc->text);
}

static void
view_compose_clear(struct view *v, struct tui *tui)
{
	struct view_compose *vc = v->data;

	(void)tui;
	field_clear(&vc->text);
}

static const struct tui_binding view_compose_keys[] = {
	{ '\r', "Enter", "send", view_compose_send },
	{ '\n', NULL, NULL, view_compose_send },
	{ TUI_KEY_FN | KEY_ENTER, NULL, NULL, view_compose_send },
	{ TUI_KEY_ESC, "Esc", "cancel", view_compose_cancel },
	{ TUI_KEY_FN | KEY_BACKSPACE, "Backspace", "delete a character",
	    view_compose_backspace },
	{ 127, NULL, NULL, view_compose_backspace },
	{ 8, NULL, NULL, view_compose_backspace },
	{ TUI_KEY_CTRL('w'), "^W", "delete a word", view_compose_word },
	{ TUI_KEY_CTRL('u'), "^U", "clear", view_compose_clear },
	{ 0, NULL, NULL, NULL },
};

static void
view_compose_key(struct view *v, struct tui *tui, int key)
{
	struct view_compose *vc = v->data;

	if (key & TUI_KEY_FN)
		return;
	if (key == '\t')
		key = ' ';
	if (!field_add(&vc->text, key) && key >= 0x20)
		tui_error(tui, "the text cannot grow any longer");
}

static void
view_compose_draw(struct view *v, struct tui *tui)
{
	struct view_compose *vc = v->data;
	struct text_lines w;
	long n = validate_utf8_count(vc->text.text, vc->text.len);
	long left = TWEET_MAX_CHARS - (n < 0 ? 0 : n);
	int width = COLS - 4 > 8 ? COLS - 4 : 8, y = 2, last = LINES - 4;
	char buf[64];
	size_t i, first = 0;


	if (vc->reply_to > 0) {
		snprintf(v->title, sizeof v->title, " chirp: reply as @%s",
		    tui->cred.username);
		snprintf(buf, sizeof buf, "Reply to @%s", vc->reply_name);
		tui_put(1, 2, COLS - 4, buf, tui_attr(tui, TUI_COLOR_NAME, 0) |
		    A_BOLD);
	} else
		snprintf(v->title, sizeof v->title, " chirp: new tweet as @%s",
		    tui->cred.username);
	snprintf(v->title_right, sizeof v->title_right, "%ld left", left);
	/* the text with a cursor, its end in view */
	{
		char *shown = xasprintf("%s_", vc->text.text);

		text_wrap(shown, width, &w);
		free(shown);
	}
	if ((int)w.n > last - y + 1)
		first = w.n - (size_t)(last - y + 1);
	for (i = first; i < w.n && y <= last; i++, y++)
		tui_put(y, 2, width, w.line[i], 0);
	text_lines_release(&w);
	snprintf(buf, sizeof buf, "%ld characters left", left);
	tui_put(LINES - 3, 2, COLS - 4, buf, left < 0 ?
	    tui_attr(tui, TUI_COLOR_ERROR, A_BOLD) | A_BOLD :
	    tui_attr(tui, TUI_COLOR_DIM, A_DIM));
	tui_put(LINES - 2, 2, COLS - 4, "Enter: send   Esc: cancel",
	    tui_attr(tui, TUI_COLOR_DIM, A_DIM));
}

const struct view_type view_compose_type = {
	.name = "compose",
	.keys = view_compose_keys,
	.text_input = true,
	.draw = view_compose_draw,
	.key = view_compose_key,
};

void
view_compose_open(struct tui *tui)
{
	struct view_compose *vc = xcalloc(1, sizeof *vc);

	rand_hex(vc->key, 16);
	tui_push(tui, tui_view_new(&view_compose_type, vc));
}

void
view_compose_open_reply(struct tui *tui, const struct tweet *parent)
{
	struct view_compose *vc = xcalloc(1, sizeof *vc);

	rand_hex(vc->key, 16);
	vc->reply_to = parent->id;
	snprintf(vc->reply_name, sizeof vc->reply_name, "%s",
	    parent->username);
	tui_push(tui, tui_view_new(&view_compose_type, vc));
}
