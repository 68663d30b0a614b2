/*
 * tui.h: chirp-tui's context, its stack of views and the drawing helpers
 * they share. Each view is one file (view-*.c, after tmux's window-*.c
 * modes) that exports a const struct view_type with its key table; the
 * help screen is drawn from those tables.
 */
#ifndef CHIRP_TUI_H
#define CHIRP_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api_client.h"
#include "credentials.h"
#include "feed_client.h"
#include "model.h"

/* A key: a character (a code point) or TUI_KEY_FN | a curses KEY_ code. */
#define TUI_KEY_FN 0x40000000
#define TUI_KEY_ESC 0x1b
#define TUI_KEY_CTRL(c) ((c) & 0x1f)
#define TUI_STACK_MAX 16
#define TUI_PAGE 40		/* tweets asked for per page */

struct tui;
struct view;

/* One line of a key table: the key, its name in help, what it does. */
struct tui_binding {
	int key;
	const char *name;	/* NULL: same action as the line above */
	const char *help;
	void (*fn)(struct view *, struct tui *);
};

struct view_type {
	const char *name;	/* for the help screen */
	const struct tui_binding *keys;	/* ends with a zero line */
	bool text_input;	/* keys are text: no global keys */
	void (*free)(struct view *);	/* NULL: free(view->data) */
	/* rows 1..LINES-2 are the view's; the title goes in view->title */
	void (*draw)(struct view *, struct tui *);
	/* a key not in keys (text, for input views); may be NULL */
	void (*key)(struct view *, struct tui *, int key);
	/* live events and refresh; each may be NULL */
	void (*on_tweet)(struct view *, struct tui *, const struct tweet *);
	void (*on_delete)(struct view *, struct tui *, int64_t id);
	void (*reload)(struct view *, struct tui *);
	/* the counts and flags of a tweet changed (a like's answer) */
	void (*on_update)(struct view *, struct tui *, const struct tweet *);
	/* a loaded tweet by id, or NULL (for "replying to @user") */
	const struct tweet *(*find)(struct view *, int64_t id);
	/* a live notification (its API object, borrowed) or its removal */
	void (*on_notification)(struct view *, struct tui *, const json_t *);
	void (*on_notification_delete)(struct view *, struct tui *, int64_t);
};

struct view {
	const struct view_type *type;
	void *data;		/* the view's own, freed by type->free */
	char title[160];
	char title_right[64];
};

/* A question on the status line, answered with y or n. */
struct tui_confirm {
	bool active;
	char question[128];
	int64_t id;
	void (*yes)(struct tui *, int64_t id);
};

struct tui {
	struct api *api;
	char *server;		/* owned */
	struct credentials cred;	/* token and user when logged in */
	bool logged_in;
	struct feed_client *feed;
	enum feed_state feed_state;
	int64_t retry_at_ms;	/* monotonic, while reconnecting */
	bool session_start;	/* a login happened: start the session */
	bool feed_reconnect;	/* reconnect now (after a suspend) */
	bool feed_reset;	/* the feed could not resume: reload the views */

	struct view *stack[TUI_STACK_MAX];
	int depth;

	char message[256];
	bool message_error;
	struct tui_confirm confirm;

	int64_t *following;	/* ids the user follows (follow.c) */
	size_t nfollowing;
	size_t capfollowing;

	/* the caller's unread notifications, when the service answered */
	bool have_unread;
	int64_t unread;
	bool unread_refresh;	/* ask the server again (at tui_poll) */
	int64_t notify_mark;	/* mark read up to this id at tui_poll; 0 */

	/* the authors of replies' parents not on screen (parent.c) */
	struct parent_cache *parents;
	struct api *quick_api;	/* short timeout, for those lookups */
	bool utf8;		/* the locale draws UTF-8: symbols, not words */

	/* reads the terminal when it is readable (main.c) */
	void (*watch_stdin)(int fd, void *arg);

	bool colors;
	bool running;
	bool dirty;
};

/* The view types, for the help screen: each view-*.c exports one. */
extern const struct view_type view_login_type;
extern const struct view_type view_timeline_type;
extern const struct view_type view_users_type;
extern const struct view_type view_compose_type;
extern const struct view_type view_find_type;
extern const struct view_type view_help_type;
extern const struct view_type view_thread_type;
extern const struct view_type view_notifications_type;
extern const struct view_type view_profile_type;
extern const struct view_type *const view_table[];
extern const struct tui_binding tui_global_keys[];

/* Colour pairs. */
enum {
	TUI_COLOR_NAME = 1,
	TUI_COLOR_BAR,
	TUI_COLOR_ERROR,
	TUI_COLOR_NEW,
	TUI_COLOR_DIM,
	TUI_COLOR_LIVE,
};

/* The stack of views: push takes ownership; pop frees the top one. */
void tui_push(struct tui *, struct view *);
void tui_pop(struct tui *);
void tui_pop_to_home(struct tui *);
struct view *tui_top(struct tui *);
struct view *tui_view_new(const struct view_type *, void *data);

/* A key's action for any table: close the top view (tui_pop). */
void tui_key_back(struct view *, struct tui *);

/* A message on the status line until the next key; printf-like. */
void tui_message(struct tui *, const char *, ...)
	__attribute__((format(printf, 2, 3)));
void tui_error(struct tui *, const char *, ...)
	__attribute__((format(printf, 2, 3)));
/* Show an API failure; a refused token sends the user to the login. */
void tui_api_error(struct tui *, const char *what,
    const struct api_error *);
void tui_ask(struct tui *, const char *question, int64_t id,
    void (*yes)(struct tui *, int64_t));

/* One key from the terminal: the confirm, the view's table, the globals. */
void tui_key(struct tui *, int key);
/* Draw everything when something changed. */
void tui_draw(struct tui *);
void tui_redraw_all(struct tui *);

/* The live feed's callbacks (feed_client_config.on_event / on_state). */
void tui_feed_event(json_t *event, const char *raw, void *arg);
void tui_feed_state(enum feed_state, int retry_in_s, void *arg);
/* Hand a tweet or a deletion to every open view. */
void tui_broadcast_tweet(struct tui *, const struct tweet *);
void tui_broadcast_delete(struct tui *, int64_t id);
/* Hand the new counts and flags of a tweet to every open view. */
void tui_broadcast_update(struct tui *, const struct tweet *);
/* A loaded tweet of any open view by id, or NULL. */
const struct tweet *tui_find_tweet(struct tui *, int64_t id);

/* After a login: the home timeline, the follow list, the live feed (at
 * the next tui_poll). */
void tui_session_start(struct tui *);
/*
 * What must not run inside a callback of the feed (which is where keys are
 * read): starting the session after a login, reconnecting after a suspend,
 * reloading the views after the feed said "reset". main.c calls it after
 * each turn of the loop.
 */
void tui_poll(struct tui *);

/* Drawing: text cut to width columns at (y, x), with attributes. */
void tui_put(int y, int x, int width, const char *text, unsigned attr);
/* Row y as the selected one: reversed across the screen, ">" at its left. */
void tui_put_selected(int y);
/* Text with attributes of a colour pair when the terminal has colours. */
unsigned tui_attr(const struct tui *, int pair, unsigned fallback);

/* Parse {"tweets":[...]} into an array; caller frees with tui_tweets_free. */
size_t tui_tweets_parse(const json_t *answer, struct tweet **out);
void tui_tweets_free(struct tweet *, size_t);

/* Views that others open. */
void view_timeline_open_home(struct tui *);
/* The newest tweet id of a timeline view (the feed's since). */
int64_t view_timeline_newest(struct view *);
void view_timeline_open_user(struct tui *, int64_t user_id,
    const char *username);
void view_users_open(struct tui *, int64_t user_id, const char *username,
    bool followers);
void view_login_open(struct tui *);
void view_compose_open(struct tui *);
/* Compose a reply to parent (borrowed; its id and author are kept). */
void view_compose_open_reply(struct tui *, const struct tweet *parent);
void view_thread_open(struct tui *, int64_t tweet_id);
void view_notifications_open(struct tui *);
void view_profile_open(struct tui *);
void view_find_open(struct tui *);
void view_help_open(struct tui *);

#endif
