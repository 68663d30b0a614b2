/*
 * tui.c: chirp-tui's context: the stack of views, the status line, key
 * dispatch through the views' tables, the live feed's events and the
 * follow list.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "follow.h"
#include "notify.h"
#include "parent.h"
#include "text.h"
#include "timeutil.h"
#include "tui.h"
#include "xmalloc.h"

const struct view_type *const view_table[] = {
	&view_timeline_type,
	&view_users_type,
	&view_compose_type,
	&view_find_type,
	&view_login_type,
	&view_thread_type,
	&view_notifications_type,
	&view_profile_type,
	&view_help_type,
	NULL,
};

static void tui_key_help(struct view *, struct tui *);
static void tui_key_home(struct view *, struct tui *);
static void tui_key_own(struct view *, struct tui *);
static void tui_key_find(struct view *, struct tui *);
static void tui_key_redraw(struct view *, struct tui *);
static void tui_key_notifications(struct view *, struct tui *);
static void tui_key_profile(struct view *, struct tui *);

/* Keys of every view that does not take text. */
const struct tui_binding tui_global_keys[] = {
	{ '?', "?", "help", tui_key_help },
	{ 'h', "h", "home timeline", tui_key_home },
	{ 'u', "u", "your own timeline", tui_key_own },
	{ '/', "/", "find a user", tui_key_find },
	{ 'n', "n", "notifications (marks them read)", tui_key_notifications },
	{ 'p', "p", "edit your profile", tui_key_profile },
	{ 'q', "q", "back, or quit on the home timeline", tui_key_back },
	{ TUI_KEY_CTRL('l'), "^L", "redraw the screen", tui_key_redraw },
	{ 0, NULL, NULL, NULL },
};

struct view *
tui_view_new(const struct view_type *type, void *data)
{
	struct view *v = xcalloc(1, sizeof *v);

	v->type = type;
	v->data = data;
	return v;
}

static void
view_free(struct view *v)
{
	if (v == NULL)
		return;
	if (v->type->free != NULL)
		v->type->free(v);
	else
		free(v->data);
	free(v);
}

void
tui_push(struct tui *tui, struct view *v)
{
	/* a deep stack folds back to the bottom view */
	if (tui->depth == TUI_STACK_MAX)
		tui_pop_to_home(tui);
	if (tui->depth == TUI_STACK_MAX) {
		view_free(v);
		return;
	}
	tui->stack[tui->depth++] = v;
	tui->dirty = true;
}

void
tui_pop(struct tui *tui)
{
	if (tui->depth == 0)
		return;
	view_free(tui->stack[--tui->depth]);
	tui->stack[tui->depth] = NULL;
	tui->dirty = true;
	if (tui->depth == 0)
		tui->running = false;
}

void
tui_pop_to_home(struct tui *tui)
{
	while (tui->depth > 1)
		tui_pop(tui);
}

struct view *
tui_top(struct tui *tui)
{
	return tui->depth > 0 ? tui->stack[tui->depth - 1] : NULL;
}

static void
tui_vmessage(struct tui *tui, bool error, const char *fmt, va_list ap)
{
	vsnprintf(tui->message, sizeof tui->message, fmt, ap);
	tui->message_error = error;
	tui->dirty = true;
}

void
tui_message(struct tui *tui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tui_vmessage(tui, false, fmt, ap);
	va_end(ap);
}

void
tui_error(struct tui *tui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tui_vmessage(tui, true, fmt, ap);
	va_end(ap);
}

void
tui_api_error(struct tui *tui, const char *what, const struct api_error *err)
{
	tui_error(tui, "%s: %s", what, err->message);
	if (err->status == API_UNAUTHORIZED && tui->logged_in) {
		tui->logged_in = false;
		tui_error(tui, "log in again: %s", err->message);
		view_login_open(tui);
	}
}

void
tui_ask(struct tui *tui, const char *question, int64_t id,
    void (*yes)(struct tui *, int64_t))
{
	snprintf(tui->confirm.question, sizeof tui->confirm.question, "%s",
	    question);
	tui->confirm.id = id;
	tui->confirm.yes = yes;
	tui->confirm.active = true;
	tui->message[0] = '\0';
	tui->dirty = true;
}

static void
tui_key_help(struct view *v, struct tui *tui)
{
	(void)v;
	view_help_open(tui);
}

static void
tui_key_home(struct view *v, struct tui *tui)
{
	(void)v;
	tui_pop_to_home(tui);
}

static void
tui_key_own(struct view *v, struct tui *tui)
{
	(void)v;
	tui_pop_to_home(tui);
	view_timeline_open_user(tui, tui->cred.user_id, tui->cred.username);
}

static void
tui_key_find(struct view *v, struct tui *tui)
{
	(void)v;
	view_find_open(tui);
}

static void
tui_key_notifications(struct view *v, struct tui *tui)
{
	if (v->type == &view_notifications_type)
		return;
	view_notifications_open(tui);
}

static void
tui_key_profile(struct view *v, struct tui *tui)
{
	(void)v;
	view_profile_open(tui);
}

void
tui_key_back(struct view *v, struct tui *tui)
{
	(void)v;
	tui_pop(tui);
}

static void
tui_key_redraw(struct view *v, struct tui *tui)
{
	(void)v;
	tui_redraw_all(tui);
}

/* The action bound to key in a table, or NULL. */
static const struct tui_binding *
tui_binding_find(const struct tui_binding *keys, int key)
{
	size_t i;

	for (i = 0; keys != NULL && keys[i].key != 0; i++)
		if (keys[i].key == key)
			return &keys[i];
	return NULL;
}

void
tui_key(struct tui *tui, int key)
{
	struct view *v = tui_top(tui);
	const struct tui_binding *b;

	if (key == (TUI_KEY_FN | KEY_RESIZE)) {
		tui_redraw_all(tui);
		return;
	}
	if (tui->confirm.active) {
		tui->confirm.active = false;
		tui->dirty = true;
		if (key == 'y' || key == 'Y')
			tui->confirm.yes(tui, tui->confirm.id);
		else
			tui_message(tui, "cancelled");
		return;
	}
	tui->message[0] = '\0';
	tui->dirty = true;
	if (v == NULL)
		return;
	b = tui_binding_find(v->type->keys, key);
	if (b == NULL && !v->type->text_input)
		b = tui_binding_find(tui_global_keys, key);
	if (b != NULL)
		b->fn(v, tui);
	else if (v->type->key != NULL)
		v->type->key(v, tui, key);
}

void
tui_put_selected(int y)
{
	attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	attroff(A_REVERSE);
	tui_put(y, 0, 1, ">", A_REVERSE | A_BOLD);
}

unsigned
tui_attr(const struct tui *tui, int pair, unsigned fallback)
{
	if (tui->colors)
		return (unsigned)COLOR_PAIR(pair);
	return fallback;
}

void
tui_put(int y, int x, int width, const char *text, unsigned attr)
{
	char *s;

	if (width <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	if (x + width > COLS)
		width = COLS - x;
	s = text_fit(text, width);
	attron((int)attr);
	mvaddstr(y, x, s);
	attroff((int)attr);
	free(s);
}

/* The live state for the right of the status line. */
static void
tui_live_state(const struct tui *tui, char *out, size_t size)
{
	int64_t left;

	if (tui->feed == NULL) {
		snprintf(out, size, "offline");
		return;
	}
	switch (tui->feed_state) {
	case FEED_LIVE:
		snprintf(out, size, "live");
		break;
	case FEED_CONNECTING:
		snprintf(out, size, "connecting");
		break;
	case FEED_RECONNECTING:
		left = (tui->retry_at_ms - time_mono_ms() + 999) / 1000;
		snprintf(out, size, "reconnecting in %llds",
		    (long long)(left > 0 ? left : 0));
		break;
	case FEED_REFUSED:
		snprintf(out, size, "offline: token refused");
		break;
	case FEED_CLOSED:
	default:
		snprintf(out, size, "offline");
		break;
	}
}

static void
tui_draw_status(struct tui *tui)
{
	char live[64], unread[32] = "", state[160], left[300];
	unsigned bar = tui_attr(tui, TUI_COLOR_BAR, A_REVERSE);
	int y = LINES - 1, sw;

	tui_live_state(tui, live, sizeof live);
	if (tui->have_unread && tui->unread > 0 && tui->logged_in)
		snprintf(unread, sizeof unread, "%lld unread  ",
		    (long long)tui->unread);
	/* a message takes the left: the user moves beside the live state */
	if ((tui->confirm.active || tui->message[0] != '\0') &&
	    tui->logged_in && COLS >= 60)
		snprintf(state, sizeof state, "@%s  %s%s", tui->cred.username,
		    unread, live);
	else
		snprintf(state, sizeof state, "%s%s", unread, live);
	attron((int)bar);
	mvhline(y, 0, ' ', COLS);
	attroff((int)bar);
	sw = text_width(state) + 2;
	if (tui->confirm.active)
		snprintf(left, sizeof left, " %s", tui->confirm.question);
	else if (tui->message[0] != '\0')
		snprintf(left, sizeof left, " %s", tui->message);
	else if (tui->logged_in)
		snprintf(left, sizeof left, " @%s  %s", tui->cred.username,
		    tui->server);
	else
		snprintf(left, sizeof left, " not logged in  %s", tui->server);
	if (tui->message[0] != '\0' && tui->message_error && !tui->confirm.active)
		tui_put(y, 0, COLS - sw, left,
		    tui_attr(tui, TUI_COLOR_ERROR, A_REVERSE) | A_BOLD);
	else
		tui_put(y, 0, COLS - sw, left, bar |
		    (tui->confirm.active ? A_BOLD : 0));
	tui_put(y, COLS - sw + 1, sw - 1, state,
	    (tui->feed_state == FEED_LIVE && tui->feed != NULL ?
	    tui_attr(tui, TUI_COLOR_LIVE, A_REVERSE) : bar) | A_BOLD);
}

void
tui_draw(struct tui *tui)
{
	struct view *v = tui_top(tui);
	unsigned bar = tui_attr(tui, TUI_COLOR_BAR, A_REVERSE);
	int rw;

	if (!tui->dirty)
		return;
	tui->dirty = false;
	erase();
	if (v != NULL) {
		v->title[0] = v->title_right[0] = '\0';
		v->type->draw(v, tui);
		attron((int)bar);
		mvhline(0, 0, ' ', COLS);
		attroff((int)bar);
		rw = v->title_right[0] != '\0' ? text_width(v->title_right) + 2 :
		    0;
		tui_put(0, 0, COLS - rw, v->title, bar | A_BOLD);
		if (rw > 0)
			tui_put(0, COLS - rw + 1, rw - 1, v->title_right,
			    tui_attr(tui, TUI_COLOR_NEW, A_REVERSE) | A_BOLD);
	}
	tui_draw_status(tui);
	refresh();
}

void
tui_redraw_all(struct tui *tui)
{
	clearok(curscr, TRUE);
	tui->dirty = true;
	tui_draw(tui);
}

void
tui_broadcast_tweet(struct tui *tui, const struct tweet *t)
{
	int i;

	for (i = 0; i < tui->depth; i++)
		if (tui->stack[i]->type->on_tweet != NULL)
			tui->stack[i]->type->on_tweet(tui->stack[i], tui, t);
	tui->dirty = true;
}

void
tui_broadcast_delete(struct tui *tui, int64_t id)
{
	int i;

	for (i = 0; i < tui->depth; i++)
		if (tui->stack[i]->type->on_delete != NULL)
			tui->stack[i]->type->on_delete(tui->stack[i], tui, id);
	tui->dirty = true;
}

void
tui_broadcast_update(struct tui *tui, const struct tweet *t)
{
	int i;

	for (i = 0; i < tui->depth; i++)
		if (tui->stack[i]->type->on_update != NULL)
			tui->stack[i]->type->on_update(tui->stack[i], tui, t);
	tui->dirty = true;
}

const struct tweet *
tui_find_tweet(struct tui *tui, int64_t id)
{
	const struct tweet *t;
	int i;

	for (i = tui->depth - 1; i >= 0; i--)
		if (tui->stack[i]->type->find != NULL &&
		    (t = tui->stack[i]->type->find(tui->stack[i], id)) != NULL)
			return t;
	return NULL;
}

void
tui_feed_event(json_t *event, const char *raw, void *arg)
{
	struct tui *tui = arg;
	const char *type = json_string_value(json_object_get(event, "type"));
	struct tweet t;
	int64_t id;

	(void)raw;
	if (type == NULL)
		return;
	if (strcmp(type, "tweet") == 0) {
		if (!model_tweet_parse(json_object_get(event, "tweet"), &t))
			return;
		tui_broadcast_tweet(tui, &t);
		model_tweet_release(&t);
	} else if (strcmp(type, "delete") == 0) {
		if (model_get_id(event, "tweetId", &id)) {
			tui_broadcast_delete(tui, id);
			parent_forget(tui, id);
		}
	} else if (strcmp(type, "notification") == 0 ||
	    strcmp(type, "notification_delete") == 0) {
		notify_event(tui, type, event);
	} else if (strcmp(type, "reset") == 0) {
		/* what happened while away cannot be replayed: reload */
		tui->feed_reset = true;
	}
	tui_draw(tui);
}

void
tui_feed_state(enum feed_state state, int retry_in_s, void *arg)
{
	struct tui *tui = arg;

	/* a home timeline that could not load at the start loads now */
	if (state == FEED_LIVE && tui->feed_state != FEED_LIVE &&
	    tui->logged_in && tui->depth > 0 &&
	    tui->stack[0]->type == &view_timeline_type &&
	    view_timeline_newest(tui->stack[0]) == 0)
		tui->stack[0]->type->reload(tui->stack[0], tui);
	tui->feed_state = state;
	if (state == FEED_RECONNECTING)
		tui->retry_at_ms = time_mono_ms() + (int64_t)retry_in_s * 1000;
	if (state == FEED_REFUSED && tui->logged_in) {
		/* the token expired or the account is gone */
		tui->logged_in = false;
		tui_error(tui, "the live feed refused the token; log in again");
		view_login_open(tui);
	}
	tui->dirty = true;
	tui_draw(tui);
}

size_t
tui_tweets_parse(const json_t *answer, struct tweet **out)
{
	const json_t *arr = json_object_get(answer, "tweets");
	size_t i, n = 0;

	*out = NULL;
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return 0;
	*out = xcalloc(json_array_size(arr), sizeof **out);
	for (i = 0; i < json_array_size(arr); i++)
		if (model_tweet_parse(json_array_get(arr, i), &(*out)[n]))
			n++;
	return n;
}

void
tui_tweets_free(struct tweet *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		model_tweet_release(&t[i]);
	free(t);
}

/* Start (or restart) the live feed after the newest tweet on screen. */
static void
tui_feed_start(struct tui *tui)
{
	struct feed_client_config cfg;
	int64_t since = 0;

	feed_client_free(tui->feed);
	tui->feed = NULL;
	if (tui->depth > 0 && tui->stack[0]->type == &view_timeline_type)
		since = view_timeline_newest(tui->stack[0]);
	memset(&cfg, 0, sizeof cfg);
	cfg.server = tui->server;
	cfg.token = tui->cred.token;
	cfg.since = since;
	cfg.on_event = tui_feed_event;
	cfg.on_state = tui_feed_state;
	cfg.arg = tui;
	tui->feed_state = FEED_CONNECTING;
	tui->feed = feed_client_new(&cfg);
	if (tui->feed == NULL) {
		tui_error(tui, "cannot start the live feed");
		return;
	}
	if (tui->watch_stdin != NULL)
		feed_client_watch_fd(tui->feed, 0, tui->watch_stdin, tui);
}

void
tui_session_start(struct tui *tui)
{
	tui->session_start = true;
}

/* The home timeline, the follow list and the feed for a fresh login. */
static void
tui_session_begin(struct tui *tui)
{
	while (tui->depth > 0)
		tui_pop(tui);
	tui->running = true;
	tui->logged_in = true;
	api_set_token(tui->api, tui->cred.token);
	view_timeline_open_home(tui);
	if (!tui->logged_in)
		return;		/* the token was refused: the login shows */
	follow_load(tui);
	if (tui->quick_api == NULL) {
		tui->quick_api = api_new(tui->server, NULL);
		api_set_timeout(tui->quick_api, PARENT_TIMEOUT_MS);
	}
	api_set_token(tui->quick_api, tui->cred.token);
	if (tui->parents == NULL)
		tui->parents = parent_cache_new();
	tui->have_unread = false;
	tui->unread = 0;
	notify_load(tui);
	tui_feed_start(tui);
}

/*
 * The feed could not resume where it was (a "reset"): entries and deletes
 * from while it was lost are unknown, so every view loads again; a
 * timeline keeps its selected tweet, or the nearest older one.
 */
static void
tui_feed_reload(struct tui *tui)
{
	int i;

	if (!tui->logged_in)
		return;
	/* first, so that a failed reload's error replaces it */
	tui_message(tui, "the live feed could not resume: reloaded");
	/* a refused token opens the login on top: stop there */
	for (i = 0; i < tui->depth && tui->logged_in; i++)
		if (tui->stack[i]->type->reload != NULL)
			tui->stack[i]->type->reload(tui->stack[i], tui);
	tui->unread_refresh = true;
	tui->dirty = true;
}

void
tui_poll(struct tui *tui)
{
	int64_t up_to;

	if (tui->session_start) {
		tui->session_start = false;
		tui_session_begin(tui);
	}
	if (tui->feed_reconnect) {
		tui->feed_reconnect = false;
		if (tui->feed != NULL)
			feed_client_reconnect(tui->feed);
	}
	if (tui->feed_reset) {
		tui->feed_reset = false;
		tui_feed_reload(tui);
	}
	if (tui->notify_mark > 0 && tui->logged_in) {
		up_to = tui->notify_mark;
		tui->notify_mark = 0;
		notify_mark_read(tui, up_to);
	}
	if (tui->unread_refresh && tui->logged_in) {
		tui->unread_refresh = false;
		notify_load(tui);
	}
	if (parent_poll(tui))
		tui->dirty = true;
}
