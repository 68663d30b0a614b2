/*
 * view-timeline.c: a timeline on screen: the home timeline, a user's, or
 * your own. New entries arrive live at the top; scrolled away from the top
 * the view stays put and the title counts them ("3 new"). Moving past the
 * end loads older entries.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "follow.h"
#include "social.h"
#include "text.h"
#include "timeline.h"
#include "timeutil.h"
#include "tui.h"
#include "xmalloc.h"

struct view_timeline {
	struct timeline tl;
	bool home;
	int64_t user_id;	/* whose timeline; yourself for home */
	char username[33];
	bool have_profile;
	int64_t followers;
	int64_t followings;
	int page;		/* entries on one screen, for PgDn */
	int rows;		/* rows and text columns of the last draw */
	int width;
};

/* Columns of the text of an entry. */
static int
view_timeline_text_width(void)
{
	return COLS - 4 > 8 ? COLS - 4 : 8;
}

/* Rows an entry takes (entry.h). */
static int
view_timeline_height(const struct tweet *t, int width)
{
	return entry_height(t, width);
}

static void
view_timeline_profile(struct view_timeline *vt, struct tui *tui)
{
	struct api_error err;
	json_t *answer = NULL;
	char path[64];

	snprintf(path, sizeof path, "/users/%lld", (long long)vt->user_id);
	if (api_call(tui->api, "GET", path, NULL, NULL, &answer, &err) !=
	    API_OK)
		return;
	vt->followers = json_integer_value(json_object_get(answer,
	    "followersCount"));
	vt->followings = json_integer_value(json_object_get(answer,
	    "followingsCount"));
	vt->have_profile = true;
	json_decref(answer);
}

/* GET a page of this timeline: limit entries, before an id (0: newest). */
static int
view_timeline_fetch(struct view_timeline *vt, struct tui *tui, int limit,
    int64_t before, struct tweet **items, size_t *n)
{
	struct api_error err;
	json_t *answer = NULL;
	char path[160], extra[48] = "";

	*items = NULL;
	*n = 0;
	if (before > 0)
		snprintf(extra, sizeof extra, "&before=%lld",
		    (long long)before);
	snprintf(path, sizeof path, "/tweets/%s/%lld?limit=%d%s",
	    vt->home ? "homeTimeline" : "userTimeline",
	    (long long)vt->user_id, limit, extra);
	if (api_call(tui->api, "GET", path, NULL, NULL, &answer, &err) !=
	    API_OK) {
		tui_api_error(tui, "cannot load the timeline", &err);
		return -1;
	}
	*n = tui_tweets_parse(answer, items);
	json_decref(answer);
	return 0;
}

/* The newest page again, as long as what is loaded (up to 100). */
static void
view_timeline_refresh(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;
	struct tweet *items;
	size_t n;
	int limit = TUI_PAGE;

	if (vt->tl.len > (size_t)limit)
		limit = vt->tl.len > 100 ? 100 : (int)vt->tl.len;
	if (view_timeline_fetch(vt, tui, limit, 0, &items, &n) < 0)
		return;
	timeline_replace(&vt->tl, items, n, n == (size_t)limit);
	tui_tweets_free(items, n);
	if (!vt->home)
		view_timeline_profile(vt, tui);
	tui->dirty = true;
}

static void
view_timeline_older(struct view_timeline *vt, struct tui *tui)
{
	struct tweet *items;
	size_t n;

	if (vt->tl.at_end || vt->tl.len == 0)
		return;
	if (view_timeline_fetch(vt, tui, TUI_PAGE, timeline_oldest_id(&vt->tl),
	    &items, &n) < 0)
		return;
	timeline_append_older(&vt->tl, items, n, TUI_PAGE);
	tui_tweets_free(items, n);
}

/* After a move: at the last entry, bring the next older page. */
static void
view_timeline_moved(struct view_timeline *vt, struct tui *tui)
{
	if (vt->tl.len > 0 && vt->tl.selected + 1 >= vt->tl.len)
		view_timeline_older(vt, tui);
}

static void
view_timeline_down(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;

	if (vt->tl.len > 0 && vt->tl.selected + 1 >= vt->tl.len) {
		view_timeline_older(vt, tui);
		if (vt->tl.at_end && vt->tl.selected + 1 >= vt->tl.len)
			tui_message(tui, "the end of the timeline");
	}
	timeline_move(&vt->tl, 1);
	view_timeline_moved(vt, tui);
}

static void
view_timeline_up(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;

	(void)tui;
	timeline_move(&vt->tl, -1);
	if (vt->tl.selected == 0)
		timeline_set_top(&vt->tl, 0);
}

static void
view_timeline_first(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;

	(void)tui;
	timeline_select(&vt->tl, 0);
	timeline_set_top(&vt->tl, 0);
}

static void
view_timeline_last(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;

	timeline_select(&vt->tl, SIZE_MAX);
	view_timeline_moved(vt, tui);
}

static void
view_timeline_page_down(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;

	timeline_move(&vt->tl, vt->page > 1 ? vt->page : 1);
	timeline_set_top(&vt->tl, vt->tl.selected);
	view_timeline_moved(vt, tui);
}

static void
view_timeline_page_up(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;
	struct timeline *tl = &vt->tl;
	size_t top = tl->top;
	int sum = 0, h;

	(void)tui;
	/* the entries that fill the screen above the first one shown (the
	 * blank line under the last of them may fall off, as PgDn counts) */
	while (top > 0) {
		h = view_timeline_height(&tl->items[top - 1], vt->width);
		if (sum + h - 1 > vt->rows && top < tl->top)
			break;
		sum += h;
		top--;
	}
	timeline_select(tl, top);
	timeline_set_top(tl, top);
}

static void
view_timeline_compose(struct view *v, struct tui *tui)
{
	(void)v;
	view_compose_open(tui);
}

static void
view_timeline_reply(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;
	const struct tweet *t = timeline_selected(&vt->tl);

	if (t != NULL)
		view_compose_open_reply(tui, entry_shown(t));
}

static void
view_timeline_like(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;
	const struct tweet *t = timeline_selected(&vt->tl);

	if (t != NULL)
		social_like(tui, t);
}

static void
view_timeline_repost(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;
	const struct tweet *t = timeline_selected(&vt->tl);

	if (t != NULL)
		social_repost(tui, t);
}

static void
view_timeline_thread(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;
	const struct tweet *t = timeline_selected(&vt->tl);

	if (t != NULL)
		view_thread_open(tui, entry_shown(t)->id);
}

static void
view_timeline_delete_yes(struct tui *tui, int64_t id)
{
	struct api_error err;
	json_t *answer = NULL;
	char path[64];
	enum api_status st;

	snprintf(path, sizeof path, "/tweets/%lld", (long long)id);
	st = api_call(tui->api, "DELETE", path, NULL, NULL, &answer, &err);
	json_decref(answer);
	if (st != API_OK && st != API_NOT_FOUND) {
		tui_api_error(tui, "cannot delete", &err);
		return;
	}
	tui_broadcast_delete(tui, id);
	tui_message(tui, "deleted");
}

static void
view_timeline_delete(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;
	const struct tweet *t = timeline_selected(&vt->tl);
	char q[128], *text;

	if (t == NULL)
		return;
	if (t->user_id != tui->cred.user_id) {
		tui_error(tui, "you can only delete your own tweets");
		return;
	}
	text = text_fit(entry_shown(t)->content, 40);
	snprintf(q, sizeof q, "delete \"%s\"? (y/n)", text);
	free(text);
	tui_ask(tui, q, t->id, view_timeline_delete_yes);
}

static void
view_timeline_follow(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;
	const struct tweet *t = timeline_selected(&vt->tl);
	char name[33];
	int64_t id;

	if (t == NULL) {
		if (vt->home || vt->user_id == tui->cred.user_id)
			return;
		id = vt->user_id;
		snprintf(name, sizeof name, "%s", vt->username);
	} else {
		id = t->user_id;
		snprintf(name, sizeof name, "%s", t->username);
	}
	/* refreshes the home timeline, which may be this very view */
	follow_toggle(tui, id, name);
	if (!vt->home)
		view_timeline_profile(vt, tui);
}

static void
view_timeline_author(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;
	const struct tweet *t = timeline_selected(&vt->tl);

	if (t == NULL)
		return;
	if (!vt->home && t->user_id == vt->user_id) {
		tui_message(tui, "this is @%s's timeline", vt->username);
		return;
	}
	view_timeline_open_user(tui, t->user_id, t->username);
}

static void
view_timeline_reload(struct view *v, struct tui *tui)
{
	view_timeline_refresh(v, tui);
	tui_message(tui, "refreshed");
}

static void
view_timeline_followers(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;

	view_users_open(tui, vt->user_id, vt->username, true);
}

static void
view_timeline_following(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;

	view_users_open(tui, vt->user_id, vt->username, false);
}

static const struct tui_binding view_timeline_keys[] = {
	{ 'j', "j, down", "next tweet (older)", view_timeline_down },
	{ TUI_KEY_FN | KEY_DOWN, NULL, NULL, view_timeline_down },
	{ 'k', "k, up", "previous tweet (newer)", view_timeline_up },
	{ TUI_KEY_FN | KEY_UP, NULL, NULL, view_timeline_up },
	{ 'g', "g, Home", "newest tweet", view_timeline_first },
	{ TUI_KEY_FN | KEY_HOME, NULL, NULL, view_timeline_first },
	{ 'G', "G, End", "oldest loaded tweet", view_timeline_last },
	{ TUI_KEY_FN | KEY_END, NULL, NULL, view_timeline_last },
	{ TUI_KEY_FN | KEY_NPAGE, "PgDn", "a screen down",
	    view_timeline_page_down },
	{ ' ', NULL, NULL, view_timeline_page_down },
	{ TUI_KEY_FN | KEY_PPAGE, "PgUp", "a screen up",
	    view_timeline_page_up },
	{ 'c', "c", "compose a tweet", view_timeline_compose },
	{ 'd', "d", "delete your selected tweet", view_timeline_delete },
	{ 'f', "f", "follow or unfollow the selected author",
	    view_timeline_follow },
	{ 'a', "a", "the selected author's timeline", view_timeline_author },
	{ '\r', "Enter", "the selected tweet's thread", view_timeline_thread },
	{ '\n', NULL, NULL, view_timeline_thread },
	{ TUI_KEY_FN | KEY_ENTER, NULL, NULL, view_timeline_thread },
	{ 'r', "r", "reply to the selected tweet", view_timeline_reply },
	{ 'l', "l", "like or unlike the selected tweet", view_timeline_like },
	{ 't', "t", "repost or unrepost the selected tweet",
	    view_timeline_repost },
	{ 'R', "R", "refresh", view_timeline_reload },
	{ 'F', "F", "followers of this timeline's user",
	    view_timeline_followers },
	{ 'W', "W", "whom this timeline's user follows",
	    view_timeline_following },
	{ 0, NULL, NULL, NULL },
};

/* Move the view so that the selected entry is on screen. */
static void
view_timeline_scroll(struct view_timeline *vt, int rows, int width)
{
	struct timeline *tl = &vt->tl;
	size_t top = tl->top, i;
	int sum = 0;

	if (tl->len == 0)
		return;
	if (tl->selected < top)
		top = tl->selected;
	for (i = top; i <= tl->selected; i++)
		sum += view_timeline_height(&tl->items[i], width);
	if (sum > rows) {
		top = tl->selected;
		sum = view_timeline_height(&tl->items[top], width);
		while (top > 0) {
			int h = view_timeline_height(&tl->items[top - 1],
			    width);

			if (sum + h > rows)
				break;
			sum += h;
			top--;
		}
	}
	timeline_set_top(tl, top);
}

static void
view_timeline_draw(struct view *v, struct tui *tui)
{
	struct view_timeline *vt = v->data;
	struct timeline *tl = &vt->tl;
	int width = view_timeline_text_width(), y = 1, last = LINES - 2;
	unsigned dim = tui_attr(tui, TUI_COLOR_DIM, A_DIM);
	size_t i;
	int fully = 0;

	if (vt->home)
		snprintf(v->title, sizeof v->title, " chirp: home");
	else if (vt->have_profile)
		snprintf(v->title, sizeof v->title,
		    " @%s: %lld followers, %lld following%s", vt->username,
		    (long long)vt->followers, (long long)vt->followings,
		    vt->user_id == tui->cred.user_id ? " (you)" :
		    follow_contains(tui, vt->user_id) ? ", followed" : "");
	else
		snprintf(v->title, sizeof v->title, " @%s", vt->username);
	vt->rows = last;
	vt->width = width;
	view_timeline_scroll(vt, last, width);
	if (tl->new_count > 0)
		snprintf(v->title_right, sizeof v->title_right, "%zu new ^",
		    tl->new_count);
	if (tl->len == 0) {
		tui_put(2, 2, COLS - 4, vt->home ?
		    "Nothing here yet. Press c to write a tweet, / to find "
		    "people to follow." : "No tweets yet.", dim);
		return;
	}
	for (i = tl->top; i < tl->len && y <= last; i++) {
		const struct tweet *t = &tl->items[i];

		y += entry_draw(tui, t, y, 2, width, last, i == tl->selected);
		/* drawn whole: the text and counts fit, the blank may not */
		if (y - 1 <= last + 1)
			fully++;
	}
	vt->page = fully > 0 ? fully : 1;
	if (i == tl->len && y <= last)
		tui_put(y, 2, COLS - 4, tl->at_end ? "- end of the timeline -" :
		    "- j for older tweets -", dim);
}

static void
view_timeline_on_tweet(struct view *v, struct tui *tui,
    const struct tweet *t)
{
	struct view_timeline *vt = v->data;

	(void)tui;
	if (vt->home || t->user_id == vt->user_id)
		timeline_insert(&vt->tl, t);
}

static void
view_timeline_on_delete(struct view *v, struct tui *tui, int64_t id)
{
	struct view_timeline *vt = v->data;

	(void)tui;
	timeline_remove(&vt->tl, id);
}

static void
view_timeline_on_update(struct view *v, struct tui *tui,
    const struct tweet *u)
{
	struct view_timeline *vt = v->data;
	size_t i;

	(void)tui;
	for (i = 0; i < vt->tl.len; i++)
		entry_apply(&vt->tl.items[i], u);
}

static const struct tweet *
view_timeline_find(struct view *v, int64_t id)
{
	struct view_timeline *vt = v->data;
	long i = timeline_find(&vt->tl, id);

	return i >= 0 ? &vt->tl.items[i] : NULL;
}

static void
view_timeline_free(struct view *v)
{
	struct view_timeline *vt = v->data;

	timeline_release(&vt->tl);
	free(vt);
}

const struct view_type view_timeline_type = {
	.name = "timeline",
	.keys = view_timeline_keys,
	.free = view_timeline_free,
	.draw = view_timeline_draw,
	.on_tweet = view_timeline_on_tweet,
	.on_delete = view_timeline_on_delete,
	.reload = view_timeline_refresh,
	.on_update = view_timeline_on_update,
	.find = view_timeline_find,
};

static void
view_timeline_open(struct tui *tui, bool home, int64_t user_id,
    const char *username)
{
	struct view_timeline *vt = xcalloc(1, sizeof *vt);
	struct view *v = tui_view_new(&view_timeline_type, vt);

	timeline_init(&vt->tl);
	vt->home = home;
	vt->user_id = user_id;
	snprintf(vt->username, sizeof vt->username, "%s", username);
	tui_push(tui, v);
	view_timeline_refresh(v, tui);
}

void
view_timeline_open_home(struct tui *tui)
{
	view_timeline_open(tui, true, tui->cred.user_id, tui->cred.username);
}

void
view_timeline_open_user(struct tui *tui, int64_t user_id,
    const char *username)
{
	view_timeline_open(tui, false, user_id, username);
}

int64_t
view_timeline_newest(struct view *v)
{
	struct view_timeline *vt = v->data;

	return timeline_newest_id(&vt->tl);
}
